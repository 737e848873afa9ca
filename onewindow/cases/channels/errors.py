"""The channels' own error codes, in one place."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from onewindow.cases import rules
from onewindow.cases.errors import CaseError, case_error

MESSAGES = {
    "APPLICANT_NO_ACCOUNT": gettext_lazy("Only an applicant with a portal account can apply online."),
    "ITEM_NOT_ONLINE": gettext_lazy("The item “%(item)s” cannot be applied for online."),
    "NOT_A_DRAFT": gettext_lazy("Only a draft application can be edited."),
    "NOT_PORTAL_APPLICATION": gettext_lazy("This application was not made on the portal."),
    "NOT_PROXY_AGENT": gettext_lazy(
        "Only a proxy agent of a village station can apply on a citizen's behalf."
    ),
    "NO_TOWNSHIP_CENTER": gettext_lazy(
        "The village station has no township center and county hall above it."
    ),
    "NOT_PROXY_APPLICATION": gettext_lazy("This application was not made by a proxy agent."),
    "TOWNSHIP_CHECK_DONE": gettext_lazy("The township center has already checked this application."),
    "NOT_IN_PREREVIEW": gettext_lazy("The application is not waiting for pre-review."),
    "BATCH_FILE_INVALID": gettext_lazy("The file is not an Excel workbook (.xlsx)."),
    "BATCH_COLUMN_MISSING": gettext_lazy("The sheet has no column “%(column)s”."),
    "BATCH_EMPTY": gettext_lazy("The sheet has no rows to import."),
    "BATCH_CLERK": gettext_lazy("Only an intake clerk of the item's center can run a batch intake."),
    "NO_PUBLISHED_VERSION": gettext_lazy(
        "The item “%(item)s” has no published version and cannot be applied for."
    ),
}

# Labels of the channel inputs named in FIELD_REQUIRED / FIELD_INVALID.
FIELD_LABELS = {
    "idempotency_key": gettext_lazy("submission key"),
}


def channel_error(code: str, field: str = "", **params: Any) -> CaseError:
    """A CaseError of this module's codes (same shape as the engine's `case_error`)."""
    template = str(MESSAGES[code])
    text = (
        template % {k: v if isinstance(v, int) else str(v) for k, v in params.items()} if params else template
    )
    return CaseError(code, text, field, params)


def require(value: object, name: str) -> None:
    """`rules.require` for a channel's own input, named with its label here."""
    try:
        rules.require(value, name)
    except CaseError:
        raise case_error("FIELD_REQUIRED", field=name, label=str(FIELD_LABELS[name])) from None
