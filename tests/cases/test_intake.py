"""Window intake: one application, one case per item, materials once, one notice for everything missing."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from onewindow.cases import services
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Application, ApplicationMaterial, Case, CaseMaterial
from onewindow.core import clock
from tests.factories.cases import item_with_procedure, make_world, submit
from tests.factories.catalog import ServiceItemVersionFactory
from tests.factories.org import ApplicantFactory

SIGNED = services.CommitmentIn(confirmed=True)  # the applicant signed the 容缺 commitment

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 11, 23, 9, 30, tzinfo=TZ)


def two_items(world):
    a, _ = item_with_procedure(
        center=world.center,
        department=world.department,
        materials=[{"code": "id_card", "name": "身份证"}, {"code": "licence", "name": "营业执照"}],
    )
    b, _ = item_with_procedure(
        center=world.center,
        department=world.department,
        materials=[
            {"code": "id_card", "name": "身份证"},
            {"code": "floor_plan", "name": "平面图", "tolerable": True, "tolerance_days": 5},
            {"code": "photo", "name": "照片", "required": False},
        ],
    )
    return a, b


def test_one_case_per_item_and_a_shared_material_is_handed_in_once():
    world = make_world()
    a, b = two_items(world)
    app = submit(world, items=[a, b], materials=["id_card", "licence", "floor_plan"])
    assert app.cases.count() == 2
    assert sorted(app.materials.values_list("code", flat=True)) == [
        "floor_plan",
        "id_card",
        "licence",
        "photo",
    ]
    id_card = app.materials.get(code="id_card")
    assert CaseMaterial.objects.filter(material=id_card).count() == 2
    numbers = sorted(app.cases.values_list("number", flat=True))
    assert numbers[0].endswith("000001") and numbers[1].endswith("000002")
    for case in app.cases.all():
        assert list(case.events.values_list("action", flat=True)) == ["submit"]


def test_missing_required_material_asks_once_for_everything_for_the_whole_application():
    world = make_world()
    a, b = two_items(world)
    app = submit(world, items=[a, b], materials=["id_card"])
    result = services.application_intake(application=app, actor=world.clerk, commitment=SIGNED)
    assert result.supplement_requested
    assert {m["code"] for m in result.missing} == {"licence", "floor_plan"}
    assert set(app.cases.values_list("state", flat=True)) == {"pending_supplement"}
    assert not app.cases.filter(accepted_at__isnull=False).exists()

    services.application_supplement(application=app, materials=["licence"], actor=world.clerk)
    assert set(app.cases.values_list("state", flat=True)) == {"submitted"}
    with clock.frozen(MONDAY):
        result = services.application_intake(application=app, actor=world.clerk, commitment=SIGNED)
    assert not result.supplement_requested
    assert len(result.accepted) == 1 and len(result.accepted_with_pending) == 1
    pending = result.accepted_with_pending[0]
    # Five working days after Monday 23 November 2026.
    assert pending.pending_materials_due == dt.date(2026, 11, 30)
    row = app.materials.get(code="floor_plan")
    assert row.status == ApplicationMaterial.Status.PENDING and row.due_date == dt.date(2026, 11, 30)


def test_tolerated_material_blocks_completion_until_it_arrives():
    world = make_world()
    _, b = two_items(world)
    app = submit(world, items=[b], materials=["id_card"])
    (case,) = services.application_intake(
        application=app, actor=world.clerk, commitment=SIGNED
    ).accepted_with_pending
    case = services.case_route(case=case, actor=world.clerk)
    task = case.tasks.get()
    services.task_complete(task=task, actor=world.approver, opinion="同意")
    case = services.case_decide(case=Case.objects.get(pk=case.pk), actor=world.approver2, decision="granted")
    with pytest.raises(CaseError) as exc:
        services.case_complete(case=case, actor=world.approver2)
    assert exc.value.code == "MATERIALS_MISSING"
    assert "平面图" in exc.value.message
    (touched,) = services.application_materials_received(
        application=app, materials=["floor_plan"], actor=world.clerk
    )
    assert touched.pending_materials_due is None
    assert services.case_complete(case=case, actor=world.approver2).state == "completed"


def test_pending_materials_overdue_lists_cases_past_their_due_date():
    world = make_world()
    _, b = two_items(world)
    with clock.frozen(MONDAY):
        app = submit(world, items=[b], materials=["id_card"])
        services.application_intake(application=app, actor=world.clerk, commitment=SIGNED)
    from onewindow.cases.selectors import pending_materials_overdue

    assert not pending_materials_overdue(center=world.center, today=dt.date(2026, 11, 30)).exists()
    assert pending_materials_overdue(center=world.center, today=dt.date(2026, 12, 1)).count() == 1


def test_retried_create_with_the_same_idempotency_key_returns_the_first_application():
    world = make_world()
    first = submit(world, idempotency_key="abc-123")
    again = submit(world, idempotency_key="abc-123")
    assert again.pk == first.pk
    assert Application.objects.count() == 1 and Case.objects.count() == 1


def test_an_idempotency_key_of_another_applicant_is_refused_not_returned():
    world = make_world()
    first = submit(world, idempotency_key="abc-123")
    world.applicant = ApplicantFactory()
    with pytest.raises(CaseError) as exc:
        submit(world, idempotency_key="abc-123")
    assert exc.value.code == "IDEMPOTENCY_KEY_REUSED" and exc.value.field == "idempotency_key"
    assert exc.value.message == "该提交标识已被另一份申请使用。"
    assert list(Application.objects.values_list("pk", flat=True)) == [first.pk]


def test_item_without_published_version_is_refused_naming_the_item():
    world = make_world()
    draft_only = ServiceItemVersionFactory(status="draft").item
    draft_only.center = world.center
    draft_only.save()
    with pytest.raises(CaseError) as exc:
        submit(world, items=[world.item, draft_only], materials=[])
    assert exc.value.code == "NO_PUBLISHED_VERSION" and exc.value.field == "items[1]"
    assert not Application.objects.exists()


def test_unknown_material_code_is_refused():
    world = make_world()
    with pytest.raises(CaseError) as exc:
        submit(world, materials=["id_card", "nonsense"])
    assert exc.value.code == "MATERIAL_UNKNOWN" and exc.value.field == "materials[1].code"


def test_refuse_needs_reasons_and_legal_basis():
    world = make_world()
    case = submit(world).cases.get()
    with pytest.raises(CaseError) as exc:
        services.case_refuse(case=case, actor=world.clerk, reasons="不属于本机关职权范围", legal_basis="")
    assert exc.value.field == "legal_basis"
    case = services.case_refuse(
        case=case, actor=world.clerk, reasons="不属于本机关职权范围", legal_basis="《行政许可法》第三十二条"
    )
    assert case.state == "refused"
    assert case.events.last().data["legal_basis"] == "《行政许可法》第三十二条"


def test_mail_delivery_needs_an_address():
    world = make_world()
    with pytest.raises(CaseError) as exc:
        submit(world, delivery_method="mail")
    assert exc.value.field == "delivery_address"


def test_materials_received_skips_cases_that_left_handling():
    world = make_world()
    _, b = two_items(world)
    c, _ = item_with_procedure(
        center=world.center,
        department=world.department,
        materials=[{"code": "floor_plan", "name": "平面图", "tolerable": True}],
    )
    app = submit(world, items=[b, c], materials=["id_card"])
    first, second = services.application_intake(
        application=app, actor=world.clerk, commitment=SIGNED
    ).accepted_with_pending
    services.case_withdraw(case=first, actor=world.applicant)
    touched = services.application_materials_received(
        application=app, materials=["floor_plan"], actor=world.clerk
    )
    assert [t.pk for t in touched] == [second.pk]
    assert touched[0].pending_materials_due is None


def test_the_clerk_rejects_an_unusable_material_and_asks_once():
    world = make_world()
    a, b = two_items(world)
    app = submit(world, items=[a, b], materials=["id_card", "licence", "floor_plan"])
    result = services.application_request_supplement(
        application=app, actor=world.clerk, materials=["licence"], note="营业执照复印件不清晰"
    )
    assert result.supplement_requested
    assert [m["code"] for m in result.missing] == ["licence"]
    assert app.materials.get(code="licence").status == ApplicationMaterial.Status.REJECTED
    assert set(app.cases.values_list("state", flat=True)) == {"pending_supplement"}
    services.application_supplement(application=app, materials=["licence"], actor=world.clerk)
    result = services.application_intake(application=app, actor=world.clerk, commitment=SIGNED)
    assert len(result.accepted) == 2


# ---------------------------------------------------------------- the agent (经办人)


def test_an_agent_is_recorded_beside_the_company_checked_and_encrypted(world):
    from onewindow.cases.models import Application as App
    from tests.factories.org import OrganisationApplicantFactory

    company = OrganisationApplicantFactory()
    app = services.application_create(
        center=world.center,
        applicant=company,
        items=[world.item],
        materials=["id_card"],
        actor=world.clerk,
        agent=services.AgentIn(
            name=" 陈大文 ",
            document_kind="hk_macao_permit",
            document_number="h12345678",
            mobile="139-0013-9000",
        ),
    )
    app = App.objects.get(pk=app.pk)
    assert (app.agent_name, app.agent_document_kind, app.agent_document_number, app.agent_mobile) == (
        "陈大文",
        "hk_macao_permit",
        "H12345678",
        "13900139000",
    )
    assert app.masked_agent_mobile != app.agent_mobile
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT agent_document_number, agent_mobile FROM cases_application WHERE id = %s", [app.pk]
        )
        stored = cursor.fetchone()
    assert "H12345678" not in stored[0] and "13900139000" not in stored[1]  # encrypted at rest


@pytest.mark.parametrize(
    ("agent", "field", "code"),
    [
        ({"name": ""}, "agent.name", "FIELD_REQUIRED"),
        (
            {"name": "x" * 51, "document_number": "E12345678", "document_kind": "passport"},
            "agent.name",
            "FIELD_INVALID",
        ),
        ({"name": "张三", "document_number": ""}, "agent.document_number", "FIELD_REQUIRED"),
        ({"name": "张三", "document_number": "12345"}, "agent.document_number", "FIELD_INVALID"),
        (
            {"name": "张三", "document_kind": "library_card", "document_number": "1"},
            "agent.document_kind",
            "FIELD_INVALID",
        ),
        (
            {"name": "张三", "document_kind": "passport", "document_number": "E12345678", "mobile": "12345"},
            "agent.mobile",
            "FIELD_INVALID",
        ),
    ],
)
def test_a_bad_agent_is_refused_naming_the_field_and_writes_nothing(world, agent, field, code):
    with pytest.raises(CaseError) as exc:
        services.application_create(
            center=world.center, applicant=world.applicant, items=[world.item], actor=world.clerk, agent=agent
        )
    assert (exc.value.field, exc.value.code) == (field, code)
    assert not Application.objects.exists()
