"""The workbench's own sign-in: who may sign in, lockout, session expiry, sign-out."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from onewindow.core.middleware import IDLE_KEY
from tests.factories.org import UserFactory

LOGIN = "/workbench/login/"
PASSWORD = "onewindow-test"


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_anonymous_visitor_is_sent_to_the_workbench_sign_in_page(client, world):
    response = client.get("/workbench/")
    assert response.status_code == 302
    assert response["Location"] == "/workbench/login/?next=/workbench/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "登录" in text and "用户名" in text and "密码" in text


def test_intake_clerk_signs_in_and_lands_on_their_home_page(client, world):
    response = sign_in(client, world.clerk.user.username)
    assert response.status_code == 302 and response["Location"] == "/workbench/"
    home = client.get("/workbench/")
    assert home.status_code == 200
    text = home.content.decode()
    assert world.clerk.name in text
    assert "受理" in text  # the role, in Chinese
    assert world.clerk.center.name in text


def test_sign_in_returns_to_the_page_asked_for_but_never_to_another_site(client, world):
    response = client.post(
        f"{LOGIN}?next=/workbench/",
        {"username": world.clerk.user.username, "password": PASSWORD, "next": "/workbench/"},
    )
    assert response["Location"] == "/workbench/"
    client.post(reverse("workbench:logout"))
    response = client.post(
        LOGIN, {"username": world.clerk.user.username, "password": PASSWORD, "next": "https://evil.example/x"}
    )
    assert response.status_code == 302 and response["Location"] == "/workbench/"


def test_wrong_password_is_refused_in_chinese_and_keeps_the_username(client, world):
    response = sign_in(client, world.clerk.user.username, "wrong-password")
    assert response.status_code == 200
    text = response.content.decode()
    assert "用户名或密码不正确" in text
    assert f'value="{world.clerk.user.username}"' in text
    assert "_auth_user_id" not in client.session


def test_an_account_without_a_staff_record_cannot_sign_in_to_the_workbench(client, db):
    user = UserFactory(username="outsider", is_staff=True, is_superuser=True)
    response = sign_in(client, user.username)
    assert response.status_code == 200
    assert "不属于服务中心工作人员" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_switched_off_member_of_staff_cannot_sign_in(client, world):
    world.clerk.is_active = False
    world.clerk.save()
    response = sign_in(client, world.clerk.user.username)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "username,password",
    [
        ("", ""),
        ("x" * 10_000, PASSWORD),
        ("张三\u202e", PASSWORD),
        ("../../etc/passwd", PASSWORD),
        ("clerk", "p" * 100_000),
    ],
    ids=["empty", "huge-username", "unicode", "path", "huge-password"],
)
def test_hostile_sign_in_input_gets_a_form_error_not_a_server_error(client, world, username, password):
    response = sign_in(client, username, password)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_on_that_computer_even_for_the_right_password(
    client, world, settings
):
    username = world.clerk.user.username
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, username, "wrong-password")
    locked = sign_in(client, username)  # the right password, too late
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "登录已暂时锁定" in text and "15" in text
    assert "_auth_user_id" not in client.session
    # Another computer is not locked out of the same account.
    assert sign_in(client, username, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_the_lock_opens_again_after_the_cool_off(client, world, settings):
    username = world.clerk.user.username
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, username, "wrong-password")
    assert sign_in(client, username).status_code == 429
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - settings.AXES_COOLOFF_TIME * 2)
    assert sign_in(client, username).status_code == 302


def test_a_session_left_idle_is_signed_out(client, world, settings):
    sign_in(client, world.clerk.user.username)
    assert client.get("/workbench/").status_code == 200
    session = client.session
    session[IDLE_KEY] = int(dt.datetime.now(dt.UTC).timestamp()) - settings.SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    response = client.get("/workbench/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    page = client.get(response["Location"])
    assert "长时间未操作" in page.content.decode()


def test_a_busy_session_stays_signed_in(client, world, settings):
    sign_in(client, world.clerk.user.username)
    session = client.session
    session[IDLE_KEY] = int(dt.datetime.now(dt.UTC).timestamp()) - settings.SESSION_IDLE_MINUTES * 60 + 30
    session.save()
    assert client.get("/workbench/").status_code == 200
    assert client.session[IDLE_KEY] > session[IDLE_KEY]  # the clock starts again


def test_sign_out_is_a_post_and_ends_the_session(client, world):
    sign_in(client, world.clerk.user.username)
    assert client.get(reverse("workbench:logout")).status_code == 405
    response = client.post(reverse("workbench:logout"))
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert client.get("/workbench/").status_code == 302


def test_the_session_cookie_dies_with_the_browser_and_is_not_readable_by_scripts(client, world):
    response = sign_in(client, world.clerk.user.username)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert not cookie["expires"] and not cookie["max-age"]
