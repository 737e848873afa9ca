"""The intake channels beyond the window: the online portal, village proxy agents and batch Excel.

Each channel is built on the engine's actions (`application_create`, `application_submit`,
`case_record`, `application_intake`), its rules (`rules.check_transition`,
`rules.check_delivery`, `rules.require`) and the input layer (`core.inputs`, the form's
rules); a channel adds only what it needs on top, with the engine's conventions:
keyword-only, `actor=` the one acting, atomic, a refused action raises a `CaseError` with a
stable code and the input at fault in `.field`, and nothing was written.

* `portal` — a citizen's draft, its edits, the online submit, the application's status.
* `proxy` — a village proxy agent applies; the township checks; the waiting lists.
* `batch` — batch intake: reading rows, their idempotency keys, the report.
* `batchrun` — a batch intake as a background job: the run row by row, resuming, the report.
* `sheet` — the batch sheet as a file format: columns, headers, template, cell values.
* `errors` — the codes only a channel raises (the engine's own codes stay the engine's).

Callers import this package (`from onewindow.cases import channels`); the names below are
its public API, the modules are how it is laid out.
"""

from onewindow.cases.channels.batch import (
    OUTCOME_ACCEPTED,
    OUTCOME_COMPLETED,
    OUTCOME_IMPORTED,
    OUTCOME_LABELS,
    OUTCOME_PENDING,
    OUTCOME_SUPPLEMENT,
    BatchError,
    BatchReport,
    BatchRow,
)
from onewindow.cases.channels.batchrun import (
    batch_intake,
    batch_job_create,
    batch_job_finish,
    batch_job_get,
    batch_job_list,
    batch_job_rows,
    batch_report,
    batch_report_xlsx,
    batch_sheet_check,
    row_errors,
    row_results,
)
from onewindow.cases.channels.errors import MESSAGES, channel_error
from onewindow.cases.channels.portal import (
    MAX_FILES_PER_APPLICATION,
    WITHDRAWABLE,
    ApplicationStatus,
    SituationChange,
    SupplementAsked,
    application_status,
    portal_application_get,
    portal_application_list,
    portal_application_submit,
    portal_application_withdraw,
    portal_draft_create,
    portal_draft_situation_change,
    portal_draft_submit,
    portal_draft_update,
    portal_material_remove,
    portal_material_upload,
    portal_supplement_submit,
    situation_change_preview,
    supplement_asked,
)
from onewindow.cases.channels.proxy import (
    TOWNSHIP_CHECK,
    TOWNSHIP_RETURN,
    prereview_waiting,
    proxy_application_check,
    proxy_application_submit,
    proxy_application_supplement,
    proxy_centers,
    proxy_checks_waiting,
    proxy_consent,
    proxy_township_of,
)
from onewindow.cases.channels.sheet import FIXED_COLUMNS, BatchColumn, batch_columns, batch_template

__all__ = [
    "FIXED_COLUMNS",
    "MESSAGES",
    "OUTCOME_ACCEPTED",
    "OUTCOME_COMPLETED",
    "OUTCOME_IMPORTED",
    "OUTCOME_LABELS",
    "OUTCOME_PENDING",
    "OUTCOME_SUPPLEMENT",
    "TOWNSHIP_CHECK",
    "TOWNSHIP_RETURN",
    "ApplicationStatus",
    "BatchColumn",
    "BatchError",
    "BatchReport",
    "BatchRow",
    "application_status",
    "batch_columns",
    "batch_intake",
    "batch_job_create",
    "batch_job_finish",
    "batch_job_get",
    "batch_job_list",
    "batch_job_rows",
    "batch_report",
    "batch_report_xlsx",
    "batch_sheet_check",
    "batch_template",
    "channel_error",
    "portal_application_submit",
    "portal_application_get",
    "portal_application_list",
    "portal_application_withdraw",
    "portal_material_remove",
    "portal_material_upload",
    "portal_supplement_submit",
    "supplement_asked",
    "SupplementAsked",
    "MAX_FILES_PER_APPLICATION",
    "WITHDRAWABLE",
    "portal_draft_create",
    "portal_draft_situation_change",
    "SituationChange",
    "situation_change_preview",
    "portal_draft_submit",
    "portal_draft_update",
    "prereview_waiting",
    "proxy_application_check",
    "proxy_application_submit",
    "proxy_application_supplement",
    "proxy_centers",
    "proxy_checks_waiting",
    "proxy_consent",
    "proxy_township_of",
    "row_errors",
    "row_results",
]
