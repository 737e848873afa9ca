"""The pages a person opens first, in a real browser."""

import pytest

from tests.factories.cases import accepted_case, make_world
from tests.factories.org import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_signs_in_to_a_chinese_admin(page):
    UserFactory(username="chief", is_staff=True, is_superuser=True)
    page.goto("/admin/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "onewindow-test")
    page.click("input[type=submit]")
    page.wait_for_selector("#content")
    body = page.inner_text("body")
    assert "站点管理" in body
    assert "政务服务中心" in body  # org models read in Chinese
    assert "日历调整" in body or "日历" in body


def test_citizen_checks_progress_by_the_number_on_the_notice(page):
    case = accepted_case(make_world())
    page.goto("/")
    page.fill("#number", case.number)
    page.fill("#code", case.query_code)
    page.click("button:has-text('查询')")
    page.wait_for_selector("[data-testid=case-state]")
    assert page.inner_text("[data-testid=case-number]") == case.number
    assert "已受理" in page.inner_text("[data-testid=case-state]")
