"""The working-day calendar against the State Council's published schedules.

Official data (as shipped in chinesecalendar 1.11, checked against the notices):
* Spring Festival 2025: off Tue 28 Jan – Tue 4 Feb; make-up working days Sun 26 Jan, Sat 8 Feb.
* National Day + Mid-Autumn 2025: off Wed 1 – Wed 8 Oct; make-up Sun 28 Sep, Sat 11 Oct.
* Spring Festival 2026: off Sun 15 – Mon 23 Feb; make-up Sat 14 Feb, Sat 28 Feb.
* Mid-Autumn 2026: off Fri 25 – Sun 27 Sep; National Day 2026: off Thu 1 – Wed 7 Oct;
  make-up Sun 20 Sep, Sat 10 Oct.
"""

import datetime as dt

import chinese_calendar
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.catalog.models import LimitUnit
from onewindow.core import calendar, services
from onewindow.core.calendar import (
    CALENDAR_DAYS,
    WORKING_DAYS,
    add_limit,
    add_working_days,
    calendar_coverage_warning,
    covered_years,
    deadline_at,
    is_working_day,
    next_working_day,
    working_days_between,
)
from onewindow.core.models import CalendarDay

pytestmark = pytest.mark.django_db

D = dt.date
SHANGHAI = calendar.TZ


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(n) for n in range((last - first).days + 1)]


def test_units_are_the_catalog_limit_units():
    assert {WORKING_DAYS, CALENDAR_DAYS} == set(LimitUnit.values)


# --- Spring Festival 2025 -------------------------------------------------------------


def test_spring_festival_2025_days():
    assert is_working_day(D(2025, 1, 26))  # Sunday, make-up working day
    assert is_working_day(D(2025, 1, 27))
    assert not any(is_working_day(d) for d in days(D(2025, 1, 28), D(2025, 2, 4)))
    assert is_working_day(D(2025, 2, 5))
    assert is_working_day(D(2025, 2, 8))  # Saturday, make-up working day
    assert not is_working_day(D(2025, 2, 9))


def test_limit_spanning_spring_festival_2025():
    # Accepted Monday 27 Jan, the last working day before the holiday.
    assert add_working_days(D(2025, 1, 27), 1) == D(2025, 2, 5)
    # 5 Feb, 6, 7, Sat 8 (make-up), Mon 10.
    assert add_working_days(D(2025, 1, 27), 5) == D(2025, 2, 10)
    assert working_days_between(D(2025, 1, 27), D(2025, 2, 10)) == 5
    # Accepted on the make-up Sunday: the 27th is the first counted day.
    assert add_working_days(D(2025, 1, 26), 1) == D(2025, 1, 27)


def test_acceptance_during_the_holiday_counts_from_the_next_working_day():
    for accepted in days(D(2025, 1, 28), D(2025, 2, 4)):
        assert add_working_days(accepted, 1) == D(2025, 2, 5)
        assert add_working_days(accepted, 4) == D(2025, 2, 8)


# --- National Day 2025 ----------------------------------------------------------------


def test_national_day_2025_days():
    assert is_working_day(D(2025, 9, 28))  # Sunday, make-up
    assert not any(is_working_day(d) for d in days(D(2025, 10, 1), D(2025, 10, 8)))
    assert is_working_day(D(2025, 10, 9))
    assert is_working_day(D(2025, 10, 11))  # Saturday, make-up
    assert not is_working_day(D(2025, 10, 12))


def test_limit_spanning_national_day_2025():
    # Fri 26 Sep: Sun 28 (make-up) is the first working day, Mon 29 the second.
    assert add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)
    assert add_working_days(D(2025, 9, 26), 2) == D(2025, 9, 29)
    # Tue 30 Sep + 3: Thu 9 Oct, Fri 10, Sat 11 (make-up).
    assert add_working_days(D(2025, 9, 30), 3) == D(2025, 10, 11)
    assert add_working_days(D(2025, 9, 30), 4) == D(2025, 10, 13)


