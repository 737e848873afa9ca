"""Writes for the shared kernel: calendar overrides.

Every change to `CalendarDay` goes through these functions (the admin included) so the
compiled working-day calendar is rebuilt at once in this process; other processes see the
change at their next periodic re-read of the overrides (`calendar.recheck_seconds()`).
"""

import datetime as dt

from django.db import transaction

from onewindow.core import calendar
from onewindow.core.models import CalendarDay


def _calendar_changed() -> None:
    calendar.calendar_reload()
    # Rebuild again once the change is visible to everyone (a rebuild inside the
    # transaction would otherwise be compiled from rows that may still roll back).
    transaction.on_commit(calendar.calendar_reload)


@transaction.atomic
def calendar_day_set(*, date: dt.date, is_working_day: bool, note: str = "") -> CalendarDay:
    """Create or replace the override for `date`; it wins over the official schedule."""
    day, _created = CalendarDay.objects.update_or_create(
        date=date, defaults={"is_working_day": is_working_day, "note": note}
    )
    _calendar_changed()
    return day


@transaction.atomic
def calendar_day_remove(*, date: dt.date) -> bool:
    """Remove the override for `date` (the official schedule applies again); False if none."""
    deleted, _details = CalendarDay.objects.filter(date=date).delete()
    if deleted:
        _calendar_changed()
    return bool(deleted)
