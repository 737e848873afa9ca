"""A village proxy agent (代办员) in a real browser, signed in through the real sign-in page.

The Xintai article's journey: the agent applies for a villager with scans from the village
station, the township center checks it, the hall's pre-review sees it, and the agent follows
it on their home page; on a phone-sized screen too.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from onewindow.cases.models import Application
from onewindow.cases.plans import version_plan_cache_clear
from tests.e2e.conftest import PASSWORD, PHONE, opened, sign_in
from tests.factories.agent import agent_desk
from tests.factories.scans import pdf

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desk(db, settings, tmp_path):
    version_plan_cache_clear()
    world = agent_desk(settings, tmp_path / "files")
    world.world.applicant.name = "邱季华"
    world.world.applicant.save()
    scans = tmp_path / "scans"
    scans.mkdir()
    for name in ("身份证.pdf", "营业执照.pdf"):
        (scans / name).write_bytes(pdf(b"a scan taken at the village station"))
    world.scans = scans  # type: ignore[attr-defined]
    yield world
    version_plan_cache_clear()


def sign_in_from_portal(page, username: str) -> None:
    """From the portal's header (代办员入口) through the workbench's own sign-in page."""
    page.goto("/")
    page.click("[data-testid=nav-agent]")
    page.wait_for_selector("#id_username")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    opened(page, "[data-testid=agent-counts]")


def sign_out(page) -> None:
    page.click("form[action$='/logout/'] button")
    page.wait_for_selector("#id_username")


def apply_for_villager(page, shot, desk, prefix: str) -> Application:
    page.click("[data-testid=agent-apply]")
    opened(page, "#applicant-q:focus")  # the Enter below is sent by htmx
    page.fill("#applicant-q", desk.world.applicant.id_number)
    page.press("#applicant-q", "Enter")
    page.wait_for_selector("[data-applicant-found]")
    assert desk.world.applicant.id_number not in page.inner_text("#applicant-slot")  # masked
    page.fill("#item-q", "spjy")
    page.wait_for_selector("[data-item-option]")
    page.click("[data-item-option]")
    page.wait_for_selector("#intake-form")
    assert page.input_value("#f_contact_phone") == "13800138000"  # from the villager's record
    page.fill("#f_business_address", "岳家庄乡东村12号")
    page.set_input_files("[data-testid=scan-id_card]", str(desk.scans / "身份证.pdf"))
    page.wait_for_selector("#scans-id_card [data-scan]")
    page.set_input_files("[data-testid=scan-licence]", str(desk.scans / "营业执照.pdf"))
    page.wait_for_selector("#scans-licence [data-scan]")
    shot(f"{prefix}-apply")
    # Submitting without the villager's consent is refused, naming it; nothing is filed.
    page.click("[data-testid=agent-submit]")
    page.wait_for_selector("[data-testid=error-consent]")
    shot(f"{prefix}-consent-missing")
    assert "代办委托书" in page.inner_text("[data-testid=error-consent]")
    assert not Application.objects.exists()
    assert page.locator("#scans-licence [data-scan]").count() == 1  # the scans stay attached
    page.check("[data-testid=consent]")
    page.click("[data-testid=agent-submit]")
    page.wait_for_selector("[data-testid=application-number]")
    shot(f"{prefix}-filed")
    return Application.objects.get(proxy_agent=desk.agent)


def test_a_village_agent_applies_the_township_checks_and_the_agent_follows_it(page, shot, desk):
    sign_in_from_portal(page, desk.agent.user.username)
    assert "还没有代办的申请" in page.inner_text("main")
    application = apply_for_villager(page, shot, desk, "agent")
    assert "待乡镇审核" in page.inner_text("main")
    assert application.files.count() == 2
    slip = page.request.get(page.get_attribute("[data-testid=slip]", "href"))
    assert slip.headers["content-type"] == "application/pdf"
    words = "".join(p.extract_text() for p in PdfReader(io.BytesIO(slip.body())).pages).replace(" ", "")
    assert "代办委托书" in words and "王代办" in words.replace("\n", "")
    sign_out(page)

    # The township center's clerk checks it and sends it on to the hall.
    sign_in(page, desk.township_clerk.user.username)
    page.goto("/workbench/prereview/")
    page.click(f"text={application.number}")
    page.wait_for_selector("[data-testid=prereview-pass]")
    shot("agent-township-check")
    page.click("[data-testid=prereview-pass]")
    page.wait_for_selector("[role=status]")
    sign_out(page)

    # The hall's pre-review now has it.
    sign_in(page, desk.world.clerk.user.username)
    page.goto("/workbench/prereview/")
    assert application.number in page.inner_text("main")
    sign_out(page)

    # The agent sees where it stands in their list.
    sign_in_from_portal(page, desk.agent.user.username)
    row = page.locator(f"[data-testid=agent-row][data-number='{application.number}']")
    assert "待中心预审" in row.inner_text()
    assert page.inner_text("[data-testid=count-filed]") == "1"
    shot("agent-home")


def test_the_agent_applies_from_a_phone(browser, live_server, desk):
    from tests.e2e.conftest import SCREENSHOTS

    context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))

    def shot(name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    try:
        sign_in_from_portal(page, desk.agent.user.username)
        # Nothing is wider than the phone: no sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        application = apply_for_villager(page, shot, desk, "agent-phone")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.click("text=我代办的申请")
        page.wait_for_selector(f"[data-testid=agent-row][data-number='{application.number}']")
        shot("agent-phone-home")
    finally:
        context.close()
    assert not problems, problems
