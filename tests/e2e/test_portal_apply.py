"""Apply online, in a real browser: a citizen signs in on the portal's real page, says who they
are, fills the unified form with uploads, saves a draft and submits it; the clerk signs in on
the workbench's real page, pre-reviews it with a one-time notice; the citizen uploads what it
asks for; the clerk passes the pre-review and accepts. On a desktop and on a phone."""

import re

import pytest

from onewindow.cases.models import Application, CaseEvent
from onewindow.org.accounts import account_create
from tests.e2e.conftest import COUNTER_SCREEN, PHONE, SCREENSHOTS, opened, sign_in, upload
from tests.factories.cases import make_world
from tests.factories.org import with_id_check_digit
from tests.portal.conftest import FIELDS, MATERIALS, PDF, PNG

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "qiuju-daguansi-1992"


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_citizen_applies_online_answers_the_notice_and_the_clerk_accepts(
    page, shot, browser, live_server, settings, tmp_path, device
):
    settings.ONEWINDOW_FILES_DIR = tmp_path / "files"
    world = make_world(form_fields=FIELDS, materials=MATERIALS)
    world.item.name = "食品经营许可（新办）"
    world.item.save()
    account_create(mobile="13800138000", password=PASSWORD)
    if device == "phone":
        page.set_viewport_size(PHONE)
    suffix = "" if device == "desktop" else "-phone"

    # The citizen signs in through the real page and is asked who they are before applying.
    page.goto(f"/apply/{world.item.code}/")
    page.wait_for_selector("#f-username")
    page.fill("#f-username", "138 0013 8000")
    page.fill("#f-password", PASSWORD)
    page.press("#f-password", "Enter")
    page.wait_for_selector("#f-id_number")
    page.fill("#f-name", "秋菊")
    page.fill("#f-id_number", with_id_check_digit("11010519491231002"))
    page.click("button[type=submit]")
    page.wait_for_selector("#f_business_name")

    # A first try with a wrong number and a disguised file: each refused beside its field.
    page.fill("#f_business_name", "秋菊小吃")
    page.fill("#f_staff_count", "三个人")
    page.set_input_files("#file_id_card", [upload("身份证.pdf", b"MZ not a pdf", "application/pdf")])
    page.click("[data-testid=submit-application]")
    opened(page, "[data-testid=error-staff_count]")
    assert "从业人数" in page.inner_text("[data-testid=error-staff_count]")
    assert "PDF" in page.inner_text("[data-testid=error-material-id_card]")
    assert page.input_value("#f_business_name") == "秋菊小吃"  # what was typed is kept
    number = page.inner_text("[data-testid=application-number]")
    shot(f"portal-apply-refused{suffix}")

    # The draft is on the server: corrected, with scans, saved, then submitted.
    page.fill("#f_staff_count", "3")
    page.set_input_files("#file_id_card", [upload("身份证.png", PNG, "image/png")])
    page.set_input_files("#file_licence", [upload("营业执照.pdf", PDF, "application/pdf")])
    page.click("[data-testid=save-draft]")
    opened(page, "[data-testid=file-link]")
    assert page.locator("[data-testid=file-link]").count() == 2
    shot(f"portal-apply-draft{suffix}")
    page.dblclick("[data-testid=submit-application]")
    page.wait_for_selector("[data-testid=case-state]")
    application = Application.objects.get(number=number)
    assert Application.objects.count() == 1
    assert {c.state for c in application.cases.all()} == {"prereview"}
    assert CaseEvent.objects.filter(action="submit").count() == 1

    # The clerk signs in on the workbench's real page and sends the one-time notice.
    clerk = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport=COUNTER_SCREEN).new_page()
    sign_in(clerk, world.clerk.user.username)
    clerk.goto(f"/workbench/prereview/{number}/")
    assert clerk.locator("[data-testid=prereview-file]").count() == 2
    assert clerk.request.get(clerk.get_attribute("[data-testid=prereview-file]", "href")).status == 200
    clerk.check("input[name=materials][value=licence]")
    clerk.fill("textarea[name=note]", "营业执照照片不清晰，请重新上传")
    clerk.click("[data-testid=prereview-supplement]")
    clerk.wait_for_url("**/workbench/prereview/")
    if device == "desktop":
        clerk.context.close()
        clerk = None

    # The citizen sees what is asked, uploads exactly that and sends it back.
    page.goto(f"/my/applications/{number}/")
    page.wait_for_selector("[data-testid=notice]")
    assert "营业执照照片不清晰" in page.inner_text("[data-testid=notice]")
    assert page.locator("[data-testid=asked-licence]").count() == 1
    assert page.locator("[data-testid=asked-id_card]").count() == 0
    shot(f"portal-apply-notice{suffix}")
    page.set_input_files("#file_licence", [upload("营业执照-清晰.pdf", PDF, "application/pdf")])
    page.click("[data-testid=supplement-send]")
    opened(page, "[data-testid=trail]")
    assert "预审" in page.inner_text("[data-testid=trail]")
    assert {c.state for c in application.cases.all()} == {"prereview"}

    # The clerk passes the pre-review and accepts.
    clerk = (
        clerk
        or browser.new_context(locale="zh-CN", base_url=live_server.url, viewport=COUNTER_SCREEN).new_page()
    )
    if clerk.url == "about:blank":
        sign_in(clerk, world.clerk.user.username)
    clerk.goto(f"/workbench/prereview/{number}/")
    assert clerk.locator("[data-testid=prereview-file]").count() == 3
    # the licence sent back stays beside its replacement, marked 已退回/已替换
    assert clerk.locator("[data-testid=prereview-file][data-file-state=superseded]").count() == 1
    assert "已退回/已替换" in clerk.inner_text("[data-testid=prereview-material-licence]")
    if device == "desktop":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        clerk.screenshot(path=str(SCREENSHOTS / "portal-apply-prereview.png"), full_page=True)
    clerk.click("[data-testid=prereview-accept]")
    clerk.wait_for_url(re.compile(r".*/workbench/prereview/\?accepted="))  # offers 送后台办理 next
    assert "送后台办理" in clerk.inner_text("body")
    assert {c.state for c in application.cases.all()} == {"accepted"}

    page.goto("/my/applications/")
    page.wait_for_selector("[data-testid=application-row]")
    assert "已受理" in page.inner_text("[data-testid=applications]")
    shot(f"portal-apply-list{suffix}")
    clerk.context.close()


