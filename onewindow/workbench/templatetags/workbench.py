"""Template helpers every workbench page shares: the deadline light, role checks, select options."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from onewindow.core import calendar, clock
from onewindow.core.fields import mask_name

register = template.Library()

# Working days left at or below which a deadline turns yellow (red once it is due or past).
YELLOW_AT = 2


def days_left(deadline: dt.date | dt.datetime | None, today: dt.date | None = None) -> int | None:
    """Working days from today to the deadline's day (0 on the day itself, negative when past)."""
    if deadline is None:
        return None
    if isinstance(deadline, dt.datetime):
        deadline = timezone.localtime(deadline).date()
    return calendar.working_days_between(today or clock.today(), deadline)


@register.simple_tag
def light(deadline: dt.date | dt.datetime | None, paused: bool = False) -> Any:
    """A green, yellow or red dot with the working days left written beside it (never colour alone)."""
    return light_html(days_left(deadline), bool(paused))


def light_html(left: int | None, paused: bool = False) -> SafeString | str:
    """The light for `left` working days (`days_left`); "" without a deadline. A list computes
    today once and calls this per row (`light` asks the clock again for every call)."""
    if left is None:
        return ""
    if paused:
        return format_html('<span class="wb-light wb-light-paused" aria-hidden="true"></span>{}', _("paused"))
    if left < 0:
        colour, text = (
            "red",
            ngettext("%(n)d working day overdue", "%(n)d working days overdue", -left) % {"n": -left},
        )
    elif left == 0:
        colour, text = "red", _("due today")
    else:
        colour = "yellow" if left <= YELLOW_AT else "green"
        text = ngettext("%(n)d working day left", "%(n)d working days left", left) % {"n": left}
    return format_html(
        '<span class="wb-light wb-light-{}" aria-hidden="true"></span><span class="wb-days">{}</span>',
        colour,
        text,
    )


@register.simple_tag
def options(choices: Iterable[tuple[Any, Any]], selected: Any = "") -> SafeString:
    """A select's `<option>`s, the one whose value reads as `selected` marked, escaped as the
    template's autoescape would (`html.escape`, what `django.utils.html.escape` applies; safe
    text left as it is). One pass in Python: the case search offers every item of the center
    (hundreds), and the same loop in the template cost more than the page's 50 rows
    (docs/performance.md)."""
    chosen = str(selected)
    parts = []
    for code, text in choices:
        value = str(code)
        mark = " selected" if value == chosen else ""
        label = text if isinstance(text, SafeData) else html.escape(str(text))
        parts.append(f'<option value="{html.escape(value)}"{mark}>{label}</option>')
    return mark_safe("".join(parts))  # noqa: S308 - every value and text escaped above


@register.filter
def has_role(staff: Any, role: str) -> bool:
    return bool(staff is not None and staff.has_role(role))


@register.filter
def masked_name(applicant: Any) -> str:
    """An applicant's name as lists show it: a person's masked (张**), an organisation's in full."""
    if applicant is None:
        return ""
    if getattr(applicant, "kind", "") == "organisation":
        return str(applicant.name)
    return mask_name(applicant.name)


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """`mapping[key]`, or "" when absent (a form's values and errors by field name)."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
