import datetime as dt

import pytest
from django.http import QueryDict
from django.urls import reverse

from onewindow.core.middleware import date_hierarchy_valid
from onewindow.core.services import calendar_day_set

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/progress/%00/", "/progress/?number=%00", "/progress/?%00=1", "/admin/cases/case/?state__exact=%00"],
)
def test_a_nul_character_in_the_address_is_a_bad_request(client, url):
    assert client.get(url).status_code == 400


def test_a_nul_character_in_a_cookie_is_a_bad_request(client):
    client.cookies["sessionid"] = "abcdefgh\x00"
    assert client.get("/").status_code == 400


@pytest.mark.parametrize("view", ["admin:core_calendarday_change", "admin:core_calendarday_delete"])
def test_an_empty_to_field_in_the_admin_is_a_bad_request(admin_client, view):
    day = calendar_day_set(date=dt.date(2031, 10, 11), is_working_day=True)
    assert admin_client.get(reverse(view, args=[day.pk]), {"_to_field": ""}).status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        {"created_at__year": "1000000"},
        {"created_at__year": "9999"},
        {"created_at__year": "9999", "created_at__month": "12", "created_at__day": "31"},
        {"created_at__year": "1"},
        {"created_at__year": "2026", "created_at__month": "99999999999999999999"},
        {"created_at__year": "99999999999999999999"},
    ],
)
def test_an_impossible_date_in_the_date_hierarchy_shows_the_whole_list_with_a_message(admin_client, query):
    url = reverse("admin:cases_case_changelist")
    response = admin_client.get(url, query, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 302
    assert response.url == f"{url}?e=1"
    followed = admin_client.get(response.url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert followed.status_code == 200
    assert "没有这个日期" in followed.content.decode()


def test_a_real_date_in_the_date_hierarchy_still_filters(admin_client):
    url = reverse("admin:cases_case_changelist")
    query = {"created_at__year": "2026", "created_at__month": "2", "created_at__day": "28"}
    assert admin_client.get(url, query).status_code == 200


def test_the_check_follows_djangos_arithmetic_at_the_edges():
    valid = QueryDict("d__year=9998&d__month=12&d__day=31")
    assert date_hierarchy_valid(valid, "d")
    assert not date_hierarchy_valid(QueryDict("d__year=9999&d__month=12"), "d")
    assert not date_hierarchy_valid(QueryDict("d__year=2026&d__day="), "d")
    assert date_hierarchy_valid(QueryDict("other=1"), "d")


@pytest.mark.parametrize("year", ["1000000", "99999999999999999999", "0", "²", "9" * 5000])
def test_the_calendar_year_filter_ignores_a_year_without_dates(admin_client, year):
    calendar_day_set(date=dt.date(2031, 10, 11), is_working_day=True)
    response = admin_client.get(reverse("admin:core_calendarday_changelist"), {"year": year})
    assert response.status_code == 200
    assert "2031" in response.content.decode()


# ---------------------------------------------------------------- a NUL, worded for people

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
NUL_TYPED = "中含有不可见的空字符（NUL），无法保存：请删除后重新提交。"


def refusal_text(response) -> str:
    assert response.status_code == 400
    return response.content.decode()


@pytest.mark.parametrize(
    ("method", "url", "data", "shown"),
    [
        ("post", "/account/login/", {"username": "13800138000", "password": "pw\x00"}, "“密码”"),
        ("post", "/account/signup/", {"step": "create", "code": "12\x0034"}, "“短信验证码”"),
        ("post", "/my/bind/", {"code": "ABCD\x00"}, "“绑定码”"),
        ("get", "/progress/?number=SQ1&code=%00", None, "“查询码”"),
        ("get", "/services/?q=%00", None, "“搜索内容”"),
        ("post", "/workbench/intake/", {"m_id_card": "received\x00"}, "一项材料的选择"),
        ("post", "/services/x/apply/", {"f_business_name": "秋菊\x00"}, "申请表中的一个填写项"),
        ("post", "/workbench/intake/", {"s_who": "org\x00"}, "一个情形问题的回答"),
        ("post", "/admin/catalog/serviceitem/add/", {"form-0-name": "a\x00"}, "“姓名或名称（第1行）”"),
        ("post", "/admin/catalog/serviceitem/add/", {"materials-2-zzz": "a\x00"}, "第3行中的一项"),
    ],
    ids=[
        "password",
        "sms-code",
        "binding-code",
        "query-code",
        "search",
        "material",
        "form",
        "situation",
        "row",
        "row-unknown",
    ],
)
def test_a_nul_is_named_by_what_the_page_calls_the_field_never_its_raw_name(client, method, url, data, shown):
    response = getattr(client, method)(url, data, **ZH) if data else client.get(url, **ZH)
    page = refusal_text(response)
    assert f"{shown}{NUL_TYPED}" in page
    raw = next(iter(data)) if data else url.rsplit("&", 1)[-1].split("=")[0].split("?")[-1]
    assert f"“{raw}”" not in page


@pytest.mark.parametrize(
    "data",
    [
        {"expect": "x\x00"},
        {"idempotency_key": "k\x00"},
        {"next": "/my/\x00"},
        {"no_such_field": "\x00"},
        {"x\x00": "1"},
    ],
    ids=["expect", "key", "next", "unknown", "in-the-name"],
)
def test_a_nul_in_a_value_nobody_types_says_the_page_sent_it(client, data):
    page = refusal_text(client.post("/account/login/", data, **ZH))
    assert "页面提交的内容中含有不可见的空字符（NUL），无法保存：请刷新页面后重新提交。" in page


def test_a_nul_in_a_cookie_asks_to_clear_the_sites_cookies(client):
    client.cookies["sessionid"] = "abcdefgh\x00"
    page = refusal_text(client.get("/", **ZH))
    assert "浏览器为本站保存的Cookie中含有不可见的空字符（NUL）：请清除本站的Cookie后重试。" in page
    assert "sessionid" not in page


@pytest.mark.parametrize(
    ("url", "data", "field", "message"),
    [
        ("/workbench/intake/", {"m_id_card": "received\x00"}, "m_id_card", "一项材料的选择" + NUL_TYPED),
        (
            "/admin/catalog/serviceitem/add/",
            {"form-0-name": "a\x00"},
            "form-0-name",
            "“姓名或名称（第1行）”" + NUL_TYPED,
        ),
        ("/account/login/", {"password": "\x00"}, "password", "“密码”" + NUL_TYPED),
    ],
)
def test_json_clients_keep_the_raw_field_name_with_the_readable_message(client, url, data, field, message):
    response = client.post(url, data, HTTP_ACCEPT="application/json", **ZH)
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json() == {"errors": [{"field": field, "code": "NUL_CHARACTER", "message": message}]}


def test_an_english_page_words_the_refusal_in_english(client):
    page = refusal_text(client.get("/en/progress/?number=SQ1&code=%00", HTTP_ACCEPT_LANGUAGE="en"))
    assert "“Query code” holds an invisible NUL character" in page
