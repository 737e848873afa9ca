"""Case search: filters parsed by the engine's schema, scoped rows, keyset pages, masked names."""

import datetime as dt
import html
import re

import pytest
from django.utils import timezone

from onewindow.cases import services
from onewindow.cases.models import Case
from onewindow.cases.selectors import CaseCursor, case_page
from onewindow.org.models import Role
from tests.factories.cases import (
    accepted_case,
    completed_case,
    item_with_procedure,
    make_world,
    open_tasks,
    submit,
)
from tests.factories.org import DepartmentFactory, ServiceCenterFactory, StaffFactory

pytestmark = pytest.mark.django_db
PASSWORD = "onewindow-test"
PAGE = "/workbench/cases/"


def sign_in(client, staff) -> None:
    assert (
        client.post("/workbench/login/", {"username": staff.user.username, "password": PASSWORD}).status_code
        == 302
    )
    client.get("/workbench/")  # the first page after signing in stamps the session's idle clock


def rows(response) -> int:
    return response.content.decode().count('data-testid="case-row"')


def test_every_role_searches_within_its_scope_with_masked_names(client, world, django_assert_max_num_queries):
    case = accepted_case(world)
    other = make_world()
    hidden = accepted_case(other)
    for staff in (world.clerk, world.pickup, world.supervisor, world.approver):
        sign_in(client, staff)
        with django_assert_max_num_queries(
            10
        ):  # session, user, staff + roles, items, departments, page, exports
            response = client.get(PAGE)
        page = response.content.decode()
        assert response.status_code == 200
        assert case.number in page and hidden.number not in page, staff
        assert world.applicant.name not in page and world.applicant.name[0] + "*" in page
        client.post("/workbench/logout/")


def test_the_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    for _ in range(6):
        accepted_case(world)
    sign_in(client, world.clerk)
    with django_assert_max_num_queries(10):
        response = client.get(PAGE, {"state": "accepted"})
    assert rows(response) == 6


def test_filters_by_state_item_department_channel_dates_and_overdue(client, world):
    accepted = accepted_case(world)
    completed = completed_case(world)
    sign_in(client, world.clerk)
    by_state = client.get(PAGE, {"state": "已办结"}).content.decode()  # a label reads as its code
    assert completed.number in by_state and accepted.number not in by_state
    assert (
        rows(
            client.get(PAGE, {"item": world.item.pk, "department": world.department.pk, "channel": "window"})
        )
        == 2
    )
    assert rows(client.get(PAGE, {"channel": "portal"})) == 0
    today = timezone.localdate()
    assert (
        rows(client.get(PAGE, {"accepted_from": today.isoformat(), "accepted_to": f"{today:%Y年%-m月%-d日}"}))
        == 2
    )
    assert rows(client.get(PAGE, {"accepted_to": (today - dt.timedelta(days=1)).isoformat()})) == 0
    assert rows(client.get(PAGE, {"overdue": "1"})) == 0
    Case.objects.filter(pk=accepted.pk).update(deadline=timezone.now() - dt.timedelta(days=3))
    overdue = client.get(PAGE, {"overdue": "1"}).content.decode()
    assert accepted.number in overdue and completed.number not in overdue


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"state": "bogus"}, "state", "状态"),
        ({"state": "<b>办理中</b>"}, "state", "状态"),
        ({"item": "abc"}, "item", "事项"),
        ({"item": "9" * 5000}, "item", "事项"),
        ({"department": "-3"}, "department", "部门"),
        ({"channel": "传真"}, "channel", "渠道"),
        ({"accepted_from": "99999-01-01"}, "accepted_from", "受理日期起"),
        ({"accepted_from": "0001-01-01"}, "accepted_from", "2000-01-01"),
        ({"accepted_to": "2026-02-30"}, "accepted_to", "受理日期止"),
        ({"accepted_from": "2026-03-01", "accepted_to": "2026-02-01"}, "accepted_to", "早于"),
        ({"overdue": "perhaps"}, "overdue", "已超期"),
        ({"after": "not-a-cursor"}, "after", "第一页"),
        ({"after": "9" * 17 + "-1"}, "after", "第一页"),
    ],
)
def test_bad_filter_values_are_a_chinese_message_on_the_field(client, world, params, field, words):
    sign_in(client, world.clerk)
    response = client.get(PAGE, params)
    assert response.status_code == 400
    page = response.content.decode()
    assert words in page and "is-invalid" in page or field == "after" and words in page
    assert "<b>办理中</b>" not in page
    assert 'data-testid="case-results"' not in page


def test_duplicated_parameters_take_the_last_value(client, world):
    accepted_case(world)
    sign_in(client, world.clerk)
    assert rows(client.get(f"{PAGE}?state=completed&state=accepted")) == 1


def next_link(page: str) -> str:
    found = re.search(r'href="([^"]*)" data-testid="next-page"', page)
    return html.unescape(found[1]) if found else ""


def test_keyset_pages_follow_each_other_without_a_count(
    client, world, monkeypatch, django_assert_max_num_queries
):
    made = [accepted_case(world) for _ in range(5)]
    monkeypatch.setattr("onewindow.workbench.search.PAGE_SIZE", 2)
    sign_in(client, world.clerk)
    seen, url, pages = [], PAGE + "?state=accepted", 0
    while url:
        with django_assert_max_num_queries(10) as captured:
            page = client.get(PAGE + url if url.startswith("?") else url).content.decode()
        assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)
        seen += [c.number for c in made if c.number in page]
        url, pages = next_link(page), pages + 1
    assert pages == 3 and sorted(seen) == sorted(c.number for c in made)