def test_acceptance_on_a_make_up_saturday():
    # Sat 11 Oct 2025 is a working day but the day of acceptance is never counted.
    assert add_working_days(D(2025, 10, 11), 1) == D(2025, 10, 13)
    # Same result as accepting on the working Friday before it, one day later.
    assert add_working_days(D(2025, 10, 10), 2) == D(2025, 10, 13)


def test_acceptance_on_an_ordinary_weekend_counts_like_the_friday_before():
    friday, saturday, sunday = D(2025, 11, 21), D(2025, 11, 22), D(2025, 11, 23)
    for n in (1, 5, 20):
        assert add_working_days(saturday, n) == add_working_days(friday, n)
        assert add_working_days(sunday, n) == add_working_days(friday, n)
    assert add_working_days(saturday, 1) == D(2025, 11, 24)


# --- 2026 (package data read and checked against the notice) ---------------------------


def test_spring_festival_2026_days():
    assert is_working_day(D(2026, 2, 14))  # Saturday, make-up
    assert not any(is_working_day(d) for d in days(D(2026, 2, 15), D(2026, 2, 23)))
    assert is_working_day(D(2026, 2, 24))
    assert is_working_day(D(2026, 2, 28))  # Saturday, make-up
    assert not is_working_day(D(2026, 3, 1))


def test_limit_spanning_spring_festival_2026():
    # Fri 13 Feb: Sat 14 (make-up), then Tue 24, 25, 26, 27, Sat 28 (make-up).
    expected = [
        D(2026, 2, 14),
        D(2026, 2, 24),
        D(2026, 2, 25),
        D(2026, 2, 26),
        D(2026, 2, 27),
        D(2026, 2, 28),
    ]
    assert [add_working_days(D(2026, 2, 13), n) for n in range(1, 7)] == expected
    assert add_working_days(D(2026, 2, 13), 7) == D(2026, 3, 2)
    assert add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert add_working_days(D(2026, 2, 18), 1) == D(2026, 2, 24)  # accepted during the holiday


def test_national_day_2026_days():
    assert is_working_day(D(2026, 9, 20))  # Sunday, make-up
    assert not any(is_working_day(d) for d in days(D(2026, 9, 25), D(2026, 9, 27)))
    assert not any(is_working_day(d) for d in days(D(2026, 10, 1), D(2026, 10, 7)))
    assert is_working_day(D(2026, 10, 8))
    assert is_working_day(D(2026, 10, 10))  # Saturday, make-up
    assert not is_working_day(D(2026, 10, 11))


def test_limit_spanning_national_day_2026():
    # Wed 30 Sep + 3: Thu 8 Oct, Fri 9, Sat 10 (make-up).
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    # Thu 24 Sep, just before Mid-Autumn: Mon 28, Tue 29, Wed 30, Thu 8 Oct.
    assert add_working_days(D(2026, 9, 24), 4) == D(2026, 10, 8)
    assert working_days_between(D(2026, 9, 24), D(2026, 10, 8)) == 4


# --- calendar days --------------------------------------------------------------------


def test_calendar_days_ending_on_a_holiday_move_to_the_next_working_day():
    # Fri 26 Sep 2025 + 5 calendar days = Wed 1 Oct (National Day) → Thu 9 Oct.
    assert add_limit(D(2025, 9, 26), 5, CALENDAR_DAYS) == D(2025, 10, 9)
    # Tue 10 Feb 2026 + 10 = Fri 20 Feb (Spring Festival) → Tue 24 Feb.
    assert add_limit(D(2026, 2, 10), 10, CALENDAR_DAYS) == D(2026, 2, 24)


def test_calendar_days_ending_on_a_working_day_stay():
    # Wed 4 Feb 2026 + 10 = Sat 14 Feb, a make-up working day: stays.
    assert add_limit(D(2026, 2, 4), 10, CALENDAR_DAYS) == D(2026, 2, 14)
    # Mon 3 Nov 2025 + 30 = Wed 3 Dec.
    assert add_limit(D(2025, 11, 3), 30, CALENDAR_DAYS) == D(2025, 12, 3)
    # Mon 17 Nov 2025 + 6 = Sun 23 Nov → Mon 24 Nov.
    assert add_limit(D(2025, 11, 17), 6, CALENDAR_DAYS) == D(2025, 11, 24)


