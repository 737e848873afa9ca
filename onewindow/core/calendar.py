"""The working-day calendar: the only place working-day arithmetic lives.

Sources, in order of precedence:

1. `CalendarDay` rows (overrides entered in the admin): an override always wins.
2. The State Council's published schedule as carried by the `chinese_calendar` package
   (holidays and make-up working days, 调休), for the years the package covers.
3. Outside those years: Monday to Friday are working days, Saturday and Sunday are not.

Counting rule (see docs/calendar.md):

* The day of acceptance is never counted. A limit of N working days ends at the close of
  the N-th working day *after* the acceptance date, so acceptance on a Saturday or a holiday
  counts from the next working day exactly like acceptance on the preceding working day.
* A limit of N calendar days ends on the N-th calendar day after acceptance; when that day is
  not a working day the limit moves to the next working day (the rule of the Administrative
  Procedure Law, 期间届满的最后一日是法定节假日的，以节假日后的第一日为期间届满的日期).
* N = 0 means the same day (an immediate case): the deadline is the close of the
  acceptance day itself, whatever kind of day it is.
* "Close of day" is 23:59:59.999999 Asia/Shanghai on the deadline date.

Speed: a deadline is computed on every case transition and by the data generator millions
of times, so nothing here touches the database per call. The calendar is compiled once per
process into a table over a span of years (2004 up to today + 5 years, widened on demand):
a byte per day (working or not), the sorted list of working-day ordinals and a prefix count,
so every operation is a couple of list look-ups (the prefix count replaces a bisect).

Invalidation: `calendar_day_set` / `calendar_day_remove` (onewindow.core.services, also used
by the admin) call `calendar_reload()` in this process. Every process re-reads the override
rows (one small query: the table holds a few dozen rows a year) at most every
`recheck_seconds()` (setting `ONEWINDOW_CALENDAR_RECHECK_SECONDS`, default 60; 0 turns the
periodic check off) and rebuilds when they differ from what it compiled, so a change made by
another server process, a data migration or a shell is seen within a minute.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from zoneinfo import ZoneInfo

from chinese_calendar import constants as official
from django.utils.translation import gettext as _

from onewindow.core import clock

WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"
UNITS = (WORKING_DAYS, CALENDAR_DAYS)

TZ = ZoneInfo("Asia/Shanghai")
CLOSE_OF_DAY = dt.time.max  # 23:59:59.999999
RECHECK_SECONDS = 60.0  # default for the ONEWINDOW_CALENDAR_RECHECK_SECONDS setting
FIRST_YEAR = 2004
YEARS_AHEAD = 5
_monotonic = time.monotonic  # module-level so tests can move this clock alone

_OFFICIAL_HOLIDAYS = frozenset(official.holidays)
_OFFICIAL_WORKDAYS = frozenset(official.workdays)
_OFFICIAL_YEARS = range(min(d.year for d in official.holidays), max(d.year for d in official.holidays) + 1)


class _Table:
    """The compiled calendar for [first, last]; immutable once built."""

    __slots__ = ("base", "end", "working", "before", "ords", "override_years", "version", "recheck_at")

    def __init__(self, first: dt.date, last: dt.date, overrides: dict[dt.date, bool], version: object):
        self.base = first.toordinal()
        self.end = last.toordinal()  # inclusive
        size = self.end - self.base + 1
        working = bytearray(size)
        for i in range(size):
            working[i] = _default_is_working(dt.date.fromordinal(self.base + i))
        for day, is_working in overrides.items():
            i = day.toordinal() - self.base
            if 0 <= i < size:
                working[i] = is_working
        before = [0] * (size + 1)  # before[i] = working days at offsets < i
        ords: list[int] = []
        count = 0
        for i in range(size):
            before[i] = count
            if working[i]:
                ords.append(self.base + i)
                count += 1
        before[size] = count
        self.working = working
        self.before = before
        self.ords = ords
        self.override_years = frozenset(d.year for d in overrides)
        self.version = version
        self.recheck_at = _next_check()


def _default_is_working(day: dt.date) -> bool:
    if day.year in _OFFICIAL_YEARS:
        if day in _OFFICIAL_WORKDAYS:
            return True
        if day in _OFFICIAL_HOLIDAYS:
            return False
    return day.weekday() < 5


_lock = threading.Lock()
_table_cache: _Table | None = None
_span_hint: tuple[int, int] = (FIRST_YEAR, 0)


def recheck_seconds() -> float:
    """How often a process re-reads the overrides; 0 / None: only on `calendar_reload()`."""
    from django.conf import settings

    return getattr(settings, "ONEWINDOW_CALENDAR_RECHECK_SECONDS", RECHECK_SECONDS) or 0.0


def _next_check() -> float:
    seconds = recheck_seconds()
    return _monotonic() + seconds if seconds > 0 else float("inf")


def _override_rows() -> tuple[tuple[dt.date, bool], ...]:
    from onewindow.core.models import CalendarDay

    return tuple(CalendarDay.objects.order_by("date").values_list("date", "is_working_day"))


def _build(rows: tuple[tuple[dt.date, bool], ...]) -> _Table:
    overrides = dict(rows)
    first_year = min([_span_hint[0], FIRST_YEAR, *(d.year for d in overrides)])
    last_year = max(
        [_span_hint[1], clock.today().year + YEARS_AHEAD, _OFFICIAL_YEARS[-1], *(d.year for d in overrides)]
    )
    # One spare year past the last so "N days after 31 December" never falls off the end.
    return _Table(dt.date(first_year, 1, 1), dt.date(last_year + 1, 12, 31), overrides, rows)


def _table() -> _Table:
    table = _table_cache
    if table is not None and _monotonic() < table.recheck_at:
        return table
    return _refresh()


def _refresh(force: bool = False) -> _Table:
    global _table_cache
    with _lock:
        table = _table_cache
        rows = _override_rows()
        if table is None or force or rows != table.version:
            table = _build(rows)
            _table_cache = table
        else:
            table.recheck_at = _next_check()
        return table


def _widen(ordinal: int) -> _Table:
    """Slow path: a date outside the compiled span (rare) widens it and rebuilds."""
    global _span_hint
    year = dt.date.fromordinal(max(1, min(ordinal, dt.date.max.toordinal()))).year
    if year > dt.date.max.year - 2 or year < 2:
        raise ValueError(_("The date is outside the range the calendar can compute."))
    low, high = _span_hint
    _span_hint = (min(low, year - 1), max(high, year + 1))
    return _refresh(force=True)


def calendar_reload() -> None:
    """Drop the compiled calendar in this process; the next call rebuilds it from the database."""
    global _table_cache
    with _lock:
        _table_cache = None


def _offset(table: _Table, ordinal: int) -> tuple[_Table, int]:
    i = ordinal - table.base
    if i < 0 or ordinal > table.end:
        table = _widen(ordinal)
        i = ordinal - table.base
    return table, i


def is_working_day(d: dt.date) -> bool:
    """True when `d` is a working day (override, then official schedule, then Mon–Fri)."""
    table, i = _offset(_table(), d.toordinal())
    return bool(table.working[i])


def next_working_day(d: dt.date) -> dt.date:
    """`d` itself when it is a working day, otherwise the first working day after it."""
    table, i = _offset(_table(), d.toordinal())
    k = table.before[i]
    while k >= len(table.ords):  # no working day left in the span: widen it by a year
        table, i = _offset(table, table.end + 366)
        k = table.before[d.toordinal() - table.base]
    return dt.date.fromordinal(table.ords[k])


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (`start` itself is not counted; n = 0 → `start`)."""
    if n < 0:
        raise ValueError(_("A limit cannot be negative."))
    if n == 0:
        return start
    table, i = _offset(_table(), start.toordinal())
    k = table.before[i + 1] + n - 1
    while k >= len(table.ords):  # runs past the span: widen it (≈250 working days a year)
        table, i = _offset(table, table.end + n // 200 * 366 + 366)
        k = table.before[start.toordinal() - table.base + 1] + n - 1
    return dt.date.fromordinal(table.ords[k])


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` < `start`).

    The inverse of `add_working_days`: `working_days_between(d, add_working_days(d, n)) == n`.
    """
    table, i = _offset(_table(), start.toordinal())
    table, j = _offset(table, end.toordinal())
    i = start.toordinal() - table.base  # the table may have been widened for `end`
    return table.before[j + 1] - table.before[i + 1]


def add_limit(start: dt.date, n: int, unit: str) -> dt.date:
    """The date a limit of `n` `unit`s (working_days / calendar_days) accepted on `start` ends.

    Working days: the n-th working day after `start`. Calendar days: `start` + n days, moved
    to the next working day when that is not one. n = 0: `start` (same day).
    """
    if unit == WORKING_DAYS:
        return add_working_days(start, n)
    if unit == CALENDAR_DAYS:
        if n < 0:
            raise ValueError(_("A limit cannot be negative."))
        if n == 0:
            return start
        return next_working_day(start + dt.timedelta(days=n))
    raise ValueError(_("Unknown limit unit: %(unit)s") % {"unit": unit})


def deadline_at(accepted_at: dt.datetime, days: int, unit: str) -> dt.datetime:
    """The aware moment a limit expires: close of the deadline day (23:59:59.999999, Asia/Shanghai).

    The acceptance date is the date of `accepted_at` in Asia/Shanghai; the deadline day is
    `add_limit(that date, days, unit)`. This is the hot path (millions of calls in the data
    generator), so the common cases are inlined; anything unusual takes `add_limit`.
    """
    if accepted_at.tzinfo is None:
        raise ValueError(_("The acceptance time must be timezone-aware."))
    start = accepted_at.astimezone(TZ).toordinal()
    table = _table()
    i = start - table.base
    if days > 0 and 0 <= i and start + days + 30 <= table.end:
        ords = table.ords
        if unit == WORKING_DAYS:
            k = table.before[i + 1] + days - 1
            if k < len(ords):
                return _combine(_fromordinal(ords[k]), CLOSE_OF_DAY, tzinfo=TZ)
        elif unit == CALENDAR_DAYS:
            k = table.before[i + days]
            if k < len(ords):
                return _combine(_fromordinal(ords[k]), CLOSE_OF_DAY, tzinfo=TZ)
    day = add_limit(dt.date.fromordinal(start), days, unit)
    return _combine(day, CLOSE_OF_DAY, tzinfo=TZ)


_combine = dt.datetime.combine
_fromordinal = dt.date.fromordinal


def covered_years() -> range:
    """Years whose official schedule ships with the `chinese_calendar` package."""
    return _OFFICIAL_YEARS


def calendar_coverage_warning(today: dt.date | None = None) -> str | None:
    """A warning for the admin when next year's schedule is neither in the package nor entered.

    Checks this year as well as next year, so a server that kept running into an uncovered
    year keeps warning. Returns None when both years are covered by the package or have at
    least one override entered.
    """
    today = today or clock.today()
    table = _table()
    for year in (today.year, today.year + 1):
        if year not in _OFFICIAL_YEARS and year not in table.override_years:
            return _(
                "The statutory holidays and make-up working days for %(year)s have not been "
                "entered yet. Until they are, deadlines in %(year)s count Monday to Friday as "
                "working days. Enter the State Council's schedule under Calendar overrides "
                "as soon as it is published."
            ) % {"year": year}
    return None
