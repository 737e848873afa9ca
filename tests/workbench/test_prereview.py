"""Pre-review pages: the queues oldest first, pass, return with reasons the applicant reads,
and the township check of village proxy applications."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.cases import channels, services
from onewindow.cases.models import CaseEvent
from onewindow.core import clock
from onewindow.org.models import Role, ServiceCenter
from tests.factories.cases import item_with_procedure
from tests.factories.org import ApplicantFactory, ServiceCenterFactory, StaffFactory
from tests.workbench.helpers import sign_in, text

pytestmark = pytest.mark.django_db


def online(world, applicant=None):
    applicant = applicant or ApplicantFactory()
    return services.application_create(
        center=world.center,
        applicant=applicant,
        items=[world.item],
        channel="portal",
        materials=["id_card"],
        actor=applicant,
        state="prereview",
    )


def test_the_queue_lists_the_oldest_first_with_masked_names(client, world, django_assert_max_num_queries):
    start = clock.now()
    apps = []
    for n in range(3):
        with clock.frozen(start + dt.timedelta(minutes=n)):
            apps.append(online(world))
    sign_in(client, world.clerk)
    client.get("/workbench/prereview/")
    with django_assert_max_num_queries(10):
        page = client.get("/workbench/prereview/")
    body = page.content.decode()
    positions = [body.index(a.number) for a in apps]
    assert positions == sorted(positions)
    assert apps[0].applicant.name not in body  # masked
    for _ in range(5):
        online(world)
    with django_assert_max_num_queries(10):
        assert client.get("/workbench/prereview/").status_code == 200


def test_passing_sends_it_to_the_window_and_a_second_pass_changes_nothing(client, world):
    application = online(world)
    sign_in(client, world.clerk)
    assert client.get(f"/workbench/prereview/{application.number}/").status_code == 200
    assert client.post(f"/workbench/prereview/{application.number}/pass/").status_code == 302
    assert application.cases.get().state == "submitted"
    again = client.post(f"/workbench/prereview/{application.number}/pass/", follow=True)
    assert "已不在预审队列中" in text(again)
    assert CaseEvent.objects.filter(action="prereview_pass").count() == 1


@pytest.mark.parametrize("reasons", ["", "   ", "很" * 2001])
def test_a_return_needs_reasons_of_bounded_length(client, world, reasons):
    application = online(world)
    sign_in(client, world.clerk)
    response = client.post(f"/workbench/prereview/{application.number}/return/", {"reasons": reasons})
    assert response.status_code == 400
    assert "退回理由（申请人可见）" in text(response)
    assert application.cases.get().state == "prereview"


def test_a_return_keeps_the_reasons_the_applicant_reads(client, world):
    application = online(world)
    sign_in(client, world.clerk)
    response = client.post(
        f"/workbench/prereview/{application.number}/return/", {"reasons": "身份证照片不清晰 📷"}
    )
    assert response.status_code == 302
    case = application.cases.get()
    assert case.state == "returned"
    assert (
        CaseEvent.objects.get(case=case, action="prereview_return").data["reasons"] == "身份证照片不清晰 📷"
    )


def test_other_centers_and_roles_do_not_reach_the_queue(client, world):
    application = online(world)
    stranger = StaffFactory(center=ServiceCenterFactory(), roles=[Role.INTAKE_CLERK])
    sign_in(client, stranger)
    assert client.get(f"/workbench/prereview/{application.number}/").status_code == 404
    assert client.post(f"/workbench/prereview/{application.number}/pass/").status_code == 404
    sign_in(client, world.approver)
    assert client.get("/workbench/prereview/").status_code == 403


def test_the_township_checks_a_village_proxy_application_before_the_hall(client, world):
    township = ServiceCenterFactory(tier=ServiceCenter.Tier.TOWNSHIP, parent=world.center)
    village = ServiceCenterFactory(tier=ServiceCenter.Tier.VILLAGE, parent=township)
    agent = StaffFactory(center=village, roles=[Role.PROXY_AGENT])
    township_clerk = StaffFactory(center=township, roles=[Role.INTAKE_CLERK])
    application = channels.proxy_application_submit(
        actor=agent, applicant=ApplicantFactory(), items=[world.item], materials=["id_card"], consent=True
    )
    sign_in(client, world.clerk)
    assert application.number not in text(client.get("/workbench/prereview/"))  # not before the township
    sign_in(client, township_clerk)
    queue = text(client.get("/workbench/prereview/"))
    assert application.number in queue and "等待乡镇审核" in queue
    assert (
        client.post(f"/workbench/prereview/{application.number}/pass/").status_code == 404
    )  # the hall's step
    assert client.post(f"/workbench/prereview/{application.number}/township_pass/").status_code == 302
    sign_in(client, world.clerk)
    assert application.number in text(client.get("/workbench/prereview/"))
    assert client.post(f"/workbench/prereview/{application.number}/pass/").status_code == 302
    assert application.cases.get().state == "submitted"


def _page_queries(client, number):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/workbench/prereview/{number}/")
    assert page.status_code == 200
    return [q["sql"] for q in queries.captured_queries], page


def test_the_application_page_reads_its_materials_once_and_its_count_stays_with_more_cases(client, world):
    others = [
        item_with_procedure(center=world.center, department=world.department, name=f"事项{n}")[0]
        for n in range(3)
    ]
    applicant = ApplicantFactory()
    one = online(world, applicant)
    four = services.application_create(
        center=world.center,
        applicant=applicant,
        items=[world.item, *others],
        channel="portal",
        materials=["id_card"],
        actor=applicant,
        state="prereview",
    )
    sign_in(client, world.clerk)
    small, _page = _page_queries(client, one.number)
    large, page = _page_queries(client, four.number)
    assert len(large) == len(small), f"{len(small)} queries for one case, {len(large)} for four"
    read = [sql for sql in large if 'FROM "cases_applicationmaterial"' in sql]
    assert len(read) == 1, read
    assert 'name="materials"' in page.content.decode()  # the one-time notice still offers them
