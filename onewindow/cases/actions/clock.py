"""The clock of a case: its deadlines, suspensions (特别程序) and extensions (延期).

A case's two deadlines are computed here and only here, on every action that moves them,
and stored on the case, so supervision reads them with an indexed range query:

* promised deadline = accepted_at + promised limit + extensions + suspended days,
* legal deadline    = accepted_at + legal limit + suspended days,

in the item's unit (working days on the official calendar, or calendar days). A
suspension's days count from the day after it starts up to the day it ends.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from onewindow.cases import locks, rules
from onewindow.cases.actions.checks import check_case
from onewindow.cases.errors import case_error
from onewindow.cases.events import append_event
from onewindow.cases.models import Case, CaseEvent, CaseState, Extension, Suspension
from onewindow.cases.plans import version_plan
from onewindow.catalog.models import LimitUnit
from onewindow.core import calendar, clock
from onewindow.org.models import Staff

S = CaseState


def deadlines(case: Case) -> dict[str, Any]:
    """Promised and legal deadlines from accepted_at, the limits, extensions and suspensions."""
    if case.accepted_at is None:
        return {"deadline": None, "legal_deadline": None}
    unit = case.limit_unit
    legal_days = version_plan(case.version_id).legal_limit_days
    return {
        "deadline": calendar.deadline_at(
            case.accepted_at, case.limit_days + case.extended_days + case.suspended_days, unit
        ),
        "legal_deadline": calendar.deadline_at(case.accepted_at, legal_days + case.suspended_days, unit),
    }


def days_between(start: dt.datetime, end: dt.datetime, unit: str) -> int:
    """Days of a suspension in the limit's unit: days after the start date up to the end date."""
    a = start.astimezone(calendar.TZ).date()
    b = end.astimezone(calendar.TZ).date()
    if unit == LimitUnit.CALENDAR_DAYS:
        return max(0, (b - a).days)
    return max(0, calendar.working_days_between(a, b))


def task_due(opened_at: dt.datetime, days: int) -> dt.datetime:
    """When a task opened at `opened_at` with a limit of `days` working days is due."""
    return calendar.deadline_at(opened_at, days, LimitUnit.WORKING_DAYS)


def end_suspension(case: Case, now: dt.datetime) -> int:
    """Close the case's open suspension (the caller holds the case lock); its days in the limit's unit."""
    days = days_between(case.suspended_since or now, now, case.limit_unit)
    if Suspension.objects.filter(case_id=case.pk, ended_at__isnull=True).update(ended_at=now, days=days) != 1:
        raise case_error("SUSPENSION_NOT_OPEN")
    return days


@transaction.atomic
def case_suspend(
    *, case: Case, actor: Staff, reason: str, expected_end: dt.date | None, note: str = ""
) -> Case:
    """特别程序: stop the clock (hearing, testing, expert review, public notice…) until resumed."""
    case = locks.lock_case(case)
    check_case(case, "suspend", actor)
    if reason not in Suspension.Reason.values:
        raise case_error("FIELD_REQUIRED" if not reason else "FIELD_INVALID", field="reason", reason=reason)
    if expected_end is None:
        raise case_error("FIELD_REQUIRED", field="expected_end")
    if expected_end < clock.today():
        raise case_error("FIELD_INVALID", field="expected_end", reason=expected_end.isoformat())
    if reason == Suspension.Reason.OTHER:
        rules.require(note, "note")
    now = clock.now()
    Suspension.objects.create(
        case_id=case.pk, reason=reason, note=note, started_at=now, expected_end=expected_end
    )
    append_event(
        case,
        actor=actor,
        action="suspend",
        to_state=S.SUSPENDED,
        at=now,
        opinion=note,
        data={"reason": reason, "expected_end": expected_end},
        suspended_since=now,
    )
    return case


@transaction.atomic
def case_resume(*, case: Case, actor: Staff, note: str = "") -> Case:
    """End the suspension: its days (in the limit's unit) are added and both deadlines move."""
    case = locks.lock_case(case)
    check_case(case, "resume", actor)
    now = clock.now()
    days = end_suspension(case, now)
    case.suspended_days += days
    append_event(
        case,
        actor=actor,
        action="resume",
        to_state=S.IN_PROGRESS,
        at=now,
        opinion=note,
        data={"days": days},
        suspended_days=case.suspended_days,
        suspended_since=None,
        **deadlines(case),
    )
    return case


@transaction.atomic
def case_extend(*, case: Case, actor: Staff, days: int, reason: str) -> Case:
    """延期: an authorised extension of the promised limit, recorded as an Extension row.

    Only a chief representative of the case's department, or a center administrator or
    supervisor of its center. Moves the promised deadline by `days` of the limit's unit.
    """
    case = locks.lock_case(case)
    check_case(case, "extend", actor)
    _check_days(days)
    rules.require(reason, "reason")
    now = clock.now()
    Extension.objects.create(case_id=case.pk, days=days, reason=reason, authorised_by_id=actor.pk, at=now)
    case.extended_days += days
    append_event(
        case,
        actor=actor,
        action="extend",
        at=now,
        opinion=reason,
        data={"days": days},
        extended_days=case.extended_days,
        **deadlines(case),
    )
    return case


# An extension asked for by the department waits for the chief representative: the latest of
# these events on the case says whether one is pending (no row of its own, see decision 0016).
EXTENSION_STEPS = ("extension_request", "extend", "extension_refuse")


def extension_pending(case: Case) -> bool:
    """Whether the case's latest extension step is a request nobody has answered (one SELECT)."""
    last = (
        CaseEvent.objects.filter(case_id=case.pk, action__in=EXTENSION_STEPS)
        .order_by("-seq")
        .values_list("action", flat=True)
        .first()
    )
    return last == "extension_request"


def _check_days(days: int) -> None:
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365:
        raise case_error("FIELD_INVALID", field="days", reason=str(days))


@transaction.atomic
def case_extension_request(*, case: Case, actor: Staff, days: int, reason: str) -> Case:
    """延期申请: the department asks its chief representative to extend the promised limit.

    Nothing moves yet: the chief representative approves (`case_extend` with these days) or
    refuses (`case_extension_refuse`). One request at a time (EXTENSION_PENDING)."""
    case = locks.lock_case(case)
    check_case(case, "extension_request", actor)
    _check_days(days)
    rules.require(reason, "reason")
    if extension_pending(case):
        raise case_error("EXTENSION_PENDING")
    append_event(case, actor=actor, action="extension_request", opinion=reason, data={"days": days})
    return case


@transaction.atomic
def case_extension_refuse(*, case: Case, actor: Staff, reason: str) -> Case:
    """The chief representative refuses the pending extension request, saying why."""
    case = locks.lock_case(case)
    check_case(case, "extension_refuse", actor)
    rules.require(reason, "reason")
    if not extension_pending(case):
        raise case_error("EXTENSION_NOT_PENDING")
    append_event(case, actor=actor, action="extension_refuse", opinion=reason, data={})
    return case
