"""Online applications: drafts, pre-review, return; the applicant acting for themself."""

import pytest

from onewindow.cases import services
from onewindow.cases.errors import CaseError
from onewindow.cases.models import CaseEvent
from tests.factories.cases import make_world, online
from tests.factories.org import ApplicantFactory

pytestmark = pytest.mark.django_db


def test_a_draft_has_no_event_until_submitted_for_prereview():
    world = make_world()
    app = online(world, state="draft")
    case = app.cases.get()
    assert case.state == "draft" and case.event_count == 0 and app.submitted_at is None
    services.application_submit(application=app, actor=world.applicant, prereview=True)
    case.refresh_from_db()
    assert case.state == "prereview"
    event = CaseEvent.objects.get(case=case)
    assert (event.action, event.from_state, event.to_state) == ("submit", "draft", "prereview")


def test_prereview_pass_then_intake_accepts():
    world = make_world()
    app = online(world, state="prereview")
    services.application_prereview_pass(application=app, actor=world.clerk)
    result = services.application_intake(application=app, actor=world.clerk)
    assert [c.state for c in result.cases] == ["accepted"]


def test_prereview_return_needs_reasons():
    world = make_world()
    app = online(world, state="prereview")
    with pytest.raises(CaseError) as exc:
        services.application_prereview_return(application=app, actor=world.clerk, reasons=" ")
    assert exc.value.field == "reasons"
    (case,) = services.application_prereview_return(application=app, actor=world.clerk, reasons="照片不清晰")
    assert case.state == "returned"


def test_someone_else_cannot_apply_in_an_applicants_name():
    world = make_world()
    with pytest.raises(CaseError) as exc:
        services.application_create(
            center=world.center,
            applicant=world.applicant,
            items=[world.item],
            channel="portal",
            actor=ApplicantFactory(),
        )
    assert exc.value.code == "NOT_OWN_APPLICATION"


def test_an_approver_cannot_take_applications_at_the_window():
    world = make_world()
    with pytest.raises(CaseError) as exc:
        services.application_create(
            center=world.center, applicant=world.applicant, items=[world.item], actor=world.approver
        )
    assert exc.value.code == "ROLE_NOT_ALLOWED"


def test_a_township_check_is_a_table_action_scoped_to_the_named_lower_center():
    from onewindow.cases.models import Case
    from tests.factories.org import ServiceCenterFactory, StaffFactory

    world = make_world()
    township = ServiceCenterFactory(parent=world.center, tier="township")
    checker = StaffFactory(center=township, roles=["intake_clerk"])
    app = online(world, state="prereview")
    case = app.cases.get()
    with pytest.raises(CaseError) as exc:
        services.case_record(
            case=case, actor=checker, action="township_check", lower_center_id=township.pk + 1
        )
    assert exc.value.code == "OUT_OF_SCOPE"
    services.case_record(
        case=case,
        actor=checker,
        action="township_check",
        lower_center_id=township.pk,
        data={"approved": True},
    )
    assert Case.objects.get(pk=case.pk).state == "prereview"
    with pytest.raises(CaseError) as exc:
        services.case_record(case=case, actor=checker, action="decide", lower_center_id=township.pk)
    assert exc.value.code == "TRANSITION_NOT_ALLOWED"
    case = services.case_record(
        case=case,
        actor=checker,
        action="township_return",
        lower_center_id=township.pk,
        data={"reasons": "缺签字"},
    )
    assert case.state == "returned"
