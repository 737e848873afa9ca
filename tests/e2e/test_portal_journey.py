"""The citizen portal's one journey, in a real browser, on a counter-sized screen and on a phone.

A citizen signs up with the code texted to the phone, says who they are, finds the item by its
pinyin initials, answers its 情形 questions on the guide and applies online with a real PDF and
a real JPEG; saves a draft, reloads it, submits. The intake clerk signs in on the workbench's
real page, sends a one-time notice (一次性告知) at pre-review; the citizen uploads what it asks
for; the clerk accepts and sends the case to the back office. An approver (another person)
signs in, agrees and decides; the pickup clerk records the mailing. The citizen follows the case
to its decision in My cases and opens its notice. Someone else, signed in nowhere, tracks
another case with its number and query code. Nobody is signed in by anything but a sign-in page.

Screenshots (docs/screenshots with ONEWINDOW_SCREENSHOTS_DIR) illustrate docs/guide-citizen.md:
the citizen's screens on both screens (`-phone` on the phone), the staff's on the counter's.
"""

from __future__ import annotations

import io

import pytest
from django.utils.timezone import localtime
from PIL import Image
from pypdf import PdfWriter

from onewindow.cases import services
from onewindow.cases.models import Case
from onewindow.cases.plans import version_plan_cache_clear
from onewindow.catalog.search import search_keys_refresh
from tests.e2e.conftest import PHONE, action, agree, opened, pdf_text, screenshot, sign_in, top, upload
from tests.factories.cases import SITUATION_MATERIALS, SITUATION_QUESTIONS, make_world, submit
from tests.factories.org import ApplicantFactory, with_id_check_digit
from tests.portal.conftest import FIELDS
from tests.portal.sms import texted_code

pytestmark = pytest.mark.django_db(transaction=True)

MOBILE = "13900139000"
PASSWORD = "qiuju-daguansi-1992"
ITEM = "食品经营许可（变更）"


def day(at) -> str:
    """A date as the pages print it (the center's time zone)."""
    return localtime(at).strftime("%Y-%m-%d")


def a_pdf() -> bytes:
    """A real one-page PDF, as a scanner makes it."""
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


def a_jpeg() -> bytes:
    """A real JPEG photo of a document (a grey page)."""
    out = io.BytesIO()
    Image.new("RGB", (640, 400), (200, 200, 190)).save(out, format="JPEG", quality=80)
    return out.getvalue()


