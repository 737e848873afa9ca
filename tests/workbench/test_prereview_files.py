"""The scans of a village agent's application through pre-review: the township clerk opens them
while checking (the hall's case is outside the township's case scope, its scans are not), a
material the hall's one-time notice sends back is answered from the agent's page, and the file
it replaced stays beside the new one, marked "已退回/已替换" with when, on the pre-review page and
the case page — never deleted, no longer counted."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import timezone

from onewindow.cases import channels, files, services
from onewindow.cases.models import Application, CaseState, MaterialFile
from onewindow.org.models import Role, ServiceCenter
from tests.factories.agent import agent_desk
from tests.factories.org import ServiceCenterFactory, StaffFactory
from tests.factories.scans import pdf
from tests.workbench.helpers import sign_in, text

pytestmark = pytest.mark.django_db
PDF = pdf(b"a scanned licence")


@pytest.fixture
def desk(db, settings, tmp_path):
    return agent_desk(settings, tmp_path / "files")


def filed(desk) -> Application:
    """The agent files the villager's application with a scan of both required materials."""
    scans = [
        files.material_file_store(
            upload=io.BytesIO(PDF), name=f"{code}-旧.pdf", material_code=code, actor=desk.agent
        )
        for code in ("id_card", "licence")
    ]
    applicant = desk.world.applicant
    application = channels.proxy_application_submit(
        actor=desk.agent,
        applicant=applicant,
        items=[desk.world.item],
        form_data={
            "applicant_name": applicant.name,
            "contact_phone": "13800138000",
            "business_address": "东村1号",
        },
        materials=["id_card", "licence"],
        delivery_method="pickup",
        consent=True,
    )
    files.material_files_attach(application=application, file_ids=[s.pk for s in scans], actor=desk.agent)
    return application


def links(page: str) -> list[str]:
    return re.findall(r'href="(/workbench/files/\d+/)"', page)


def test_the_township_clerk_opens_the_agents_scans_while_checking_and_no_one_else_beside(client, desk):
    application = filed(desk)
    sign_in(client, desk.township_clerk)
    page = client.get(f"/workbench/prereview/{application.number}/").content.decode()
    found = links(page)
    assert len(found) == 2
    for url in found:
        response = client.get(url)
        assert response.status_code == 200 and response["Cache-Control"].startswith("private")
    assert client.get(f"/workbench/cases/{application.cases.get().number}/").status_code == 404  # the hall's
    # another township's clerk, and the agent's station's other agent, do not open them
    other = ServiceCenterFactory(tier=ServiceCenter.Tier.TOWNSHIP, parent=desk.world.center)
    sign_in(client, StaffFactory(center=other, roles=[Role.INTAKE_CLERK]))
    assert all(client.get(url).status_code == 404 for url in found)
    sign_in(client, desk.other_agent)
    assert all(client.get(url).status_code == 404 for url in found)
    # a window application of the hall stays out of the township's reach
    window_scan = files.material_file_store(
        upload=io.BytesIO(PDF), name="w.pdf", material_code="id_card", actor=desk.world.clerk
    )
    window = services.application_create(
        center=desk.world.center,
        applicant=desk.world.applicant,
        items=[desk.world.item],
        form_data={"applicant_name": "秋菊", "contact_phone": "13800138000", "business_address": "县城1号"},
        materials=["id_card"],
        actor=desk.world.clerk,
    )
    files.material_files_attach(application=window, file_ids=[window_scan.pk], actor=desk.world.clerk)
    sign_in(client, desk.township_clerk)
    assert client.get(f"/workbench/files/{window_scan.pk}/").status_code == 404
    assert client.get(found[0]).status_code == 200


def test_a_material_sent_back_by_the_hall_is_answered_by_the_agent_and_the_old_scan_is_marked(client, desk):
    application = filed(desk)
    channels.proxy_application_check(application=application, actor=desk.township_clerk, approve=True)
    sign_in(client, desk.world.clerk)
    sent = client.post(
        f"/workbench/prereview/{application.number}/supplement/",
        {"materials": ["licence"], "note": "营业执照照片模糊，请重新拍摄"},
    )
    assert sent.status_code == 302
    # the agent sees the notice on the home page and the application's page, and answers it there
    sign_in(client, desk.agent)
    home = text(client.get("/workbench/"))
    assert application.number in home and "营业执照" in home
    page = client.get(f"/workbench/agent/applications/{application.number}/")
    assert "营业执照照片模糊" in text(page) and 'data-testid="supplement-submit"' in page.content.decode()
    upload = io.BytesIO(pdf(b"a sharp licence"))
    upload.name = "营业执照-新.pdf"
    client.post("/workbench/agent/scans/", {"material": "licence", "file": upload})
    fresh = MaterialFile.objects.get(original_name="营业执照-新.pdf")
    answered = client.post(
        f"/workbench/agent/applications/{application.number}/supplement/", {"scans": [str(fresh.pk)]}
    )
    assert answered.status_code == 302
    assert application.cases.get().state == CaseState.PREREVIEW
    old = MaterialFile.objects.get(original_name="licence-旧.pdf")
    assert old.superseded_by_id == fresh.pk and old.application_id == application.pk
    # the hall's pre-review shows both, the old one marked with when it was replaced; both open
    sign_in(client, desk.world.clerk)
    body = client.get(f"/workbench/prereview/{application.number}/").content.decode()
    row = re.search(r'data-testid="prereview-material-licence".*?</tr>', body, re.S).group(0)
    assert "licence-旧.pdf" in row and "营业执照-新.pdf" in row
    assert row.count('data-file-state="superseded"') == 1 and row.count('data-file-state="current"') == 1
    assert "已退回/已替换" in row and timezone.localtime(old.superseded_at).strftime("%Y-%m-%d %H:%M") in row
    assert row.index("licence-旧.pdf") < row.index("营业执照-新.pdf")
    assert all(client.get(url).status_code == 200 for url in links(row))
    # accepted: the case page keeps the trail of what was sent, marked the same way
    assert client.post(f"/workbench/prereview/{application.number}/accept/").status_code == 302
    case = application.cases.get()
    assert case.state in (CaseState.ACCEPTED, CaseState.IN_PROGRESS)
    body = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert "licence-旧.pdf" in body and "营业执照-新.pdf" in body and "已退回/已替换" in body
    assert body.count('data-file-state="superseded"') == 1
    assert MaterialFile.objects.filter(application=application).count() == 3  # nothing deleted
