"""Proxy channel: a village proxy agent applies for a citizen; the township checks before the hall."""

import pytest

from onewindow.cases import channels, services
from onewindow.cases.chain import chain_verify
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Case, CaseEvent
from onewindow.org.models import Role, ServiceCenter
from tests.factories.org import ServiceCenterFactory, StaffFactory
from tests.threads import race

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("name_and_phone_form")]


@pytest.fixture
def network(world):
    township = ServiceCenterFactory(tier=ServiceCenter.Tier.TOWNSHIP, parent=world.center)
    village = ServiceCenterFactory(tier=ServiceCenter.Tier.VILLAGE, parent=township)
    other_township = ServiceCenterFactory(tier=ServiceCenter.Tier.TOWNSHIP, parent=world.center)
    return {
        "township": township,
        "village": village,
        "agent": StaffFactory(center=village, roles=[Role.PROXY_AGENT]),
        "township_clerk": StaffFactory(center=township, roles=[Role.INTAKE_CLERK]),
        "township_admin": StaffFactory(center=township, roles=[Role.CENTER_ADMIN]),
        "other_clerk": StaffFactory(center=other_township, roles=[Role.INTAKE_CLERK]),
    }


def _apply(world, network, **kwargs):
    return channels.proxy_application_submit(
        actor=network["agent"],
        applicant=world.applicant,
        items=[world.item],
        form_data={"name": world.applicant.name},
        materials=["id_card"],
        consent=True,
        **kwargs,
    )


def test_proxy_application_records_the_agent_and_waits_for_the_township(world, network):
    application = _apply(world, network)
    assert (application.channel, application.proxy_agent_id, application.center_id) == (
        "proxy",
        network["agent"].pk,
        world.center.pk,
    )
    assert application.cases.get().state == "prereview"
    assert list(channels.proxy_checks_waiting(actor=network["township_clerk"])) == [application]
    assert list(channels.proxy_checks_waiting(actor=network["other_clerk"])) == []


def test_hall_cannot_pass_before_the_township_check(world, network):
    application = _apply(world, network)
    with pytest.raises(CaseError) as exc:
        services.application_prereview_pass(application=application, actor=world.clerk)
    assert exc.value.code == "TOWNSHIP_CHECK_PENDING"
    assert application.cases.get().state == "prereview"


def test_township_approval_lets_the_hall_pass_and_accept(world, network):
    application = _apply(world, network)
    cases = channels.proxy_application_check(
        application=application, actor=network["township_clerk"], approve=True
    )
    assert [c.state for c in cases] == ["prereview"]
    event = CaseEvent.objects.filter(case=cases[0]).order_by("-seq").first()
    assert (event.action, event.data["stage"], event.data["approved"]) == (
        "township_check",
        "township_check",
        True,
    )
    assert event.actor_name == network["township_clerk"].name
    assert list(channels.proxy_checks_waiting(actor=network["township_clerk"])) == []
    services.application_prereview_pass(application=application, actor=world.clerk)
    result = services.application_intake(application=application, actor=world.clerk)
    assert [c.state for c in result.accepted] == ["accepted"]
    assert chain_verify(result.accepted[0]) == []


def test_township_rejection_returns_with_reasons(world, network):
    application = _apply(world, network)
    channels.proxy_application_check(
        application=application, actor=network["township_admin"], approve=False, reasons="缺少村委会证明"
    )
    case = Case.objects.get(application=application)
    assert case.state == "returned"
    event = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    assert (event.action, event.data["stage"], event.data["reasons"]) == (
        "township_return",
        "township_check",
        "缺少村委会证明",
    )
    assert channels.application_status(application=application, actor=world.applicant).reasons == [
        "缺少村委会证明"
    ]
    assert chain_verify(case) == []


def test_rejection_needs_reasons(world, network):
    application = _apply(world, network)
    with pytest.raises(CaseError) as exc:
        channels.proxy_application_check(
            application=application, actor=network["township_clerk"], approve=False
        )
    assert (exc.value.code, exc.value.field) == ("FIELD_REQUIRED", "reasons")


def test_staff_of_another_township_cannot_check(world, network):
    application = _apply(world, network)
    with pytest.raises(CaseError) as exc:
        channels.proxy_application_check(application=application, actor=network["other_clerk"], approve=True)
    assert exc.value.code == "OUT_OF_SCOPE"
    hall_clerk = world.clerk
    with pytest.raises(CaseError) as exc:
        channels.proxy_application_check(application=application, actor=hall_clerk, approve=True)
    assert exc.value.code == "OUT_OF_SCOPE"
    assert not CaseEvent.objects.filter(action="township_check").exists()


def test_township_staff_without_a_checking_role_is_refused(world, network):
    application = _apply(world, network)
    approver = StaffFactory(center=network["township"], roles=[Role.APPROVER])
    with pytest.raises(CaseError) as exc:
        channels.proxy_application_check(application=application, actor=approver, approve=True)
    assert exc.value.code == "ROLE_NOT_ALLOWED"


def test_a_checked_application_is_not_checked_twice(world, network):
    application = _apply(world, network)
    channels.proxy_application_check(application=application, actor=network["township_clerk"], approve=True)
    with pytest.raises(CaseError) as exc:
        channels.proxy_application_check(
            application=application, actor=network["township_admin"], approve=False, reasons="x"
        )
    assert exc.value.code == "TOWNSHIP_CHECK_DONE"