def test_a_citizen_changes_the_drafts_situation_answers_and_confirms_what_goes(
    page, shot, live_server, settings, tmp_path
):
    """The draft's 情形 answers change on the same questions: a licence uploaded for 企业 is named
    before it goes when the citizen answers 个人, and named again once removed."""
    from tests.factories.cases import SITUATION_MATERIALS, SITUATION_QUESTIONS

    settings.ONEWINDOW_FILES_DIR = tmp_path / "files"
    world = make_world(questions=SITUATION_QUESTIONS, materials=SITUATION_MATERIALS)
    account_create(mobile="13800138000", password=PASSWORD)
    page.goto(f"/apply/{world.item.code}/")
    page.wait_for_selector("#f-username")
    page.fill("#f-username", "13800138000")
    page.fill("#f-password", PASSWORD)
    page.press("#f-password", "Enter")
    page.wait_for_selector("#f-id_number")
    page.fill("#f-name", "秋菊")
    page.fill("#f-id_number", with_id_check_digit("11010519491231002"))
    page.click("button[type=submit]")
    page.wait_for_selector("#s_who-org")
    page.check("#s_apply_kind-new")
    page.check("#s_who-org")
    page.click("[data-testid=save-draft]")
    page.wait_for_selector("#file_business_licence")
    page.set_input_files("#file_business_licence", [upload("营业执照-秋菊.pdf", PDF, "application/pdf")])
    page.click("[data-testid=save-draft]")
    page.wait_for_selector("text=营业执照-秋菊.pdf")

    page.click("[data-testid=situation-change]")
    opened(page, "#s_who-person")
    assert page.is_checked("#s_who-org") and page.is_checked("#s_apply_kind-new")  # pre-filled
    page.check("#s_who-person")
    page.click("[data-testid=situation-save]")
    page.wait_for_selector("[data-testid=situation-confirm]")
    assert "营业执照-秋菊.pdf" in page.inner_text("[data-testid=situation-confirm]")
    shot("portal-apply-situation-confirm")
    page.click("[data-testid=situation-confirm-submit]")
    opened(page, "[data-testid=situation-change]")
    assert "营业执照（营业执照-秋菊.pdf）" in page.inner_text("main")
    assert page.locator("[data-testid=material-business_licence]").count() == 0
    assert page.inner_text("[data-testid=situation-who]") == "个人"
    application = Application.objects.get()
    assert application.situation_answers == {"apply_kind": "new", "who": "person"}
    assert not application.files.exists()
