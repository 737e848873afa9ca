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
