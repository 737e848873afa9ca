"""作废: a mistaken intake voided with a reason — by its clerk the same day, by a center admin later."""

import datetime as dt

import pytest

from onewindow.cases import services
from onewindow.cases.chain import chain_verify
from onewindow.cases.errors import CaseError
from onewindow.cases.models import CaseEvent, CaseTask
from onewindow.core import clock
from onewindow.org.models import Role
from tests.factories.cases import accepted_case, in_progress_case, make_world, submit
from tests.factories.org import ServiceCenterFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _code(fn, **kwargs) -> str:
    with pytest.raises(CaseError) as exc:
        fn(**kwargs)
    return exc.value.code


def test_the_clerk_voids_their_own_intake_the_same_day_with_one_chained_event(world):
    case = accepted_case(world)
    (voided,) = services.application_void(application=case.application, actor=world.clerk, reason="录错事项")
    assert voided.state == "voided"
    event = CaseEvent.objects.get(case=case, action="void")
    assert (event.from_state, event.to_state, event.opinion) == ("accepted", "voided", "录错事项")
    assert event.data == {"reason": "录错事项", "from": "accepted"}
    assert chain_verify(voided) == []


def test_a_reason_is_required(world):
    case = accepted_case(world)
    for reason in ("", "   "):
        assert _code(
            services.application_void, application=case.application, actor=world.clerk, reason=reason
        ) == ("FIELD_REQUIRED")
    case.refresh_from_db()
    assert case.state == "accepted"


def test_another_clerk_may_not_void_it_a_center_admin_may(world):
    case = accepted_case(world)
    other = StaffFactory(center=world.center, roles=[Role.INTAKE_CLERK])
    assert _code(services.application_void, application=case.application, actor=other, reason="x") == (
        "VOID_NOT_OWN_INTAKE"
    )
    services.application_void(application=case.application, actor=world.admin, reason="重复录入")
    case.refresh_from_db()
    assert case.state == "voided"


def test_the_next_day_only_a_center_admin_voids(world):
    day = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    with clock.frozen(day):
        case = accepted_case(world)
    with clock.frozen(day + dt.timedelta(days=1)):
        assert _code(
            services.application_void, application=case.application, actor=world.clerk, reason="x"
        ) == ("VOID_DAY_PASSED")
        services.application_void(application=case.application, actor=world.admin, reason="次日作废")
    case.refresh_from_db()
    assert case.state == "voided"


def test_other_roles_and_other_centers_are_refused(world):
    case = accepted_case(world)
    assert _code(
        services.application_void, application=case.application, actor=world.approver, reason="x"
    ) == ("ROLE_NOT_ALLOWED")
    outsider = StaffFactory(center=ServiceCenterFactory(), roles=[Role.CENTER_ADMIN])
    assert _code(services.application_void, application=case.application, actor=outsider, reason="x") == (
        "OUT_OF_SCOPE"
    )


def test_a_routed_case_is_voided_and_its_tasks_cancelled(world):
    case = in_progress_case(world)
    services.application_void(application=case.application, actor=world.clerk, reason="录错")
    assert not CaseTask.objects.filter(case=case, state__in=["open", "claimed", "waiting"]).exists()
    case.refresh_from_db()
    assert (case.state, case.open_tasks) == ("voided", 0)


def test_a_one_time_notice_and_a_refusal_can_be_voided_a_submitted_one_cannot(world):
    app = submit(world, materials=[])
    services.application_intake(application=app, actor=world.clerk)  # → pending_supplement
    services.application_void(application=app, actor=world.clerk, reason="材料清单选错")
    assert app.cases.get().state == "voided"
    refused = submit(world)
    services.case_refuse(
        case=refused.cases.get(), actor=world.clerk, reasons="不属于本机关", legal_basis="第三十二条"
    )
    services.application_void(application=refused, actor=world.clerk, reason="录错")
    assert refused.cases.get().state == "voided"
    waiting = submit(world)
    assert (
        _code(services.application_void, application=waiting, actor=world.clerk, reason="x")
        == "NOTHING_TO_VOID"
    )


def test_a_completed_case_is_voided_only_when_it_was_immediate():
    immediate = make_world(case_kind="immediate")
    app = submit(immediate)
    services.application_intake(application=app, actor=immediate.clerk)
    assert app.cases.get().state == "completed"
    services.application_void(application=app, actor=immediate.clerk, reason="即办录错")
    assert app.cases.get().state == "voided"


def test_voiding_twice_is_refused(world):
    case = accepted_case(world)
    services.application_void(application=case.application, actor=world.clerk, reason="录错")
    assert _code(services.application_void, application=case.application, actor=world.clerk, reason="x") == (
        "NOTHING_TO_VOID"
    )
    assert CaseEvent.objects.filter(case=case, action="void").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_voids_racing_leave_one_event():
    from onewindow.cases.models import Case
    from tests.threads import race

    world = make_world()
    case = accepted_case(world)
    application = case.application
    clerk_id = world.clerk.pk

    def void():
        from onewindow.org.models import Staff

        clerk = Staff.objects.select_related("user").prefetch_related("user__groups").get(pk=clerk_id)
        return services.application_void(application=application, actor=clerk, reason="重复录入")

    results = race([void, void])
    assert sum(isinstance(r, list) for r in results) == 1, results
    assert [r.code for r in results if isinstance(r, CaseError)] == ["NOTHING_TO_VOID"]
    assert Case.objects.get(pk=case.pk).state == "voided"
    assert CaseEvent.objects.filter(case=case, action="void").count() == 1
