"""The online form in a browser set to English, as a first-time user met it: the Chinese page
fills in what the account knows, its upload fields read in the page's language and name the
chosen file, the keyboard opens them, and an unchosen list is refused by the server beside it
(never the browser's own English bubble). Clean for axe in both display modes."""

import pytest

from onewindow.core.display import COOKIE, ELDER, STANDARD
from onewindow.org.accounts import account_create, account_declare_applicant
from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import COUNTER_SCREEN, _watched, upload
from tests.factories.cases import make_world
from tests.factories.org import with_id_check_digit
from tests.portal.conftest import PDF

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "qiuju-daguansi-1992"
FIELDS = [
    {"key": "applicant_name", "label": "申请人名称"},
    {"key": "contact_phone", "label": "联系电话"},
    {"key": "business_kind", "label": "经营类型", "kind": "choice", "choices": ["餐饮", "零售"]},
]


@pytest.fixture
def english(browser, live_server):
    """A browser whose own language is English (its validation bubbles and file button would be)."""
    context = browser.new_context(locale="en-US", base_url=live_server.url, viewport=COUNTER_SCREEN)
    problems: list[str] = []
    yield _watched(context, problems)  # a CSP violation or a script error fails the test
    context.close()
    assert not problems, problems


def signed_in_form(page, live_server, settings, tmp_path, mode=STANDARD):
    settings.ONEWINDOW_FILES_DIR = tmp_path / "files"
    world = make_world(form_fields=FIELDS, materials=[{"code": "id_card", "name": "身份证明"}])
    account = account_create(mobile="13800138000", password=PASSWORD)
    account_declare_applicant(
        account=account, name="秋菊", id_number=with_id_check_digit("11010519491231002")
    )
    page.context.add_cookies([{"name": COOKIE, "value": mode, "url": live_server.url}])
    page.goto(f"/apply/{world.item.code}/")
    page.fill("#f-username", "13800138000")
    page.fill("#f-password", PASSWORD)
    page.press("#f-password", "Enter")
    page.wait_for_selector("#f_business_kind")
    page.wait_for_load_state("load")  # portal/files.js, deferred
    return world


def test_an_english_browser_meets_the_form_in_the_pages_language(english, live_server, settings, tmp_path):
    page = english
    # File chooser interception is switched on without waiting for the browser's answer: a
    # listener set now has it on long before the key below (a Space pressed right after
    # expect_file_chooser() could open the native dialog instead, under load).
    choosers: list = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))
    signed_in_form(page, live_server, settings, tmp_path)
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    # What the account knows is filled in, and says so.
    assert page.input_value("#f_applicant_name") == "秋菊"
    assert page.input_value("#f_contact_phone") == "13800138000"
    assert "已按您的账号填写" in page.inner_text("[data-testid=prefilled-applicant_name]")

    # The upload field reads in Chinese, the native button is out of sight, the keyboard opens it.
    assert page.inner_text("[data-testid=choose-file_id_card]") == "选择文件…"
    assert page.inner_text("[data-testid=chosen-file_id_card]") == "尚未选择文件"
    assert page.locator("#file_id_card").bounding_box()["width"] <= 1
    page.focus("#f_business_kind")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "file_id_card"
    ring = page.evaluate(
        "getComputedStyle(document.querySelector('[data-testid=choose-file_id_card]')).outlineStyle"
    )
    assert ring != "none"  # the focus shows on the button the input stands behind
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    assert choosers == [chooser.value]
    chooser.value.set_files([upload("身份证 正面.pdf", PDF, "application/pdf")])
    page.wait_for_function(
        "document.querySelector('[data-testid=chosen-file_id_card]').textContent.includes('身份证 正面.pdf')"
    )

    # The list left unchosen: the server answers beside it, in Chinese, naming it.
    page.click("[data-testid=submit-application]")
    page.wait_for_selector("[data-testid=error-business_kind]")
    assert "经营类型" in page.inner_text("[data-testid=error-business_kind]")
    assert page.locator("[data-testid=file-link]").count() == 1  # the chosen file was kept
    assert page.input_value("#f_applicant_name") == "秋菊"


@pytest.mark.parametrize("mode", [STANDARD, ELDER])
def test_the_form_is_clean_for_axe_and_its_upload_button_is_a_large_target(
    english, live_server, settings, tmp_path, mode
):
    page = english
    signed_in_form(page, live_server, settings, tmp_path, mode)
    found = axe_violations(page)
    assert not found, describe(found)
    box = page.locator("[data-testid=choose-file_id_card]").bounding_box()
    if mode == ELDER:
        assert box["height"] >= 44 and box["width"] >= 44
    page.click("[data-testid=submit-application]")  # the page with its errors, too
    page.wait_for_selector("[data-testid=error-business_kind]")
    found = axe_violations(page)
    assert not found, describe(found)
