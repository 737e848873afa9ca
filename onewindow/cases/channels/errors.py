"""The channels' own error codes, in one place: what only the portal, proxy or batch channel refuses.

Everything the engine refuses keeps the engine's code and message (`cases.errors.case_error`:
NOT_OWN_APPLICATION, IDEMPOTENCY_KEY_REUSED, NO_PUBLISHED_VERSION, FIELD_REQUIRED, …); a
channel raises the same `CaseError`, so a caller handles one exception with one shape.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from onewindow.cases import rules
from onewindow.cases.errors import CaseError, case_error

MESSAGES = {
    # portal
    "APPLICANT_NO_ACCOUNT": gettext_lazy("Only an applicant with a portal account can apply online."),
    "ITEM_NOT_ONLINE": gettext_lazy("The item “%(item)s” cannot be applied for online."),
    "NOT_A_DRAFT": gettext_lazy("Only a draft application can be edited."),
    "NOT_PORTAL_APPLICATION": gettext_lazy("This application was not made on the portal."),
    "MATERIAL_NOT_ASKED": gettext_lazy(
        "The one-time notice does not ask for “%(material)s”: upload only what it lists."
    ),
    "FILE_NOT_FOUND": gettext_lazy("No such file of yours in this application."),
    "NOT_WITHDRAWABLE": gettext_lazy(
        "Only an application the window has not accepted yet can be withdrawn online; ask the window."
    ),
    # proxy
    "NOT_PROXY_AGENT": gettext_lazy(
        "Only a proxy agent of a village station can apply on a citizen's behalf."
    ),
    "NO_TOWNSHIP_CENTER": gettext_lazy(
        "The village station has no township center and county hall above it."
    ),
    "NOT_PROXY_APPLICATION": gettext_lazy("This application was not made by a proxy agent."),
    "TOWNSHIP_CHECK_DONE": gettext_lazy("The township center has already checked this application."),
    "NOT_IN_PREREVIEW": gettext_lazy("The application is not waiting for pre-review."),
    "CONSENT_REQUIRED": gettext_lazy(
        "Tick that the applicant agreed to be represented (the signed 代办委托书) before submitting."
    ),
    # batch: the whole file
    "BATCH_FILE_INVALID": gettext_lazy("The file is not an Excel workbook (.xlsx)."),
    "BATCH_FILE_MISSING": gettext_lazy("Choose the filled-in sheet (.xlsx)."),
    "BATCH_FILE_EMPTY": gettext_lazy("The file is empty: choose the filled-in sheet (.xlsx)."),
    "BATCH_FILE_TOO_LARGE": gettext_lazy(
        "The file is %(size)s MiB; a batch sheet may be at most %(max)s MiB."
    ),
    "BATCH_FILE_DAMAGED": gettext_lazy(
        "The sheet cannot be read after row %(row)d: the file is damaged or not an Excel workbook."
    ),
    "BATCH_TOO_MANY_ROWS": gettext_lazy(
        "The sheet has more than %(max)d applicant rows (reading stopped at row %(row)d): split it into several sheets."
    ),
    "BATCH_COLUMN_MISSING": gettext_lazy("The sheet has no column “%(column)s”."),
    "BATCH_COLUMN_TWICE": gettext_lazy(
        "The column “%(column)s” is in the sheet twice (columns %(first)s and %(second)s): keep one of them."
    ),
    "BATCH_EMPTY": gettext_lazy("The sheet has no rows to import."),
    "BATCH_CLERK": gettext_lazy("Only an intake clerk of the item's center can run a batch intake."),
    # batch: one row (reported in the BatchReport, by row and column)
    "DUPLICATE_IN_SHEET": gettext_lazy("The same ID number is already on row %(row)d."),
    "DELIVERY_METHOD_UNKNOWN": gettext_lazy(
        "Unknown delivery method “%(value)s”: use 窗口领取, 邮寄 or 电子送达."
    ),
    "MATERIAL_NOT_TOLERABLE": gettext_lazy("“%(material)s” cannot follow later (容缺); mark it 已收 or 缺."),
    "MATERIAL_VALUE_UNKNOWN": gettext_lazy("Unknown value “%(value)s”: use 已收, 容缺 or 缺 (or 是/否)."),
    "NAME_MISMATCH": gettext_lazy("This ID number is registered to “%(name)s”, not “%(row)s”."),
    "FORMULA_WITHOUT_VALUE": gettext_lazy(
        "Cell %(cell)s holds a formula without a calculated value: open the file in Excel and save it, or type the value itself."
    ),
    "CELL_ERROR": gettext_lazy("Cell %(cell)s shows the error %(error)s instead of a value."),
    "ROW_MORE_ERRORS": gettext_lazy(
        "%(count)d more cells of this row are refused too: correct the ones above and upload the sheet again."
    ),
}

# The batch report's codes for org's identity checks; the message stays org's (the
# validator's own reason, e.g. the check digit).
ORG_CODES = {
    "INVALID_ID_NUMBER": "ID_NUMBER_INVALID",
    "INVALID_USCC": "USCC_INVALID",
    "INVALID_MOBILE": "MOBILE_INVALID",
}

# Labels of the channels' own inputs in FIELD_REQUIRED (the engine labels its own inputs).
FIELD_LABELS = {
    "idempotency_key": gettext_lazy("submission key"),
}


def channel_error(code: str, field: str = "", **params: object) -> CaseError:
    """A CaseError of a channel-only code, the same shape as the engine's `case_error`."""
    values = {k: v if isinstance(v, int) else str(v) for k, v in params.items()}
    template = str(MESSAGES[code])
    return CaseError(code, template % values if values else template, field, params)


def require(value: object, name: str) -> None:
    """`rules.require` for a channel's own input, named with its label here."""
    try:
        rules.require(value, name)
    except CaseError:
        raise case_error("FIELD_REQUIRED", field=name, label=str(FIELD_LABELS[name])) from None
