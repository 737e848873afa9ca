"""The home page: one panel per role with the counts of that person's work, in their scope."""

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from onewindow.cases import services
from onewindow.cases.counts import case_counts
from onewindow.cases.models import CaseTask
from onewindow.core import clock
from onewindow.org.models import Role
from onewindow.org.services import staff_create
from onewindow.workbench.home import soon_before
from tests.factories.access import apply, county_network
from tests.factories.cases import accepted_case, completed_case, in_progress_case, online, ready_case, submit
from tests.factories.org import StaffFactory

LOGIN = "/workbench/login/"
PASSWORD = "onewindow-test"


def sign_in(client, staff):
    assert client.post(LOGIN, {"username": staff.user.username, "password": PASSWORD}).status_code == 302


def panel(html: str, key: str) -> str:
    match = re.search(rf'data-testid="panel-{key}">(.*?)</section>', html, re.S)
    assert match, f"no {key} panel"
    return match.group(1)


def counts(html: str, key: str) -> dict[str, int]:
    """{label: number} of a panel's counts, as a reader sees them."""
    found = re.findall(
        r'<span class="wb-count" data-testid="count">(\d+)</span><span class="wb-count-label">([^<]+)',
        panel(html, key),
    )
    return {label.strip(): int(n) for n, label in found}


def home(client, staff, budget, django_assert_max_num_queries):
    sign_in(client, staff)
    with django_assert_max_num_queries(budget):
        response = client.get("/workbench/")
    assert response.status_code == 200
    return response.content.decode()


# ------------------------------------------------------------------ each role


def test_the_intake_clerk_sees_todays_intakes_and_the_prereview_queue(
    client, world, django_assert_max_num_queries
):
    accepted_case(world)
    accepted_case(world)
    submit(world)  # waiting at the window
    online(world, state="prereview")
    online(world, state="prereview")
    html = home(client, world.clerk, 6, django_assert_max_num_queries)
    assert counts(html, "intake") == {
        "今天本中心已受理": 2,
        "今天我受理的": 2,
        "窗口待受理": 1,
        "待预审的网上申请": 2,
        "等待补正": 0,
        "已受理未送后台": 2,
    }
    assert 'data-testid="panel-approver"' not in html


def test_the_approver_sees_open_claimed_due_and_overdue_tasks(client, world, django_assert_max_num_queries):
    first, second, third = (in_progress_case(world) for _ in range(3))
    task = CaseTask.objects.get(case=first, state="open")
    services.task_claim(task=task, actor=world.approver)
    other = CaseTask.objects.get(case=second, state="open")
    services.task_claim(task=other, actor=world.approver2)
    CaseTask.objects.filter(case=third).update(due_at=clock.now() - dt.timedelta(days=1))  # overdue
    html = home(client, world.approver, 6, django_assert_max_num_queries)
    shown = counts(html, "approver")
    assert shown["待认领"] == 1
    assert shown["我已认领"] == 1
    assert shown["同事已认领"] == 1
    assert shown["已超期"] == 1
    assert "立即处理" in panel(html, "approver")  # the overdue number is marked in words, not colour alone


def test_a_task_due_within_the_yellow_days_counts_as_due_soon(client, world, django_assert_max_num_queries):
    case = in_progress_case(world)
    CaseTask.objects.filter(case=case).update(due_at=soon_before() - dt.timedelta(minutes=1))
    later = in_progress_case(world)
    CaseTask.objects.filter(case=later).update(due_at=soon_before() + dt.timedelta(days=3))
    html = home(client, world.approver, 6, django_assert_max_num_queries)
    assert counts(html, "approver")["2个工作日内到期"] == 1


def test_the_chief_representative_sees_cases_waiting_for_the_decision(
    client, world, django_assert_max_num_queries
):
    ready_case(world)
    ready_case(world)
    in_progress_case(world)
    html = home(client, world.chief, 6, django_assert_max_num_queries)
    shown = counts(html, "chief")
    assert shown["待决定"] == 2
    assert shown["已决定待办结"] == 0


def test_the_pickup_clerk_sees_ready_results(client, world, django_assert_max_num_queries):
    completed_case(world)
    accepted_case(world)
    html = home(client, world.pickup, 6, django_assert_max_num_queries)
    shown = counts(html, "pickup")
    assert shown["已办结待送达"] == 1
    assert shown["窗口领取"] == 1


def test_staff_with_several_roles_get_a_panel_for_each(client, world, django_assert_max_num_queries):
    both = StaffFactory(center=world.center, roles=[Role.INTAKE_CLERK, Role.PICKUP_CLERK])
    html = home(client, both, 7, django_assert_max_num_queries)
    assert 'data-testid="panel-intake"' in html and 'data-testid="panel-pickup"' in html
    assert 'data-wb-section="2"' in html  # Alt+2 reaches the second panel


