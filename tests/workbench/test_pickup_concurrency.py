"""Real threads on PostgreSQL: a hand-over clicked twice at once delivers once; an export asked
twice at once is made once."""

import pytest
from django.test import Client

from onewindow.cases import services
from onewindow.cases.actions.export import case_export_jobs
from onewindow.cases.models import CaseEvent
from onewindow.core.models import Job
from onewindow.org.models import Staff
from tests.factories.cases import completed_case, make_world
from tests.threads import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PASSWORD = "onewindow-test"


def signed_in(staff) -> Client:
    client = Client()
    assert (
        client.post("/workbench/login/", {"username": staff.user.username, "password": PASSWORD}).status_code
        == 302
    )
    return client


def test_two_clicks_on_hand_over_at_once_deliver_once():
    world = make_world()
    case = completed_case(world)
    first, second = signed_in(world.pickup), signed_in(world.pickup)
    data = {"method": "pickup", "signed_by": world.applicant.name}
    url = f"/workbench/pickup/{case.number}/deliver/"
    results = race([lambda c=c: c.post(url, data, HTTP_HX_REQUEST="true") for c in (first, second)])
    assert [r.status_code for r in results] == [200, 200], results
    assert all('data-testid="receipt"' in r.content.decode() for r in results)
    assert CaseEvent.objects.filter(case=case, action="deliver").count() == 1


def test_the_same_export_asked_twice_at_once_is_made_once():
    world = make_world()
    actors = [Staff.objects.get(pk=world.clerk.pk) for _ in range(2)]
    results = race(
        [lambda a=a: services.case_export_request(actor=a, filters={"state": "accepted"}) for a in actors]
    )
    assert all(isinstance(r, Job) for r in results), results
    assert results[0].pk == results[1].pk and case_export_jobs().count() == 1