def test_working_days_unit_through_add_limit():
    assert add_limit(D(2025, 1, 27), 5, WORKING_DAYS) == D(2025, 2, 10)


def test_zero_means_the_same_day_even_on_a_holiday():
    for unit in (WORKING_DAYS, CALENDAR_DAYS):
        assert add_limit(D(2025, 10, 3), 0, unit) == D(2025, 10, 3)
        assert deadline_at(dt.datetime(2025, 10, 3, 10, tzinfo=SHANGHAI), 0, unit) == dt.datetime(
            2025, 10, 3, 23, 59, 59, 999999, tzinfo=SHANGHAI
        )


def test_negative_limit_and_unknown_unit_are_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2025, 1, 2), -1)
    with pytest.raises(ValueError):
        add_limit(D(2025, 1, 2), -1, CALENDAR_DAYS)
    with pytest.raises(ValueError):
        add_limit(D(2025, 1, 2), 3, "weeks")
    with pytest.raises(ValueError):
        deadline_at(dt.datetime(2025, 1, 2, 9, tzinfo=SHANGHAI), 3, "weeks")


# --- deadline_at ----------------------------------------------------------------------


def test_deadline_is_close_of_day_in_shanghai():
    accepted = dt.datetime(2025, 1, 27, 16, 45, tzinfo=SHANGHAI)
    deadline = deadline_at(accepted, 5, WORKING_DAYS)
    assert deadline == dt.datetime(2025, 2, 10, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert deadline.utcoffset() == dt.timedelta(hours=8)


def test_acceptance_date_is_taken_in_shanghai_not_utc():
    # 17:30 UTC on Mon 27 Jan is 01:30 on Tue 28 Jan in Shanghai: a holiday.
    accepted = dt.datetime(2025, 1, 27, 17, 30, tzinfo=dt.UTC)
    assert deadline_at(accepted, 1, WORKING_DAYS).date() == D(2025, 2, 5)
    assert deadline_at(accepted, 5, WORKING_DAYS).date() == D(2025, 2, 10)
    # 15:00 UTC the same day is still the 27th in Shanghai.
    assert deadline_at(dt.datetime(2025, 1, 27, 15, tzinfo=dt.UTC), 8, CALENDAR_DAYS).date() == D(2025, 2, 5)


def test_deadline_needs_an_aware_time():
    with pytest.raises(ValueError):
        deadline_at(dt.datetime(2025, 1, 27, 9), 1, WORKING_DAYS)


def test_deadline_agrees_with_add_limit_for_every_day_of_a_year():
    for accepted in days(D(2026, 1, 1), D(2026, 12, 31)):
        at = dt.datetime.combine(accepted, dt.time(9, 30), tzinfo=SHANGHAI)
        for n in (0, 1, 7, 20):
            for unit in (WORKING_DAYS, CALENDAR_DAYS):
                assert deadline_at(at, n, unit).date() == add_limit(accepted, n, unit)


# --- outside the package: 2027 --------------------------------------------------------


def test_covered_years_are_the_package_years():
    years = covered_years()
    assert years[0] == 2004 and 2026 in years
    assert 2027 not in years
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 1, 4))


def test_2027_falls_back_to_monday_to_friday():
    assert is_working_day(D(2027, 1, 1))  # a Friday: until 2027's schedule is entered
    assert not is_working_day(D(2027, 1, 2))
    assert not is_working_day(D(2027, 1, 3))
    assert add_working_days(D(2027, 3, 5), 1) == D(2027, 3, 8)
    assert add_working_days(D(2026, 12, 31), 2) == D(2027, 1, 4)
    assert add_limit(D(2027, 3, 1), 5, CALENDAR_DAYS) == D(2027, 3, 8)  # Sat 6 → Mon 8


