"""The unified form (一表申请) of one or more items, checked by the one input layer (`core.inputs`).

A bundle's items may ask the same key; it is asked once, required if any item requires
it, with its kind and choices from the first item that asks it. The engine checks the
form when an application is submitted (a draft may be saved half-filled), with exactly
the rules pages, the API and batch sheets use, and refuses with its two codes:
`FIELD_REQUIRED` / `FIELD_INVALID`, `field="form_data.<key>"`, the question's label in
the message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from onewindow.cases.errors import CaseError
from onewindow.cases.selectors import VersionPlan
from onewindow.core.errors import InputInvalid
from onewindow.core.inputs import form_validate


def check_form(plans: Sequence[VersionPlan], form_data: Any) -> dict[str, Any]:
    """The form of these items, filled in and cleaned (JSON-ready); refused naming the first fault."""
    try:
        return form_validate([f for plan in plans for f in plan.form_fields], form_data, path="form_data")
    except InputInvalid as exc:
        raise CaseError(exc.family, exc.message, exc.field) from exc
