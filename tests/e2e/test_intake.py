"""The intake screen (综合受理) in a real browser, signed in through the real page.

The first journey is driven from the keyboard alone and counts what the clerk does: every key
pressed is one action, and typing one field's value (an ID number, a search word, an address)
is one action too; the raw number of keys is asserted separately.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from onewindow.cases.models import Application, CaseEvent
from onewindow.cases.plans import version_plan_cache_clear
from tests.e2e.conftest import items_found, sign_in
from tests.factories.intake import earlier_intake, intake_desk
from tests.factories.org import ApplicantFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desk(db, settings, tmp_path):
    version_plan_cache_clear()
    world = intake_desk(settings, tmp_path / "files")
    world.applicant = ApplicantFactory(name="李四", mobile="13800138000")
    yield world
    version_plan_cache_clear()


def returning(world) -> None:
    earlier_intake(
        world, {"applicant_name": "李四", "contact_phone": "13800138000", "business_address": "新华路1号"}
    )


def notice_text(page, kind: str) -> str:
    """The text of the notice PDF the result links (as the clerk's browser fetches it)."""
    pdf = page.request.get(page.get_attribute(f"[data-notice={kind}]", "href"))
    assert pdf.headers["content-type"] == "application/pdf"
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages).replace(" ", "")


class Keys:
    """The keyboard, counted: `actions` (a key, or one field typed) and `keys` (every key)."""

    def __init__(self, page) -> None:
        self.page, self.actions, self.keys = page, 0, 0

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.actions += 1
        self.keys += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.actions += 1
        self.keys += len(text)


def open_intake(page, world) -> None:
    sign_in(page, world.clerk.user.username)
    page.goto("/workbench/intake/")
    page.wait_for_selector("#applicant-q:focus")


def choose(page, world, search: str = "spjy") -> None:
    """Find the applicant by ID number and pick the first item the search offers."""
    page.fill("#applicant-q", world.applicant.id_number)
    page.press("#applicant-q", "Enter")
    page.wait_for_selector("[data-applicant-found]")
    page.fill("#item-q", search)
    page.wait_for_selector("[data-item-option]")
    page.click("[data-item-option]")
    page.wait_for_selector("#intake-form")


def test_a_returning_applicant_with_a_tolerated_material_is_accepted_from_the_keyboard(page, shot, desk):
    returning(desk)
    open_intake(page, desk)
    keys = Keys(page)
    keys.type(desk.applicant.id_number)
    keys.press("Enter")
    page.wait_for_selector("[data-applicant-found]")
    page.wait_for_selector("#item-q:focus")
    assert desk.applicant.id_number not in page.inner_text("#applicant-slot")  # masked
    keys.type("spjy")
    items_found(page, "spjy")
    shot("intake-item-search")
    keys.press("ArrowDown")
    keys.press("Enter")
    page.wait_for_selector("#intake-form")
    page.wait_for_selector("#f_business_address:focus")  # name and phone come from the record
    assert page.input_value("#f_contact_phone") == "13800138000"
    keys.type("新华路8号")
    keys.press("Alt+4")
    assert page.evaluate("document.activeElement.id") == "m_id_card"
    assert page.input_value("#m_id_card") == "reused"  # 与原件核对无误, from the earlier visit
    for _ in range(4):  # the ID card's scan, the licence, its scan, the site certificate
        keys.press("Tab")
    assert page.evaluate("document.activeElement.id") == "m_site"
    assert page.input_value("#m_site") == "reused"  # an earlier certificate is on file…
    keys.press("ArrowDown")  # …but the lease ran out: the new one follows (容缺)
    assert page.input_value("#m_site") == "tolerated"
    assert page.is_visible("[data-commitment]")  # 容缺 needs the applicant's signed commitment
    keys.press("Tab")  # the site certificate's scan
    keys.press("Tab")
    assert page.evaluate("document.activeElement.dataset.testid") == "print-commitment"
    with page.context.expect_page() as printed:
        keys.press("Enter")  # the letter opens in a new tab, ready to print and sign
    letter = printed.value
    letter.wait_for_load_state()
    assert "/workbench/intake/commitment.pdf" in letter.url and "m_site=tolerated" in letter.url
    pdf = page.request.get(letter.url)
    assert pdf.headers["content-type"] == "application/pdf"
    letter_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages).replace(" ", "")
    assert "容缺受理承诺书" in letter_text and "经营场所使用证明" in letter_text and "承诺人" in letter_text
    letter.close()
    keys.press("Tab")
    keys.press("Space")  # the applicant signed: the clerk confirms
    assert page.is_checked("#commitment_signed")
    assert page.is_disabled("#do-accept")
    assert "容缺受理" in (page.get_attribute("#do-accept", "title") or "")  # why it cannot apply
    shot("intake-form-tolerated")
    keys.press("Control+Enter")
    page.wait_for_selector("[data-intake-result][data-outcome=accepted_with_pending]")
    shot("intake-accepted-with-pending")
    print(f"keyboard: {keys.actions} actions, {keys.keys} keys")  # noqa: T201 (reported in the guide)
    assert keys.actions < 30, keys.actions
    assert keys.keys < 60, keys.keys
    application = Application.objects.filter(applicant=desk.applicant).latest("pk")
    case = application.cases.get()
    assert case.state == "accepted" and case.pending_materials_due is not None
    assert "与原件核对无误" in application.materials.get(code="id_card").note
    text = notice_text(page, "acceptance")
    assert "容缺" in text and case.number in text.replace("\n", "")
    commitment = application.commitment
    assert commitment.confirmed and commitment.recorded_by == desk.clerk
    event = CaseEvent.objects.get(case=case, action="accept_with_pending")
    assert event.data["commitment"]["id"] == commitment.pk
    filed = notice_text(page, "commitment")  # the filed copy: with the case number and its QR code
    assert "容缺受理承诺书" in filed and case.number in filed.replace("\n", "")
    # the next step is right there: one click sends the case to the back office
    assert "还没有送到部门" in page.get_by_test_id("route-next").inner_text()
    page.get_by_test_id("route-now").click()
    page.wait_for_url("**/workbench/intake/")
    assert "1件已送后台办理" in page.inner_text("body")
    case.refresh_from_db()
    assert case.state == "in_progress"


