"""A/B posts: who may mark an A post absent, and `staff_absent`, which the engine asks before
a B post acts on the A post's task."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from onewindow.core import clock
from onewindow.org.errors import OrgError
from onewindow.org.models import Role, StaffAbsence
from onewindow.org.selectors import staff_absent
from onewindow.org.services import staff_absence_cancel, staff_absence_create, staff_absence_end
from tests.factories.org import ServiceCenterFactory, StaffFactory
from tests.threads import race

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=TZ)  # a Monday morning in the hall
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def monday_morning():
    with clock.frozen(NOW):
        yield


@pytest.fixture
def center():
    return ServiceCenterFactory()


@pytest.fixture
def a_post(center):
    b_post = StaffFactory(center=center, roles=[Role.APPROVER])
    return StaffFactory(center=center, roles=[Role.APPROVER], backup=b_post)


@pytest.fixture
def admin(center):
    return StaffFactory(center=center, roles=[Role.CENTER_ADMIN])


def absent(staff, start, end, actor=None, reason="年休假"):
    return staff_absence_create(
        staff=staff, starts_at=start, ends_at=end, reason=reason, actor=actor or staff
    )


# ------------------------------------------------------------------ staff_absent


def test_staff_absent_holds_from_the_start_up_to_but_not_at_the_end(a_post):
    absent(a_post, NOW + HOUR, NOW + 3 * HOUR)
    assert not staff_absent(staff_id=a_post.pk, at=NOW + HOUR - dt.timedelta(microseconds=1))
    assert staff_absent(staff_id=a_post.pk, at=NOW + HOUR)
    assert staff_absent(staff_id=a_post.pk, at=NOW + 3 * HOUR - dt.timedelta(microseconds=1))
    assert not staff_absent(staff_id=a_post.pk, at=NOW + 3 * HOUR)


def test_staff_absent_compares_instants_not_wall_clocks(a_post):
    absent(a_post, NOW, NOW + HOUR)  # 09:00–10:00 Beijing time
    assert staff_absent(staff_id=a_post.pk, at=dt.datetime(2026, 11, 23, 1, 30, tzinfo=dt.UTC))
    assert not staff_absent(staff_id=a_post.pk, at=dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC))


def test_staff_absent_is_about_that_person_only(center, a_post):
    colleague = StaffFactory(center=center)
    absent(colleague, NOW, NOW + DAY)
    assert not staff_absent(staff_id=a_post.pk, at=NOW + HOUR)
    assert staff_absent(staff_id=colleague.pk, at=NOW + HOUR)


def test_staff_absent_refuses_a_naive_time(a_post):
    with pytest.raises(ValueError):
        staff_absent(staff_id=a_post.pk, at=dt.datetime(2026, 11, 23, 9, 30))


def test_staff_absent_is_one_query_on_the_absence_index(a_post, django_assert_num_queries):
    for week in range(5):
        absent(a_post, NOW + week * 7 * DAY, NOW + week * 7 * DAY + DAY)
    with django_assert_num_queries(1) as ctx:
        assert staff_absent(staff_id=a_post.pk, at=NOW + 14 * DAY + HOUR)
    sql = ctx.captured_queries[0]["sql"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "staff_absence_lookup" in plan


def test_the_database_refuses_a_period_that_ends_before_it_starts(a_post):
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffAbsence.objects.create(
            staff=a_post, starts_at=NOW, ends_at=NOW, reason="x", set_by=a_post, created_at=NOW
        )


# ------------------------------------------------------------------ who may set it


def test_the_a_post_marks_themself_absent(a_post):
    absence = absent(a_post, NOW, NOW + DAY, reason="  参加培训 ")
    assert (absence.set_by, absence.reason, absence.created_at) == (a_post, "参加培训", NOW)
    assert absence.ended_by is None


def test_a_center_admin_of_their_center_marks_them_absent(a_post, admin):
    absence = absent(a_post, NOW, NOW + DAY, actor=admin)
    assert absence.set_by == admin
    assert staff_absent(staff_id=a_post.pk, at=NOW + HOUR)


@pytest.mark.parametrize("who", ["colleague", "b_post", "other_center_admin", "inactive_admin", "nobody"])
def test_anyone_else_is_refused_and_nothing_is_stored(center, a_post, who):
    actor = {
        "colleague": lambda: StaffFactory(center=center, roles=[Role.SUPERVISOR]),
        "b_post": lambda: a_post.backup,
        "other_center_admin": lambda: StaffFactory(roles=[Role.CENTER_ADMIN]),
        "inactive_admin": lambda: StaffFactory(center=center, roles=[Role.CENTER_ADMIN], is_active=False),
        "nobody": lambda: None,
    }[who]()
    with pytest.raises(OrgError) as exc:
        staff_absence_create(staff=a_post, starts_at=NOW, ends_at=NOW + DAY, reason="病假", actor=actor)
    assert exc.value.code == "ABSENCE_NOT_ALLOWED"
    assert not StaffAbsence.objects.exists()


# ------------------------------------------------------------------ the period


@pytest.mark.parametrize(
    ("start", "end", "reason", "code", "field"),
    [
        (NOW, NOW + DAY, "  ", "ABSENCE_REASON_REQUIRED", "reason"),
        (NOW + DAY, NOW + DAY, "事假", "ABSENCE_ENDS_BEFORE_START", "ends_at"),
        (NOW + DAY, NOW + HOUR, "事假", "ABSENCE_ENDS_BEFORE_START", "ends_at"),
        (NOW - DAY, NOW, "事假", "ABSENCE_IN_PAST", "ends_at"),
        (NOW, NOW + DAY, "假" * 201, "TOO_LONG", "reason"),
    ],
)
def test_a_period_the_rules_refuse_is_not_stored(a_post, start, end, reason, code, field):
    with pytest.raises(OrgError) as exc:
        absent(a_post, start, end, reason=reason)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert not StaffAbsence.objects.exists()


def test_a_period_may_start_earlier_today_when_recorded_late(a_post):
    absent(a_post, NOW - 2 * HOUR, NOW + DAY)
    assert staff_absent(staff_id=a_post.pk, at=NOW)


def test_overlapping_periods_are_refused_adjacent_ones_are_not(a_post):
    absent(a_post, NOW + DAY, NOW + 3 * DAY)
    with pytest.raises(OrgError) as exc:
        absent(a_post, NOW + 2 * DAY, NOW + 4 * DAY)
    assert exc.value.code == "ABSENCE_OVERLAPS"
    assert "2026-11-24 09:00" in exc.value.message and "2026-11-26 09:00" in exc.value.message
    absent(a_post, NOW, NOW + DAY)
    absent(a_post, NOW + 3 * DAY, NOW + 4 * DAY)
    assert StaffAbsence.objects.filter(staff=a_post).count() == 3


def test_naive_datetimes_are_a_programming_error(a_post):
    with pytest.raises(ValueError):
        absent(a_post, dt.datetime(2026, 11, 23, 9), dt.datetime(2026, 11, 24, 9))


# ------------------------------------------------------------------ ending and cancelling


def test_ending_early_shortens_the_period_and_records_who(a_post, admin):
    absence = absent(a_post, NOW - HOUR, NOW + DAY)
    with clock.frozen(NOW + 2 * HOUR):
        staff_absence_end(absence=absence, actor=admin)
    absence.refresh_from_db()
    assert (absence.ends_at, absence.ended_by, absence.set_by) == (NOW + 2 * HOUR, admin, a_post)
    assert staff_absent(staff_id=a_post.pk, at=NOW + HOUR)  # the covered past stays covered
    assert not staff_absent(staff_id=a_post.pk, at=NOW + 2 * HOUR)


def test_ending_at_a_coming_time(a_post):
    absence = absent(a_post, NOW - HOUR, NOW + 3 * DAY)
    staff_absence_end(absence=absence, actor=a_post, at=NOW + DAY)
    assert staff_absent(staff_id=a_post.pk, at=NOW + DAY - HOUR)
    assert not staff_absent(staff_id=a_post.pk, at=NOW + DAY)


@pytest.mark.parametrize(
    ("start", "end", "at", "code"),
    [
        (NOW - DAY, NOW + HOUR, NOW - HOUR, "ABSENCE_END_IN_PAST"),
        (NOW + HOUR, NOW + DAY, None, "ABSENCE_NOT_STARTED"),
        (NOW - DAY, NOW + HOUR, NOW + 2 * HOUR, "ABSENCE_END_AFTER_END"),
    ],
)
def test_ending_refuses_what_would_rewrite_the_period(a_post, start, end, at, code):
    absence = absent(a_post, start, end)
    with pytest.raises(OrgError) as exc:
        staff_absence_end(absence=absence, actor=a_post, at=at)
    assert exc.value.code == code
    absence.refresh_from_db()
    assert (absence.ends_at, absence.ended_by) == (end, None)


def test_an_absence_that_is_over_cannot_be_ended(a_post):
    absence = absent(a_post, NOW - HOUR, NOW + HOUR)
    with clock.frozen(NOW + 2 * HOUR), pytest.raises(OrgError) as exc:
        staff_absence_end(absence=absence, actor=a_post)
    assert exc.value.code == "ABSENCE_ENDED"


def test_only_the_same_people_may_end_or_cancel(center, a_post):
    current = absent(a_post, NOW - HOUR, NOW + DAY)
    coming = absent(a_post, NOW + 2 * DAY, NOW + 3 * DAY)
    colleague = StaffFactory(center=center, roles=[Role.APPROVER])
    with pytest.raises(OrgError) as exc:
        staff_absence_end(absence=current, actor=colleague)
    assert exc.value.code == "ABSENCE_NOT_ALLOWED"
    with pytest.raises(OrgError) as exc:
        staff_absence_cancel(absence=coming, actor=a_post.backup)
    assert exc.value.code == "ABSENCE_NOT_ALLOWED"
    assert StaffAbsence.objects.filter(ended_by=None).count() == 2


def test_cancelling_removes_a_coming_absence_but_not_one_that_started(a_post, admin):
    current = absent(a_post, NOW - HOUR, NOW + DAY)
    coming = absent(a_post, NOW + 2 * DAY, NOW + 3 * DAY)
    staff_absence_cancel(absence=coming, actor=admin)
    with pytest.raises(OrgError) as exc:
        staff_absence_cancel(absence=current, actor=admin)
    assert exc.value.code == "ABSENCE_STARTED"
    assert list(StaffAbsence.objects.all()) == [current]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_overlapping_periods_entered_at_once_store_one(a_post, admin):
    results = race(
        [
            lambda: absent(a_post, NOW, NOW + 2 * DAY, actor=admin),
            lambda: absent(a_post, NOW + DAY, NOW + 3 * DAY),
        ]
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], OrgError) and errors[0].code == "ABSENCE_OVERLAPS"
    assert StaffAbsence.objects.filter(staff=a_post).count() == 1
