"""The unified form (一表申请) of one or more items: every field asked once, each value checked by its kind.

A bundle's items may ask the same key; it is asked once, required if any item requires
it, with its kind and choices from the first item that asks it. The engine checks the
form when an application is submitted (a draft may be saved half-filled).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from onewindow.cases.errors import CaseError, case_error
from onewindow.cases.selectors import FieldPlan, VersionPlan


def check_form(plans: Sequence[VersionPlan], form_data: Any) -> dict[str, Any]:
    """The unified form of these items, filled in: every key asked once (required if any item
    requires it, its kind and choices from the first item that asks it), values checked by
    kind. Returns the form with dates as ISO strings and yes/no as booleans; refuses keys
    the form does not ask and the first missing or invalid value, naming it."""
    fields: dict[str, FieldPlan] = {}
    required: set[str] = set()
    for plan in plans:
        for f in plan.form_fields:
            fields.setdefault(f.key, f)
            if f.required:
                required.add(f.key)
    if not isinstance(form_data, dict):
        raise case_error("FIELD_INVALID", field="form_data", reason=_("not a form"))
    for key in form_data:
        if key not in fields:
            raise case_error(
                "FIELD_INVALID", field=f"form_data.{key}", label=key, reason=_("not a field of this form")
            )
    clean: dict[str, Any] = {}
    for key, f in fields.items():
        value = form_data.get(key)
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if key in required:
                raise case_error("FIELD_REQUIRED", field=f"form_data.{key}", label=f.label)
            continue
        clean[key] = _form_value(f, value)
    return clean


def _form_value(f: FieldPlan, value: Any) -> Any:
    def invalid(reason: str) -> CaseError:
        return case_error("FIELD_INVALID", field=f"form_data.{f.key}", label=f.label, reason=reason)

    if f.kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise invalid(_("not a number"))
        try:
            number = float(value)
        except ValueError:
            raise invalid(_("not a number")) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise invalid(_("not a number"))
        return value
    if f.kind == "date":
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise invalid(_("not a date (YYYY-MM-DD)")) from None
    if f.kind == "boolean":
        if isinstance(value, bool):
            return value
        raise invalid(_("answer yes or no"))
    if f.kind == "choice":
        if str(value) not in f.choices:
            raise invalid(_("choose one of: %(choices)s") % {"choices": "、".join(f.choices)})
        return str(value)
    if not isinstance(value, str | int | float):
        raise invalid(_("not text"))
    return value
