"""The back office (后台分类审批): routing a case into its procedure and the departments' tasks.

A procedure is stages of tasks; a stage's tasks run in parallel (并联), each in its
department. Routing creates every task of the procedure at once: the first stage's open,
the later stages' waiting, each opening when the stage before has finished. A rejection
in a stage stops the procedure after it (the case is then ready to decide, usually a
denial). The case row counts the current stage's open tasks (`open_tasks`) and
rejections, so no action needs to count tasks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.cases import locks, rules
from onewindow.cases.actions.checks import check_case
from onewindow.cases.actions.clock import task_due
from onewindow.cases.errors import case_error
from onewindow.cases.events import append_event
from onewindow.cases.models import Case, CaseState, CaseTask
from onewindow.cases.plans import StagePlan, version_plan
from onewindow.core import clock
from onewindow.org import selectors as org_selectors
from onewindow.org.models import Department, Role, Staff

S = CaseState
T = CaseTask.State
DEFAULT_INSPECTION_DAYS = 3
DEFAULT_REPORT_DAYS = 5


@transaction.atomic
def case_route(*, case: Case, actor: Staff) -> Case:
    """Hand an accepted case to the back office: create every task of its procedure at once.

    A procedure without tasks leaves the case ready to decide.
    """
    case = locks.lock_case(case)
    check_case(case, "route", actor)
    plan = version_plan(case.version_id)
    now = clock.now()
    first = plan.stages[0] if plan.stages else None
    CaseTask.objects.bulk_create(
        [
            CaseTask(
                case_id=case.pk,
                stage_order=stage.order,
                stage_name=stage.name,
                stage_task_id=t.stage_task_id,
                name=t.name,
                action=t.action,
                department_id=t.department_id,
                role=t.role,
                state=T.OPEN if stage is first else T.WAITING,
                opened_at=now,
                due_at=task_due(now, t.limit_days) if stage is first else None,
            )
            for stage in plan.stages
            for t in stage.tasks
        ]
    )
    append_event(
        case,
        actor=actor,
        action="route",
        to_state=S.IN_PROGRESS,
        at=now,
        data={"stage": first.order if first else None, "tasks": len(first.tasks) if first else 0},
        stage_order=first.order if first else 0,
        open_tasks=len(first.tasks) if first else 0,
        rejections=0,
    )
    return case


def _open_task(task: CaseTask, case: Case) -> None:
    """The task can be worked on now: it is open or claimed, in the case's current stage."""
    if task.state in (T.DONE, T.CANCELLED):
        raise case_error("TASK_ALREADY_DONE")
    if task.state == T.WAITING or task.stage_order != case.stage_order:
        raise case_error("TASK_NOT_OPEN")


@transaction.atomic
def task_claim(*, task: CaseTask, actor: Staff) -> CaseTask:
    """Claim an open task of the current stage for oneself; once claimed, only the assignee
    (or their B post while they are away) may finish it."""
    task, case = locks.lock_task_case(task)
    check_case(case, "task_claim", actor, task_department_id=task.department_id)
    rules.check_task_role(task_role=task.role, actor=actor, action="task_claim")
    _open_task(task, case)
    if task.state == T.CLAIMED:
        name = task.assignee.name if task.assignee is not None else ""
        raise case_error("TASK_CLAIMED_BY_OTHER", name=name)
    now = clock.now()
    CaseTask.objects.filter(pk=task.pk).update(state=T.CLAIMED, assignee_id=actor.pk, claimed_at=now)
    append_event(
        case, actor=actor, action="task_claim", at=now, data={"task": task.pk, "task_name": task.name}
    )
    task.state, task.assignee, task.claimed_at = T.CLAIMED, actor, now
    return task


def _open_stage(case: Case, stage: StagePlan, now: dt.datetime, **reset: Any) -> int:
    """Open the procedure tasks of `stage` (one UPDATE per distinct task limit); how many opened."""
    by_days: dict[int, list[int]] = {}
    for t in stage.tasks:
        by_days.setdefault(t.limit_days, []).append(t.stage_task_id)
    opened = 0
    for days, ids in by_days.items():
        opened += CaseTask.objects.filter(
            case_id=case.pk, stage_order=stage.order, stage_task_id__in=ids
        ).update(state=T.OPEN, opened_at=now, due_at=task_due(now, days), **reset)
    return opened


