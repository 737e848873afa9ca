"""已受理未送后台: the window's list of accepted cases not yet routed, routing several in one POST
(each its own transaction and event; a case changed meanwhile skipped and named; hostile input
refused with nothing changed), the next step offered after acceptance, and the home pages'
counts (the clerk's list, the supervisor's warning past one working day)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages

from onewindow.cases import services
from onewindow.cases.counts import case_counts, unrouted_late_before
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Case, CaseEvent, CaseState, CaseTask
from onewindow.core import clock
from tests.factories.cases import accepted_case, in_progress_case, make_world, online
from tests.workbench.helpers import sign_in, text

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
FRIDAY = dt.datetime(2026, 11, 20, 10, tzinfo=TZ)
MONDAY = dt.datetime(2026, 11, 23, 10, tzinfo=TZ)
TUESDAY = dt.datetime(2026, 11, 24, 15, tzinfo=TZ)
LIST, SEND = "/workbench/routing/", "/workbench/routing/send/"


def pick(case: Case) -> str:
    case.refresh_from_db()
    return f"{case.pk}:{case.event_count}"


def routes(*cases: Case) -> list[int]:
    return [CaseEvent.objects.filter(case=c, action="route").count() for c in cases]


def states(*cases: Case) -> list[str]:
    return [Case.objects.get(pk=c.pk).state for c in cases]


def shown(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def waiting(world):
    """Accepted on Friday, Monday and Tuesday (today); one already routed."""
    with clock.frozen(FRIDAY):
        friday = accepted_case(world)
    with clock.frozen(MONDAY):
        monday = accepted_case(world)
        routed = in_progress_case(world)
    with clock.frozen(TUESDAY):
        tuesday = accepted_case(world)
    return friday, monday, tuesday, routed


# ----------------------------------------------------------------------------- the list


def test_the_list_is_the_centers_accepted_cases_oldest_first_with_working_days_waited(
    client, world, waiting, django_assert_max_num_queries
):
    friday, monday, tuesday, routed = waiting
    elsewhere = make_world()
    with clock.frozen(FRIDAY):
        foreign = accepted_case(elsewhere)
    sign_in(client, world.clerk)
    with clock.frozen(TUESDAY), django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    numbers = re.findall(r'data-testid="routing-row">.*?<a href="[^"]+">([^<]+)</a>', page, re.S)
    assert numbers == [friday.number, monday.number, tuesday.number]
    assert routed.number not in page and foreign.number not in page
    waited = [
        re.sub(r"<[^>]+>", "", w).strip() for w in re.findall(r'data-testid="waited"[^>]*>(.*?)</td>', page)
    ]
    assert waited == ["2个工作日", "1个工作日", "今日受理"]  # Saturday and Sunday do not count
    assert "共3件待送后台" in text(response)
    assert f'value="{friday.pk}:{friday.event_count}"' in page


def test_the_list_is_for_intake_clerks(client, world):
    sign_in(client, world.approver)
    assert client.get(LIST).status_code == 403
    sign_in(client, world.supervisor)
    assert client.get(LIST).status_code == 403
    assert client.post(SEND, {"case": "1:1"}).status_code == 403


def test_an_empty_list_says_everything_is_with_the_back_office(client, world):
    in_progress_case(world)
    sign_in(client, world.clerk)
    response = client.get(LIST)
    assert "本中心已受理的办件都已送后台" in text(response)


def test_the_case_search_filters_the_accepted_cases(client, world, waiting):
    friday, monday, tuesday, routed = waiting
    sign_in(client, world.clerk)
    assert 'href="/workbench/cases/?state=accepted"' in client.get(LIST).content.decode()
    page = client.get("/workbench/cases/", {"state": "accepted"}).content.decode()
    assert all(c.number in page for c in (friday, monday, tuesday)) and routed.number not in page


# ----------------------------------------------------------------------------- routing several


def test_ticked_cases_are_routed_each_with_its_own_event(client, world, waiting):
    friday, monday, tuesday, _routed = waiting
    sign_in(client, world.clerk)
    response = client.post(SEND, {"case": [pick(friday), pick(monday)], "back": "list"})
    assert response.status_code == 302 and response["Location"] == LIST
    assert states(friday, monday, tuesday) == ["in_progress", "in_progress", "accepted"]
    assert routes(friday, monday, tuesday) == [1, 1, 0]
    assert CaseTask.objects.filter(case__in=[friday, monday], state="open").count() == 2
    assert shown(response) == [f"2件已送后台办理：{friday.number}、{monday.number}。"]
    for case in (friday, monday):  # each event on its own case's chain, by the clerk
        event = CaseEvent.objects.get(case=case, action="route")
        assert event.actor_id == world.clerk.user_id
    rows = "".join(re.findall(r'data-testid="routing-row">.*?</tr>', client.get(LIST).content.decode(), re.S))
    assert tuesday.number in rows and friday.number not in rows


def test_a_case_changed_meanwhile_is_skipped_and_named_and_the_others_routed(client, world, waiting):
    friday, monday, tuesday, _routed = waiting
    seen = [pick(friday), pick(monday), pick(tuesday)]
    services.case_route(case=monday, actor=world.chief)  # the chief routed it from the case page
    services.application_void(application=tuesday.application, actor=world.admin, reason="录入错误")
    sign_in(client, world.clerk)
    response = client.post(SEND, {"case": seen})
    assert response.status_code == 302
    assert states(friday, monday, tuesday) == ["in_progress", "in_progress", "voided"]
    assert routes(friday, monday, tuesday) == [1, 1, 0]  # Monday's once, by the chief
    messages = shown(response)
    assert messages[0] == f"1件已送后台办理：{friday.number}。"
    assert messages[1].startswith(f"{monday.number} 未送出：") and "有人在您打开后处理了此办件" in messages[1]
    assert messages[2].startswith(f"{tuesday.number} 未送出：")


def test_a_double_submitted_batch_routes_nothing_twice(client, world, waiting):
    friday, monday, _tuesday, _routed = waiting
    data = {"case": [pick(friday), pick(monday)]}
    sign_in(client, world.clerk)
    client.post(SEND, data)
    client.get(LIST)  # the clerk reads the first answer
    again = client.post(SEND, data)
    assert again.status_code == 302 and routes(friday, monday) == [1, 1]
    assert len(shown(again)) == 2 and all("未送出" in m for m in shown(again))


def test_a_role_the_engine_refuses_routes_none_of_the_batch(world, waiting):
    friday, monday, _tuesday, _routed = waiting
    picks = [(c.pk, c.event_count) for c in (friday, monday)]
    with pytest.raises(CaseError) as refused:
        services.cases_route(picks=picks, actor=world.pickup)  # sees the center's cases, may not route
    assert refused.value.code == "ROLE_NOT_ALLOWED"
    assert states(friday, monday) == ["accepted", "accepted"] and routes(friday, monday) == [0, 0]


HOSTILE = {
    "nothing": ([], "请至少勾选一件要送后台办理的办件"),
    "blank": ([" ", ""], "请至少勾选一件要送后台办理的办件"),
    "markup": (["<script>alert(1)</script>"], "勾选的办件清单无效"),
    "no seq": (["{friday}"], "勾选的办件清单无效"),
    "negative": (["-{friday}:1"], "勾选的办件清单无效"),
    "full-width digits": (["１:２"], "勾选的办件清单无效"),
    "huge number": (["99999999999999999999:1"], "勾选的办件清单无效"),
    "duplicate": (["{friday_pick}", "{friday_pick}"], "有办件被重复勾选"),
    "duplicate with another seq": (["{friday_pick}", "{friday}:0"], "有办件被重复勾选"),
    "no such case": (["{friday_pick}", "999999:1"], "勾选的办件中有不属于本中心的"),
    "another center's": (["{friday_pick}", "{foreign_pick}"], "勾选的办件中有不属于本中心的"),
    "ten thousand in one value": ([",".join(f"{n}:1" for n in range(1, 10_001))], "一次最多送后台办理100件"),
    "101 boxes": ([f"{n}:1" for n in range(1, 102)], "一次最多送后台办理100件"),
    "in progress": (["{friday_pick}", "{routed_pick}"], "不在待送后台状态（当前为“办理中”）"),
}


@pytest.mark.parametrize("values,message", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_batches_are_refused_in_chinese_and_change_nothing(client, world, waiting, values, message):
    friday, monday, tuesday, routed = waiting
    foreign = accepted_case(make_world())
    marks = {
        "friday": friday.pk,
        "friday_pick": pick(friday),
        "foreign_pick": pick(foreign),
        "routed_pick": pick(routed),
    }
    before = CaseEvent.objects.count()
    sign_in(client, world.clerk)
    response = client.post(SEND, {"case": [v.format(**marks) for v in values]})
    assert response.status_code == 400
    assert message in text(response)
    if "in progress" in message or "办理中" in message:
        assert routed.number in text(response)
    assert CaseEvent.objects.count() == before
    assert states(friday, monday, tuesday, foreign) == ["accepted"] * 4
    assert friday.number in response.content.decode()  # the list again, to tick anew


def test_ten_thousand_boxes_are_refused_in_chinese_and_change_nothing(client, world, waiting):
    # More fields than Django parses (DATA_UPLOAD_MAX_NUMBER_FIELDS): the edge refuses the form
    # before the view (core.middleware); within that limit the view's own 100 holds (above).
    friday = waiting[0]
    before = CaseEvent.objects.count()
    sign_in(client, world.clerk)
    body = "&".join([f"case={friday.pk}%3A{n}" for n in range(10_000)])
    response = client.post(SEND, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "提交的表单一次包含的字段或文件过多" in text(response)
    assert CaseEvent.objects.count() == before and states(friday) == ["accepted"]


# ----------------------------------------------------------------------------- next step after acceptance


def test_prereview_pass_and_accept_offers_the_back_office_next(client, world):
    application = online(world, state="prereview")
    sign_in(client, world.clerk)
    response = client.post(f"/workbench/prereview/{application.number}/accept/")
    assert response.status_code == 302
    assert response["Location"] == f"/workbench/prereview/?accepted={application.number}"
    case = application.cases.get()
    assert case.state == CaseState.ACCEPTED
    page = client.get(response["Location"])
    box = re.search(r'data-testid="route-next">(.*?)</div>', page.content.decode(), re.S).group(1)
    assert "还没有送到部门" in box and "送后台办理" in box
    assert f'value="{case.pk}:{case.event_count}"' in box
    done = client.post(SEND, {"case": pick(case), "back": "prereview"})
    assert done["Location"] == "/workbench/prereview/"
    assert states(case) == ["in_progress"] and routes(case) == [1]
    assert 'data-testid="route-next"' not in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("number", ["", "X" * 41, "<script>", "不存在"])
def test_prereview_ignores_a_hostile_accepted_number(client, world, number):
    sign_in(client, world.clerk)
    response = client.get("/workbench/prereview/", {"accepted": number})
    assert response.status_code == 200 and 'data-testid="route-next"' not in response.content.decode()


def test_prereview_does_not_offer_another_centers_case(client, world):
    elsewhere = make_world()
    case = accepted_case(elsewhere)
    sign_in(client, world.clerk)
    page = client.get("/workbench/prereview/", {"accepted": case.application.number}).content.decode()
    assert 'data-testid="route-next"' not in page


# ----------------------------------------------------------------------------- the home pages


def test_the_clerks_home_counts_and_links_the_list(client, world, waiting):
    sign_in(client, world.clerk)
    page = client.get("/workbench/").content.decode()
    item = re.search(
        r'<a href="/workbench/routing/"><span class="wb-count" data-testid="count">(\d+)</span>'
        r'<span class="wb-count-label">已受理未送后台',
        page,
    )
    assert item and item.group(1) == "3"


def test_the_supervisor_is_warned_of_cases_waiting_more_than_one_working_day(client, world, waiting):
    sign_in(client, world.supervisor)
    with clock.frozen(TUESDAY):
        page = client.get("/workbench/").content.decode()
    item = re.search(
        r'<li class="wb-count-item wb-tone-warning">\s*<a href="/workbench/cases/\?state=accepted">'
        r'<span class="wb-count" data-testid="count">(\d+)</span><span class="wb-count-label">'
        r"已受理超过1个工作日未送后台",
        page,
    )
    assert item and item.group(1) == "1"  # Friday's: two working days; Monday's has waited one
    with clock.frozen(TUESDAY):
        accepted = [r for r in case_counts(actor=world.supervisor, by="state") if r["key"] == "accepted"]
    assert accepted[0]["n"] == 3 and accepted[0]["unrouted_late"] == 1
    with clock.frozen(MONDAY):  # Friday's has waited Monday only
        assert sum(r["unrouted_late"] for r in case_counts(actor=world.supervisor, by="state")) == 0


def test_waiting_counts_the_official_calendar_across_national_day():
    # 2026: 1–7 October are holidays, 8 October is a working day
    today = dt.date(2026, 10, 8)
    start = unrouted_late_before(today)
    assert start.date() == dt.date(2026, 9, 30)  # accepted on the 29th: the 30th and the 8th
    assert unrouted_late_before(dt.date(2026, 11, 24)).date() == dt.date(
        2026, 11, 23
    )  # the weekend's waited Mon, Tue
    assert unrouted_late_before(dt.date(2026, 11, 23)).date() == dt.date(2026, 11, 20)


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example", "../admin/", "列表", "x" * 5000])
def test_an_unknown_back_page_returns_to_the_list(client, world, waiting, back):
    friday = waiting[0]
    sign_in(client, world.clerk)
    response = client.post(SEND, {"case": pick(friday), "back": back})
    assert response.status_code == 302 and response["Location"] == LIST
    assert states(friday) == ["in_progress"]
