"""The unified form (一表申请) of one or more items, checked by the one input layer (`core.inputs`).

A bundle's items may ask the same key; it is asked once, required if any item requires
it, with its kind and choices from the first item that asks it (`plans.merged_fields`,
the form the window and the portal show). The engine checks the
form when an application is submitted (a draft may be saved half-filled), with exactly
the rules pages, the API and batch sheets use, and refuses with its two codes:
`FIELD_REQUIRED` / `FIELD_INVALID`, `field="form_data.<key>"`, the question's label in
the message.

The answers are stored in two columns (`form_columns`): the personal ones (fields marked
`personal`, or named like an applicant's name, phone, ID number or address) encrypted in
`Application.form_personal`, the rest in `form_data`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from onewindow.cases.errors import CaseError
from onewindow.cases.plans import VersionPlan, merged_fields
from onewindow.core.errors import InputInvalid
from onewindow.core.inputs import form_validate
from onewindow.core.personal import looks_personal


def check_form(plans: Sequence[VersionPlan], form_data: Any) -> dict[str, Any]:
    """The form of these items, filled in and cleaned (JSON-ready); refused naming the first fault."""
    try:
        return form_validate(merged_fields(plans), form_data, path="form_data")
    except InputInvalid as exc:
        raise CaseError(exc.family, exc.message, exc.field) from exc


def form_columns(plans: Sequence[VersionPlan], form: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The form split for storage: `form_personal` (encrypted) holds the answers of personal
    fields, `form_data` the rest. A key no item asks (a half-filled draft) is judged by its
    name alone."""
    flags = {f.key: f.personal for f in merged_fields(plans)}
    personal = {
        k: v for k, v in form.items() if flags.get(k, False) or (k not in flags and looks_personal(k))
    }
    return {"form_data": {k: v for k, v in form.items() if k not in personal}, "form_personal": personal}
