"""Statement budget per transition: the case lock (a read), the case UPDATE and the event INSERT,
plus the writes the action itself makes (a task, a suspension, an extension). Counted without
transaction control (SAVEPOINT / RELEASE / BEGIN)."""

import datetime as dt

import pytest

from onewindow.cases import services
from onewindow.core import clock
from onewindow.org.models import Staff
from tests.factories.cases import (
    accepted_case,
    completed_case,
    decided_case,
    delivered_case,
    in_progress_case,
    item_with_procedure,
    make_world,
    open_tasks,
    ready_case,
    submit,
)
from tests.factories.org import DepartmentFactory

pytestmark = pytest.mark.django_db


def _warm(world):
    """Roles are read once per Staff instance; version plans once per process."""
    for staff in (world.clerk, world.approver, world.approver2, world.chief, world.pickup, world.admin):
        services.staff_roles(staff)


def test_route_takes_four_queries(max_statements):
    world = make_world()
    case = accepted_case(world)
    _warm(world)
    with max_statements(4):
        services.case_route(case=case, actor=world.clerk)


def test_task_claim_and_complete_take_five_statements_and_one_more_when_the_next_stage_opens(max_statements):
    """The case lock, the task read after it, the task write, the case UPDATE, the event INSERT."""
    world = make_world()
    other = DepartmentFactory(center=world.center)
    item, _ = item_with_procedure(
        center=world.center,
        department=world.department,
        stages=[[world.department], [world.department, other]],
    )
    app = submit(world, items=[item])
    case = services.application_intake(application=app, actor=world.clerk).cases[0]
    case = services.case_route(case=case, actor=world.clerk)
    (task,) = open_tasks(case)
    _warm(world)
    with max_statements(5):
        services.task_claim(task=task, actor=world.approver)
    with max_statements(6):
        services.task_complete(task=task, actor=world.approver, opinion="同意")
    assert len(open_tasks(case)) == 2


@pytest.mark.parametrize(
    ("make", "call"),
    [
        (ready_case, lambda w, c: services.case_decide(case=c, actor=w.approver2, decision="granted")),
        (decided_case, lambda w, c: services.case_complete(case=c, actor=w.approver2)),
        (
            completed_case,
            lambda w, c: services.case_deliver(case=c, actor=w.pickup, method="pickup", signed_by="张三"),
        ),
        (delivered_case, lambda w, c: services.case_close(case=c, actor=w.pickup)),
        (
            in_progress_case,
            lambda w, c: services.case_extend(case=c, actor=w.chief, days=2, reason="情况复杂"),
        ),
        (in_progress_case, lambda w, c: services.case_withdraw(case=c, actor=w.clerk, reason="申请人撤回")),
    ],
)
def test_case_transitions_take_at_most_four_statements(make, call, max_statements):
    world = make_world()
    case = make(world)
    _warm(world)
    with max_statements(4):
        call(world, case)


def test_staff_roles_are_read_once_per_instance(django_assert_num_queries):
    world = make_world()
    staff = Staff.objects.select_related("user").get(pk=world.clerk.pk)
    with django_assert_num_queries(1):
        assert services.staff_roles(staff) == {"intake_clerk"}
    with django_assert_num_queries(0):
        services.staff_roles(staff)


def test_task_complete_with_pytest_djangos_own_counter(django_assert_max_num_queries):
    """The same budget through pytest-django: 5 statements + the SAVEPOINT/RELEASE that the
    service's atomic block issues inside the test's transaction."""
    world = make_world()
    case = in_progress_case(world)
    (task,) = open_tasks(case)
    _warm(world)
    with django_assert_max_num_queries(7, info="5 statements + SAVEPOINT + RELEASE SAVEPOINT"):
        services.task_complete(task=task, actor=world.approver, opinion="同意")


def _suspended(world):
    case = in_progress_case(world)
    return services.case_suspend(
        case=case, actor=world.chief, reason="hearing", expected_end=clock.today() + dt.timedelta(days=5)
    )


@pytest.mark.parametrize(
    ("make", "call"),
    [
        (
            in_progress_case,
            lambda w, c: services.case_suspend(
                case=c, actor=w.chief, reason="testing", expected_end=dt.date(2099, 1, 1)
            ),
        ),
        (_suspended, lambda w, c: services.case_resume(case=c, actor=w.chief)),
        (
            in_progress_case,
            lambda w, c: services.case_request_inspection(case=c, actor=w.approver, opinion="踏勘"),
        ),
        (
            lambda w: submit(w).cases.get(),
            lambda w, c: services.case_refuse(
                case=c, actor=w.clerk, reasons="不属于受理范围", legal_basis="某条例"
            ),
        ),
        (in_progress_case, lambda w, c: services.case_return(case=c, actor=w.clerk, reasons="材料虚假")),
    ],
)
def test_other_transitions_take_at_most_four_statements(make, call, max_statements):
    world = make_world()
    case = make(world)
    _warm(world)
    with max_statements(4):
        call(world, case)


def test_send_back_takes_six_statements(max_statements):
    """Rare, and three task writes: ad-hoc tasks cancelled, later stages waiting, the stage reopened."""
    world = make_world()
    case = ready_case(world)
    _warm(world)
    with max_statements(6):
        services.case_send_back(case=case, actor=world.chief, to_stage=1, opinion="重审")


def test_void_takes_four_statements_for_a_one_case_application(max_statements):
    """The cases' lock, the intake events read, the case UPDATE and the event INSERT."""
    world = make_world()
    case = accepted_case(world)
    application = case.application
    _warm(world)
    with max_statements(4):
        services.application_void(application=application, actor=world.clerk, reason="录错申请人")
