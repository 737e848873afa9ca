"""情形 answers and 告知承诺 in the engine, on every intake path: the window's services, the
portal, the proxy agent and the batch sheet ask only for the materials that apply, refuse a
missing applicable one, and a committed material is accepted and recorded."""

import io
import re

import pytest
from pypdf import PdfReader

from onewindow.cases import channels, services
from onewindow.cases.documents.render import render_notice
from onewindow.cases.errors import CaseError
from onewindow.cases.models import ApplicationMaterial, CaseEvent, CaseMaterial
from onewindow.cases.notices import case_notice
from onewindow.org.models import Role, ServiceCenter
from tests.cases.channels.sheets import person_id, xlsx
from tests.factories.cases import situation_world
from tests.factories.org import ApplicantFactory, ServiceCenterFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PERSON = {"apply_kind": "new", "who": "person"}
CHANGE_ORG = {"apply_kind": "change", "who": "org"}


@pytest.fixture
def world(db):
    return situation_world()


def create(world, *, answers, materials, **kwargs):
    return services.application_create(
        center=world.center,
        applicant=world.applicant,
        items=[world.item],
        channel="window",
        materials=materials,
        actor=world.clerk,
        answers=answers,
        **kwargs,
    )


def test_only_the_materials_that_apply_are_asked_for_and_linked(world):
    application = create(world, answers=NEW_PERSON, materials=["id_card"])
    assert application.situation_answers == NEW_PERSON
    assert sorted(application.materials.values_list("code", flat=True)) == ["id_card"]
    case = application.cases.get()
    assert list(CaseMaterial.objects.filter(case=case).values_list("material__code", flat=True)) == [
        "id_card"
    ]
    result = services.application_intake(application=application, actor=world.clerk)
    assert [c.state for c in result.accepted] == ["accepted"]  # the company's licence is not asked for


def test_a_missing_applicable_material_is_asked_for_once(world):
    application = create(world, answers=CHANGE_ORG, materials=["id_card", "change_proof"])
    result = services.application_intake(application=application, actor=world.clerk)
    assert result.supplement_requested
    assert [m["code"] for m in result.missing] == ["business_licence"]


@pytest.mark.parametrize(
    ("answers", "code", "field"),
    [
        (None, "SITUATION_ANSWER_REQUIRED", "situation.apply_kind"),
        ({}, "SITUATION_ANSWER_REQUIRED", "situation.apply_kind"),
        ({"apply_kind": "new"}, "SITUATION_ANSWER_REQUIRED", "situation.who"),
        ({"apply_kind": "renew", "who": "org"}, "SITUATION_ANSWER_INVALID", "situation.apply_kind"),
        ({"apply_kind": "新办" * 500, "who": "org"}, "SITUATION_ANSWER_INVALID", "situation.apply_kind"),
        ({"apply_kind": ["new"], "who": "org"}, "SITUATION_ANSWER_INVALID", "situation.apply_kind"),
    ],
)
def test_missing_or_wrong_answers_are_refused_by_question_and_nothing_is_written(world, answers, code, field):
    with pytest.raises(CaseError) as exc:
        create(world, answers=answers, materials=["id_card"])
    assert (exc.value.code, exc.value.field) == (code, field)
    assert "首次申请还是变更" in exc.value.message or "个人还是企业" in exc.value.message
    assert not ApplicationMaterial.objects.exists()


def test_a_material_that_does_not_apply_is_refused_by_its_own_code(world):
    with pytest.raises(CaseError) as exc:
        create(world, answers=NEW_PERSON, materials=["id_card", "business_licence"])
    assert (exc.value.code, exc.value.field) == ("MATERIAL_NOT_APPLICABLE", "materials[1].code")


def test_a_commitment_replaces_a_material_that_allows_it_and_is_recorded(world):
    application = create(
        world,
        answers={"apply_kind": "change", "who": "person"},
        materials=["id_card", {"code": "change_proof", "committed": True}],
    )
    row = application.materials.get(code="change_proof")
    assert row.status == ApplicationMaterial.Status.COMMITTED
    result = services.application_intake(application=application, actor=world.clerk)
    case = result.accepted[0]
    event = CaseEvent.objects.filter(case=case, action="accept").get()
    assert event.data["committed"] == [{"code": "change_proof", "name": "变更证明"}]
    text = re.sub(
        r"\s+",
        "",
        "".join(
            p.extract_text()
            for p in PdfReader(io.BytesIO(render_notice(case_notice(case=case, kind="acceptance")))).pages
        ),
    )
    assert "告知承诺" in text and "变更证明" in text


