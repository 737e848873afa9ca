"""The case engine's rules as pure checks: what may happen to a case, by whom, and on what terms.

Nothing here reads or writes the database: every function decides from the values it is
given and raises a `CaseError` (or returns what it decided). The actions in
`cases/actions/` call these before their first write, so a refused action changes nothing.

* `TRANSITIONS` — the one table of actions: from which states, to which state, by which
  roles, in which scope. docs/cases.md embeds it (`transition_table_markdown`).
* `check_transition` — the table applied to one actor and one case.
* `check_separation_of_duties` — who accepted a case may not decide it.
* `check_task_actor` — who may finish a claimed task: its assignee, or the assignee's B
  post (AB岗) while the assignee is marked absent.
* `sort_materials` — which required materials block acceptance and which may follow (容缺).
* `check_delivery` — the delivery method asked for is one every item offers.

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

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from onewindow.cases.errors import case_error
from onewindow.cases.models import ApplicationMaterial, CaseState
from onewindow.catalog.models import CaseKind, DeliveryMethod
from onewindow.org.models import Applicant, Role, Staff

S = CaseState
R = Role


class Scope(StrEnum):
    CENTER = "center"
    DEPARTMENT = "department"
    TASK = "task"
    LOWER_CENTER = "lower_center"


# States in which an applicant may still withdraw (before a decision).
BEFORE_DECISION = (S.SUBMITTED, S.PREREVIEW, S.PENDING_SUPPLEMENT, S.ACCEPTED, S.IN_PROGRESS, S.SUSPENDED)
# States in which the back office handles the case (the clock runs or is suspended).
HANDLING = (S.ACCEPTED, S.IN_PROGRESS, S.SUSPENDED)
# States a mistaken intake may be voided (作废) from: what the window did (accepted, asked for a
# supplement, refused, completed an immediate case) and a case just routed.
VOIDABLE = (S.PENDING_SUPPLEMENT, S.ACCEPTED, S.IN_PROGRESS, S.REFUSED, S.COMPLETED)
# The window's own answers to an application: who took the last of them may void it that day.
INTAKE_ACTIONS = ("accept", "accept_with_pending", "request_supplement", "refuse")
STAFF_OF_DEPARTMENT = frozenset({R.APPROVER, R.CHIEF_REPRESENTATIVE})
# Roles that see and act for the whole center within a department-scoped action.
CENTER_OVERSIGHT = frozenset({R.CENTER_ADMIN, R.SUPERVISOR})


@dataclass(frozen=True, kw_only=True)
class Transition:
    """One row of the table. `target` None: the action leaves the state as it is."""

    action: str
    label: Promise | str  # the action's name as a clerk reads it
    sources: tuple[str, ...]
    target: str | None
    roles: frozenset[str]
    scope: Scope
    applicant_may: bool = False  # the case's own applicant may take the action too
    also: tuple[str, ...] = field(default=())  # other targets the action may choose (submit → prereview)

    def target_from(self, state: str) -> str:
        return self.target or state


def _row(
    action: str,
    label: Promise,
    *,
    sources: Iterable[str],
    target: str | None,
    roles: Iterable[str],
    scope: Scope,
    applicant_may: bool = False,
    also: Iterable[str] = (),
) -> Transition:
    return Transition(
        action=action,
        label=label,
        sources=tuple(sources),
        target=target,
        roles=frozenset(roles),
        scope=scope,
        applicant_may=applicant_may,
        also=tuple(also),
    )


_ROWS = (
    # ---- intake
    _row(
        "submit",
        _("submit"),
        sources=[S.DRAFT],
        target=S.SUBMITTED,
        also=[S.PREREVIEW],
        roles=[R.INTAKE_CLERK, R.PROXY_AGENT],
        scope=Scope.CENTER,
        applicant_may=True,
    ),
    _row(
        "prereview_pass",
        _("pass pre-review"),
        sources=[S.PREREVIEW],
        target=S.SUBMITTED,
        roles=[R.INTAKE_CLERK],
        scope=Scope.CENTER,
    ),
    _row(
        "prereview_return",
        _("return after pre-review"),
        sources=[S.PREREVIEW],
        target=S.RETURNED,
        roles=[R.INTAKE_CLERK],
        scope=Scope.CENTER,
    ),
    _row(
        "township_check",
        _("township check"),
        sources=[S.PREREVIEW],
        target=None,
        roles=[R.INTAKE_CLERK, R.CENTER_ADMIN],
        scope=Scope.LOWER_CENTER,
    ),
    _row(
        "township_return",
        _("returned by the township center"),
        sources=[S.PREREVIEW],
        target=S.RETURNED,
        roles=[R.INTAKE_CLERK, R.CENTER_ADMIN],
        scope=Scope.LOWER_CENTER,
    ),
    _row(
        "request_supplement",
        _("request supplement"),
        sources=[S.SUBMITTED, S.PREREVIEW],
        target=S.PENDING_SUPPLEMENT,
        roles=[R.INTAKE_CLERK],
        scope=Scope.CENTER,
    ),
    _row(
        "supplement",
        _("supplement"),
        sources=[S.PENDING_SUPPLEMENT],
        target=S.SUBMITTED,
        also=[S.PREREVIEW],  # answered online: the hall checks the new files first
        roles=[R.INTAKE_CLERK, R.PROXY_AGENT],
        scope=Scope.CENTER,
        applicant_may=True,
    ),
    _row(
        "accept",
        _("accept"),
        sources=[S.SUBMITTED],
        target=S.ACCEPTED,
        roles=[R.INTAKE_CLERK],
        scope=Scope.CENTER,
    ),
    _row(
        "accept_with_pending",
        _("accept with pending materials"),
        sources=[S.SUBMITTED],
        target=S.ACCEPTED,
        roles=[R.INTAKE_CLERK],
        scope=Scope.CENTER,
    ),
    _row(
        "refuse",
        _("refuse"),
        sources=[S.SUBMITTED, S.PREREVIEW, S.PENDING_SUPPLEMENT],
        target=S.REFUSED,
        roles=[R.INTAKE_CLERK, R.CHIEF_REPRESENTATIVE],
        scope=Scope.CENTER,
    ),
    _row(
        "materials_received",
        _("tolerated materials received"),
        sources=[*HANDLING, S.DECIDED],
        target=None,
        roles=[R.INTAKE_CLERK],
        scope=Scope.CENTER,
    ),
    # ---- back office: routing and tasks
    _row(
        "route",
        _("route"),
        sources=[S.ACCEPTED],
        target=S.IN_PROGRESS,
        roles=[R.INTAKE_CLERK, R.CHIEF_REPRESENTATIVE],
        scope=Scope.CENTER,
    ),
    _row(
        "task_claim",
        _("claim task"),
        sources=[S.IN_PROGRESS],
        target=None,
        roles=STAFF_OF_DEPARTMENT,
        scope=Scope.TASK,
    ),
    _row(
        "task_complete",
        _("complete task"),
        sources=[S.IN_PROGRESS],
        target=None,
        roles=STAFF_OF_DEPARTMENT,
        scope=Scope.TASK,
    ),
    _row(
        "send_back",
        _("send back"),
        sources=[S.IN_PROGRESS],
        target=None,
        roles=STAFF_OF_DEPARTMENT,
        scope=Scope.DEPARTMENT,
    ),
    _row(
        "request_inspection",
        _("request site inspection"),
        sources=[S.IN_PROGRESS],
        target=None,
        roles=STAFF_OF_DEPARTMENT,
        scope=Scope.DEPARTMENT,
    ),
    _row(
        "report_up",
        _("report to the upper center"),
        sources=[S.IN_PROGRESS],
        target=None,
        roles=[R.CHIEF_REPRESENTATIVE],
        scope=Scope.DEPARTMENT,
    ),
    _row(
        "report_back",
        _("return from the upper center"),
        sources=[S.IN_PROGRESS],
        target=None,
        roles=STAFF_OF_DEPARTMENT,
        scope=Scope.TASK,
    ),
    # ---- the clock
    _row(
        "suspend",
        _("suspend"),
        sources=[S.IN_PROGRESS],
        target=S.SUSPENDED,
        roles=[R.APPROVER, R.CHIEF_REPRESENTATIVE, R.CENTER_ADMIN],
        scope=Scope.DEPARTMENT,
    ),
    _row(
        "resume",
        _("resume"),
        sources=[S.SUSPENDED],
        target=S.IN_PROGRESS,
        roles=[R.APPROVER, R.CHIEF_REPRESENTATIVE, R.CENTER_ADMIN],
        scope=Scope.DEPARTMENT,
    ),
    _row(
        "extend",
        _("extend"),
        sources=HANDLING,
        target=None,
        roles=[R.CHIEF_REPRESENTATIVE, R.CENTER_ADMIN, R.SUPERVISOR],
        scope=Scope.DEPARTMENT,
    ),
    _row(
        "extension_request",
        _("ask for an extension"),
        sources=HANDLING,
        target=None,
        roles=STAFF_OF_DEPARTMENT,
        scope=Scope.DEPARTMENT,
    ),
    _row(
        "extension_refuse",
        _("refuse an extension"),
        sources=HANDLING,
        target=None,
        roles=[R.CHIEF_REPRESENTATIVE, R.CENTER_ADMIN, R.SUPERVISOR],
        scope=Scope.DEPARTMENT,
    ),
    # ---- opinions on the trail (no change of state)
    _row(
        "opinion",
        _("record an opinion"),
        sources=[*HANDLING, S.DECIDED],
        target=None,
        roles=STAFF_OF_DEPARTMENT,
        scope=Scope.DEPARTMENT,
    ),
    # ---- decision and delivery
    _row(
        "decide",
        _("decide"),
        sources=[S.IN_PROGRESS],
        target=S.DECIDED,
        roles=STAFF_OF_DEPARTMENT,
        scope=Scope.DEPARTMENT,
    ),
    _row(
        "complete",
        _("complete"),
        sources=[S.DECIDED],
        target=S.COMPLETED,
        roles=STAFF_OF_DEPARTMENT,
        scope=Scope.DEPARTMENT,
    ),
    _row(
        "deliver",
        _("deliver"),
        sources=[S.COMPLETED],
        target=S.DELIVERED,
        roles=[R.PICKUP_CLERK, R.INTAKE_CLERK],
        scope=Scope.CENTER,
    ),
    _row(
        "close",
        _("close"),
        sources=[S.DELIVERED],
        target=S.CLOSED,
        roles=[R.PICKUP_CLERK, R.INTAKE_CLERK, R.CENTER_ADMIN],
        scope=Scope.CENTER,
    ),
    # ---- exits before a decision
    _row(
        "withdraw",
        _("withdraw"),
        sources=BEFORE_DECISION,
        target=S.WITHDRAWN,
        roles=[R.INTAKE_CLERK],
        scope=Scope.CENTER,
        applicant_may=True,
    ),
    _row(
        "void",
        _("void the intake"),
        sources=VOIDABLE,
        target=S.VOIDED,
        roles=[R.INTAKE_CLERK, R.CENTER_ADMIN],
        scope=Scope.CENTER,
    ),
    _row(
        "return",
        _("return"),
        sources=BEFORE_DECISION,
        target=S.RETURNED,
        roles=[R.INTAKE_CLERK, R.CHIEF_REPRESENTATIVE, R.CENTER_ADMIN],
        scope=Scope.CENTER,
    ),
)

TRANSITIONS: dict[str, Transition] = {t.action: t for t in _ROWS}
ACTIONS = tuple(TRANSITIONS)


def action_label(action: str) -> str:
    t = TRANSITIONS.get(action)
    return str(t.label) if t else action


def staff_roles(staff: Staff) -> frozenset[str]:
    """The staff member's roles, read once per instance (prefetch cache or one query) and kept on it.

    Load staff for a request or a batch once and pass that instance to every service call;
    the engine then never reads groups during a transition.
    """
    roles: frozenset[str] | None = staff.__dict__.get("_onewindow_roles")
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
    proxy_agent_id: int | None = None,
) -> Transition:
    """Raise a CaseError unless `actor` may take `action` on a case in `state`. Reads nothing.

    `applicant_id` is needed only when the actor is an Applicant; `task_department_id` only
    for task-scoped actions; `lower_center_id` only for lower-center actions;
    `proxy_agent_id` (the agent who filed the case's application) only when a proxy agent
    acts: the village agent who filed it is in scope of a center-scoped action the table
    opens to proxy agents (answering a one-time notice), although the case is the hall's.
    """
    t = TRANSITIONS.get(action)
    if t is None:
        raise case_error("TRANSITION_NOT_ALLOWED", action=action, state=str(S(state).label))
    if state not in t.sources:
        raise case_error("TRANSITION_NOT_ALLOWED", action=str(t.label), state=str(S(state).label))
    if isinstance(actor, Applicant):
        if not t.applicant_may:
            raise case_error("ROLE_NOT_ALLOWED", action=str(t.label))
        if applicant_id is None or actor.pk != applicant_id:
            raise case_error("NOT_OWN_APPLICATION")
        return t
    if not actor.is_active:
        raise case_error("ACCOUNT_INACTIVE")
    roles = staff_roles(actor)
    if not (roles & t.roles):
        raise case_error("ROLE_NOT_ALLOWED", action=str(t.label))
    if t.scope == Scope.TASK:
        if task_department_id is None or actor.department_id != task_department_id:
            raise case_error("OUT_OF_SCOPE")
    elif t.scope == Scope.LOWER_CENTER:
        if lower_center_id is None or actor.center_id != lower_center_id:
            raise case_error("OUT_OF_SCOPE")
    elif actor.center_id != center_id:
        if not (
            t.scope == Scope.CENTER
            and R.PROXY_AGENT in roles
            and proxy_agent_id is not None
            and proxy_agent_id == actor.pk
        ):
            raise case_error("OUT_OF_SCOPE")
    elif (
        t.scope == Scope.DEPARTMENT and actor.department_id != department_id and not roles & CENTER_OVERSIGHT
    ):
        raise case_error("OUT_OF_SCOPE")
    return t


def check_separation_of_duties(*, accepted_by_id: int | None, actor: Staff) -> None:
    """前台受理、后台审批: whoever accepted a case at the window may not decide it."""
    if accepted_by_id is not None and accepted_by_id == actor.pk:
        raise case_error("SEPARATION_OF_DUTIES")


def check_void(
    *,
    actor: Staff,
    case_kind: str,
    state: str,
    intake_user_id: int | None,
    intake_day: dt.date | None,
    today: dt.date,
) -> None:
    """作废: the clerk who took the intake may void it on the same day; after that day (or
    someone else's intake) only a center administrator. A completed case may be voided only
    when it was an immediate (即办) one, completed at the window."""
    if state == S.COMPLETED and case_kind != CaseKind.IMMEDIATE:
        raise case_error("TRANSITION_NOT_ALLOWED", action=action_label("void"), state=str(S(state).label))
    if R.CENTER_ADMIN in staff_roles(actor):
        return
    if intake_user_id is None or intake_user_id != actor.user_id:
        raise case_error("VOID_NOT_OWN_INTAKE")
    if intake_day != today:
        raise case_error("VOID_DAY_PASSED")


def check_task_role(*, task_role: str, actor: Staff, action: str) -> None:
    """A task names the role that does it; a chief representative may do any task of the department."""
    roles = staff_roles(actor)
    if task_role not in roles and R.CHIEF_REPRESENTATIVE not in roles:
        raise case_error("ROLE_NOT_ALLOWED", action=action_label(action))


@dataclass(frozen=True)
class Cover:
    """The actor finishes a task claimed by someone else as their B post (AB岗)."""

    staff_id: int
    name: str


def check_task_actor(
    *,
    assignee_id: int | None,
    assignee_name: str = "",
    assignee_backup_id: int | None = None,
    assignee_absent: bool = False,
    actor: Staff,
) -> Cover | None:
    """Who may finish a task: anyone of its department while it is unclaimed, its assignee once
    claimed, and the assignee's B post (`Staff.backup`) only while the assignee is marked
    absent. Returns the `Cover` when the B post acts for the A post (the event says so)."""
    if assignee_id is None or assignee_id == actor.pk:
        return None
    if assignee_backup_id == actor.pk and assignee_absent:
        return Cover(staff_id=assignee_id, name=assignee_name)
    if assignee_backup_id == actor.pk:
        raise case_error("ASSIGNEE_NOT_ABSENT", name=assignee_name)
    raise case_error("TASK_CLAIMED_BY_OTHER", name=assignee_name)


@dataclass(frozen=True)
class MaterialGap:
    """A required material of one case that has not been received."""

    code: str
    name: str
    tolerable: bool
    tolerance_days: int


class _Requirement(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def required(self) -> bool: ...
    @property
    def tolerable(self) -> bool: ...
    @property
    def tolerance_days(self) -> int: ...


HANDED_IN = frozenset({ApplicationMaterial.Status.RECEIVED, ApplicationMaterial.Status.COMMITTED})
"""A material counts as handed in when received or replaced by a commitment (告知承诺)."""


def sort_materials(
    requirements: Sequence[_Requirement], statuses: Mapping[str, str]
) -> tuple[list[MaterialGap], list[MaterialGap]]:
    """(missing, pending) for one case: required materials not received, split into those that
    block acceptance and those that may follow after it (容缺, due after their tolerance days).
    `statuses` maps a material code to its `ApplicationMaterial.Status`."""
    missing: list[MaterialGap] = []
    pending: list[MaterialGap] = []
    for req in requirements:
        if not req.required or statuses.get(req.code) in HANDED_IN:
            continue
        gap = MaterialGap(req.code, req.name, req.tolerable, req.tolerance_days)
        (pending if req.tolerable else missing).append(gap)
    return missing, pending


def check_delivery(*, method: str, address: str, offered: Sequence[tuple[str, Sequence[str]]]) -> None:
    """The delivery method is known, offered by every item (`(item name, methods)`; no methods
    listed means any), and mail has an address."""
    if not method:
        return
    if method not in DeliveryMethod.values:
        raise case_error("FIELD_INVALID", field="delivery_method", reason=method)
    for item_name, methods in offered:
        if methods and method not in methods:
            raise case_error(
                "DELIVERY_NOT_OFFERED",
                field="delivery_method",
                item=item_name,
                method=str(DeliveryMethod(method).label),
            )
    if method == DeliveryMethod.MAIL and not address.strip():
        raise case_error("FIELD_REQUIRED", field="delivery_address")


def require(value: object, name: str) -> None:
    """A text or list input that must not be empty (FIELD_REQUIRED naming it)."""
    if (
        value is None
        or (isinstance(value, str) and not value.strip())
        or (isinstance(value, list | tuple) and not value)
    ):
        raise case_error("FIELD_REQUIRED", field=name)


def check_length(value: str, name: str, max_length: int | None) -> None:
    """A text input no longer than its column (FIELD_INVALID naming it, instead of a database error)."""
    if max_length is not None and len(value) > max_length:
        raise case_error(
            "FIELD_INVALID", field=name, reason=gettext("at most %(n)d characters") % {"n": max_length}
        )


def transition_table_markdown() -> str:
    """The table as Markdown; docs/cases.md embeds it and tests/cases/test_docs.py keeps them equal."""
    scope_text = {
        Scope.CENTER: "case's center",
        Scope.DEPARTMENT: "case's department (or center admin / supervisor)",
        Scope.TASK: "task's department",
        Scope.LOWER_CENTER: "the lower-tier center named by the caller",
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
                "yes" if t.applicant_may else "",
            )
        )
    return "\n".join(lines)
