import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from onewindow.core import calendar, clock
from onewindow.core.models import CalendarDay, Counter
from onewindow.core.services import calendar_day_set

pytestmark = pytest.mark.django_db

WARNING = "2027年的法定节假日和调休安排尚未录入"
NOVEMBER_2026 = dt.datetime(2026, 11, 23, 9, tzinfo=calendar.TZ)


@pytest.fixture
def november_2026():
    with clock.frozen(NOVEMBER_2026):
        yield


def test_coverage_warning_on_the_admin_index(admin_client, november_2026):
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert WARNING in response.content.decode()


def test_coverage_warning_on_the_override_list(admin_client, november_2026):
    response = admin_client.get(reverse("admin:core_calendarday_changelist"))
    assert response.status_code == 200
    assert WARNING in response.content.decode()


def test_no_warning_once_next_year_is_entered(admin_client, november_2026):
    calendar_day_set(date=dt.date(2027, 1, 1), is_working_day=False, note="元旦")
    for url in (reverse("admin:index"), reverse("admin:core_calendarday_changelist")):
        assert "尚未录入" not in admin_client.get(url).content.decode()


def test_adding_an_override_in_the_admin_takes_effect_at_once(admin_client):
    assert calendar.is_working_day(dt.date(2027, 1, 1))
    response = admin_client.post(
        reverse("admin:core_calendarday_add"),
        {"date": "2027-01-01", "note": "元旦"},  # unchecked: day off
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=dt.date(2027, 1, 1))
    assert (day.is_working_day, day.note) == (False, "元旦")
    assert not calendar.is_working_day(dt.date(2027, 1, 1))


def test_changing_the_date_moves_the_override(admin_client):
    day = calendar_day_set(date=dt.date(2027, 2, 6), is_working_day=True, note="调休上班")
    assert calendar.is_working_day(dt.date(2027, 2, 6))
    response = admin_client.post(
        reverse("admin:core_calendarday_change", args=[day.pk]),
        {"date": "2027-02-07", "is_working_day": "on", "note": "调休上班"},
    )
    assert response.status_code == 302
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [dt.date(2027, 2, 7)]
    assert not calendar.is_working_day(dt.date(2027, 2, 6))  # a Saturday again
    assert calendar.is_working_day(dt.date(2027, 2, 7))


def test_deleting_in_the_admin_takes_effect_at_once(admin_client):
    day = calendar_day_set(date=dt.date(2027, 1, 1), is_working_day=False)
    assert not calendar.is_working_day(dt.date(2027, 1, 1))
    response = admin_client.post(reverse("admin:core_calendarday_delete", args=[day.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    assert calendar.is_working_day(dt.date(2027, 1, 1))


def test_bulk_delete_goes_through_the_service(admin_client):
    days = [calendar_day_set(date=dt.date(2027, 1, d), is_working_day=False) for d in (1, 4)]
    response = admin_client.post(
        reverse("admin:core_calendarday_changelist"),
        {"action": "delete_selected", "_selected_action": [d.pk for d in days], "post": "yes"},
    )
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    assert calendar.is_working_day(dt.date(2027, 1, 4))


def test_the_list_filters_by_year_and_kind_and_searches_notes(admin_client):
    calendar_day_set(date=dt.date(2025, 10, 9), is_working_day=False, note="停电闭厅")
    calendar_day_set(date=dt.date(2027, 1, 1), is_working_day=False, note="元旦")
    calendar_day_set(date=dt.date(2027, 2, 6), is_working_day=True, note="调休上班")
    url = reverse("admin:core_calendarday_changelist")

    def listed(params):
        response = admin_client.get(url, params)
        assert response.status_code == 200
        return [day.note for day in response.context["cl"].result_list]

    assert listed({}) == ["停电闭厅", "元旦", "调休上班"]
    assert listed({"year": "2027"}) == ["元旦", "调休上班"]
    assert listed({"is_working_day__exact": "1"}) == ["调休上班"]
    assert listed({"q": "闭厅"}) == ["停电闭厅"]
    assert listed({"q": "2027-02"}) == ["调休上班"]


def test_counters_are_read_only(admin_client):
    counter = Counter.objects.create(name="case.2026", value=41)
    assert admin_client.get(reverse("admin:core_counter_add")).status_code == 403
    assert admin_client.get(reverse("admin:core_counter_changelist")).status_code == 200
    response = admin_client.post(
        reverse("admin:core_counter_change", args=[counter.pk]), {"name": "case.2026", "value": "1"}
    )
    assert response.status_code == 403
    counter.refresh_from_db()
    assert counter.value == 41


def _section_names(html: str) -> list[str]:
    import re

    return [
        re.sub(r"<[^>]+>", "", name).strip() for name in re.findall(r"<caption>(.*?)</caption>", html, re.S)
    ]


def test_the_libraries_sections_of_the_admin_read_in_chinese(admin_client):
    """django-axes and django-tasks-db ship no Chinese: their sections read 登录锁定 and 后台任务执行."""
    html = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    sections = _section_names(html)
    assert "登录锁定" in sections and "后台任务执行" in sections
    assert "Axes" not in sections and "Tasks Database Backend" not in sections
    for name in ("登录尝试（锁定计数）", "登录失败记录", "登录日志", "任务执行结果"):
        assert f">{name}</a>" in html
    for english in ("Access attempts", "Access failures", "Access logs", "Task Results"):
        assert english not in html
    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "登录尝试（锁定计数）" in changelist


def test_in_english_the_libraries_sections_keep_english_names(admin_client):
    # The admin's English request leaves English active in this thread for later tests' pages
    # (seen with tests/portal after this file); the override restores the language afterwards.
    with translation.override(settings.LANGUAGE_CODE):
        html = admin_client.get("/en/admin/").content.decode()
    sections = _section_names(html)
    assert "sign-in lockout" in sections and "task worker" in sections  # as the other apps: lower case
    assert ">Access attempts</a>" in html and ">Task Results</a>" in html