def _cover(task: CaseTask, actor: Staff, now: dt.datetime) -> rules.Cover | None:
    """Who the actor covers for, if the task is claimed by someone else (read only then)."""
    if task.assignee_id is None or task.assignee_id == actor.pk:
        return None
    assignee = Staff.objects.only("name", "backup_id").get(pk=task.assignee_id)
    return rules.check_task_actor(
        assignee_id=assignee.pk,
        assignee_name=assignee.name,
        assignee_backup_id=assignee.backup_id,
        assignee_absent=assignee.backup_id == actor.pk
        and org_selectors.staff_absent(staff_id=assignee.pk, at=now),
        actor=actor,
    )


def _finish_task(
    *, task: CaseTask, actor: Staff, action: str, opinion: str, outcome: str, attachments: Sequence[str]
) -> CaseTask:
    task, case = locks.lock_task_case(task)
    check_case(case, action, actor, task_department_id=task.department_id)
    rules.check_task_role(task_role=task.role, actor=actor, action=action)
    reported = (
        task.stage_task_id is None
        and case.reported_to_id is not None
        and actor.center_id == case.reported_to_id
    )
    if action == "report_back" and not reported:
        raise case_error("NOT_REPORTED")
    if action == "task_complete" and reported:
        raise case_error("TRANSITION_NOT_ALLOWED", action=rules.action_label(action), state=_("reported"))
    rules.require(opinion, "opinion")
    if outcome not in CaseTask.Outcome.values:
        raise case_error("FIELD_INVALID", field="outcome", reason=outcome)
    _open_task(task, case)
    now = clock.now()
    cover = _cover(task, actor, now)

    remaining = max(0, case.open_tasks - 1)
    rejections = case.rejections + (1 if outcome == CaseTask.Outcome.REJECT else 0)
    plan = version_plan(case.version_id)
    next_stage = plan.next_stage(case.stage_order) if remaining == 0 and rejections == 0 else None

    CaseTask.objects.filter(pk=task.pk).update(
        state=T.DONE,
        opinion=opinion,
        outcome=outcome,
        assignee_id=actor.pk,
        claimed_at=task.claimed_at or now,
        completed_at=now,
    )
    fields: dict[str, Any] = {"open_tasks": remaining, "rejections": rejections}
    if next_stage is not None:
        if _open_stage(case, next_stage, now) != len(next_stage.tasks):
            raise case_error("PROCEDURE_CHANGED")  # the item's procedure was edited under the case
        fields = {"stage_order": next_stage.order, "open_tasks": len(next_stage.tasks), "rejections": 0}
    if action == "report_back":
        fields["reported_to_id"] = None
    data: dict[str, Any] = {
        "task": task.pk,
        "task_name": task.name,
        "stage": task.stage_order,
        "outcome": outcome,
        "attachments": list(attachments),
        "next_stage": next_stage.order if next_stage else None,
        "ready_to_decide": remaining == 0 and next_stage is None,
    }
    if cover is not None:
        data["covered_for"] = {"staff": cover.staff_id, "name": cover.name}
    append_event(case, actor=actor, action=action, at=now, opinion=opinion, data=data, **fields)
    task.state, task.opinion, task.outcome, task.completed_at = T.DONE, opinion, outcome, now
    task.assignee = actor
    return task


@transaction.atomic
def task_complete(
    *,
    task: CaseTask,
    actor: Staff,
    opinion: str,
    outcome: str = CaseTask.Outcome.APPROVE,
    attachments: Sequence[str] = (),
) -> CaseTask:
    """Finish a task with an opinion and an outcome (approve / reject).

    The stage's last open task opens the next stage's tasks; after the last stage, or when
    any task of the stage rejected, the case is ready to decide (`open_tasks == 0`). A
    claimed task is finished by its assignee, or by the assignee's B post while the
    assignee is marked absent (the event names whom the B post covered for).
    """
    return _finish_task(
        task=task,
        actor=actor,
        action="task_complete",
        opinion=opinion,
        outcome=outcome,
        attachments=attachments,
    )


@transaction.atomic
def case_report_back(
    *,
    task: CaseTask,
    actor: Staff,
    opinion: str,
    outcome: str = CaseTask.Outcome.APPROVE,
    attachments: Sequence[str] = (),
) -> CaseTask:
    """The upper center finishes its task on a reported (上报) case and returns the case."""
    return _finish_task(
        task=task,
        actor=actor,
        action="report_back",
        opinion=opinion,
        outcome=outcome,
        attachments=attachments,
    )


