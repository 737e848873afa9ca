"""A citizen's account journey in a real browser: sign up with the code texted to the phone (read
from the local SMS backend's table, as a person reads their phone), take the binding code from the
notice a window printed, bind, follow the case in My cases and open its notice; on a counter
screen and on a phone."""

from __future__ import annotations

import re

import pytest

from onewindow.org.models import Applicant, PortalAccount
from tests.e2e.conftest import PHONE, SCREENSHOTS, opened, pdf_text, sign_in
from tests.factories.cases import accepted_case, make_world
from tests.factories.org import ApplicantFactory
from tests.portal.sms import texted_code

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "qiuju-daguansi-1992"


@pytest.fixture
def window_case(db):
    world = make_world()
    world.applicant = ApplicantFactory(name="秋菊", mobile="13800138000")
    world.clerk.user.set_password("onewindow-test")
    world.clerk.user.save()
    return world, accepted_case(world)


def binding_code_from_the_notice(page, world, case) -> str:
    """The clerk prints the acceptance notice; the applicant reads the code off the paper."""
    sign_in(page, world.clerk.user.username)
    text = pdf_text(page.request.get(f"/workbench/cases/{case.number}/notice/acceptance.pdf"))
    match = re.search(r"绑定码：([2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4})", text)
    assert match, text
    return match[1]


@pytest.mark.parametrize(("screen", "suffix"), [(None, ""), (PHONE, "-phone")])
def test_sign_up_bind_with_the_notice_code_and_follow_the_case(
    browser, live_server, page, window_case, screen, suffix
):
    world, case = window_case
    code = binding_code_from_the_notice(page, world, case)
    context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, **({"viewport": screen} if screen else {})
    )
    citizen = context.new_page()
    citizen.set_default_timeout(15_000)
    errors: list[str] = []
    citizen.on("pageerror", lambda error: errors.append(str(error)))

    def shot(name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        citizen.screenshot(path=str(SCREENSHOTS / f"{name}{suffix}.png"), full_page=True)

    citizen.goto("/account/signup/")
    citizen.fill("#f-mobile", "139 0013 9000")
    shot("portal-signup-number")
    citizen.click("[data-testid=signup-number] button[type=submit]")
    citizen.wait_for_selector("[data-testid=code-sent]")
    assert "139****9000" in citizen.inner_text("[data-testid=code-sent]")
    citizen.fill("#f-code", texted_code("13900139000"))  # the phone
    citizen.fill("#f-password", PASSWORD)
    citizen.fill("#f-password_again", PASSWORD)
    shot("portal-signup-code")
    citizen.click("[data-testid=signup-code] button[type=submit]")
    citizen.wait_for_url("**/my/identity/")
    account = PortalAccount.objects.get()
    assert account.verified_at is None

    citizen.goto("/my/bind/")
    citizen.fill("#f-code", code.lower())  # as typed on a phone keyboard
    shot("portal-bind")
    citizen.click("[data-testid=bind] button[type=submit]")
    citizen.wait_for_url("**/my/cases/")
    citizen.wait_for_selector("[data-testid=my-case]")
    assert case.number in citizen.inner_text("[data-testid=my-cases]")
    assert Applicant.objects.get(pk=world.applicant.pk).user_id == account.user_id
    shot("portal-my-cases")

    citizen.click("[data-testid=my-case]")
    opened(citizen, "[data-testid=trail]")
    trail = citizen.inner_text("[data-testid=trail]")
    assert "受理" in trail and world.clerk.name not in trail
    assert citizen.inner_text("[data-testid=case-state]") == "已受理"
    shot("portal-case")
    notice = citizen.request.get(citizen.get_attribute("[data-testid=notice-acceptance]", "href"))
    text = pdf_text(notice)
    assert case.number in text and "受理通知书" in text and "绑定码" not in text  # bound: no code printed now
    if screen:  # nothing wider than the phone
        width = citizen.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], width
    context.close()
    assert not errors, errors
