"""The display switch (标准版 / 适老版): one cookie set by a plain form, read by every portal page."""

import pytest
from django.test import Client

from onewindow.core.display import COOKIE, ELDER, STANDARD

SWITCH = "/display/"
ELDER_LINK = 'data-display-mode="elder"'


def switch(client, **data):
    return client.post(SWITCH, data)


@pytest.mark.parametrize("mode", [ELDER, STANDARD])
def test_the_switch_remembers_the_mode_for_a_year_and_goes_back(client, mode):
    response = switch(client, mode=mode, next="/progress/?number=AHX-1&code=ABCDEFGH")
    assert response.status_code == 303
    assert response["Location"] == "/progress/?number=AHX-1&code=ABCDEFGH"
    cookie = response.cookies[COOKIE]
    assert cookie.value == mode
    assert cookie["max-age"] == 365 * 24 * 3600
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/progress/", "/progress/?number=bad!", "/workbench/login/", "/en/"])
def test_every_portal_page_and_the_sign_in_page_follow_the_cookie(client, url):
    assert ELDER_LINK not in client.get(url).content.decode()
    client.cookies[COOKIE] = ELDER
    body = client.get(url).content.decode()
    assert ELDER_LINK in body
    assert 'name="mode" value="standard"' in body
    client.cookies[COOKIE] = STANDARD
    assert ELDER_LINK not in client.get(url).content.decode()


@pytest.mark.django_db
def test_pages_name_their_language_as_bcp47_and_carry_a_skip_link(client):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<html lang="zh-Hans">' in body
    assert 'href="#main"' in body and 'id="main"' in body
    assert "适老版" in body and "跳到主要内容" in body
    english = client.get("/en/").content.decode()
    assert '<html lang="en">' in english and "Elderly-friendly version" in english


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value", ["", "ELDER", "elderly", "适老", "x" * 5000, "elder standard", "<script>", "elder%00", "eldér"]
)
def test_a_cookie_of_any_other_value_is_the_standard_mode(client, value):
    # As a browser sends it: UTF-8 bytes, which the WSGI server hands over decoded as Latin-1.
    raw = f"{COOKIE}={value}".encode().decode("latin-1")
    response = client.get("/", HTTP_COOKIE=raw)
    assert response.status_code == 200
    assert ELDER_LINK not in response.content.decode()


@pytest.mark.parametrize("mode", ["", "ELDER", "large", "适老版", "x" * 10_000])
def test_an_unknown_mode_changes_nothing(client, mode):
    client.cookies[COOKIE] = ELDER
    response = switch(client, mode=mode, next="/")
    assert response.status_code == 303
    assert COOKIE not in response.cookies  # the earlier choice stays


def test_a_nul_in_the_mode_is_refused_at_the_edge_saying_the_page_sent_it(client):
    client.cookies[COOKIE] = ELDER
    response = switch(client, mode="elder\x00", next="/")
    assert response.status_code == 400  # a button's value: nobody typed it, no raw name shown
    assert "页面提交的内容中含有不可见的空字符" in response.content.decode()
    assert COOKIE not in response.cookies


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "",
        "http://testserver.evil.example/",
        "x" * 5000,
    ],
)
def test_next_must_stay_on_this_site(client, target):
    response = switch(client, mode=ELDER, next=target)
    assert response.status_code == 303
    assert response["Location"] in ("/", target) and not response["Location"].startswith(
        ("//", "http", "java")
    )
    assert response.cookies[COOKIE].value == ELDER


def test_a_unicode_next_on_this_site_is_kept(client):
    response = switch(client, mode=ELDER, next="/progress/?number=不是编号")
    assert response["Location"] == "/progress/?number=%E4%B8%8D%E6%98%AF%E7%BC%96%E5%8F%B7"


def test_the_switch_takes_only_a_post(client):
    assert client.get(SWITCH, {"mode": ELDER}).status_code == 405
    assert COOKIE not in client.cookies


@pytest.mark.django_db
def test_the_switch_is_a_form_with_its_csrf_token_and_refuses_a_post_without_it():
    browser = Client(enforce_csrf_checks=True)
    body = browser.get("/").content.decode()
    assert (
        'name="csrfmiddlewaretoken"'
        in body.split('data-testid="display-switch"', 1)[1].split("</form>", 1)[0]
    )
    refused = browser.post(SWITCH, {"mode": ELDER, "next": "/"})
    assert refused.status_code == 403
    assert COOKIE not in refused.cookies


def test_a_repeated_choice_keeps_the_last(client):
    switch(client, mode=ELDER, next="/")
    response = switch(client, mode=STANDARD, next="/")
    assert response.cookies[COOKIE].value == STANDARD
