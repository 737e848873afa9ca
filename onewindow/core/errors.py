"""The error codes of input, shared by every app: one code per way a value can be wrong.

A problem with one input value is a `FieldError`: the path of the field
(`items[3].version.materials[0].tolerable`, `form_data.business_address`), a stable
UPPER_SNAKE code for programs and a Chinese message naming the field for people. The
form check of a case, the batch intake sheet, the catalog document and its Excel
workbook all report with these codes (`onewindow.core.inputs` raises them).

Codes never change meaning once released. The names are the ones the apps already used:
the catalog import's `TOO_LONG`, `INVALID_*`, `NOT_AN_OBJECT`, `NOT_A_LIST` and
`UNKNOWN_FIELD`, and the case engine's `FIELD_REQUIRED` and `FIELD_INVALID`:

* `FIELD_REQUIRED`: a required value is missing or blank (the catalog said `REQUIRED`
  before the two were merged);
* `FIELD_INVALID`: the value is not valid for its field. Every other code here is a more
  precise kind of it, so `family(code)` is `FIELD_INVALID` for all of them; the case
  engine refuses an action with the family and the precise message.

Messages are gettext calls with English msgids, translated in onewindow/core/locale.
"""

from __future__ import annotations

from typing import Any, TypedDict

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

FIELD_REQUIRED = "FIELD_REQUIRED"
FIELD_INVALID = "FIELD_INVALID"
INVALID_TEXT = "INVALID_TEXT"
TOO_LONG = "TOO_LONG"
INVALID_BOOLEAN = "INVALID_BOOLEAN"
INVALID_DATE = "INVALID_DATE"
INVALID_NUMBER = "INVALID_NUMBER"
OUT_OF_RANGE = "OUT_OF_RANGE"
INVALID_CHOICE = "INVALID_CHOICE"
NOT_AN_OBJECT = "NOT_AN_OBJECT"
NOT_A_LIST = "NOT_A_LIST"
UNKNOWN_FIELD = "UNKNOWN_FIELD"
INVALID_DOCUMENT_NUMBER = "INVALID_DOCUMENT_NUMBER"
NUL_CHARACTER = "NUL_CHARACTER"
TOO_MANY_FIELDS = "TOO_MANY_FIELDS"
TOO_LARGE = "TOO_LARGE"
FORM_UNREADABLE = "FORM_UNREADABLE"

CODES = (
    FIELD_REQUIRED,
    FIELD_INVALID,
    INVALID_TEXT,
    TOO_LONG,
    INVALID_BOOLEAN,
    INVALID_DATE,
    INVALID_NUMBER,
    OUT_OF_RANGE,
    INVALID_CHOICE,
    NOT_AN_OBJECT,
    NOT_A_LIST,
    UNKNOWN_FIELD,
    INVALID_DOCUMENT_NUMBER,
    NUL_CHARACTER,
    TOO_MANY_FIELDS,
    TOO_LARGE,
    FORM_UNREADABLE,
)

# Message templates by message key: the code, or the code and a variant after a dot.
MESSAGES: dict[str, Promise] = {
    FIELD_REQUIRED: _("Fill in “%(label)s”."),
    FIELD_INVALID: _("“%(label)s” is not valid: %(reason)s"),
    INVALID_TEXT: _("“%(label)s” must be text, not “%(value)s”."),
    TOO_LONG: _("“%(label)s” is at most %(max)d characters; this one has %(length)d."),
    INVALID_BOOLEAN: _("“%(label)s” must be yes or no (是/否), not “%(value)s”."),
    INVALID_DATE: _("“%(label)s” must be a date such as 2026-01-05 or 2026年1月5日, not “%(value)s”."),
    INVALID_NUMBER: _("“%(label)s” must be a number, not “%(value)s”."),
    f"{INVALID_NUMBER}.whole": _("“%(label)s” must be a whole number, not “%(value)s”."),
    f"{OUT_OF_RANGE}.between": _("“%(label)s” must be from %(ge)s to %(le)s, not %(value)s."),
    f"{OUT_OF_RANGE}.ge": _("“%(label)s” must be at least %(ge)s, not %(value)s."),
    f"{OUT_OF_RANGE}.le": _("“%(label)s” must be at most %(le)s, not %(value)s."),
    INVALID_CHOICE: _("“%(label)s” does not accept “%(value)s”; allowed: %(allowed)s."),
    NOT_AN_OBJECT: _("“%(label)s” must be an object with named fields."),
    NOT_A_LIST: _("“%(label)s” must be a list."),
    UNKNOWN_FIELD: _("“%(label)s” is not a field of this input."),
    INVALID_DOCUMENT_NUMBER: _("“%(label)s” is not a valid %(kind)s number: %(reason)s"),
    NUL_CHARACTER: _(
        "“%(label)s” holds an invisible NUL character, which cannot be stored: remove it and send again."
    ),
    TOO_MANY_FIELDS: _("The form sent too many fields or files at once: send it again from the page."),
    TOO_LARGE: _("The form sent is too large: send less at once (files one by one)."),
    FORM_UNREADABLE: _(
        "The form sent cannot be read (a file name may be too long): shorten it and send again."
    ),
}


class FieldError(TypedDict):
    """One problem with one field. `field` is a path such as `materials[2].tolerable`."""

    field: str
    message: str
    code: str


def field_error(field_path: str, message: Any, code: str) -> FieldError:
    return {"field": field_path, "message": str(message), "code": code}


def family(code: str) -> str:
    """`FIELD_REQUIRED` for a missing value, `FIELD_INVALID` for any other input code."""
    return FIELD_REQUIRED if code == FIELD_REQUIRED else FIELD_INVALID


class _Params(dict[str, Any]):
    """Format values; a placeholder without a value reads as empty, never a KeyError."""

    def __missing__(self, key: str) -> str:
        return ""


def input_message(code: str, *, label: Any, message_key: str = "", **params: Any) -> str:
    """The translated message of an input code, naming the field by `label`.

    A code without a template of its own (a domain rule such as the catalog's
    `INVALID_CODE`) reads as `FIELD_INVALID` with its `reason`."""
    template = MESSAGES.get(message_key or code) or MESSAGES.get(code) or MESSAGES[FIELD_INVALID]
    values = _Params({k: v if isinstance(v, int | float) else str(v) for k, v in params.items()})
    values["label"] = str(label)
    if "reason" not in values:
        values["reason"] = gettext("not a valid value")
    return str(template) % values


class InputInvalid(Exception):
    """Input refused as a whole; `errors` lists every problem, the first one is named by
    `field`, `code` and `message`."""

    def __init__(self, errors: list[FieldError]) -> None:
        if not errors:
            raise ValueError("InputInvalid needs at least one error")
        self.errors = list(errors)
        first = self.errors[0]
        self.field, self.code, self.message = first["field"], first["code"], first["message"]
        super().__init__(self.message)

    @property
    def family(self) -> str:
        return family(self.code)

    def __str__(self) -> str:
        return self.message
