"""Errors the case engine raises: a stable code for programs, a Chinese message for people.

Codes are UPPER_SNAKE and never change meaning once released. A `CaseError` raised by a
service means nothing was written: every service is one transaction, rolled back when it
raises.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MESSAGES = {
    "TRANSITION_NOT_ALLOWED": _("“%(action)s” is not possible while the case is “%(state)s”."),
    "ROLE_NOT_ALLOWED": _("Your roles do not allow “%(action)s”."),
    "ACCOUNT_INACTIVE": _("This staff account is inactive."),
    "OUT_OF_SCOPE": _("This case or task is outside your center or department."),
    "NOT_OWN_APPLICATION": _("Applicants can act only on their own applications."),
    "TOWNSHIP_CHECK_PENDING": _("The township center has not checked this application yet."),
    "IDEMPOTENCY_KEY_REUSED": _("This submission key already belongs to another application."),
    "SEPARATION_OF_DUTIES": _("The staff member who accepted a case cannot decide it."),
    "TASK_ALREADY_DONE": _("This task has already been completed or cancelled."),
    "TASK_NOT_OPEN": _("This task is not open in the current stage."),
    "TASK_CLAIMED_BY_OTHER": _("This task has been claimed by %(name)s."),
    "ASSIGNEE_NOT_ABSENT": _(
        "%(name)s is not marked absent: a B post may act on the A post's tasks only while the A post is away."
    ),
    "TASKS_OPEN": _("%(count)d tasks of the case are still open."),
    "NOT_READY_TO_DECIDE": _("The case cannot be decided before its procedure has finished."),
    "MATERIALS_MISSING": _("Required materials are missing: %(names)s."),
    "MATERIAL_UNKNOWN": _("No item of this application asks for the material “%(material)s”."),
    "MATERIAL_NOT_APPLICABLE": _(
        "The material “%(material)s” does not apply to the situation the applicant answered."
    ),
    "COMMITMENT_NOT_ALLOWED": _(
        "The material “%(material)s” may not be replaced by the applicant's commitment (告知承诺)."
    ),
    "SITUATION_ANSWER_REQUIRED": _("Answer the question “%(question)s”."),
    "SITUATION_ANSWER_INVALID": _("“%(value)s” is not a choice of the question “%(question)s”."),
    "MATERIAL_NOT_PENDING": _("The material “%(material)s” is not waiting to be handed in."),
    "FIELD_REQUIRED": _("Fill in “%(label)s”."),
    "FIELD_INVALID": _("“%(label)s” is not valid: %(reason)s"),
    "NO_PUBLISHED_VERSION": _("The item “%(item)s” has no published version and cannot be applied for."),
    "ITEM_OTHER_CENTER": _("The item “%(item)s” is not provided by this center."),
    "NO_ITEMS": _("Choose at least one item or a bundle."),
    "DELIVERY_NOT_OFFERED": _("The item “%(item)s” does not offer delivery by “%(method)s”."),
    "STAGE_INVALID": _("The case can only be sent back to an earlier stage of its procedure."),
    "NO_UPPER_CENTER": _("This center has no upper center to report to."),
    "DEPARTMENT_NOT_IN_UPPER_CENTER": _("The department does not belong to the upper center."),
    "DEPARTMENT_NOT_IN_CENTER": _("The department does not belong to the case's center."),
    "NOT_REPORTED": _("The case has not been reported to an upper center."),
    "IMMEDIATE_CASE": _("An immediate case has no back-office procedure."),
    "PROCEDURE_CHANGED": _(
        "The next stage's tasks do not match the item's procedure; the procedure was edited under running cases."
    ),
    "CASE_NOT_FOUND": _("No such case, or it is outside what you may see."),
    "SUSPENSION_NOT_OPEN": _("The case has no open suspension."),
    "VOID_NOT_OWN_INTAKE": _(
        "Only the clerk who took this intake may void it, on the same day; otherwise ask a center administrator."
    ),
    "VOID_DAY_PASSED": _(
        "An intake can be voided by its clerk only on the day it was taken; ask a center administrator."
    ),
    "COMMITMENT_REQUIRED": _(
        "Materials follow later (容缺): record the applicant's signed commitment (容缺受理承诺书) first."
    ),
    "FILE_INVALID": _("The file cannot be taken: %(reason)s"),
    "NOTHING_TO_VOID": _("The application has no case that can be voided."),
    "EXTENSION_PENDING": _("An extension of this case is already waiting for the chief representative."),
    "EXTENSION_NOT_PENDING": _("No extension of this case is waiting to be approved or refused."),
    "CASE_CHANGED": _(
        "Someone acted on this case after you opened it. Check the case as it is now and submit again."
    ),
    "ROUTE_NONE": _("Tick at least one case to send to the back office."),
    "ROUTE_MALFORMED": _("The list of ticked cases is not valid; reload the page and tick them again."),
    "ROUTE_TOO_MANY": _("At most %(max)d cases can be sent to the back office at a time."),
    "ROUTE_DUPLICATE": _("A case is ticked more than once; reload the page and tick them again."),
    "ROUTE_NOT_YOURS": _(
        "A ticked case is not among your center's cases; reload the page and tick them again."
    ),
    "ROUTE_NOT_ACCEPTED": _("%(number)s is not waiting to be sent to the back office (it is “%(state)s”)."),
    "EXPORT_LIMIT": _("You already have %(count)d exports waiting or running; wait until one is finished."),
    "INVALID_STATE_ARGUMENT": _("An application can only be created as draft, submitted or in pre-review."),
}

# Labels of the inputs a service can ask for, used in FIELD_REQUIRED / FIELD_INVALID. A context
# keeps them apart from model field names other apps translate differently.
FIELD_LABELS = {
    "reasons": pgettext_lazy("case input", "reasons"),
    "legal_basis": pgettext_lazy("case input", "legal basis"),
    "opinion": pgettext_lazy("case input", "opinion"),
    "outcome": pgettext_lazy("case input", "outcome"),
    "decision": pgettext_lazy("case input", "decision"),
    "signed_by": pgettext_lazy("case input", "signed for by"),
    "tracking_number": pgettext_lazy("case input", "tracking number"),
    "carrier": pgettext_lazy("case input", "carrier"),
    "delivery_method": pgettext_lazy("case input", "delivery method"),
    "delivery_address": pgettext_lazy("case input", "delivery address"),
    "days": pgettext_lazy("case input", "days"),
    "reason": pgettext_lazy("case input", "reason"),
    "expected_end": pgettext_lazy("case input", "expected end"),
    "department": pgettext_lazy("case input", "department"),
    "materials": pgettext_lazy("case input", "materials"),
    "items": pgettext_lazy("case input", "service items"),
    "applicant": pgettext_lazy("case input", "applicant"),
    "channel": pgettext_lazy("case input", "channel"),
    "to_stage": pgettext_lazy("case input", "stage"),
    "note": pgettext_lazy("case input", "note"),
    "agent": pgettext_lazy("case input", "agent"),
    "file": pgettext_lazy("case input", "file"),
}


class CaseError(Exception):
    """A refused engine action. `code` is stable; `field` names the input at fault ("" when
    the request as a whole is refused); `message` is translated text a clerk can read."""

    def __init__(self, code: str, message: str = "", field: str = "", params: dict | None = None) -> None:
        self.code = code
        self.field = field
        self.params = dict(params or {})
        self.message = str(message) or code
        super().__init__(f"{code}: {self.message}")

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "field": self.field, "message": self.message}


class _Params(dict):
    """Format values; a placeholder the caller did not give reads as empty, never a KeyError."""

    def __missing__(self, key: str) -> str:
        return ""


def case_error(code: str, field: str = "", **params: object) -> CaseError:
    """Build a CaseError with its translated message; `label` defaults to the field's label."""
    if field and "label" not in params:
        label = FIELD_LABELS.get(field.split("[")[0].split(".")[0])
        params["label"] = str(label) if label is not None else field
    template = str(MESSAGES[code]) if code in MESSAGES else code
    values = _Params({k: v if isinstance(v, int) else str(v) for k, v in params.items()})
    text = template % values if "%(" in template else template
    return CaseError(code, text, field, params)
