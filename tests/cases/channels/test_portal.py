"""Portal channel: a citizen's draft, edits, an idempotent submit, and the hall's online pre-review."""

import pytest
from django.db import connection

from onewindow.cases import channels, services
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Application, ApplicationMaterial, Case, CaseEvent
from tests.factories.org import ApplicantFactory, UserFactory
from tests.threads import race

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("name_and_phone_form")]


@pytest.fixture
def citizen(world):
    applicant = ApplicantFactory(user=UserFactory())
    world.applicant = applicant
    return applicant


def _draft(world, citizen, **kwargs):
    return channels.portal_draft_create(
        actor=citizen, center=world.center, items=[world.item], form_data={"name": "王小明"}, **kwargs
    )


def test_draft_has_no_event_and_can_be_edited(world, citizen):
    application = _draft(world, citizen)
    case = application.cases.get()
    assert (application.channel, case.state, case.event_count) == ("portal", "draft", 0)
    channels.portal_draft_update(
        application=application,
        actor=citizen,
        form_data={"name": "王晓明", "phone": "13800138000"},
        materials=["id_card"],
        delivery_method="mail",
        delivery_address="山东省济宁市某某路1号",
    )
    application.refresh_from_db()
    assert application.form == {"name": "王晓明", "phone": "13800138000"}
    # A draft's personal answers are kept encrypted, as a submitted form's are.
    assert application.form_data == {} and application.form_personal == {
        "name": "王晓明",
        "phone": "13800138000",
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT form_data, form_personal FROM cases_application WHERE id = %s", [application.pk]
        )
        raw = " ".join(str(v) for v in cursor.fetchone())
    assert "13800138000" not in raw and "王晓明" not in raw
    material = ApplicationMaterial.objects.get(application=application, code="id_card")
    assert (material.status, material.received_at is not None) == ("received", True)
    channels.portal_draft_update(
        application=application, actor=citizen, form_data={"phone": None}, materials=[]
    )
    application.refresh_from_db()
    assert application.form == {"name": "王晓明"}
    material.refresh_from_db()
    assert (material.status, material.received_at) == ("missing", None)
    assert Case.objects.get(pk=case.pk).delivery_method == "mail"


def test_retried_draft_submit_with_the_same_key_submits_once(world, citizen):
    application = _draft(world, citizen, materials=["id_card"])
    first = channels.portal_draft_submit(application=application, actor=citizen, idempotency_key="k-1")
    again = channels.portal_draft_submit(application=application, actor=citizen, idempotency_key="k-1")
    assert first.pk == again.pk
    case = Case.objects.get(application=application)
    assert case.state == "prereview"
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True)) == ["submit"]
    assert Application.objects.filter(applicant=citizen).count() == 1


def test_a_submitted_draft_cannot_be_edited_or_submitted_with_a_new_key(world, citizen):
    application = _draft(world, citizen)
    channels.portal_draft_submit(application=application, actor=citizen, idempotency_key="k-1")
    with pytest.raises(CaseError) as exc:
        channels.portal_draft_update(application=application, actor=citizen, form_data={"x": 1})
    assert exc.value.code == "NOT_A_DRAFT"
    with pytest.raises(CaseError) as exc:
        channels.portal_draft_submit(application=application, actor=citizen, idempotency_key="k-2")
    assert exc.value.code == "TRANSITION_NOT_ALLOWED"


def test_retried_one_step_submit_makes_one_application(world, citizen):
    kwargs = {
        "actor": citizen,
        "center": world.center,
        "items": [world.item],
        "idempotency_key": "render-7",
    }
    first = channels.portal_application_submit(materials=["id_card"], **kwargs)
    again = channels.portal_application_submit(materials=["id_card"], **kwargs)
    assert first.pk == again.pk
    assert Application.objects.filter(applicant=citizen).count() == 1
    assert first.cases.get().state == "prereview"


def test_a_key_of_another_applicant_is_refused_not_returned(world, citizen):
    channels.portal_application_submit(
        actor=citizen, center=world.center, items=[world.item], idempotency_key="render-7"
    )
    other = ApplicantFactory(user=UserFactory())
    with pytest.raises(CaseError) as exc:
        channels.portal_application_submit(
            actor=other, center=world.center, items=[world.item], idempotency_key="render-7"
        )
    assert (exc.value.code, exc.value.field) == ("IDEMPOTENCY_KEY_REUSED", "idempotency_key")


def test_submit_needs_a_key(world, citizen):
    application = _draft(world, citizen)
    with pytest.raises(CaseError) as exc:
        channels.portal_draft_submit(application=application, actor=citizen, idempotency_key="")
    assert (exc.value.code, exc.value.field) == ("FIELD_REQUIRED", "idempotency_key")