def test_far_dates_widen_the_table():
    assert is_working_day(D(2045, 6, 5))  # Monday
    assert add_working_days(D(2045, 6, 9), 1) == D(2045, 6, 12)
    assert not is_working_day(D(1999, 1, 2))  # Saturday
    assert working_days_between(D(1999, 1, 1), D(1999, 1, 8)) == 5


# --- overrides ------------------------------------------------------------------------


def test_an_override_wins_over_the_fallback():
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)
    services.calendar_day_set(date=D(2027, 1, 1), is_working_day=False, note="元旦")
    assert not is_working_day(D(2027, 1, 1))
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_an_override_wins_over_the_official_schedule():
    services.calendar_day_set(date=D(2025, 10, 8), is_working_day=True, note="本中心值班")
    services.calendar_day_set(date=D(2025, 10, 9), is_working_day=False, note="停电闭厅")
    assert is_working_day(D(2025, 10, 8))
    assert not is_working_day(D(2025, 10, 9))
    assert add_working_days(D(2025, 9, 30), 2) == D(2025, 10, 10)
    assert services.calendar_day_remove(date=D(2025, 10, 8))
    assert services.calendar_day_remove(date=D(2025, 10, 9))
    assert not is_working_day(D(2025, 10, 8))
    assert add_working_days(D(2025, 9, 30), 2) == D(2025, 10, 10)
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert not services.calendar_day_remove(date=D(2025, 10, 8))


def test_setting_an_override_twice_replaces_it():
    services.calendar_day_set(date=D(2027, 2, 8), is_working_day=False, note="春节")
    services.calendar_day_set(date=D(2027, 2, 8), is_working_day=True, note="调休上班")
    assert CalendarDay.objects.get(date=D(2027, 2, 8)).note == "调休上班"
    assert is_working_day(D(2027, 2, 8))


def test_another_process_change_is_picked_up_at_the_next_recheck(monkeypatch):
    assert is_working_day(D(2027, 1, 1))
    # Another process enters an override: not seen until the periodic re-read.
    CalendarDay.objects.create(date=D(2027, 1, 1), is_working_day=False)
    assert is_working_day(D(2027, 1, 1))
    now = calendar._monotonic()
    monkeypatch.setattr(calendar, "_monotonic", lambda: now + calendar.RECHECK_SECONDS + 1)
    assert not is_working_day(D(2027, 1, 1))
    # An in-place toggle keeps the row count and ids: the re-read compares the rows themselves.
    CalendarDay.objects.filter(date=D(2027, 1, 1)).update(is_working_day=True)
    monkeypatch.setattr(calendar, "_monotonic", lambda: now + 2 * calendar.RECHECK_SECONDS + 2)
    assert is_working_day(D(2027, 1, 1))


def test_compiling_and_rechecking_take_one_query_each(monkeypatch, django_assert_num_queries):
    with django_assert_num_queries(1):
        is_working_day(D(2026, 5, 6))
    now = calendar._monotonic()
    monkeypatch.setattr(calendar, "_monotonic", lambda: now + calendar.RECHECK_SECONDS + 1)
    with django_assert_num_queries(1):
        is_working_day(D(2026, 5, 6))
    with django_assert_num_queries(0):
        is_working_day(D(2026, 5, 6))


def test_periodic_recheck_can_be_turned_off(settings, monkeypatch):
    settings.ONEWINDOW_CALENDAR_RECHECK_SECONDS = 0
    assert is_working_day(D(2027, 1, 1))
    CalendarDay.objects.create(date=D(2027, 1, 1), is_working_day=False)
    now = calendar._monotonic()
    monkeypatch.setattr(calendar, "_monotonic", lambda: now + 10 * calendar.RECHECK_SECONDS)
    assert is_working_day(D(2027, 1, 1))
    calendar.calendar_reload()
    assert not is_working_day(D(2027, 1, 1))


