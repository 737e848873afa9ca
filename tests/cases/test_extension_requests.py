"""Extension requests: the department asks, the chief representative approves or refuses;
a form drawn before someone else acted is refused (CASE_CHANGED) with nothing written."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from onewindow.cases import selectors, services
from onewindow.cases.errors import CaseError
from onewindow.cases.models import CaseEvent, Extension
from onewindow.core import clock
from tests.factories.cases import in_progress_case, make_world

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def test_a_request_moves_nothing_until_the_chief_representative_approves_it():
    world = make_world(promised=5)
    with clock.frozen(dt.datetime(2026, 11, 23, 10, tzinfo=TZ)):
        case = in_progress_case(world)
        before = case.deadline
        case = services.case_extension_request(case=case, actor=world.approver, days=3, reason="需要补充核查")
        assert case.deadline == before and case.extended_days == 0
        assert services.extension_pending(case)
        assert [e.case_id for e in selectors.extension_requests_pending(actor=world.chief)] == [case.pk]
        case = services.case_extend(case=case, actor=world.chief, days=3, reason="需要补充核查")
    assert case.deadline == dt.datetime.combine(dt.date(2026, 12, 3), dt.time.max, tzinfo=TZ)
    assert not services.extension_pending(case)
    assert list(selectors.extension_requests_pending(actor=world.chief)) == []
    assert Extension.objects.get(case=case).authorised_by == world.chief


def test_one_request_at_a_time_and_a_refusal_needs_a_reason():
    world = make_world()
    case = in_progress_case(world)
    services.case_extension_request(case=case, actor=world.approver, days=2, reason="理由")
    with pytest.raises(CaseError) as exc:
        services.case_extension_request(case=case, actor=world.approver2, days=2, reason="理由")
    assert exc.value.code == "EXTENSION_PENDING"
    with pytest.raises(CaseError) as exc:
        services.case_extension_refuse(case=case, actor=world.chief, reason="  ")
    assert exc.value.field == "reason"
    case = services.case_extension_refuse(case=case, actor=world.chief, reason="时限充足")
    assert case.extended_days == 0 and not services.extension_pending(case)
    with pytest.raises(CaseError) as exc:
        services.case_extension_refuse(case=case, actor=world.chief, reason="again")
    assert exc.value.code == "EXTENSION_NOT_PENDING"


@pytest.mark.parametrize("days", [0, -1, 366, True])
def test_a_request_names_its_days_field_when_out_of_range(days):
    world = make_world()
    case = in_progress_case(world)
    with pytest.raises(CaseError) as exc:
        services.case_extension_request(case=case, actor=world.approver, days=days, reason="x")
    assert exc.value.field == "days"


def test_only_the_chief_representative_answers_and_an_approver_asks():
    world = make_world()
    case = in_progress_case(world)
    with pytest.raises(CaseError) as exc:
        services.case_extension_request(case=case, actor=world.clerk, days=2, reason="x")
    assert exc.value.code == "ROLE_NOT_ALLOWED"
    services.case_extension_request(case=case, actor=world.approver, days=2, reason="x")
    with pytest.raises(CaseError) as exc:
        services.case_extension_refuse(case=case, actor=world.approver2, reason="no")
    assert exc.value.code == "ROLE_NOT_ALLOWED"


def test_a_stale_form_changes_nothing():
    world = make_world()
    case = in_progress_case(world)
    seen = case.event_count
    services.case_record(case=case, actor=world.approver, action="opinion", opinion="先看一下")
    events = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(CaseError) as exc, transaction.atomic():
        services.case_lock_unchanged(case=case, event_count=seen)
        services.case_record(case=case, actor=world.approver2, action="opinion", opinion="第二个意见")
    assert exc.value.code == "CASE_CHANGED"
    assert CaseEvent.objects.filter(case=case).count() == events
