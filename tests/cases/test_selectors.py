import pytest

from onewindow.cases import services
from onewindow.cases.errors import CaseError
from onewindow.cases.selectors import case_get, case_list, case_timeline, task_list
from onewindow.org.models import Role
from tests.factories.cases import in_progress_case, item_with_procedure, make_world, submit
from tests.factories.org import ApplicantFactory, DepartmentFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_center_staff_see_their_center_only():
    world, other = make_world(), make_world()
    mine = in_progress_case(world)
    theirs = in_progress_case(other)
    assert list(case_list(actor=world.clerk)) == [mine]
    assert list(case_list(actor=other.supervisor)) == [theirs]
    with pytest.raises(CaseError) as exc:
        case_get(actor=world.clerk, pk=theirs.pk)
    assert exc.value.code == "CASE_NOT_FOUND"


def test_department_staff_see_cases_with_tasks_in_their_department():
    world = make_world()
    other_dept = DepartmentFactory(center=world.center)
    item, _ = item_with_procedure(center=world.center, department=world.department, stages=[[other_dept]])
    app = submit(world, items=[item])
    case = services.application_intake(application=app, actor=world.clerk).cases[0]
    outsider = StaffFactory(center=world.center, department=other_dept, roles=[Role.APPROVER])
    assert not case_list(actor=outsider).exists()  # not routed yet: no task for them
    services.case_route(case=case, actor=world.clerk)
    assert list(case_list(actor=outsider)) == [case]
    assert [t.case_id for t in task_list(actor=outsider)] == [case.pk]
    unrelated = StaffFactory(
        center=world.center, department=DepartmentFactory(center=world.center), roles=["approver"]
    )
    assert not case_list(actor=unrelated).exists()


def test_applicants_see_their_own_cases_only():
    world = make_world()
    case = in_progress_case(world)
    user = UserFactory()
    world.applicant.user = user
    world.applicant.save()
    assert list(case_list(actor=user)) == [case]
    assert list(case_list(actor=world.applicant)) == [case]
    assert not case_list(actor=ApplicantFactory()).exists()


def test_filters_and_timeline(django_assert_max_num_queries):
    world = make_world()
    case = in_progress_case(world)
    assert list(case_list(actor=world.clerk, filters={"state": "in_progress"})) == [case]
    assert not case_list(actor=world.clerk, filters={"state": ["closed"]}).exists()
    services.staff_roles(world.admin)  # roles are read once per Staff instance, before the page
    with django_assert_max_num_queries(1):
        rows = [(c.number, c.item.name, c.application.applicant.name) for c in case_list(actor=world.admin)]
    assert rows[0][0] == case.number
    assert [e.action for e in case_timeline(case=case)] == ["submit", "accept", "route"]


def test_saving_a_catalog_row_forgets_memoised_version_plans():
    from onewindow.cases import plans
    from tests.factories.catalog import StageTaskFactory

    world = make_world()
    plan = plans.version_plan(world.version.pk)
    assert plans._plans[world.version.pk] is plan
    stage = world.version.procedure.stages.get()
    StageTaskFactory(stage=stage, department=world.department)
    assert world.version.pk not in plans._plans
    assert len(plans.version_plan(world.version.pk).stages[0].tasks) == 2
