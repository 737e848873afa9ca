"""Real threads on PostgreSQL: two clerks sending overlapping batches at once, and a batch racing
the case page's 送后台办理, route each case once; whoever loses a case is told which one."""

import pytest
from django.test import Client

from onewindow.cases.models import Case, CaseEvent, CaseTask
from onewindow.org.models import Role
from tests.factories.cases import accepted_case, make_world
from tests.threads import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PASSWORD = "onewindow-test"


def signed_in(staff) -> Client:
    client = Client()
    response = client.post("/workbench/login/", {"username": staff.user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_overlapping_batches_at_once_route_each_case_once():
    world = make_world()
    cases = [accepted_case(world) for _ in range(3)]
    picks = [f"{c.pk}:{c.event_count}" for c in cases]
    colleague = world.staff(Role.INTAKE_CLERK)
    first, second = signed_in(world.clerk), signed_in(colleague)
    results = race(
        [
            lambda: first.post("/workbench/routing/send/", {"case": picks[:2]}),
            lambda: second.post("/workbench/routing/send/", {"case": picks[1:]}),
        ]
    )
    assert [r.status_code for r in results] == [302, 302], results
    for case in cases:
        assert CaseEvent.objects.filter(case=case, action="route").count() == 1
        assert Case.objects.get(pk=case.pk).state == "in_progress"
    assert CaseTask.objects.filter(case__in=cases).count() == 3  # one task each, never doubled


def test_a_batch_racing_the_case_page_routes_the_case_once():
    world = make_world()
    case = accepted_case(world)
    batch, page = signed_in(world.clerk), signed_in(world.chief)
    results = race(
        [
            lambda: batch.post("/workbench/routing/send/", {"case": f"{case.pk}:{case.event_count}"}),
            lambda: page.post(f"/workbench/cases/{case.number}/act/route/", {"seq": case.event_count}),
        ]
    )
    assert results[0].status_code == 302 and results[1].status_code in (302, 400), results
    assert CaseEvent.objects.filter(case=case, action="route").count() == 1
    assert CaseTask.objects.filter(case=case).count() == 1