@transaction.atomic
def case_send_back(*, case: Case, actor: Staff, to_stage: int, opinion: str) -> Case:
    """Send the case back to an earlier stage: its tasks reopen, later stages wait again.

    Ad-hoc tasks (inspections, reports) still open in those stages are cancelled. The
    current stage itself may be redone only once it has finished (ready to decide).
    """
    case = locks.lock_case(case)
    check_case(case, "send_back", actor)
    rules.require(opinion, "opinion")
    plan = version_plan(case.version_id)
    stage = plan.stage(to_stage)
    if stage is None or to_stage > case.stage_order or (to_stage == case.stage_order and case.open_tasks):
        raise case_error("STAGE_INVALID", field="to_stage")
    now = clock.now()
    later = CaseTask.objects.filter(case_id=case.pk, stage_order__gte=to_stage)
    later.filter(stage_task__isnull=True).exclude(state__in=[T.DONE, T.CANCELLED]).update(
        state=T.CANCELLED, completed_at=now
    )
    procedure_tasks = later.filter(stage_task__isnull=False)
    reset = {"assignee_id": None, "opinion": "", "outcome": "", "claimed_at": None, "completed_at": None}
    procedure_tasks.filter(stage_order__gt=to_stage).update(
        state=T.WAITING, opened_at=now, due_at=None, **reset
    )
    _open_stage(case, stage, now, **reset)
    append_event(
        case,
        actor=actor,
        action="send_back",
        at=now,
        opinion=opinion,
        data={"from_stage": case.stage_order, "to_stage": to_stage},
        stage_order=to_stage,
        open_tasks=len(stage.tasks),
        rejections=0,
        reported_to_id=None,
    )
    return case


def _add_task(
    *,
    case: Case,
    department: Department,
    name: str,
    action: str,
    days: int,
    now: dt.datetime,
    stage_name: str,
) -> CaseTask:
    """An ad-hoc task in the current stage (the stage waits for it too)."""
    return CaseTask.objects.create(
        case_id=case.pk,
        stage_order=case.stage_order,
        stage_name=stage_name,
        stage_task=None,
        name=name,
        action=action,
        department_id=department.pk,
        role=Role.APPROVER,
        state=T.OPEN,
        opened_at=now,
        due_at=task_due(now, days),
    )


@transaction.atomic
def case_request_inspection(
    *,
    case: Case,
    actor: Staff,
    opinion: str,
    department: Department | None = None,
    name: str = "",
    limit_days: int = DEFAULT_INSPECTION_DAYS,
) -> CaseTask:
    """Add a site-inspection (现场踏勘) task for a department of the case's center to the current stage."""
    case = locks.lock_case(case)
    check_case(case, "request_inspection", actor)
    rules.require(opinion, "opinion")
    department = department or actor.department
    if department is None:
        raise case_error("FIELD_REQUIRED", field="department")
    if department.center_id != case.center_id:
        raise case_error("DEPARTMENT_NOT_IN_CENTER", field="department")
    if case.stage_order == 0:
        raise case_error("IMMEDIATE_CASE")
    now = clock.now()
    task = _add_task(
        case=case,
        department=department,
        name=name or _("site inspection"),
        action="inspect",
        days=limit_days,
        now=now,
        stage_name=_("site inspection"),
    )
    append_event(
        case,
        actor=actor,
        action="request_inspection",
        at=now,
        opinion=opinion,
        data={"task": task.pk, "department": department.pk},
        open_tasks=case.open_tasks + 1,
    )
    return task


@transaction.atomic
def case_report_up(
    *,
    case: Case,
    actor: Staff,
    department: Department | None,
    opinion: str,
    limit_days: int = DEFAULT_REPORT_DAYS,
) -> CaseTask:
    """上报: add a task for a department of the upper center (`center.parent`) to the current stage.

    The upper center's staff see the case (`case_list`), claim the task and finish it with
    `case_report_back`, which returns the case to the center.
    """
    case = locks.lock_case(case, with_center=True)
    check_case(case, "report_up", actor)
    rules.require(opinion, "opinion")
    parent_id = case.center.parent_id
    if parent_id is None:
        raise case_error("NO_UPPER_CENTER")
    if department is None:
        raise case_error("FIELD_REQUIRED", field="department")
    if department.center_id != parent_id:
        raise case_error("DEPARTMENT_NOT_IN_UPPER_CENTER", field="department")
    if case.stage_order == 0:
        raise case_error("IMMEDIATE_CASE")
    now = clock.now()
    task = _add_task(
        case=case,
        department=department,
        name=_("review by the upper center"),
        action="review",
        days=limit_days,
        now=now,
        stage_name=_("reported to the upper center"),
    )
    append_event(
        case,
        actor=actor,
        action="report_up",
        at=now,
        opinion=opinion,
        data={"task": task.pk, "department": department.pk, "reported_to": parent_id},
        reported_to_id=parent_id,
        open_tasks=case.open_tasks + 1,
    )
    return task
