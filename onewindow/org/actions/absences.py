"""Absences of an A post, during which its B post may act on its tasks."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from onewindow.core import clock
from onewindow.org.actions.checks import _text
from onewindow.org.errors import org_error
from onewindow.org.models import Role, Staff, StaffAbsence


def _aware(*values: dt.datetime) -> None:
    for value in values:
        if timezone.is_naive(value):
            raise ValueError("absences need aware datetimes")


def _local(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def _may_set_absence(*, staff: Staff, actor: Staff | None) -> Staff:
    """The actor, when it is the staff member themself or an active center admin of their
    center; ABSENCE_NOT_ALLOWED otherwise."""
    if actor is not None and actor.is_active:
        if actor.pk == staff.pk:
            return actor
        if actor.center_id == staff.center_id and actor.has_role(Role.CENTER_ADMIN):
            return actor
    raise org_error("ABSENCE_NOT_ALLOWED", "staff")


@transaction.atomic
def staff_absence_create(
    *, staff: Staff, starts_at: dt.datetime, ends_at: dt.datetime, reason: str, actor: Staff | None
) -> StaffAbsence:
    """Mark `staff` (the A post) absent for [starts_at, ends_at): while it runs, their B post
    may act on their tasks (the engine asks `selectors.staff_absent`).

    Set by the staff member or a center admin of their center (`actor`; None, an account
    without a staff row, is refused). The period may start before now (leave recorded in the
    morning) but not be over already: a period wholly in the past would only make earlier
    work look covered. It may not overlap another absence of the same person. Locks the
    staff row, so two overlapping periods entered at once cannot both pass the check."""
    _aware(starts_at, ends_at)
    setter = _may_set_absence(staff=staff, actor=actor)
    reason = _text(reason, "reason", StaffAbsence)
    if not reason:
        raise org_error("ABSENCE_REASON_REQUIRED", "reason")
    if ends_at <= starts_at:
        raise org_error("ABSENCE_ENDS_BEFORE_START", "ends_at")
    now = clock.now()
    if ends_at <= now:
        raise org_error("ABSENCE_IN_PAST", "ends_at")
    Staff.objects.select_for_update().filter(pk=staff.pk).values_list("pk", flat=True).first()
    overlap = (
        StaffAbsence.objects.filter(staff_id=staff.pk, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .order_by("starts_at")
        .first()
    )
    if overlap is not None:
        raise org_error(
            "ABSENCE_OVERLAPS",
            "starts_at",
            name=staff.name,
            start=_local(overlap.starts_at),
            end=_local(overlap.ends_at),
        )
    return StaffAbsence.objects.create(
        staff=staff, starts_at=starts_at, ends_at=ends_at, reason=reason, set_by=setter, created_at=now
    )


@transaction.atomic
def staff_absence_end(
    *, absence: StaffAbsence, actor: Staff | None, at: dt.datetime | None = None
) -> StaffAbsence:
    """The A post is back early: the absence now ends at `at` (now by default, or a coming
    time) and `ended_by` records who ended it; from then on the B post no longer covers.

    Same people as `staff_absence_create`. Refused for an absence already over, one that has
    not started by `at` (cancel it instead), and an end before now (what was covered stays
    covered). Locks the absence row."""
    locked = StaffAbsence.objects.select_for_update().select_related("staff").get(pk=absence.pk)
    ender = _may_set_absence(staff=locked.staff, actor=actor)
    now = clock.now()
    at = now if at is None else at
    _aware(at)
    if locked.ends_at <= now:
        raise org_error("ABSENCE_ENDED")
    if at < now:
        raise org_error("ABSENCE_END_IN_PAST", "ends_at")
    if at <= locked.starts_at:
        raise org_error("ABSENCE_NOT_STARTED", "ends_at")
    if at >= locked.ends_at:
        raise org_error("ABSENCE_END_AFTER_END", "ends_at", end=_local(locked.ends_at))
    locked.ends_at, locked.ended_by = at, ender
    locked.save(update_fields=["ends_at", "ended_by"])
    absence.ends_at, absence.ended_by = locked.ends_at, locked.ended_by
    return locked


@transaction.atomic
def staff_absence_cancel(*, absence: StaffAbsence, actor: Staff | None) -> None:
    """Withdraw an absence that has not started: it never covered anything, so nothing of it
    is kept. One that has started is ended instead (`staff_absence_end`), so the period a B
    post covered stays on record. Same people as `staff_absence_create`; locks the row."""
    locked = StaffAbsence.objects.select_for_update().select_related("staff").get(pk=absence.pk)
    _may_set_absence(staff=locked.staff, actor=actor)
    if locked.starts_at <= clock.now():
        raise org_error("ABSENCE_STARTED")
    locked.delete()
