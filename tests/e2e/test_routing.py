"""已受理未送后台 in a real browser: the clerk follows the home page's count to the list, ticks the
waiting cases and sends them to the back office in one click; the supervisor's home warns of the
one that waited too long. The screenshot illustrates docs/guide-intake-clerk.md."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from onewindow.cases.models import Case, CaseState
from onewindow.cases.plans import version_plan_cache_clear
from tests.e2e.conftest import sign_in, top
from tests.factories.cases import accepted_case, make_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_plans():
    version_plan_cache_clear()
    yield
    version_plan_cache_clear()


def test_the_clerk_sends_the_waiting_cases_and_the_supervisor_saw_the_late_one(page, person, shot):
    world = make_world()
    old, new = accepted_case(world), accepted_case(world)
    Case.objects.filter(pk=old.pk).update(accepted_at=timezone.now() - dt.timedelta(days=10))
    boss = person()
    sign_in(boss, world.supervisor.user.username)
    boss.goto("/workbench/")
    warning = boss.locator(".wb-count-item", has_text="已受理超过1个工作日未送后台")
    assert warning.locator('[data-testid="count"]').inner_text() == "1"

    sign_in(page, world.clerk.user.username)
    page.goto("/workbench/")
    page.get_by_role("link", name="已受理未送后台").click()
    page.wait_for_url("**/workbench/routing/")
    rows = page.locator('[data-testid="routing-row"]')
    assert rows.count() == 2
    assert old.number in rows.nth(0).inner_text() and "个工作日" in rows.nth(0).inner_text()
    assert new.number in rows.nth(1).inner_text() and "今日受理" in rows.nth(1).inner_text()
    rows.nth(0).locator('input[type="checkbox"]').check()
    assert page.evaluate("document.getElementById('pick-all').indeterminate")
    page.get_by_label("勾选列表中的全部办件").check()  # the header's box ticks the rest
    assert rows.nth(1).locator('input[type="checkbox"]').is_checked()
    top(page)
    shot("routing-list")
    page.get_by_role("button", name="勾选的办件送后台办理").click()
    page.wait_for_load_state()
    assert "2件已送后台办理" in page.inner_text("body")
    assert page.get_by_test_id("routing-empty").is_visible()
    assert {c.state for c in Case.objects.filter(pk__in=[old.pk, new.pk])} == {CaseState.IN_PROGRESS}
