"""The department inbox: the department's open tasks by promised deadline, keyset pages,
one scoped query, claim from the list."""

from __future__ import annotations

import re

import pytest

from onewindow.cases import selectors, services
from onewindow.cases.models import CaseTask
from onewindow.org.models import Role
from tests.factories.cases import in_progress_case, item_with_procedure, open_tasks, submit
from tests.factories.org import DepartmentFactory, StaffFactory
from tests.workbench.helpers import sign_in, text

pytestmark = pytest.mark.django_db


def numbers(response) -> list[str]:
    return re.findall(r'href="/workbench/cases/([^/]+)/"', response.content.decode())


def test_the_earliest_promised_deadline_comes_first(client, world):
    slow_item, _ = item_with_procedure(center=world.center, department=world.department, promised=15)
    slow = services.application_intake(application=submit(world, items=[slow_item]), actor=world.clerk).cases[
        0
    ]
    slow = services.case_route(case=slow, actor=world.clerk)
    fast = in_progress_case(world)
    sign_in(client, world.approver)
    assert numbers(client.get("/workbench/inbox/")) == [fast.number, slow.number]


def test_one_query_per_page_whatever_the_number_of_tasks(client, world, django_assert_max_num_queries):
    for _ in range(3):
        in_progress_case(world)
    sign_in(client, world.approver)
    client.get("/workbench/inbox/")
    with django_assert_max_num_queries(7):
        small = client.get("/workbench/inbox/")
    for _ in range(6):
        in_progress_case(world)
    with django_assert_max_num_queries(7):
        big = client.get("/workbench/inbox/")
    assert len(numbers(small)) == 3 and len(numbers(big)) == 9
    assert "COUNT(" not in str(big)


def test_keyset_pages_follow_each_other_without_repeats(client, world, monkeypatch):
    monkeypatch.setattr(selectors, "INBOX_PAGE", 2)
    monkeypatch.setattr(selectors.task_inbox, "__kwdefaults__", {"after": None, "limit": 2})
    made = [in_progress_case(world).number for _ in range(5)]
    sign_in(client, world.approver)
    seen, url = [], "/workbench/inbox/"
    for _ in range(5):
        page = client.get(url)
        seen += numbers(page)
        found = re.search(r'href="\?after=([^"]+)"', page.content.decode())
        if not found:
            break
        url = f"/workbench/inbox/?after={found.group(1)}"
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))


@pytest.mark.parametrize("cursor", ["garbage", "1.2.3", "-99999999999999999999.1", "x" * 500, "١٢٣.٤"])
def test_a_broken_cursor_shows_the_first_page(client, world, cursor):
    in_progress_case(world)
    sign_in(client, world.approver)
    response = client.get("/workbench/inbox/", {"after": cursor})
    assert response.status_code == 200 and len(numbers(response)) == 1


def test_another_departments_tasks_are_not_listed_nor_claimable(client, world):
    case = in_progress_case(world)
    other = StaffFactory(
        center=world.center, department=DepartmentFactory(center=world.center), roles=[Role.APPROVER]
    )
    sign_in(client, other)
    assert numbers(client.get("/workbench/inbox/")) == []
    assert client.post(f"/workbench/tasks/{open_tasks(case)[0].pk}/claim/").status_code == 404
    sign_in(client, world.clerk)
    assert client.get("/workbench/inbox/").status_code == 403


def test_claim_from_the_list_and_a_second_click_is_harmless(client, world):
    case = in_progress_case(world)
    task = open_tasks(case)[0]
    sign_in(client, world.approver)
    row = client.post(f"/workbench/tasks/{task.pk}/claim/", HTTP_HX_REQUEST="true")
    assert row.status_code == 200 and world.approver.name in text(row) and "<html" not in row.content.decode()
    again = client.post(f"/workbench/tasks/{task.pk}/claim/", HTTP_HX_REQUEST="true")
    assert again.status_code == 200 and "签收" not in text(again)
    assert CaseTask.objects.get(pk=task.pk).assignee_id == world.approver.pk
    sign_in(client, world.approver2)
    taken = client.post(f"/workbench/tasks/{task.pk}/claim/", follow=True)
    assert world.approver.name in text(taken) and "已由" in text(taken)
    assert CaseTask.objects.get(pk=task.pk).assignee_id == world.approver.pk
    assert client.post("/workbench/tasks/99999999/claim/").status_code == 404


def test_a_task_for_another_role_says_whose_it_is_instead_of_a_claim_button(client, world):
    case = in_progress_case(world)
    task = open_tasks(case)[0]
    CaseTask.objects.filter(pk=task.pk).update(role=Role.CHIEF_REPRESENTATIVE)  # the decision stage's task
    sign_in(client, world.approver)
    page = client.get("/workbench/inbox/")
    body = page.content.decode()
    assert case.number in body and 'data-testid="claim"' not in body
    assert "由首席代表签收" in text(page)
    assert client.post(f"/workbench/tasks/{task.pk}/claim/", follow=True).status_code in (200, 400)
    assert CaseTask.objects.get(pk=task.pk).assignee_id is None  # the hint is true: the approver cannot
    sign_in(client, world.chief)
    body = client.get("/workbench/inbox/").content.decode()
    assert 'data-testid="claim"' in body and 'data-testid="claim-role"' not in body


def test_ones_own_role_shows_the_claim_button_and_no_hint(client, world):
    in_progress_case(world)
    sign_in(client, world.approver)
    body = client.get("/workbench/inbox/").content.decode()
    assert 'data-testid="claim"' in body and 'data-testid="claim-role"' not in body