def test_the_cursor_orders_by_creation_then_id(world):
    cases = [accepted_case(world) for _ in range(3)]
    same = timezone.now()
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(created_at=same)
    first = case_page(actor=world.clerk, size=2)
    assert [c.pk for c in first.cases] == sorted((c.pk for c in cases), reverse=True)[:2]
    rest = case_page(actor=world.clerk, filters={"after": first.next_after}, size=2)
    assert [c.pk for c in rest.cases] == [min(c.pk for c in cases)] and rest.next_after is None
    assert CaseCursor.parse(str(first.next_after)) == first.next_after


def test_another_centers_staff_never_see_the_case(client, world):
    case = accepted_case(world)
    for role in Role.values:
        stranger = StaffFactory(center=ServiceCenterFactory(), roles=[role])
        sign_in(client, stranger)
        assert case.number not in client.get(PAGE).content.decode()
        assert case.number not in client.get(PAGE, {"item": world.item.pk}).content.decode()
        client.post("/workbench/logout/")


def cells(page: str, number: str) -> list[str]:
    """The text of each cell of the row of case `number`, markup stripped, entities kept."""
    row = re.search(
        r'<tr data-testid="case-row">((?:(?!</tr>).)*' + re.escape(number) + r"(?:(?!</tr>).)*)</tr>",
        page,
        re.S,
    )
    assert row, number
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row[1], re.S)]


def test_each_row_shows_its_labels_acceptance_time_and_deadline_light(client, world):
    """Open: the light with the working days left; paused: 已暂停; ended or not yet accepted: —."""
    open_case = accepted_case(world)
    paused = accepted_case(world)
    Case.objects.filter(pk=paused.pk).update(state="suspended", suspended_since=timezone.now())
    overdue = accepted_case(world)
    Case.objects.filter(pk=overdue.pk).update(deadline=timezone.now() - dt.timedelta(days=10))
    ended = completed_case(world)
    sign_in(client, world.clerk)
    page = client.get(PAGE).content.decode()
    number, item, department, applicant, channel, state, accepted, deadline = cells(page, open_case.number)
    assert (item, department, channel, state) == (
        world.item.name,
        world.department.name,
        "综合受理窗口",
        "已受理",
    )
    assert applicant == world.applicant.name[0] + "*" * (len(world.applicant.name) - 1)
    assert accepted == f"{timezone.localtime(open_case.accepted_at):%Y-%m-%d %H:%M}"
    assert re.fullmatch(r"剩 \d+ 个工作日", deadline) and "wb-light-" in page
    assert f'href="/workbench/cases/{open_case.number}/"' in page
    assert cells(page, paused.number)[5] == "特别程序中" and cells(page, paused.number)[7] == "已暂停"
    assert re.fullmatch(r"已超期 \d+ 个工作日", cells(page, overdue.number)[7])
    assert cells(page, ended.number)[5] == "已办结" and cells(page, ended.number)[7] == "—"


def test_the_rows_read_in_english_when_the_staff_member_switches(client, world):
    case = accepted_case(world)
    sign_in(client, world.clerk)
    page = client.get("/en" + PAGE).content.decode()
    row = cells(page, case.number)
    assert row[4:6] == ["intake window", "accepted"] and re.fullmatch(r"\d+ working days? left", row[7])
    assert f'href="/en/workbench/cases/{case.number}/"' in page


def test_hostile_names_are_escaped_in_the_rows_and_the_filters(client, world):
    hostile = "<script>alert(\"x\")</script> & '审批' " + "长" * 150  # within the 200 characters a name holds
    world.item.name = hostile
    world.item.save(update_fields=["name"])
    world.department.name = "<b>局</b>"
    world.department.save(update_fields=["name"])
    world.applicant.name = "<i>张三</i>"
    world.applicant.save(update_fields=["name"])
    accepted_case(world)
    sign_in(client, world.clerk)
    page = client.get(PAGE, {"item": world.item.pk}).content.decode()
    assert "<script>" not in page and "<b>局</b>" not in page and "<i>" not in page
    escaped = html.escape(hostile)
    assert f'<option value="{world.item.pk}" selected>{escaped}</option>' in page
    assert page.count(f"<td>{escaped}</td>") == 1 and "<td>&lt;b&gt;局&lt;/b&gt;</td>" in page
    assert "<td>&lt;" + "*" * (len(world.applicant.name) - 1) + "</td>" in page
    assert page.count(" selected>") == 1  # the chosen item only; "Any" stays unselected elsewhere


def test_an_unknown_or_empty_choice_selects_no_option(client, world):
    accepted_case(world)
    sign_in(client, world.clerk)
    assert " selected>" not in client.get(PAGE).content.decode()
    missing = client.get(PAGE, {"item": 2**31 - 2}).content.decode()
    assert " selected>" not in missing and 'data-testid="no-results"' in missing


def test_another_departments_approver_finds_the_case_once_its_task_opens(client, world):
    """Department staff see a case with an opened task of theirs (the scope the task index serves);
    a task still waiting for its stage does not count."""
    other = DepartmentFactory(center=world.center)
    item, _version = item_with_procedure(
        center=world.center, department=world.department, stages=[[world.department], [other]]
    )
    colleague = StaffFactory(center=world.center, department=other, roles=[Role.APPROVER])
    application = submit(world, items=[item])
    accepted = services.application_intake(application=application, actor=world.clerk).cases[0]
    case = services.case_route(case=accepted, actor=world.clerk)
    sign_in(client, colleague)
    assert case.number not in client.get(PAGE).content.decode()  # its task waits for stage 1
    for task in open_tasks(case):
        services.task_complete(task=task, actor=world.approver, opinion="同意")
    assert case.number in client.get(PAGE).content.decode()
    assert case.number in client.get(PAGE, {"state": "in_progress"}).content.decode()
    assert case.number not in client.get(PAGE, {"state": "completed"}).content.decode()
