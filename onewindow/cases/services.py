"""The case engine: every write to applications, cases, tasks and events goes through here.

The actions live in `cases/actions/`, one module for each part of a case's life; this
module re-exports them so other apps import `onewindow.cases.services` only. Each action
is keyword-only, takes `actor=` (the Staff or Applicant acting) and is one transaction:

1. it locks what it changes, in the order `cases.locks` writes down,
2. checks the rules in `cases.rules` (the transition table, separation of duties, A/B
   posts, materials) and its inputs, raising `CaseError` before any write,
3. writes through the ORM and appends exactly one chained event per case it changes
   (`cases.events.append_event`).

Services return the updated case (or task); use it instead of the one passed in.
See docs/cases.md for which module holds which rule.
"""

from onewindow.cases.actions.checks import case_lock_unchanged
from onewindow.cases.actions.clock import (
    case_extend,
    case_extension_refuse,
    case_extension_request,
    case_resume,
    case_suspend,
    extension_pending,
)
from onewindow.cases.actions.decision import (
    application_void,
    case_close,
    case_complete,
    case_decide,
    case_deliver,
    case_return,
    case_withdraw,
)
from onewindow.cases.actions.export import (
    case_export_filename,
    case_export_path,
    case_export_prune,
    case_export_request,
    case_export_run,
)
from onewindow.cases.actions.intake import (
    CommitmentIn,
    IntakeResult,
    application_intake,
    application_materials_received,
    application_prereview_pass,
    application_prereview_return,
    application_request_supplement,
    application_supplement,
    case_record,
    case_refuse,
)
from onewindow.cases.actions.routing import ROUTE_BATCH_MAX, RouteBatch, cases_route
from onewindow.cases.actions.submission import AgentIn, MaterialIn, application_create, application_submit
from onewindow.cases.actions.tasks import (
    DEFAULT_INSPECTION_DAYS,
    DEFAULT_REPORT_DAYS,
    case_report_back,
    case_report_up,
    case_request_inspection,
    case_route,
    case_send_back,
    task_claim,
    task_complete,
)
from onewindow.cases.files import COMMITMENT_CODE
from onewindow.cases.rules import TRANSITIONS, Transition, check_transition, staff_roles

__all__ = [
    "application_void",
    "DEFAULT_INSPECTION_DAYS",
    "DEFAULT_REPORT_DAYS",
    "TRANSITIONS",
    "IntakeResult",
    "COMMITMENT_CODE",
    "CommitmentIn",
    "AgentIn",
    "MaterialIn",
    "Transition",
    "application_create",
    "application_intake",
    "application_materials_received",
    "application_prereview_pass",
    "application_prereview_return",
    "application_request_supplement",
    "application_submit",
    "application_supplement",
    "case_close",
    "case_export_filename",
    "case_export_path",
    "case_export_prune",
    "case_export_request",
    "case_export_run",
    "case_complete",
    "case_decide",
    "case_deliver",
    "case_extend",
    "case_extension_refuse",
    "case_extension_request",
    "case_lock_unchanged",
    "case_record",
    "case_refuse",
    "case_report_back",
    "case_report_up",
    "case_request_inspection",
    "case_resume",
    "case_return",
    "case_route",
    "cases_route",
    "ROUTE_BATCH_MAX",
    "RouteBatch",
    "case_send_back",
    "case_suspend",
    "case_withdraw",
    "check_transition",
    "extension_pending",
    "staff_roles",
    "task_claim",
    "task_complete",
]