def test_only_a_village_proxy_agent_may_apply(world, network):
    with pytest.raises(CaseError) as exc:
        channels.proxy_application_submit(
            actor=world.clerk, applicant=world.applicant, items=[world.item], consent=True
        )
    assert exc.value.code == "NOT_PROXY_AGENT"
    township_agent = StaffFactory(center=network["township"], roles=[Role.PROXY_AGENT])
    with pytest.raises(CaseError) as exc:
        channels.proxy_application_submit(
            actor=township_agent, applicant=world.applicant, items=[world.item], consent=True
        )
    assert exc.value.code == "NOT_PROXY_AGENT"


def test_a_window_application_is_not_a_proxy_one(world, network):
    from tests.factories.cases import submit

    application = submit(world, state="prereview")
    with pytest.raises(CaseError) as exc:
        channels.proxy_application_check(
            application=application, actor=network["township_clerk"], approve=True
        )
    assert exc.value.code == "NOT_PROXY_APPLICATION"


def test_retried_proxy_submit_with_the_same_key_makes_one_application(world, network):
    first = _apply(world, network, idempotency_key="proxy-1")
    again = _apply(world, network, idempotency_key="proxy-1")
    assert first.pk == again.pk
    assert Case.objects.filter(application__proxy_agent=network["agent"]).count() == 1


def test_a_key_of_another_agents_application_is_refused_not_returned(world, network):
    _apply(world, network, idempotency_key="proxy-1")
    other_agent = StaffFactory(center=network["village"], roles=[Role.PROXY_AGENT])
    with pytest.raises(CaseError) as exc:
        channels.proxy_application_submit(
            actor=other_agent,
            applicant=world.applicant,
            items=[world.item],
            idempotency_key="proxy-1",
            consent=True,
        )
    assert (exc.value.code, exc.value.field) == ("IDEMPOTENCY_KEY_REUSED", "idempotency_key")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_township_staff_checking_at_once_one_wins():
    from tests.factories.cases import make_world

    world = make_world()
    township = ServiceCenterFactory(tier=ServiceCenter.Tier.TOWNSHIP, parent=world.center)
    village = ServiceCenterFactory(tier=ServiceCenter.Tier.VILLAGE, parent=township)
    agent = StaffFactory(center=village, roles=[Role.PROXY_AGENT])
    clerks = [StaffFactory(center=township, roles=[Role.INTAKE_CLERK]) for _ in range(2)]
    application = channels.proxy_application_submit(
        actor=agent, applicant=world.applicant, items=[world.item], consent=True
    )

    def check(i, approve):
        return channels.proxy_application_check(
            application=application, actor=clerks[i], approve=approve, reasons="不符合"
        )

    results = race([lambda: check(0, True), lambda: check(1, False)])
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert isinstance(errors[0], CaseError) and errors[0].code in ("TOWNSHIP_CHECK_DONE", "NOT_IN_PREREVIEW")
    assert CaseEvent.objects.filter(case__application=application).exclude(action="submit").count() == 1


def test_hall_prereview_inbox_shows_proxy_applications_only_after_the_township(world, network):
    from tests.factories.cases import submit

    portal = submit(world, state="prereview")
    proxy = _apply(world, network)
    assert list(channels.prereview_waiting(actor=world.clerk)) == [portal]
    channels.proxy_application_check(application=proxy, actor=network["township_clerk"], approve=True)
    assert list(channels.prereview_waiting(actor=world.clerk)) == [portal, proxy]
    services.application_prereview_pass(application=portal, actor=world.clerk)
    assert list(channels.prereview_waiting(actor=world.clerk)) == [proxy]
    assert list(channels.prereview_waiting(actor=network["township_clerk"])) == []


def _asked_back(world, network):
    """A proxy application the township passed and the hall's pre-review sent back (its ID card)."""
    application = _apply(world, network)
    channels.proxy_application_check(application=application, actor=network["township_clerk"], approve=True)
    services.application_request_supplement(
        application=application, actor=world.clerk, materials=["id_card"], note="身份证复印件模糊"
    )
    return application


def test_the_agents_answer_goes_back_to_the_halls_prereview_with_only_what_was_asked(world, network):
    application = _asked_back(world, network)
    agent = network["agent"]
    hostile = (
        ([], "FIELD_REQUIRED"),
        (["no_such"], "MATERIAL_NOT_ASKED"),
        (["身份证\u202e"], "MATERIAL_NOT_ASKED"),
    )
    for materials, code in hostile:
        with pytest.raises(CaseError) as exc:
            channels.proxy_application_supplement(application=application, actor=agent, materials=materials)
        assert exc.value.code == code
    other = StaffFactory(center=network["village"], roles=[Role.PROXY_AGENT])
    with pytest.raises(CaseError) as exc:
        channels.proxy_application_supplement(application=application, actor=other, materials=["id_card"])
    assert exc.value.code == "NOT_OWN_APPLICATION"
    assert application.cases.get().state == "pending_supplement"
    (case,) = channels.proxy_application_supplement(
        application=application, actor=agent, materials=["id_card"]
    )
    assert case.state == "prereview"
    assert list(channels.prereview_waiting(actor=world.clerk)) == [
        application
    ]  # the township checked it once
    assert CaseEvent.objects.get(case=case, action="supplement").data == {
        "received": ["id_card"],
        "prereview": True,
    }
    assert chain_verify(case) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_answers_to_one_notice_at_once_make_one(world, network):
    application = _asked_back(world, network)

    def answer():
        return channels.proxy_application_supplement(
            application=application, actor=network["agent"], materials=["id_card"]
        )

    results = race([answer, answer, answer])
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 2 and all(isinstance(e, CaseError) for e in errors), results
    assert CaseEvent.objects.filter(case__application=application, action="supplement").count() == 1
    assert application.cases.get().state == "prereview"