@pytest.fixture
def hall(db, settings, tmp_path):
    """The item: online, two 情形 questions, a three-question form, mail or pickup; and another
    person's case accepted at the window (the one tracked anonymously)."""
    version_plan_cache_clear()
    settings.ONEWINDOW_FILES_DIR = tmp_path / "files"
    world = make_world(
        name=ITEM, questions=SITUATION_QUESTIONS, materials=SITUATION_MATERIALS, form_fields=FIELDS
    )
    world.center.name = "新泰市政务服务中心"
    world.center.save()
    world.department.name = "新泰市市场监督管理局"
    world.department.save()
    world.item.code = "371082-XK-0103"
    world.item.save()
    for staff, name in ((world.clerk, "张敏"), (world.approver, "王审批"), (world.pickup, "李出件")):
        staff.name = name
        staff.save()
    search_keys_refresh(item_ids=[world.item.pk])  # as publishing does: the portal's search finds it
    world.applicant = ApplicantFactory(name="李秀英")
    application = submit(
        world,
        materials=["id_card"],
        answers={"apply_kind": "new", "who": "person"},
        form_data={"business_name": "李记面馆", "staff_count": "2"},
    )
    world.extra["other"] = services.application_intake(application=application, actor=world.clerk).cases[0]
    yield world
    version_plan_cache_clear()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_citizen_applies_online_and_follows_the_case_to_its_decision(page, person, hall, device):
    phone = device == "phone"
    suffix = "-phone" if phone else ""
    if phone:
        page.set_viewport_size(PHONE)
    citizen = page

    def shot(name: str) -> None:
        top(citizen)
        screenshot(citizen, f"{name}{suffix}")
        if phone:  # nothing wider than the phone's screen
            assert citizen.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, name

    def staff_shot(staff, name: str) -> None:
        if not phone:  # the counter's screens, once
            top(staff)
            screenshot(staff, name)

    # 1. Sign up with the code texted to the phone, then say who one is.
    citizen.goto("/")
    citizen.click('nav >> text="登录"')
    citizen.click("main a[href^='/account/signup/']")
    citizen.fill("#f-mobile", "139 0013 9000")
    citizen.click("[data-testid=signup-number] button[type=submit]")
    citizen.wait_for_selector("[data-testid=code-sent]")
    assert "139****9000" in citizen.inner_text("[data-testid=code-sent]")
    citizen.fill("#f-code", texted_code(MOBILE))  # read off the phone
    citizen.fill("#f-password", PASSWORD)
    citizen.fill("#f-password_again", PASSWORD)
    shot("journey-signup-code")
    citizen.click("[data-testid=signup-code] button[type=submit]")
    citizen.wait_for_url("**/my/identity/**")
    citizen.fill("#f-name", "秋菊")
    citizen.fill("#f-id_number", with_id_check_digit("11010519491231002"))
    citizen.click("main button[type=submit]")
    citizen.wait_for_selector("[data-testid=account-applicant]")
    assert "秋菊" in citizen.inner_text("[data-testid=account-applicant]")

    # 2. Find the item by its pinyin initials, answer its questions on the guide.
    citizen.click("nav >> text=办事指南")
    citizen.fill("[data-testid=service-search]", "spjy")
    citizen.press("[data-testid=service-search]", "Enter")
    first = citizen.locator("[data-testid=results] .pt-item a").first
    first.wait_for()
    assert first.inner_text() == ITEM
    shot("journey-find")
    first.click()
    opened(citizen, "[data-testid=guide-situations]")  # an answer is sent by htmx
    assert citizen.locator("[data-material=change_proof]").count() == 1  # unanswered: every material
    citizen.check("#q_apply_kind_change")
    citizen.locator("[data-testid=apply-online][href*=s_apply_kind]").wait_for()
    citizen.check("#q_who_person")
    citizen.locator("[data-testid=apply-online][href*=s_who]").wait_for()
    materials = citizen.inner_text("[data-testid=materials]")
    assert "变更证明" in materials and "营业执照" not in materials  # a person's change
    citizen.locator("[data-testid=guide-situations]").scroll_into_view_if_needed()
    screenshot(citizen, f"journey-guide-situations{suffix}")

    # 3. Apply online: the answers come along; fill in, upload, save the draft, reload, submit.
    citizen.click("[data-testid=apply-online]")
    opened(citizen, "#f_business_name")  # the materials below the form, drawn too
    assert citizen.is_checked("#s_apply_kind-change") and citizen.is_checked("#s_who-person")
    assert citizen.locator("[data-testid=material-change_proof]").count() == 1
    assert citizen.locator("[data-testid=material-business_licence]").count() == 0
    citizen.fill("#f_business_name", "秋菊小吃")
    citizen.fill("#f_staff_count", "3")
    citizen.set_input_files("#file_id_card", [upload("身份证.jpg", a_jpeg(), "image/jpeg")])
    citizen.set_input_files("#file_change_proof", [upload("变更证明.pdf", a_pdf(), "application/pdf")])
    citizen.check("#delivery-mail")
    citizen.fill("#delivery-address", "新泰市青云路8号 秋菊收 13900139000")
    citizen.click("[data-testid=save-draft]")
    opened(citizen, "[data-testid=application-number]")
    number = citizen.inner_text("[data-testid=application-number]")
    citizen.reload()  # the draft is on the server: nothing typed or uploaded is lost
    citizen.wait_for_selector("[data-testid=file-link]")
    assert citizen.locator("[data-testid=file-link]").count() == 2
    assert citizen.input_value("#f_business_name") == "秋菊小吃"
    assert citizen.inner_text("[data-testid=situation-apply_kind]") == "变更"
    assert citizen.is_checked("#delivery-mail")
    shot("journey-draft")
    citizen.click("[data-testid=submit-application]")
    citizen.wait_for_selector("[data-testid=case-state]")
    assert "预审" in citizen.inner_text("[data-testid=case-state]")
    shot("journey-submitted")

    # 4. The intake clerk pre-reviews it and asks, once, for a clearer proof.
    clerk = person()
    sign_in(clerk, hall.clerk.user.username)
    clerk.click("[data-testid=nav] >> text=网上预审")
    clerk.click(f"text={number}")
    opened(clerk, "[data-testid=prereview-supplement]")
    assert clerk.locator("[data-testid=prereview-file]").count() == 2
    assert clerk.request.get(clerk.get_attribute("[data-testid=prereview-file]", "href")).status == 200
    clerk.check("input[name=materials][value=change_proof]")
    clerk.fill("textarea[name=note]", "变更证明缺少登记机关盖章，请上传盖章后的扫描件")
    staff_shot(clerk, "journey-prereview-notice")
    clerk.click("[data-testid=prereview-supplement]")
    clerk.wait_for_selector("text=一次性告知")

    # 5. The citizen reads the notice and uploads exactly what it asks for.
    citizen.click("nav >> text=我的申报")
    citizen.click(f"text={number}")
    opened(citizen, "[data-testid=notice]")
    assert "缺少登记机关盖章" in citizen.inner_text("[data-testid=notice]")
    assert citizen.locator("[data-testid=asked-change_proof]").count() == 1
    assert citizen.locator("[data-testid=asked-id_card]").count() == 0
    assert hall.clerk.name not in citizen.inner_text("main")  # the window, never a member of staff
    citizen.set_input_files("#file_change_proof", [upload("变更证明-盖章.pdf", a_pdf(), "application/pdf")])
    shot("journey-notice")
    citizen.click("[data-testid=supplement-send]")
    opened(citizen, "[data-testid=trail]")
    assert "一次性告知" in citizen.inner_text("[data-testid=trail]")

    # 6. The clerk passes the pre-review, accepts, and sends the case to the back office.
    clerk.click("[data-testid=nav] >> text=网上预审")
    clerk.click(f"text={number}")
    opened(clerk, "[data-testid=prereview-accept]")
    assert clerk.locator("[data-testid=prereview-file]").count() == 3
    case_number = clerk.inner_text(f"li:has-text('{ITEM}') span")  # the case its item opens
    clerk.click("[data-testid=prereview-accept]")
    clerk.wait_for_selector("text=已受理")
    clerk.click("[data-testid=nav] >> text=办件查询")
    clerk.select_option("#f-state", "accepted")
    clerk.click("button[data-wb-main-action]")
    opened(clerk, "[data-testid=case-results]")
    assert clerk.locator("[data-testid=case-row]").count() == 2  # hers and the other person's
    clerk.click(f"text={case_number}")
    opened(clerk, "[data-testid=action-route]")  # the case page's forms are htmx's
    staff_shot(clerk, "journey-route")
    clerk.click("[data-testid=submit-route]")
    clerk.wait_for_selector("text=办件已送后台办理")

    # 7. An approver (not the one who accepted) agrees and decides; the case is completed.
    approver = person()
    sign_in(approver, hall.approver.user.username)
    approver.click("[data-testid=nav] >> text=部门待办")
    opened(approver, "[data-testid=inbox-row]")  # the claim is htmx's
    row = approver.locator("[data-testid=inbox-row]", has_text=case_number)
    row.locator("[data-testid=claim]").click()
    row.get_by_text(hall.approver.name).wait_for()  # claimed, before the case is opened
    approver.click(f"text={case_number}")
    opened(approver, "[data-testid=panel]")
    agree(approver, "变更事项真实，材料齐全，同意。")
    approver.wait_for_selector("text=审批意见已记录")
    decide = action(approver, "decide")
    decide.locator("input[value=granted]").check()
    decide.locator("textarea[name=opinion]").fill("符合许可条件，准予变更。")
    decide.locator("[data-testid=submit-decide]").click()
    approver.wait_for_selector("text=决定已记录")
    action(approver, "complete").locator("[data-testid=submit-complete]").click()
    approver.wait_for_selector("[data-testid=notice-completion]")
    assert "已办结" in approver.inner_text("[data-testid=case-state]")

    # 8. The pickup clerk mails the result, as the citizen chose.
    pickup = person()
    sign_in(pickup, hall.pickup.user.username)
    pickup.click("[data-testid=nav] >> text=统一出件")
    opened(pickup, "[data-wb-search]")  # the search is htmx's
    pickup.fill("[data-wb-search]", case_number)
    pickup.press("[data-wb-search]", "Enter")
    card = pickup.locator(f"[data-case='{case_number}']")
    card.wait_for()
    assert "邮寄" in card.inner_text()  # what she chose at application
    card.locator("input[name=carrier]").fill("中国邮政EMS")
    card.locator("input[name=tracking_number]").fill("EA123456789CN")
    card.locator("[data-testid=mail]").click()
    pickup.wait_for_selector(f"[data-case='{case_number}'] [data-testid=delivered]")

    # 9. The citizen follows the case in My cases: state, deadlines, decision, how it arrives.
    citizen.click("nav >> text=我的账号")
    citizen.click("[data-testid=my-cases-link]")
    opened(citizen, "[data-testid=my-case]")
    assert citizen.locator("[data-testid=my-case]").count() == 1  # hers only, not the other person's
    assert case_number in citizen.inner_text("[data-testid=my-cases]")
    shot("journey-my-cases")
    citizen.click("[data-testid=my-case]")
    opened(citizen, "[data-testid=trail]")
    assert "已送达" in citizen.inner_text("[data-testid=case-state]")
    case = Case.objects.get(number=case_number)
    assert citizen.inner_text("[data-testid=deadline]") == day(case.deadline)
    assert citizen.inner_text("[data-testid=legal-deadline]") == day(case.legal_deadline)
    assert "准予许可" in citizen.inner_text("[data-testid=decision]")
    delivery = citizen.inner_text("[data-testid=delivery]")
    assert "邮寄" in delivery and "EA123456789CN" in delivery
    trail = citizen.inner_text("[data-testid=trail]")
    assert "受理" in trail and hall.clerk.name not in trail and hall.approver.name not in trail
    shot("journey-case")
    text = pdf_text(citizen.request.get(citizen.get_attribute("[data-testid=notice-acceptance]", "href")))
    assert "受理通知书" in text and case_number in text.replace("\n", "")

    # 10. Someone signed in nowhere tracks the other case with its number and query code.
    other = hall.extra["other"]
    stranger = person(PHONE if phone else None)
    stranger.goto("/")
    stranger.click("nav >> text=办件进度查询")
    stranger.fill("#number", other.number)
    stranger.fill("#code", "ABCD2345" if other.query_code != "ABCD2345" else "ABCD2346")
    stranger.click("main form button.btn-primary")
    stranger.wait_for_selector("[data-testid=progress-error]")
    assert "没有与该编号和查询码" in stranger.inner_text("[data-testid=progress-error]")
    top(stranger)
    screenshot(stranger, f"journey-progress-wrong-code{suffix}")
    stranger.fill("#code", other.query_code.lower())
    stranger.click("main form button.btn-primary")
    opened(stranger, "[data-testid=case-number]")
    shown = stranger.inner_text("main")
    assert other.number in shown and ITEM in shown and "已受理" in shown
    assert localtime(other.accepted_at).strftime("%Y-%m-%d %H:%M") in shown and day(other.deadline) in shown
    assert "李秀英" not in shown and "秋菊" not in shown  # never a name
    top(stranger)
    screenshot(stranger, f"journey-progress{suffix}")
    if phone:
        assert stranger.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
