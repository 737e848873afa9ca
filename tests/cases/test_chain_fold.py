"""The case row is checked against the fold of its events: the events record the deadlines and decision they set."""

import datetime as dt

import pytest
from django.utils import translation

from onewindow.cases import services
from onewindow.cases.actions.clock import deadlines
from onewindow.cases.chain import chain_verify
from onewindow.cases.models import Case, CaseEvent
from onewindow.core import clock
from onewindow.core.calendar import TZ
from onewindow.core.services import calendar_day_set
from tests.factories.cases import (
    accepted_case,
    decided_case,
    in_progress_case,
    item_with_procedure,
    make_world,
    submit,
)

pytestmark = pytest.mark.django_db

SIGNED = services.CommitmentIn(confirmed=True)  # the applicant signed the 容缺 commitment


def at(y, m, d, hh=10):
    return dt.datetime(y, m, d, hh, 0, tzinfo=TZ)


def recorded(case, action):
    event = CaseEvent.objects.filter(case=case, action=action).order_by("-seq").first()
    return event.data


def when(value):
    return dt.datetime.fromisoformat(value)


def test_acceptance_records_both_deadlines_in_its_event():
    world = make_world(promised=5, legal=20)
    with clock.frozen(at(2026, 11, 23)):
        case = accepted_case(world)
    data = recorded(case, "accept")
    assert when(data["deadline"]) == case.deadline and when(data["legal_deadline"]) == case.legal_deadline


def test_acceptance_with_pending_materials_records_both_deadlines():
    world = make_world()
    item, _ = item_with_procedure(
        center=world.center,
        department=world.department,
        materials=[
            {"code": "id_card", "name": "身份证明"},
            {"code": "plan", "name": "平面图", "tolerable": True},
        ],
    )
    app = submit(world, items=[item], materials=["id_card"])
    (case,) = services.application_intake(
        application=app, actor=world.clerk, commitment=SIGNED
    ).accepted_with_pending
    data = recorded(case, "accept_with_pending")
    assert when(data["deadline"]) == case.deadline and when(data["legal_deadline"]) == case.legal_deadline
    assert chain_verify(case) == []


def test_resume_and_extend_record_the_deadlines_they_move():
    world = make_world(promised=5, legal=20)
    with clock.frozen(at(2026, 11, 23)):
        case = in_progress_case(world)
        case = services.case_suspend(
            case=case, actor=world.chief, reason="hearing", expected_end=dt.date(2026, 11, 25)
        )
    with clock.frozen(at(2026, 11, 25)):
        case = services.case_resume(case=case, actor=world.chief)
        assert when(recorded(case, "resume")["deadline"]) == case.deadline
        case = services.case_extend(case=case, actor=world.chief, days=3, reason="补充检测")
    data = recorded(case, "extend")
    assert when(data["deadline"]) == case.deadline and when(data["legal_deadline"]) == case.legal_deadline
    assert chain_verify(case) == []


def test_the_decision_is_recorded_on_the_decide_event_and_on_the_immediate_path():
    world = make_world()
    case = decided_case(world)
    assert recorded(case, "decide")["decision"] == case.decision == "granted"
    immediate = make_world(case_kind="immediate")
    (done,) = services.application_intake(
        application=submit(immediate), actor=immediate.clerk, commitment=SIGNED
    ).completed
    assert recorded(done, "decide")["decision"] == "granted"
    assert "deadline" in recorded(done, "accept")
    assert chain_verify(done) == []


def test_a_calendar_edited_after_acceptance_does_not_make_the_stored_deadlines_suspect():
    world = make_world(promised=5, legal=20)
    with clock.frozen(at(2026, 11, 23)):
        case = accepted_case(world)
    calendar_day_set(date=dt.date(2026, 11, 26), is_working_day=False, note="临时闭馆")
    assert deadlines(case)["deadline"] != case.deadline  # recomputing now would give another day
    assert chain_verify(case) == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("decision", "denied", "the case's decision is “denied” but its events decided “granted”"),
        (
            "deadline",
            dt.datetime(2031, 5, 6, 8, 0, tzinfo=TZ),
            "the case's promised deadline is 2031-05-06 08:00:00 but its events set",
        ),
        (
            "legal_deadline",
            dt.datetime(2031, 5, 6, 8, 0, tzinfo=TZ),
            "the case's legal deadline is 2031-05-06 08:00:00 but its events set",
        ),
        ("deadline", None, "the case's promised deadline is — but its events set"),
    ],
    ids=["decision", "deadline", "legal_deadline", "deadline_cleared"],
)
def test_a_field_changed_on_the_case_row_is_found_with_its_own_message(field, value, message):
    case = decided_case(make_world())
    Case.objects.filter(pk=case.pk).update(**{field: value})
    with translation.override("en"):
        problems = chain_verify(case)
    assert len(problems) == 1 and problems[0].startswith(message), problems


def test_a_decision_set_on_an_undecided_case_is_found():
    case = in_progress_case(make_world())
    Case.objects.filter(pk=case.pk).update(decision="granted")
    with translation.override("en"):
        assert chain_verify(case) == ["the case's decision is “granted” but its events decided “—”"]
