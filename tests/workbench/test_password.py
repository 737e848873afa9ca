"""A member of staff's own password: the forced change after a temporary one, and the page itself."""

import pytest

from onewindow.org.models import Staff
from onewindow.org.services import staff_password_issue

LOGIN = "/workbench/login/"
PAGE = "/workbench/password/"
PASSWORD = "onewindow-test"
NEW = "换一个新密码-2026"


def sign_in(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def change(client, old=PASSWORD, new=NEW, again=None):
    return client.post(
        PAGE,
        {"old_password": old, "new_password": new, "new_password_again": new if again is None else again},
    )


@pytest.fixture
def temporary(world):
    """The clerk's temporary password, issued by the center admin."""
    return staff_password_issue(staff=world.clerk, actor=world.admin)


def test_after_a_temporary_password_every_workbench_page_leads_to_the_password_page(client, world, temporary):
    assert sign_in(client, world.clerk.user.username, temporary).status_code == 302
    for url in ["/workbench/", "/workbench/batch/X/", "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == PAGE, url
    page = client.get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "临时密码" in text and 'data-testid="password-required"' in text
    assert "no-cache" in page["Cache-Control"]


def test_choosing_a_password_opens_the_workbench_and_keeps_the_session(client, world, temporary):
    sign_in(client, world.clerk.user.username, temporary)
    response = change(client, old=temporary)
    assert response.status_code == 302 and response["Location"] == "/workbench/"
    home = client.get("/workbench/")
    assert home.status_code == 200
    assert "新密码已保存" in home.content.decode()
    assert not Staff.objects.get(pk=world.clerk.pk).password_change_required
    client.post("/workbench/logout/")
    assert (
        sign_in(client, world.clerk.user.username, temporary).status_code == 200
    )  # the temporary one is gone
    assert sign_in(client, world.clerk.user.username, NEW).status_code == 302
    assert client.get("/workbench/").status_code == 200  # no second forced change


def test_the_flag_holds_in_a_session_opened_before_it_was_set(client, world):
    sign_in(client, world.clerk.user.username)
    Staff.objects.filter(pk=world.clerk.pk).update(password_change_required=True)
    response = client.get("/workbench/")
    assert response.status_code == 302 and response["Location"] == PAGE


def test_issuing_a_password_signs_the_person_out_everywhere(client, world):
    sign_in(client, world.clerk.user.username)
    assert client.get("/workbench/").status_code == 200
    staff_password_issue(staff=world.clerk, actor=world.admin)
    response = client.get("/workbench/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_any_member_of_staff_changes_their_own_password(client, world):
    sign_in(client, world.approver.user.username)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert 'data-testid="password-required"' not in page.content.decode()
    assert change(client).status_code == 302
    client.post("/workbench/logout/")
    assert sign_in(client, world.approver.user.username, NEW).status_code == 302


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"old": "wrong"}, "old_password", "当前密码不正确"),
        ({"old": ""}, "old_password", "这个字段是必填项"),
        ({"new": "short1"}, "new_password", "密码长度太短"),
        ({"new": "password123"}, "new_password", "这个密码太常见了"),
        ({"new": PASSWORD}, "new_password", "新密码必须与当前密码不同"),
        ({"again": "another-one-2026"}, "new_password_again", "两次输入的新密码不一致"),
        ({"new": "x" * 5000}, "new_password", "4096"),
        ({"old": "x" * 5000}, "old_password", "4096"),
    ],
)
def test_a_refused_password_is_named_by_its_field_in_chinese(client, world, data, field, words):
    sign_in(client, world.clerk.user.username)
    response = change(client, **data)
    assert response.status_code == 400
    text = response.content.decode()
    error = text.split(f'data-testid="error-{field}">', 1)[1].split("</div>", 1)[0]
    assert words in error, error
    assert Staff.objects.get(pk=world.clerk.pk).user.check_password(PASSWORD)


def test_a_password_like_the_username_is_refused(client, world):
    sign_in(client, world.clerk.user.username)
    response = change(client, new=world.clerk.user.username + "1")
    assert response.status_code == 400
    assert "相似" in response.content.decode()


def test_hostile_posts_are_answered_with_a_form_not_an_error(client, world):
    sign_in(client, world.clerk.user.username)
    assert client.post(PAGE, {}).status_code == 400
    assert client.post(PAGE, {"old_password": ["a", "b"], "new_password": ["c"]}).status_code == 400
    assert client.post(PAGE, {"old_password": PASSWORD, "new_password": "a\x00b" * 10}).status_code == 400
    unicode = "密码🔐" * 3 + "ǅ-2026"
    assert change(client, new=unicode).status_code == 302


def test_the_page_needs_a_signed_in_member_of_staff(client, world):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_the_password_page_costs_few_queries(client, world, django_assert_max_num_queries):
    sign_in(client, world.clerk.user.username)
    with django_assert_max_num_queries(7):  # session, user, staff, roles; the session write
        assert client.get(PAGE).status_code == 200
