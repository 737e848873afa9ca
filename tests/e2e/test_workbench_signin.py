"""Staff sign in through the workbench's own page in a real browser."""

import pytest

from tests.e2e.conftest import opened, sign_in
from tests.factories.cases import make_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_intake_clerk_signs_in_from_the_keyboard_and_sees_their_name_and_center(page, shot):
    world = make_world()
    page.goto("/workbench/")
    assert page.url.endswith("/workbench/login/?next=/workbench/")
    shot("signin")
    sign_in(page, world.clerk.user.username)
    who = page.inner_text("[data-testid=who]")
    assert world.clerk.name in who and world.clerk.center.name in who
    shot("home-intake-clerk")


def test_a_wrong_password_is_shown_in_chinese(page):
    world = make_world()
    page.goto("/workbench/login/")
    page.fill("#id_username", world.clerk.user.username)
    page.fill("#id_password", "not-the-password")
    page.press("#id_password", "Enter")
    assert "用户名或密码不正确" in page.inner_text("[data-testid=signin-error]")


def test_the_keys_dialog_opens_with_the_question_mark_and_closes_with_escape(page):
    world = make_world()
    sign_in(page, world.clerk.user.username)
    page.keyboard.press("?")
    page.wait_for_selector("#wb-keys.show")
    assert "Ctrl" in page.inner_text("#wb-keys")
    page.keyboard.press("Escape")
    page.wait_for_selector("#wb-keys", state="hidden")


def test_staff_switch_the_workbench_to_english_and_back(page):
    world = make_world()
    sign_in(page, world.clerk.user.username)
    page.click("button[value=en]")
    opened(page, "button[value=zh-hans]")  # the header read next, drawn to its end
    assert "Sign out" in page.inner_text("header")
    page.click("button[value=zh-hans]")
    opened(page, "button[value=en]")
    assert "退出" in page.inner_text("header")
