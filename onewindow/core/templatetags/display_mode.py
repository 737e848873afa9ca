"""The display mode in templates: `{% load display_mode %}` then, in a base template,
`{% display_stylesheet %}` in the head and `{% display_switch %}` where the switch shows.

Both read the visitor's cookie through `core.display`, so a page extending such a base
template follows the mode with no code of its own.
"""

from __future__ import annotations

from typing import Any

from django import template

from onewindow.core.display import ELDER, STANDARD, display_mode

register = template.Library()


@register.simple_tag(takes_context=True)
def elder_mode(context: template.Context) -> bool:
    """`{% elder_mode as elder %}`: True when the visitor chose the elderly-friendly mode."""
    return display_mode(context.get("request")) == ELDER


@register.inclusion_tag("core/display_stylesheet.html", takes_context=True)
def display_stylesheet(context: template.Context) -> dict[str, Any]:
    return {"elder": display_mode(context.get("request")) == ELDER}


@register.inclusion_tag("core/display_switch.html", takes_context=True)
def display_switch(context: template.Context, look: str = "light") -> dict[str, Any]:
    """The switch: one button naming the other mode. `look` is `light` on a dark bar, `link` on a light page."""
    request = context.get("request")
    current = display_mode(request)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "elder": current == ELDER,
        "other": STANDARD if current == ELDER else ELDER,
        "next": request.get_full_path() if request is not None else "/",
        "look": look,
    }
