import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from onewindow.cases import services
from onewindow.cases.chain import chain_verify
from onewindow.cases.models import Case, CaseEvent, CaseTask
from onewindow.core import clock
from tests.factories.cases import accepted_case, make_world, open_tasks, submit
from tests.factories.org import DepartmentFactory

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 11, 23, 10, 0, tzinfo=TZ)


@pytest.mark.django_db
def test_full_lifecycle_with_two_parallel_stages_writes_one_event_per_action():
    with clock.frozen(MONDAY):
        world = make_world()
        other = DepartmentFactory(center=world.center)
        from tests.factories.cases import item_with_procedure

        item, _v = item_with_procedure(
            center=world.center,
            department=world.department,
            stages=[[world.department, other], [world.department]],
        )
        application = submit(world, items=[item])
        assert application.number.startswith("SQ20261123")
        case = application.cases.get()
        assert case.number == f"{world.center.code}-20261123-000001"
        assert case.state == "submitted"

        result = services.application_intake(application=application, actor=world.clerk)
        case = result.cases[0]
        assert case.state == "accepted" and case.accepted_by == world.clerk
        # 5 working days after Monday 23 November 2026: Monday 30 November, end of day.
        assert case.deadline == dt.datetime.combine(dt.date(2026, 11, 30), dt.time.max, tzinfo=TZ)

        case = services.case_route(case=case, actor=world.clerk)
        assert case.state == "in_progress" and case.open_tasks == 2 and case.stage_order == 1
        tasks = open_tasks(case)
        assert {t.department_id for t in tasks} == {world.department.pk, other.pk}
        assert CaseTask.objects.filter(case=case, state="waiting").count() == 1

        services.task_claim(task=tasks[0], actor=world.approver)
        services.task_complete(task=tasks[0], actor=world.approver, opinion="材料齐全")
        assert Case.objects.get(pk=case.pk).open_tasks == 1
        other_approver = world.staff("approver", department=other)
        services.task_complete(task=tasks[1], actor=other_approver, opinion="同意")
        case = Case.objects.get(pk=case.pk)
        assert case.stage_order == 2 and case.open_tasks == 1
        (last,) = open_tasks(case)
        assert last.due_at is not None
        services.task_complete(task=last, actor=world.approver, opinion="同意")
        case = Case.objects.get(pk=case.pk)
        assert case.open_tasks == 0

        case = services.case_decide(case=case, actor=world.approver2, decision="granted", opinion="准予")
        case = services.case_complete(case=case, actor=world.approver2)
        case = services.case_deliver(case=case, actor=world.pickup, method="mail", tracking_number="SF123")
        case = services.case_close(case=case, actor=world.pickup)

    assert case.state == "closed"
    actions = list(CaseEvent.objects.filter(case=case).order_by("seq").values_list("action", flat=True))
    assert actions == [
        "submit",
        "accept",
        "route",
        "task_claim",
        "task_complete",
        "task_complete",
        "task_complete",
        "decide",
        "complete",
        "deliver",
        "close",
    ]
    assert chain_verify(case) == []
    assert case.event_count == len(actions)


@pytest.mark.django_db
def test_immediate_item_is_accepted_decided_and_completed_at_the_window():
    world = make_world(case_kind="immediate")
    application = submit(world)
    result = services.application_intake(application=application, actor=world.clerk)
    (case,) = result.completed
    case.refresh_from_db()
    assert case.state == "completed" and case.decision == "granted"
    assert case.decided_by == world.clerk
    assert list(case.events.values_list("action", flat=True)) == ["submit", "accept", "decide", "complete"]
    assert chain_verify(case) == []


@pytest.mark.django_db
def test_accepted_case_keeps_its_pinned_version(world):
    case = accepted_case(world)
    assert case.version_id == world.version.pk
