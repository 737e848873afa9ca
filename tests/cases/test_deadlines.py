"""Deadlines: stored on the case, moved only by recorded suspensions and extensions."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from onewindow.cases import services
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Suspension
from onewindow.core import clock
from tests.factories.cases import accepted_case, in_progress_case, make_world, open_tasks

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, 0, tzinfo=TZ)


def end_of(y, m, d):
    return dt.datetime.combine(dt.date(y, m, d), dt.time.max, tzinfo=TZ)


def test_acceptance_sets_promised_and_legal_deadlines_in_working_days():
    world = make_world(promised=5, legal=20)
    with clock.frozen(at(2026, 11, 23)):  # Monday
        case = accepted_case(world)
    assert case.deadline == end_of(2026, 11, 30)
    assert case.legal_deadline == end_of(2026, 12, 21)


def test_acceptance_on_a_saturday_counts_from_the_next_working_day():
    world = make_world(promised=1)
    with clock.frozen(at(2026, 11, 28)):  # Saturday
        case = accepted_case(world)
    assert case.deadline == end_of(2026, 11, 30)


def test_calendar_day_limit_ending_on_a_weekend_moves_to_the_next_working_day():
    world = make_world(promised=5, unit="calendar_days")
    with clock.frozen(at(2026, 11, 23)):  # + 5 calendar days = Saturday 28th → Monday 30th
        case = accepted_case(world)
    assert case.deadline == end_of(2026, 11, 30)


def test_task_due_dates_follow_the_stage_task_limit():
    world = make_world(task_days=2)
    with clock.frozen(at(2026, 11, 23)):
        case = in_progress_case(world)
    (task,) = open_tasks(case)
    assert task.due_at == end_of(2026, 11, 25)


def test_suspension_adds_its_working_days_to_both_deadlines():
    world = make_world(promised=5, legal=20)
    with clock.frozen(at(2026, 11, 23)):
        case = in_progress_case(world)
    promised, legal = case.deadline, case.legal_deadline
    with clock.frozen(at(2026, 11, 24)):  # Tuesday
        case = services.case_suspend(
            case=case,
            actor=world.approver,
            reason="expert_review",
            expected_end=dt.date(2026, 12, 1),
            note="专家评审",
        )
    assert case.state == "suspended" and case.deadline == promised
    with pytest.raises(CaseError) as exc:
        open_task = open_tasks(case)[0]
        services.task_complete(task=open_task, actor=world.approver, opinion="同意")
    assert exc.value.code == "TRANSITION_NOT_ALLOWED"
    with clock.frozen(at(2026, 12, 1)):  # next Tuesday: 5 working days later
        case = services.case_resume(case=case, actor=world.approver)
    assert case.state == "in_progress"
    assert case.suspended_days == 5
    assert case.deadline == end_of(2026, 12, 7)
    assert case.legal_deadline > legal
    suspension = Suspension.objects.get(case=case)
    assert suspension.days == 5 and suspension.ended_at is not None
    assert suspension.reason == "expert_review"


def test_suspension_needs_a_valid_reason_and_future_end():
    world = make_world()
    case = in_progress_case(world)
    with pytest.raises(CaseError) as exc:
        services.case_suspend(case=case, actor=world.approver, reason="nap", expected_end=clock.today())
    assert exc.value.field == "reason"
    with pytest.raises(CaseError) as exc:
        services.case_suspend(
            case=case,
            actor=world.approver,
            reason="hearing",
            expected_end=clock.today() - dt.timedelta(days=1),
        )
    assert exc.value.field == "expected_end"


def test_extension_moves_the_promised_deadline_and_is_recorded():
    world = make_world(promised=5, legal=20)
    with clock.frozen(at(2026, 11, 23)):
        case = in_progress_case(world)
        legal = case.legal_deadline
        case = services.case_extend(case=case, actor=world.chief, days=3, reason="需补充检测")
    assert case.extended_days == 3
    assert case.deadline == end_of(2026, 12, 3)
    assert case.legal_deadline == legal
    ext = case.extensions.get()
    assert ext.days == 3 and ext.authorised_by == world.chief
    event = case.events.order_by("-seq").first()
    assert event.action == "extend" and event.data["days"] == 3 and event.opinion == "需补充检测"
    # The event records the deadlines it produced (the verifier folds them, docs/security.md).
    assert dt.datetime.fromisoformat(event.data["deadline"]) == case.deadline
    assert dt.datetime.fromisoformat(event.data["legal_deadline"]) == legal


def test_immediate_case_deadline_is_the_same_day():
    world = make_world(case_kind="immediate")
    with clock.frozen(at(2026, 11, 23)):
        case = accepted_case(world)
    case.refresh_from_db()
    assert case.deadline == end_of(2026, 11, 23)
