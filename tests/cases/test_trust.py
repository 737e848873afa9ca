"""Refused actions: a stable code, a Chinese message, and nothing changed."""

import datetime as dt

import pytest

from onewindow.cases import services
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Case, CaseEvent, CaseTask
from onewindow.core import clock
from onewindow.org import services as org_services
from onewindow.org.models import Role
from tests.factories.cases import (
    accepted_case,
    completed_case,
    in_progress_case,
    make_world,
    open_tasks,
    ready_case,
)
from tests.factories.org import ApplicantFactory, DepartmentFactory, ServiceCenterFactory, StaffFactory

pytestmark = pytest.mark.django_db


def snapshot(case):
    return (
        Case.objects.filter(pk=case.pk).values().get(),
        list(CaseEvent.objects.filter(case=case).order_by("seq").values()),
        list(CaseTask.objects.filter(case=case).order_by("pk").values()),
    )


def refused(case, code, call):
    before = snapshot(case)
    with pytest.raises(CaseError) as exc:
        call()
    assert exc.value.code == code
    assert snapshot(case) == before
    return exc.value


def test_the_clerk_who_accepted_cannot_decide():
    world = make_world()
    case = ready_case(world)
    world.clerk.user.groups.add(*world.approver.user.groups.all())
    clerk = type(world.clerk).objects.get(pk=world.clerk.pk)
    clerk.department = world.department
    err = refused(
        case, "SEPARATION_OF_DUTIES", lambda: services.case_decide(case=case, actor=clerk, decision="granted")
    )
    assert "受理" in err.message  # says why, in Chinese, not the code


def test_action_from_wrong_state_is_refused_and_changes_nothing():
    world = make_world()
    case = accepted_case(world)
    refused(
        case,
        "TRANSITION_NOT_ALLOWED",
        lambda: services.case_decide(case=case, actor=world.approver2, decision="granted"),
    )
    refused(case, "TRANSITION_NOT_ALLOWED", lambda: services.case_close(case=case, actor=world.pickup))


def test_role_not_allowed():
    world = make_world()
    case = accepted_case(world)
    refused(case, "ROLE_NOT_ALLOWED", lambda: services.case_route(case=case, actor=world.approver))


def test_staff_of_another_center_is_out_of_scope():
    world = make_world()
    case = accepted_case(world)
    stranger = StaffFactory(center=ServiceCenterFactory(), roles=[Role.INTAKE_CLERK])
    refused(case, "OUT_OF_SCOPE", lambda: services.case_route(case=case, actor=stranger))


def test_task_of_another_department_is_out_of_scope():
    world = make_world()
    case = in_progress_case(world)
    (task,) = open_tasks(case)
    outsider = StaffFactory(
        center=world.center, department=DepartmentFactory(center=world.center), roles=["approver"]
    )
    refused(case, "OUT_OF_SCOPE", lambda: services.task_complete(task=task, actor=outsider, opinion="同意"))


def test_completing_a_done_task_again_is_refused():
    world = make_world(stages=None)
    case = in_progress_case(world)
    (task,) = open_tasks(case)
    services.task_complete(task=task, actor=world.approver, opinion="同意")
    refused(
        case,
        "TASK_ALREADY_DONE",
        lambda: services.task_complete(task=task, actor=world.approver2, opinion="同意"),
    )


def test_a_claimed_task_is_completed_only_by_its_assignee():
    world = make_world()
    case = in_progress_case(world)
    (task,) = open_tasks(case)
    services.task_claim(task=task, actor=world.approver)
    err = refused(
        case,
        "TASK_CLAIMED_BY_OTHER",
        lambda: services.task_complete(task=task, actor=world.approver2, opinion="同意"),
    )
    assert world.approver.name in err.message


def test_denial_needs_reasons_and_legal_basis_named_in_the_message():
    world = make_world()
    case = ready_case(world)
    err = refused(
        case,
        "FIELD_REQUIRED",
        lambda: services.case_decide(
            case=case, actor=world.approver2, decision="denied", reasons="不符合条件"
        ),
    )
    assert err.field == "legal_basis"


def test_decide_is_refused_while_tasks_are_open():
    world = make_world()
    case = in_progress_case(world)
    refused(
        case, "TASKS_OPEN", lambda: services.case_decide(case=case, actor=world.approver2, decision="granted")
    )


def test_pickup_delivery_needs_who_signed():
    world = make_world()
    case = completed_case(world)
    err = refused(
        case, "FIELD_REQUIRED", lambda: services.case_deliver(case=case, actor=world.pickup, method="pickup")
    )
    assert err.field == "signed_by"
    err = refused(
        case, "FIELD_REQUIRED", lambda: services.case_deliver(case=case, actor=world.pickup, method="mail")
    )
    assert err.field == "tracking_number"


