"""The one table of what may happen to a case, from which state, to which state, by whom.

`TRANSITIONS` is the single source of truth: services look an action up here before
touching anything, docs/cases.md is generated from it (`transition_table_markdown`) and a
test checks the doc lists every action. An action not in the table, from a state not in
its sources, by an actor without one of its roles or outside its scope is refused with a
`CaseError` and nothing changes.

Scopes (where the actor must work):

* ``center``: the actor works in the case's center.
* ``department``: the actor works in the case's responsible department; a center
  administrator or supervisor of the case's center also qualifies.
* ``task``: the actor works in the task's department (a department of the case's center,
  or of the upper center for a reported task).
* ``lower_center``: the actor works in the lower-tier center the caller names (the
  township center above a proxy agent's village station checking a proxy application).

Roles are read once per `Staff` instance (`staff_roles`), never per transition.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from onewindow.cases.errors import case_error
from onewindow.cases.models import CaseState
from onewindow.org.models import Applicant, Role, Staff

S = CaseState
R = Role

CENTER = "center"
DEPARTMENT = "department"
TASK = "task"
LOWER_CENTER = "lower_center"
SCOPES = (CENTER, DEPARTMENT, TASK, LOWER_CENTER)

# States in which an applicant may still withdraw (before a decision).
BEFORE_DECISION = (S.SUBMITTED, S.PREREVIEW, S.PENDING_SUPPLEMENT, S.ACCEPTED, S.IN_PROGRESS, S.SUSPENDED)
# States in which the back office handles the case (the clock runs or is suspended).
HANDLING = (S.ACCEPTED, S.IN_PROGRESS, S.SUSPENDED)
STAFF_OF_DEPARTMENT = frozenset({R.APPROVER, R.CHIEF_REPRESENTATIVE})


@dataclass(frozen=True)
class Transition:
    action: str
    label: object  # lazy translated name of the action
    sources: tuple[str, ...]
    target: str | None  # None: the state does not change
    roles: frozenset[str]
    scope: str
    applicant: bool = False  # the case's own applicant may take the action too
    also: tuple[str, ...] = ()  # other targets the service may choose (submit → prereview online)

    def target_from(self, state: str) -> str:
        return self.target or state


def _t(action, label, sources, target, roles, scope, applicant=False, also=()) -> Transition:
    return Transition(action, label, tuple(sources), target, frozenset(roles), scope, applicant, tuple(also))


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t(
            "submit",
            _("submit"),
            [S.DRAFT],
            S.SUBMITTED,
            [R.INTAKE_CLERK, R.PROXY_AGENT],
            CENTER,
            True,
            [S.PREREVIEW],
        ),
        _t("prereview_pass", _("pass pre-review"), [S.PREREVIEW], S.SUBMITTED, [R.INTAKE_CLERK], CENTER),
        _t(
            "prereview_return",
            _("return after pre-review"),
            [S.PREREVIEW],
            S.RETURNED,
            [R.INTAKE_CLERK],
            CENTER,
        ),
        _t(
            "township_check",
            _("township check"),
            [S.PREREVIEW],
            None,
            [R.INTAKE_CLERK, R.CENTER_ADMIN],
            LOWER_CENTER,
        ),
        _t(
            "township_return",
            _("returned by the township center"),
            [S.PREREVIEW],
            S.RETURNED,
            [R.INTAKE_CLERK, R.CENTER_ADMIN],
            LOWER_CENTER,
        ),
        _t(
            "request_supplement",
            _("request supplement"),
            [S.SUBMITTED, S.PREREVIEW],
            S.PENDING_SUPPLEMENT,
            [R.INTAKE_CLERK],
            CENTER,
        ),
        _t(
            "supplement",
            _("supplement"),
            [S.PENDING_SUPPLEMENT],
            S.SUBMITTED,
            [R.INTAKE_CLERK, R.PROXY_AGENT],
            CENTER,
            True,
        ),
        _t("accept", _("accept"), [S.SUBMITTED], S.ACCEPTED, [R.INTAKE_CLERK], CENTER),
        _t(
            "accept_with_pending",
            _("accept with pending materials"),
            [S.SUBMITTED],
            S.ACCEPTED,
            [R.INTAKE_CLERK],
            CENTER,
        ),
        _t(
            "refuse",
            _("refuse"),
            [S.SUBMITTED, S.PREREVIEW, S.PENDING_SUPPLEMENT],
            S.REFUSED,
            [R.INTAKE_CLERK, R.CHIEF_REPRESENTATIVE],
            CENTER,
        ),
        _t(
            "route", _("route"), [S.ACCEPTED], S.IN_PROGRESS, [R.INTAKE_CLERK, R.CHIEF_REPRESENTATIVE], CENTER
        ),
        _t("task_claim", _("claim task"), [S.IN_PROGRESS], None, STAFF_OF_DEPARTMENT, TASK),
        _t("task_complete", _("complete task"), [S.IN_PROGRESS], None, STAFF_OF_DEPARTMENT, TASK),
        _t("send_back", _("send back"), [S.IN_PROGRESS], None, STAFF_OF_DEPARTMENT, DEPARTMENT),
        _t(
            "request_inspection",
            _("request site inspection"),
            [S.IN_PROGRESS],
            None,
            STAFF_OF_DEPARTMENT,
            DEPARTMENT,
        ),
        _t(
            "report_up",
            _("report to the upper center"),
            [S.IN_PROGRESS],
            None,
            [R.CHIEF_REPRESENTATIVE],
            DEPARTMENT,
        ),
        _t(
            "report_back", _("return from the upper center"), [S.IN_PROGRESS], None, STAFF_OF_DEPARTMENT, TASK
        ),
        _t(
            "suspend",
            _("suspend"),
            [S.IN_PROGRESS],
            S.SUSPENDED,
            [R.APPROVER, R.CHIEF_REPRESENTATIVE, R.CENTER_ADMIN],
            DEPARTMENT,
        ),
        _t(
            "resume",
            _("resume"),
            [S.SUSPENDED],
            S.IN_PROGRESS,
            [R.APPROVER, R.CHIEF_REPRESENTATIVE, R.CENTER_ADMIN],
            DEPARTMENT,
        ),
        _t(
            "extend",
            _("extend"),
            HANDLING,
            None,
            [R.CHIEF_REPRESENTATIVE, R.CENTER_ADMIN, R.SUPERVISOR],
            DEPARTMENT,
        ),
        _t("decide", _("decide"), [S.IN_PROGRESS], S.DECIDED, STAFF_OF_DEPARTMENT, DEPARTMENT),
        _t("complete", _("complete"), [S.DECIDED], S.COMPLETED, STAFF_OF_DEPARTMENT, DEPARTMENT),
        _t("deliver", _("deliver"), [S.COMPLETED], S.DELIVERED, [R.PICKUP_CLERK, R.INTAKE_CLERK], CENTER),
        _t(
            "close",
            _("close"),
            [S.DELIVERED],
            S.CLOSED,
            [R.PICKUP_CLERK, R.INTAKE_CLERK, R.CENTER_ADMIN],
            CENTER,
        ),
        _t("withdraw", _("withdraw"), BEFORE_DECISION, S.WITHDRAWN, [R.INTAKE_CLERK], CENTER, True),
        _t(
            "return",
            _("return"),
            BEFORE_DECISION,
            S.RETURNED,
            [R.INTAKE_CLERK, R.CHIEF_REPRESENTATIVE, R.CENTER_ADMIN],
            CENTER,
        ),
        _t(
            "materials_received",
            _("tolerated materials received"),
            [*HANDLING, S.DECIDED],
            None,
            [R.INTAKE_CLERK],
            CENTER,
        ),
    )
}

ACTIONS = tuple(TRANSITIONS)


def action_label(action: str) -> str:
    t = TRANSITIONS.get(action)
    return str(t.label) if t else action


def staff_roles(staff: Staff) -> frozenset[str]:
    """The staff member's roles, read once per instance (prefetch cache or one query) and kept on it.

    Load staff for a request or a batch once and pass that instance to every service call;
    the engine then never reads groups during a transition.
    """
    roles = staff.__dict__.get("_onewindow_roles")
    if roles is None:
        roles = frozenset(staff.roles)
        staff.__dict__["_onewindow_roles"] = roles
    return roles


def check_transition(
    *,
    action: str,
    state: str,
    actor: Staff | Applicant,
    center_id: int,
    department_id: int,
    applicant_id: int | None = None,
    task_department_id: int | None = None,
    lower_center_id: int | None = None,
) -> Transition:
    """Raise a CaseError unless `actor` may take `action` on a case in `state`. Reads nothing.

    `applicant_id` is needed only when the actor is an Applicant; `task_department_id` only
    for task-scoped actions; `lower_center_id` only for lower-center actions.
    """
    t = TRANSITIONS.get(action)
    if t is None:
        raise case_error("TRANSITION_NOT_ALLOWED", action=action, state=str(S(state).label))
    if state not in t.sources:
        raise case_error("TRANSITION_NOT_ALLOWED", action=str(t.label), state=str(S(state).label))
    if isinstance(actor, Applicant):
        if not t.applicant:
            raise case_error("ROLE_NOT_ALLOWED", action=str(t.label))
        if applicant_id is None or actor.pk != applicant_id:
            raise case_error("NOT_OWN_APPLICATION")
        return t
    if not actor.is_active:
        raise case_error("ACCOUNT_INACTIVE")
    roles = staff_roles(actor)
    if not (roles & t.roles):
        raise case_error("ROLE_NOT_ALLOWED", action=str(t.label))
    if t.scope == TASK:
        if task_department_id is None or actor.department_id != task_department_id:
            raise case_error("OUT_OF_SCOPE")
    elif t.scope == LOWER_CENTER:
        if lower_center_id is None or actor.center_id != lower_center_id:
            raise case_error("OUT_OF_SCOPE")
    elif actor.center_id != center_id:
        raise case_error("OUT_OF_SCOPE")
    elif (
        t.scope == DEPARTMENT
        and actor.department_id != department_id
        and not (roles & {R.CENTER_ADMIN, R.SUPERVISOR})
    ):
        raise case_error("OUT_OF_SCOPE")
    return t


def transition_table_markdown() -> str:
    """The table as Markdown; docs/cases.md embeds it and tests/cases/test_docs.py keeps them equal."""
    scope_text = {
        CENTER: "case's center",
        DEPARTMENT: "case's department (or center admin / supervisor)",
        TASK: "task's department",
        LOWER_CENTER: "the lower-tier center named by the caller",
    }
    lines = [
        "| action | from | to | roles | scope | applicant |",
        "|---|---|---|---|---|---|",
    ]
    for t in TRANSITIONS.values():
        lines.append(
            "| `{}` | {} | {} | {} | {} | {} |".format(
                t.action,
                ", ".join(f"`{s}`" for s in t.sources),
                (f"`{t.target}`" if t.target else "(unchanged)") + "".join(f" or `{a}`" for a in t.also),
                ", ".join(sorted(t.roles)),
                scope_text[t.scope],
                "yes" if t.applicant else "",
            )
        )
    return "\n".join(lines)
