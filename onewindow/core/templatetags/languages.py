"""The language switch's target: this page's address in the other language.

Unprefixed addresses are always Chinese (`prefix_default_language=False`), so Django's
`set_language` view, which runs on an unprefixed address, cannot resolve `/en/…` itself to turn
it back into Chinese. The page translates its own address while its language is active, and
the switch posts that as `next`.
"""

from __future__ import annotations

from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def translated_path(context: template.Context, language: str) -> str:
    request = context.get("request")
    if request is None:
        return "/"
    return translate_url(request.get_full_path(), language)


@register.filter
def html_lang(language_code: str) -> str:
    """Django's language code as the BCP 47 tag `lang=` wants: `zh-hans` → `zh-Hans` (GB/T 37668
    and screen readers pick the Chinese voice from it), `en` → `en`."""
    primary, _, rest = (language_code or "").partition("-")
    if not rest:
        return primary
    subtags = [
        part.title() if len(part) == 4 else part.upper() if len(part) == 2 else part
        for part in rest.split("-")
    ]
    return "-".join([primary, *subtags])
