"""The error pages read in the visitor's language (Chinese, English under /en/), with DEBUG off
as in production, and carry nothing fetched from elsewhere and no script."""

import re

import pytest
from django.test import Client

from onewindow.portal import views as portal_views
from tests.factories.cases import make_world

pytestmark = pytest.mark.django_db


def page(response) -> str:
    body = response.content.decode()
    assert "<script" not in body
    assert not re.search(r'(?:href|src)="(?:https?:)?//', body), "nothing may be fetched from another site"
    return body


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


@pytest.fixture
def broken_home(monkeypatch):
    def fail():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(portal_views, "center_list_public", fail)


@pytest.mark.parametrize(
    ("prefix", "title", "text"),
    [
        ("", "页面不存在", "您要访问的页面不存在或已移动"),
        ("/en", "Page not found", "does not exist or has moved"),
    ],
)
def test_404(client, prefix, title, text):
    response = client.get(f"{prefix}/no-such-page/")
    assert response.status_code == 404
    body = page(response)
    assert f"<title>{title} · " in body
    assert text in body
    assert "no-such-page" not in body or "<li>" not in body  # never the list of URL patterns


def test_404_shows_the_reason_a_view_gave(client):
    world = make_world()
    client.force_login(world.clerk.user)
    response = client.get("/workbench/batch/NO-SUCH-ITEM/")
    assert response.status_code == 404
    body = page(response)
    assert "页面不存在" in body
    assert "本中心没有该事项" in body


@pytest.mark.parametrize(
    ("prefix", "title", "reason"),
    [
        ("", "无权访问", "只有政务服务中心的工作人员"),
        ("/en", "Access denied", "Only staff of a service center"),
    ],
)
def test_403_with_the_views_reason(client, django_user_model, prefix, title, reason):
    client.force_login(django_user_model.objects.create_user("visitor", password="pw-for-tests-only"))
    response = client.get(f"{prefix}/workbench/batch/ANY/")
    assert response.status_code == 403
    body = page(response)
    assert f"<title>{title} · " in body
    assert reason in body


@pytest.mark.parametrize(
    ("prefix", "title", "text"),
    [("", "系统出错", "已记录在案"), ("/en", "Server error", "it has been recorded")],
)
def test_500(broken_home, prefix, title, text):
    client = Client(raise_request_exception=False)
    response = client.get(f"{prefix}/")
    assert response.status_code == 500
    body = page(response)
    assert f"<title>{title} · " in body
    assert text in body
    assert "the database went away" not in body


@pytest.mark.parametrize(
    ("prefix", "title", "text"),
    [("", "表单未能提交", "请刷新页面后重新提交"), ("/en", "The form could not be sent", "Reload the page")],
)
def test_csrf_failure(prefix, title, text):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"{prefix}/admin/login/", {"username": "root", "password": "x"})
    assert response.status_code == 403
    body = page(response)
    assert f"<title>{title} · " in body
    assert text in body
    assert "CSRF" not in body  # Django's reason goes to the log


@pytest.mark.parametrize(("prefix", "title"), [("", "请求有误"), ("/en", "Bad request")])
def test_400(client, prefix, title):
    response = client.get(f"{prefix}/", HTTP_HOST="not-an-allowed-host.example")
    assert response.status_code == 400
    assert f"<title>{title} · " in page(response)


def test_the_pages_link_home_in_their_language(client):
    assert 'href="/en/"' in client.get("/en/no-such-page/").content.decode()
    assert 'href="/"' in client.get("/no-such-page/").content.decode()


def test_the_browsers_favicon_request_finds_the_icon(client):
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("core/favicon.svg")
    assert finders.find("core/favicon.svg")