def test_applicant_withdraws_only_their_own_case():
    world = make_world()
    case = in_progress_case(world)
    refused(case, "NOT_OWN_APPLICATION", lambda: services.case_withdraw(case=case, actor=ApplicantFactory()))
    case = services.case_withdraw(case=case, actor=world.applicant, reason="不再需要")
    assert case.state == "withdrawn"
    assert not open_tasks(case)
    assert CaseTask.objects.filter(case=case, state="cancelled").count() == 1


def test_withdraw_after_decision_is_refused():
    world = make_world()
    case = completed_case(world)
    refused(case, "TRANSITION_NOT_ALLOWED", lambda: services.case_withdraw(case=case, actor=world.applicant))


def test_extension_needs_chief_of_the_department_or_center_admin():
    world = make_world()
    case = in_progress_case(world)
    refused(
        case,
        "ROLE_NOT_ALLOWED",
        lambda: services.case_extend(case=case, actor=world.approver, days=2, reason="复杂"),
    )
    other_chief = StaffFactory(
        center=world.center, department=DepartmentFactory(center=world.center), roles=["chief_representative"]
    )
    refused(
        case,
        "OUT_OF_SCOPE",
        lambda: services.case_extend(case=case, actor=other_chief, days=2, reason="复杂"),
    )
    refused(
        case,
        "FIELD_INVALID",
        lambda: services.case_extend(case=case, actor=world.chief, days=0, reason="复杂"),
    )
    case = services.case_extend(case=case, actor=world.admin, days=2, reason="情况复杂")
    assert case.extensions.get().authorised_by == world.admin


def _claimed_by_a_with_b_as_backup(world):
    world.approver.backup = world.approver2
    world.approver.save()
    case = in_progress_case(world)
    (task,) = open_tasks(case)
    services.task_claim(task=task, actor=world.approver)
    return case, task


def test_the_b_post_finishes_the_a_posts_task_while_the_a_post_is_absent_and_the_event_says_so():
    world = make_world()
    case, task = _claimed_by_a_with_b_as_backup(world)
    now = clock.now()
    org_services.staff_absence_create(
        staff=world.approver,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=2),
        reason="病假",
        actor=world.approver,
    )
    services.task_complete(task=task, actor=world.approver2, opinion="A岗请假，B岗代办")
    task.refresh_from_db()
    assert task.state == "done" and task.assignee == world.approver2
    event = CaseEvent.objects.filter(case=case).latest("seq")
    assert event.actor_name == world.approver2.name
    assert event.data["covered_for"] == {"staff": world.approver.pk, "name": world.approver.name}


def test_the_b_post_is_refused_while_the_a_post_is_at_work():
    world = make_world()
    case, task = _claimed_by_a_with_b_as_backup(world)
    err = refused(
        case,
        "ASSIGNEE_NOT_ABSENT",
        lambda: services.task_complete(task=task, actor=world.approver2, opinion="B岗代办"),
    )
    assert world.approver.name in err.message
    task.refresh_from_db()
    assert task.state == "claimed" and task.assignee == world.approver


def test_the_b_post_is_refused_once_the_a_posts_absence_has_ended():
    world = make_world()
    case, task = _claimed_by_a_with_b_as_backup(world)
    now = clock.now()
    absence = org_services.staff_absence_create(
        staff=world.approver,
        starts_at=now - dt.timedelta(hours=2),
        ends_at=now + dt.timedelta(days=1),
        reason="外出培训",
        actor=world.admin,
    )
    org_services.staff_absence_end(absence=absence, actor=world.approver)
    refused(
        case,
        "ASSIGNEE_NOT_ABSENT",
        lambda: services.task_complete(task=task, actor=world.approver2, opinion="B岗代办"),
    )


def test_someone_else_of_the_department_may_not_finish_a_claimed_task_even_while_the_assignee_is_absent():
    world = make_world()
    case, task = _claimed_by_a_with_b_as_backup(world)
    other = StaffFactory(center=world.center, department=world.department, roles=["approver"])
    now = clock.now()
    org_services.staff_absence_create(
        staff=world.approver,
        starts_at=now,
        ends_at=now + dt.timedelta(days=1),
        reason="病假",
        actor=world.approver,
    )
    refused(
        case, "TASK_CLAIMED_BY_OTHER", lambda: services.task_complete(task=task, actor=other, opinion="代办")
    )


def test_an_inactive_staff_account_is_refused():
    world = make_world()
    case = accepted_case(world)
    world.clerk.is_active = False
    refused(case, "ACCOUNT_INACTIVE", lambda: services.case_route(case=case, actor=world.clerk))
