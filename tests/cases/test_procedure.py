"""Stages of parallel tasks: send back, rejection, inspection, reporting to the upper center."""

import pytest

from onewindow.cases import services
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Case, CaseTask
from onewindow.cases.selectors import case_list
from onewindow.org.models import Role
from tests.factories.cases import item_with_procedure, make_world, open_tasks, submit
from tests.factories.org import DepartmentFactory, ServiceCenterFactory, StaffFactory

pytestmark = pytest.mark.django_db


def three_stage_case(world):
    item, _ = item_with_procedure(
        center=world.center,
        department=world.department,
        stages=[[world.department], [world.department], [world.department]],
    )
    app = submit(world, items=[item])
    case = services.application_intake(application=app, actor=world.clerk).cases[0]
    return services.case_route(case=case, actor=world.clerk)


def finish_open(world, case, outcome="approve"):
    for task in open_tasks(case):
        services.task_complete(task=task, actor=world.approver, opinion="意见", outcome=outcome)
    return Case.objects.get(pk=case.pk)


def test_send_back_reopens_the_earlier_stage_and_later_stages_wait_again():
    world = make_world()
    case = three_stage_case(world)
    case = finish_open(world, case)
    case = finish_open(world, case)
    assert case.stage_order == 3
    case = services.case_send_back(case=case, actor=world.chief, to_stage=1, opinion="材料需重新审查")
    assert case.stage_order == 1 and case.open_tasks == 1
    states = dict(CaseTask.objects.filter(case=case).values_list("stage_order", "state"))
    assert states == {1: "open", 2: "waiting", 3: "waiting"}
    (task,) = open_tasks(case)
    assert task.opinion == "" and task.assignee is None
    case = finish_open(world, case)
    assert case.stage_order == 2


def test_send_back_to_a_later_stage_is_refused():
    world = make_world()
    case = three_stage_case(world)
    with pytest.raises(CaseError) as exc:
        services.case_send_back(case=case, actor=world.chief, to_stage=2, opinion="x")
    assert exc.value.code == "STAGE_INVALID"


def test_a_rejection_ends_the_procedure_after_its_stage():
    world = make_world()
    case = three_stage_case(world)
    case = finish_open(world, case, outcome="reject")
    assert case.open_tasks == 0 and case.rejections == 1 and case.stage_order == 1
    case = services.case_decide(
        case=case,
        actor=world.approver2,
        decision="denied",
        reasons="不符合条件",
        legal_basis="《行政许可法》第三十八条",
    )
    assert case.decision == "denied"
    assert not CaseTask.objects.filter(case=case, state="waiting").exists()


def test_inspection_adds_a_task_the_stage_waits_for():
    world = make_world()
    case = three_stage_case(world)
    inspector_dept = DepartmentFactory(center=world.center)
    task = services.case_request_inspection(
        case=case, actor=world.approver, opinion="需现场踏勘", department=inspector_dept
    )
    assert task.action == "inspect" and task.department == inspector_dept
    case = Case.objects.get(pk=case.pk)
    assert case.open_tasks == 2
    inspector = StaffFactory(center=world.center, department=inspector_dept, roles=[Role.APPROVER])
    services.task_complete(task=task, actor=inspector, opinion="现场符合")
    case = finish_open(world, case)
    assert case.stage_order == 2


def test_report_up_and_back_through_the_upper_center():
    world = make_world()
    upper = ServiceCenterFactory()
    world.center.parent = upper
    world.center.save()
    upper_dept = DepartmentFactory(center=upper)
    case = three_stage_case(world)
    task = services.case_report_up(case=case, actor=world.chief, department=upper_dept, opinion="报市局审核")
    case = Case.objects.get(pk=case.pk)
    assert case.reported_to == upper and case.open_tasks == 2
    upper_staff = StaffFactory(center=upper, department=upper_dept, roles=[Role.APPROVER])
    assert case_list(actor=upper_staff).filter(pk=case.pk).exists()
    with pytest.raises(CaseError) as exc:
        services.task_complete(task=task, actor=upper_staff, opinion="同意")
    assert exc.value.code == "TRANSITION_NOT_ALLOWED"
    services.task_claim(task=task, actor=upper_staff)
    services.case_report_back(task=task, actor=upper_staff, opinion="同意上报事项")
    case = Case.objects.get(pk=case.pk)
    assert case.reported_to is None and case.open_tasks == 1
    assert list(case.events.values_list("action", flat=True))[-3:] == [
        "report_up",
        "task_claim",
        "report_back",
    ]


def test_report_up_needs_an_upper_center_department():
    world = make_world()
    case = three_stage_case(world)
    with pytest.raises(CaseError) as exc:
        services.case_report_up(case=case, actor=world.chief, department=world.department, opinion="x")
    assert exc.value.code == "NO_UPPER_CENTER"


def test_a_procedure_edited_under_a_running_case_is_refused_and_nothing_changes():
    world = make_world()
    case = three_stage_case(world)
    # Someone removes the waiting task of stage 2 behind the engine's back.
    CaseTask.objects.filter(case=case, stage_order=2).delete()
    (task,) = open_tasks(case)
    with pytest.raises(CaseError) as exc:
        services.task_complete(task=task, actor=world.approver, opinion="同意")
    assert exc.value.code == "PROCEDURE_CHANGED"
    task.refresh_from_db()
    assert task.state == "open"