def test_a_commitment_is_refused_where_the_item_does_not_allow_it(world):
    with pytest.raises(CaseError) as exc:
        create(world, answers=NEW_PERSON, materials=[{"code": "id_card", "committed": True}])
    assert (exc.value.code, exc.value.field) == ("COMMITMENT_NOT_ALLOWED", "materials[0].committed")


def test_the_portal_follows_the_answers(world):
    world.version.__class__.objects.filter(pk=world.version.pk).update(online_available=True)
    citizen = ApplicantFactory(user=UserFactory())
    kwargs = {"actor": citizen, "center": world.center, "items": [world.item], "idempotency_key": "k-1"}
    with pytest.raises(CaseError) as exc:
        channels.portal_application_submit(materials=["id_card"], **kwargs)
    assert exc.value.code == "SITUATION_ANSWER_REQUIRED"
    application = channels.portal_application_submit(materials=["id_card"], answers=NEW_PERSON, **kwargs)
    assert sorted(application.materials.values_list("code", flat=True)) == ["id_card"]
    draft = channels.portal_draft_create(
        actor=citizen, center=world.center, items=[world.item], answers=CHANGE_ORG
    )
    assert sorted(draft.materials.values_list("code", flat=True)) == [
        "business_licence",
        "change_proof",
        "id_card",
    ]


def test_the_proxy_agent_follows_the_answers(world):
    township = ServiceCenterFactory(tier=ServiceCenter.Tier.TOWNSHIP, parent=world.center)
    village = ServiceCenterFactory(tier=ServiceCenter.Tier.VILLAGE, parent=township)
    agent = StaffFactory(center=village, roles=[Role.PROXY_AGENT])
    with pytest.raises(CaseError) as exc:
        channels.proxy_application_submit(
            actor=agent, applicant=world.applicant, items=[world.item], materials=["id_card"], consent=True
        )
    assert exc.value.code == "SITUATION_ANSWER_REQUIRED"
    application = channels.proxy_application_submit(
        actor=agent,
        applicant=world.applicant,
        items=[world.item],
        materials=["id_card"],
        answers=NEW_PERSON,
        consent=True,
    )
    assert sorted(application.materials.values_list("code", flat=True)) == ["id_card"]


def batch_row(n, *, apply_kind, who, licence="", proof=""):
    return [
        f"申请人{n}",
        person_id(n),
        "13800138000",
        "窗口领取",
        "",
        apply_kind,
        who,
        "已收",
        licence,
        proof,
    ]


def test_a_batch_sheet_has_a_column_per_question_and_reads_only_the_materials_that_apply(world):
    headers = [c.header for c in channels.batch_columns(item=world.item)]
    assert headers[5:7] == ["首次申请还是变更？", "个人还是企业？"]
    rows = [
        batch_row(1, apply_kind="首次申请", who="个人", licence="缺"),  # not asked: accepted
        batch_row(2, apply_kind="change", who="企业", licence="已收", proof="已收"),
        batch_row(3, apply_kind="变更", who="个人", proof="缺"),  # the proof applies: a notice
        batch_row(4, apply_kind="续期", who="个人"),  # no such choice
        batch_row(5, apply_kind="", who="个人"),  # unanswered
    ]
    report = channels.batch_intake(
        center=world.center, item=world.item, actor=world.clerk, xlsx=xlsx(headers, rows)
    )
    outcomes = {r.row: r.outcome for r in report.created}
    assert outcomes == {2: "accepted", 3: "accepted", 4: "supplement_requested"}
    assert [(e.row, e.column, e.code) for e in report.errors] == [
        (5, "首次申请还是变更？", "SITUATION_ANSWER_INVALID"),
        (6, "首次申请还是变更？", "SITUATION_ANSWER_REQUIRED"),
    ]
    assert "续期" in report.errors[0].message
