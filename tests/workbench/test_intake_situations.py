"""The intake screen's 情形 questions and 告知承诺 choice; the case page shows the answers."""

from __future__ import annotations

import pytest

from onewindow.cases.models import Application, ApplicationMaterial, CaseEvent
from onewindow.workbench.intake import applicant_token
from tests.factories.cases import situation_world

pytestmark = pytest.mark.django_db
PASSWORD = "onewindow-test"


@pytest.fixture
def desk(db, settings, tmp_path):
    settings.ONEWINDOW_FILES_DIR = tmp_path / "files"
    return situation_world()


def sign_in(client, staff) -> None:
    response = client.post("/workbench/login/", {"username": staff.user.username, "password": PASSWORD})
    assert response.status_code == 302


def work(client, desk, **answers):
    query = {"items": [str(desk.item.pk)], "applicant": applicant_token(desk.applicant)}
    query.update({f"s_{k}": v for k, v in answers.items()})
    return client.get("/workbench/intake/work/", query)


def submit(client, desk, action="accept", **over):
    data = {
        "action": action,
        "applicant": applicant_token(desk.applicant),
        "items": [str(desk.item.pk)],
        "idempotency_key": "key-" + action,
        "m_id_card": "paper",
        "delivery_method": "pickup",
    }
    data.update(over)
    return client.post("/workbench/intake/submit/", {k: v for k, v in data.items() if v is not None})


def test_the_questions_come_with_the_items_and_the_answers_pick_the_checklist(client, desk):
    sign_in(client, desk.clerk)
    body = work(client, desk).content.decode()
    assert 'name="s_apply_kind"' in body and "个人还是企业？" in body
    assert 'name="m_id_card"' in body and 'name="m_business_licence"' not in body
    assert 'name="m_change_proof"' not in body and "暂不列出" in body
    body = work(client, desk, apply_kind="change", who="org").content.decode()
    assert 'name="m_business_licence"' in body and 'name="m_change_proof"' in body
    assert 'value="committed"' in body  # 告知承诺 where the item allows it …
    assert body.count('value="committed"') == 1  # … and only there
    body = work(client, desk, apply_kind="new", who="person").content.decode()
    assert 'name="m_business_licence"' not in body and 'name="m_change_proof"' not in body


@pytest.mark.parametrize("value", ["", "renew", "x" * 5000, "<script>", "新办"])
def test_an_unanswered_or_hostile_answer_is_refused_beside_its_question(client, desk, value):
    sign_in(client, desk.clerk)
    response = submit(client, desk, s_apply_kind=value, s_who="person")
    body = response.content.decode()
    assert 'data-testid="error-s_apply_kind"' in body and "它决定须提交哪些材料" in body
    assert "<script>" not in body
    assert not Application.objects.exists()


def test_accept_with_a_commitment_records_it_and_the_case_page_shows_the_answers(client, desk):
    sign_in(client, desk.clerk)
    response = submit(client, desk, s_apply_kind="change", s_who="person", m_change_proof="committed")
    assert response.status_code == 200 and "data-intake-result" in response.content.decode()
    application = Application.objects.get()
    assert application.situation_answers == {"apply_kind": "change", "who": "person"}
    assert application.materials.get(code="change_proof").status == ApplicationMaterial.Status.COMMITTED
    case = application.cases.get()
    assert CaseEvent.objects.get(case=case, action="accept").data["committed"][0]["code"] == "change_proof"
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert 'data-testid="case-situations"' in page and "变更" in page and "个人" in page
    assert "告知承诺代替" in page
    assert "以申请人书面承诺代替（告知承诺）：变更证明" in page  # the trail's 受理 line


def test_a_missing_applicable_material_blocks_accept_and_an_inapplicable_one_is_not_asked(client, desk):
    sign_in(client, desk.clerk)
    body = submit(
        client, desk, s_apply_kind="new", s_who="org", m_business_licence="missing"
    ).content.decode()
    assert 'data-testid="error-action"' in body
    assert not Application.objects.exists()
    body = submit(
        client, desk, s_apply_kind="new", s_who="person", m_business_licence="paper"
    ).content.decode()
    assert "data-intake-result" in body  # a value for a material that does not apply is ignored
    assert list(Application.objects.get().materials.values_list("code", flat=True)) == ["id_card"]


def test_a_commitment_where_the_item_does_not_allow_it_is_refused(client, desk):
    sign_in(client, desk.clerk)
    body = submit(client, desk, s_apply_kind="new", s_who="person", m_id_card="committed").content.decode()
    assert 'data-testid="error-m_id_card"' in body and "不适用告知承诺" in body
    assert not Application.objects.exists()


def test_the_commitment_letter_follows_the_answers_typed_on_the_checklist(client, db, settings, tmp_path):
    # A 容缺 material asked only for a change: the letter printed before acceptance carries it
    # when the checklist's answers ask for it (the answers travel with the print button's GET).
    settings.ONEWINDOW_FILES_DIR = tmp_path / "files"
    from tests.factories.cases import SITUATION_QUESTIONS, make_world

    world = make_world(
        questions=SITUATION_QUESTIONS,
        materials=[
            {"code": "id_card", "name": "身份证明"},
            {
                "code": "change_proof",
                "name": "变更证明",
                "applies_when": {"apply_kind": ["change"]},
                "tolerable": True,
                "tolerance_days": 5,
            },
        ],
    )
    sign_in(client, world.clerk)
    query = {
        "print_applicant": applicant_token(world.applicant),
        "items": [str(world.item.pk)],
        "s_apply_kind": "change",
        "s_who": "person",
        "m_id_card": "paper",
        "m_change_proof": "tolerated",
    }
    response = client.get("/workbench/intake/commitment.pdf", query)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    from tests.cases.test_documents import _text

    assert "变更证明" in _text(response.content)
    # For a first application the change proof is not asked: nothing marked 容缺 to print.
    response = client.get("/workbench/intake/commitment.pdf", {**query, "s_apply_kind": "new"})
    assert response.status_code == 400