def test_staff_without_a_role_are_told_what_to_do(client, world, django_assert_max_num_queries):
    nobody = StaffFactory(center=world.center)
    html = home(client, nobody, 5, django_assert_max_num_queries)
    assert 'data-testid="no-role"' in html
    assert "管理员" in html and "修改密码" in html
    assert "echarts" not in html


def test_links_to_screens_not_built_yet_are_left_out(client, world):
    sign_in(client, world.clerk)
    html = client.get("/workbench/").content.decode()
    assert "/workbench/intake/" not in html or "workbench:intake" not in html
    assert 'href=""' not in html


# ------------------------------------------------------------------ supervisor and center admin


@pytest.fixture
def net(db):
    network = county_network()
    apply(network.village, 2)
    return network


def test_the_supervisor_sees_open_cases_of_the_center_and_below_with_a_chart_and_a_table(
    client, net, django_assert_max_num_queries
):
    html = home(client, net.township.supervisor, 8, django_assert_max_num_queries)
    # the township's case and the village's three; not the county's nor the other township's
    assert counts(html, "oversight")["未办结办件"] == 4
    breakdown = panel(html, "oversight")
    assert net.village.department.name in breakdown and net.township.department.name in breakdown
    assert net.county.department.name not in breakdown
    assert net.other_township.department.name not in breakdown
    data = json.loads(
        re.search(r'<script id="chart-department" type="application/json">(.*?)</script>', html).group(1)
    )
    assert dict(zip(data["labels"], data["series"][0]["values"], strict=True)) == {
        net.village.department.name: 3,
        net.township.department.name: 1,
    }
    assert "/static/vendor/echarts-6.1.0/echarts.min.js" in html and "/static/workbench/home.js" in html
    table = re.search(r'data-testid="breakdown-state">(.*?)</table>', html, re.S).group(1)
    assert "办理中" in table and ">4<" in table


def test_the_counts_cost_the_same_queries_for_more_cases(client, net, django_assert_max_num_queries):
    sign_in(client, net.county.admin)
    with django_assert_max_num_queries(8) as few:
        client.get("/workbench/")
    apply(net.village, 10)
    apply(net.other_township, 5)
    with django_assert_max_num_queries(8) as many:
        html = client.get("/workbench/").content.decode()
    assert len(few.captured_queries) == len(many.captured_queries)
    assert counts(html, "oversight")["未办结办件"] == 4 + 2 + 10 + 5


def test_the_item_breakdown_is_the_items_with_most_cases_first(net, monkeypatch):
    admin = net.county.admin
    rows = case_counts(actor=admin, by="item")
    assert len(rows) == 4 and rows[0]["n"] == 3  # the village's item first
    monkeypatch.setattr("onewindow.cases.counts.TOP_ITEMS", 2)
    top = case_counts(actor=admin, by="item")
    assert [r["n"] for r in top] == [3, 1]
    assert top[0]["key"] == net.village.item.pk
    assert case_counts(actor=net.village.admin, by="department") == [
        {
            "key": net.village.department.pk,
            "label": net.village.department.name,
            "center": net.village.center.name,
            "n": 3,
            "overdue": 0,
        }
    ]


def test_overdue_cases_are_counted_for_the_supervisor(client, net, django_assert_max_num_queries):
    case = net.village.applications[0].cases.get()
    type(case).objects.filter(pk=case.pk).update(deadline=timezone.now() - dt.timedelta(days=2))
    html = home(client, net.township.admin, 8, django_assert_max_num_queries)
    assert counts(html, "oversight")["超过承诺时限"] == 1


def test_a_center_without_cases_says_so(client, db, django_assert_max_num_queries):
    network = county_network(applications=0)
    html = home(client, network.village.supervisor, 8, django_assert_max_num_queries)
    assert counts(html, "oversight")["未办结办件"] == 0
    assert "没有未办结的办件" in html
    assert "chart-state" not in html


def test_case_counts_refuse_an_unknown_grouping(net):
    with pytest.raises(ValueError):
        case_counts(actor=net.county.admin, by="applicant")


def test_a_member_of_staff_with_no_center_wide_role_sees_no_oversight(net):
    approver = staff_create(
        center=net.township.center,
        department=net.township.department,
        username="t_approver",
        name="审批员",
        roles=[Role.APPROVER],
    )
    assert case_counts(actor=approver, by="state")[0]["n"] == 1  # their department's case only


def test_names_with_markup_are_shown_as_text_in_the_table_and_the_chart_data(
    client, net, django_assert_max_num_queries
):
    from onewindow.catalog.services import item_update

    item = net.village.item
    item_update(
        item=item,
        name="</script><script>alert(1)</script>",
        category=item.category,
        department=item.department,
    )
    html = home(client, net.township.supervisor, 8, django_assert_max_num_queries)
    assert "<script>alert(1)" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the table
    data = json.loads(
        re.search(r'<script id="chart-item" type="application/json">(.*?)</script>', html).group(1)
    )
    assert "</script><script>alert(1)</script>" in data["labels"]