def test_no_query_per_call(django_assert_num_queries):
    accepted = dt.datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)
    deadline_at(accepted, 3, WORKING_DAYS)  # compiles the calendar
    with django_assert_num_queries(0):
        for n in range(1000):
            deadline_at(accepted + dt.timedelta(days=n % 365), n % 21, (WORKING_DAYS, CALENDAR_DAYS)[n % 2])
            is_working_day(D(2026, 1, 1) + dt.timedelta(days=n % 365))


# --- coverage warning -----------------------------------------------------------------


def test_coverage_warning_when_next_year_is_missing():
    with translation.override("zh-hans"):
        warning = calendar_coverage_warning(D(2026, 11, 23))
    assert warning is not None
    assert "2027年的法定节假日和调休安排尚未录入" in warning


def test_coverage_warning_for_the_current_year_too():
    assert "2027" in calendar_coverage_warning(D(2027, 3, 1))


def test_no_coverage_warning_when_the_package_covers_next_year():
    assert calendar_coverage_warning(D(2025, 6, 1)) is None


def test_entering_next_years_schedule_clears_the_warning():
    services.calendar_day_set(date=D(2027, 1, 1), is_working_day=False, note="元旦")
    assert calendar_coverage_warning(D(2026, 11, 23)) is None
    assert calendar_coverage_warning(D(2027, 11, 23)) is not None  # 2028 now missing


# --- properties -----------------------------------------------------------------------


def reference_is_working(d: dt.date) -> bool:
    """Day-by-day reference: the package where it has data, Monday–Friday elsewhere."""
    try:
        return chinese_calendar.is_workday(d)
    except NotImplementedError:
        return d.weekday() < 5


any_date = st.dates(min_value=D(2003, 6, 1), max_value=D(2029, 12, 31))


@settings(max_examples=300, deadline=None)
@given(d=any_date, n=st.integers(min_value=1, max_value=80))
def test_add_working_days_lands_on_a_working_day_after_start(d, n):
    end = add_working_days(d, n)
    assert end > d
    assert is_working_day(end)
    assert working_days_between(d, end) == n
    assert working_days_between(end, d) == -n


@settings(max_examples=150, deadline=None)
@given(d=any_date, n=st.integers(min_value=0, max_value=40))
def test_add_working_days_matches_day_by_day_counting(d, n):
    day, counted = d, 0
    while counted < n:
        day += dt.timedelta(days=1)
        counted += reference_is_working(day)
    assert add_working_days(d, n) == day


@settings(max_examples=150, deadline=None)
@given(d=any_date, n=st.integers(min_value=1, max_value=60))
def test_calendar_days_end_on_the_first_working_day_from_the_nominal_end(d, n):
    end = add_limit(d, n, CALENDAR_DAYS)
    nominal = d + dt.timedelta(days=n)
    assert end >= nominal and reference_is_working(end)
    assert all(not reference_is_working(x) for x in days(nominal, end - dt.timedelta(days=1)))
    assert next_working_day(nominal) == end


@settings(max_examples=60, deadline=None)
@given(
    d=st.dates(min_value=D(2029, 1, 1), max_value=D(2060, 12, 31)), n=st.integers(min_value=0, max_value=400)
)
def test_far_future_limits_widen_the_table_and_count_monday_to_friday(d, n):
    end = add_working_days(d, n)
    weekdays = sum(1 for x in days(d + dt.timedelta(days=1), end) if x.weekday() < 5)
    assert weekdays == n
    assert end == d or end.weekday() < 5
    assert working_days_between(d, end) == n
    assert next_working_day(end + dt.timedelta(days=1)) == add_working_days(end, 1)


def test_a_long_closure_near_the_end_of_the_span_still_finds_the_next_working_day():
    last = calendar._table().end
    closure_start = dt.date.fromordinal(last - 30)
    for offset in range(60):  # 60 days off straddling the end of the compiled span
        CalendarDay.objects.create(date=closure_start + dt.timedelta(days=offset), is_working_day=False)
    calendar.calendar_reload()
    reopening = next_working_day(closure_start + dt.timedelta(days=60))
    assert next_working_day(closure_start) == reopening
    assert add_working_days(closure_start - dt.timedelta(days=1), 1) == reopening