def test_a_walk_in_is_registered_and_refused_with_its_notice(page, shot, desk):
    open_intake(page, desk)
    page.fill("#applicant-q", "E12345678")
    page.press("#applicant-q", "Enter")
    page.wait_for_selector("[data-testid=register]")
    page.fill("#reg-name", "John Smith")
    page.select_option("#reg-doc", "passport")
    page.fill("#reg-id", "E12345678")
    page.fill("#reg-mobile", "13900139000")
    page.click("[data-testid=register] button[type=submit]")
    page.wait_for_selector("[data-applicant-found]")
    page.fill("#item-q", "食品")
    page.wait_for_selector("[data-item-option]")
    page.click("[data-item-option]")
    page.wait_for_selector("#intake-form")
    page.fill("#f_business_address", "新华路9号")
    page.click("[data-refusal] summary")
    page.fill("#reasons", "申请事项依法不需要取得行政许可")
    shot("intake-refusal")
    page.click("#do-refuse")
    page.wait_for_selector("[data-intake-result][data-outcome=refused]")
    shot("intake-refused")
    case = Application.objects.get(applicant__name="John Smith").cases.get()
    assert case.state == "refused"
    text = notice_text(page, "refusal")
    assert "不予受理" in text and "行政复议" in text


def test_a_missing_material_gives_the_one_time_notice(page, shot, desk):
    open_intake(page, desk)
    choose(page, desk)
    page.fill("#f_business_address", "新华路8号")
    page.select_option("#m_licence", "missing")
    assert page.is_disabled("#do-accept") and page.is_disabled("#do-pending")
    assert page.is_enabled("#do-supplement")
    shot("intake-missing")
    page.click("#do-supplement")
    page.wait_for_selector("[data-intake-result][data-outcome=supplement]")
    shot("intake-one-time-notice")
    text = notice_text(page, "supplement")
    assert "一次性告知" in text and "营业执照" in text


def test_inline_errors_keep_what_was_typed_and_a_mistaken_intake_is_voided(page, shot, desk):
    open_intake(page, desk)
    choose(page, desk)
    page.fill("#f_applicant_name", "")
    page.fill("#f_business_address", "新华路8号")
    page.click("#do-accept")
    page.wait_for_selector("[data-testid=error-applicant_name]")
    assert page.input_value("#f_business_address") == "新华路8号"
    shot("intake-inline-error")
    page.fill("#f_applicant_name", "李四")
    page.click("#do-accept")
    page.wait_for_selector("[data-intake-result][data-outcome=accepted]")
    page.on("dialog", lambda dialog: dialog.accept())
    page.fill("#void-reason-now", "事项选错，申请人要办的是变更")
    page.click("[data-testid=intake-void]")
    page.wait_for_selector("[data-intake-result][data-outcome=voided]")
    shot("intake-voided")
    case = Application.objects.get(applicant=desk.applicant).cases.get()
    assert case.state == "voided"
    assert CaseEvent.objects.get(case=case, action="void").opinion == "事项选错，申请人要办的是变更"
