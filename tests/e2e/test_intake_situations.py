"""A 情形 question and a 告知承诺 material at the intake screen, from the keyboard alone,
signed in through the real sign-in page."""

from __future__ import annotations

import pytest

from onewindow.cases.models import Application, ApplicationMaterial, CaseEvent
from onewindow.cases.plans import version_plan_cache_clear
from tests.e2e.conftest import items_found, sign_in
from tests.factories.cases import situation_world
from tests.factories.org import ApplicantFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desk(db, settings, tmp_path):
    version_plan_cache_clear()
    settings.ONEWINDOW_FILES_DIR = tmp_path / "files"
    world = situation_world()
    world.item.name = "食品经营许可（变更）"
    world.item.pinyin_initials = "spjyxkbg"
    world.item.save()
    world.applicant = ApplicantFactory(name="王五", mobile="13800138000")
    yield world
    version_plan_cache_clear()


def answer(page, key: str) -> None:
    """Press `key` on a question and wait until the work area is drawn again (the focus
    comes back to the question after the swap)."""
    question = page.evaluate_handle("document.activeElement").as_element()
    page.keyboard.press(key)
    question.wait_for_element_state("hidden")  # detached: the work area was drawn again


def test_a_change_with_a_committed_proof_is_accepted_from_the_keyboard(page, shot, desk):
    sign_in(page, desk.clerk.user.username)
    page.goto("/workbench/intake/")
    page.wait_for_selector("#applicant-q:focus")
    page.keyboard.type(desk.applicant.id_number)
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-applicant-found]")
    page.wait_for_selector("#item-q:focus")
    page.keyboard.type("spjy")
    items_found(page, "spjy")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector("#s_apply_kind:focus")  # the questions come first
    assert page.locator("[name=m_change_proof]").count() == 0  # not asked before the answer
    answer(page, "ArrowDown")  # 首次申请
    page.wait_for_selector("#s_apply_kind:focus")
    answer(page, "ArrowDown")  # 变更: the checklist is drawn again with the proof
    page.wait_for_selector("[name=m_change_proof]")
    page.wait_for_selector("#s_apply_kind:focus")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "s_who"
    answer(page, "ArrowDown")  # 个人: no business licence
    page.wait_for_selector("#s_who:focus")
    assert page.locator("[name=m_business_licence]").count() == 0
    shot("intake-situations")
    page.keyboard.press("Alt+4")
    assert page.evaluate("document.activeElement.id") == "m_id_card"
    page.keyboard.press("Tab")  # the ID card's scan
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "m_change_proof"
    page.keyboard.press("ArrowDown")  # received (electronic)
    page.keyboard.press("ArrowDown")  # commitment instead (告知承诺)
    assert page.input_value("#m_change_proof") == "committed"
    assert not page.is_disabled("#do-accept")
    shot("intake-commitment")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("[data-intake-result][data-outcome=accepted]")
    shot("intake-accepted-with-commitment")
    application = Application.objects.get(applicant=desk.applicant)
    assert application.situation_answers == {"apply_kind": "change", "who": "person"}
    assert application.materials.get(code="change_proof").status == ApplicationMaterial.Status.COMMITTED
    case = application.cases.get()
    assert CaseEvent.objects.get(case=case, action="accept").data["committed"][0]["name"] == "变更证明"
    page.goto(f"/workbench/cases/{case.number}/")
    page.wait_for_selector("[data-testid=case-situations]")
    assert "变更" in page.inner_text("[data-testid=case-situations]")
    shot("case-page-situations")