def test_citizen_cannot_submit_someone_elses_draft(world, citizen):
    application = _draft(world, citizen)
    other = ApplicantFactory(user=UserFactory())
    with pytest.raises(CaseError) as exc:
        channels.portal_draft_submit(application=application, actor=other, idempotency_key="k")
    assert exc.value.code == "NOT_OWN_APPLICATION"
    with pytest.raises(CaseError) as exc:
        channels.portal_draft_update(application=application, actor=other, form_data={"a": 1})
    assert exc.value.code == "NOT_OWN_APPLICATION"
    assert Case.objects.get(application=application).state == "draft"


def test_item_not_online_cannot_be_applied_for_on_the_portal(world, citizen):
    world.version.online_available = False
    world.version.save()
    with pytest.raises(CaseError) as exc:
        _draft(world, citizen)
    assert (exc.value.code, exc.value.field) == ("ITEM_NOT_ONLINE", "items[0]")
    assert world.item.name in exc.value.message
    with pytest.raises(CaseError) as exc:
        channels.portal_application_submit(
            actor=citizen, center=world.center, items=[world.item], idempotency_key="k"
        )
    assert exc.value.code == "ITEM_NOT_ONLINE"
    assert not Application.objects.exists()


def test_applicant_without_portal_account_cannot_apply_online(world):
    with pytest.raises(CaseError) as exc:
        channels.portal_draft_create(actor=ApplicantFactory(), center=world.center, items=[world.item])
    assert exc.value.code == "APPLICANT_NO_ACCOUNT"


def test_prereview_pass_then_window_intake_accepts(world, citizen):
    application = channels.portal_application_submit(
        actor=citizen, center=world.center, items=[world.item], materials=["id_card"], idempotency_key="k"
    )
    cases = services.application_prereview_pass(application=application, actor=world.clerk)
    assert [c.state for c in cases] == ["submitted"]
    result = services.application_intake(application=application, actor=world.clerk)
    assert [c.state for c in result.accepted] == ["accepted"]


def test_prereview_return_shows_the_reasons_to_the_citizen(world, citizen):
    application = channels.portal_application_submit(
        actor=citizen, center=world.center, items=[world.item], idempotency_key="k"
    )
    services.application_prereview_return(
        application=application, actor=world.clerk, reasons="身份证照片不清晰，请重新上传"
    )
    status = channels.application_status(application=application, actor=citizen)
    assert status.returned
    assert status.reasons == ["身份证照片不清晰，请重新上传"]
    assert status.cases[0][1] == "returned"
    with pytest.raises(CaseError) as exc:
        channels.application_status(application=application, actor=ApplicantFactory())
    assert exc.value.code == "NOT_OWN_APPLICATION"


def test_draft_edit_refuses_an_unknown_material_and_an_unoffered_delivery(world, citizen):
    application = _draft(world, citizen)
    with pytest.raises(CaseError) as exc:
        channels.portal_draft_update(application=application, actor=citizen, materials=["nope"])
    assert (exc.value.code, exc.value.field) == ("MATERIAL_UNKNOWN", "materials[0].code")
    with pytest.raises(CaseError) as exc:
        channels.portal_draft_update(application=application, actor=citizen, delivery_method="electronic")
    assert (exc.value.code, exc.value.field) == ("DELIVERY_NOT_OFFERED", "delivery_method")


def test_online_check_covers_every_item(world, citizen):
    from tests.factories.cases import item_with_procedure

    offline_item, version = item_with_procedure(center=world.center, department=world.department)
    version.online_available = False
    version.save()
    with pytest.raises(CaseError) as exc:
        channels.portal_draft_create(actor=citizen, center=world.center, items=[world.item, offline_item])
    assert (exc.value.code, exc.value.field) == ("ITEM_NOT_ONLINE", "items[1]")


# --------------------------------------------------------------------------- races (PostgreSQL)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_double_clicked_draft_submit_submits_once():
    from tests.factories.cases import make_world

    world = make_world()
    citizen = ApplicantFactory(user=UserFactory())
    application = channels.portal_draft_create(actor=citizen, center=world.center, items=[world.item])
    results = race(
        [
            lambda: channels.portal_draft_submit(
                application=application, actor=citizen, idempotency_key="dbl"
            ),
            lambda: channels.portal_draft_submit(
                application=application, actor=citizen, idempotency_key="dbl"
            ),
        ]
    )
    assert all(isinstance(r, Application) and r.pk == application.pk for r in results), results
    assert CaseEvent.objects.filter(case__application=application, action="submit").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_double_clicked_one_step_submit_makes_one_application():
    from tests.factories.cases import make_world

    world = make_world()
    citizen = ApplicantFactory(user=UserFactory())

    def submit_once():
        return channels.portal_application_submit(
            actor=citizen, center=world.center, items=[world.item], idempotency_key="dbl"
        )

    results = race([submit_once, submit_once])
    assert all(isinstance(r, Application) for r in results), results
    assert results[0].pk == results[1].pk
    assert Application.objects.filter(applicant=citizen).count() == 1
