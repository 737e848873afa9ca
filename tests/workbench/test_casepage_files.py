"""The case page's materials: each stored scan links to the permission-checked file view (in a
new tab), the signed 容缺 commitment shows with its letter and scan, and overdue 容缺 materials
stand out. Staff outside the case's scope get 404 for the files as for the case."""

from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest

from onewindow.cases import files, services
from onewindow.cases.models import Case, MaterialFile
from onewindow.core import clock
from onewindow.org.models import Role
from tests.factories.cases import item_with_procedure, submit
from tests.factories.org import DepartmentFactory, ServiceCenterFactory, StaffFactory
from tests.factories.scans import pdf, png
from tests.workbench.helpers import sign_in

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
SCAN = pdf(b"scan")
MONDAY = dt.datetime(2026, 11, 23, 10, tzinfo=TZ)
MATERIALS = [
    {"code": "id_card", "name": "身份证明"},
    {"code": "lease", "name": "场地租赁合同", "tolerable": True, "tolerance_days": 3},
]


@pytest.fixture
def scans_dir(settings, tmp_path):
    settings.ONEWINDOW_FILES_DIR = tmp_path / "files"
    return tmp_path / "files"


def _scan(world, code: str, content: bytes = SCAN, name: str = "scan.pdf") -> MaterialFile:
    return files.material_file_store(
        upload=io.BytesIO(content), name=name, material_code=code, actor=world.clerk
    )


def _tolerated_case(world, *, signed_scan: bool = False) -> Case:
    item, _version = item_with_procedure(
        center=world.center, department=world.department, materials=MATERIALS
    )
    application = submit(world, items=[item], materials=["id_card"])
    ids = [_scan(world, "id_card", name="身份证.pdf").pk]
    commitment = services.CommitmentIn(confirmed=True)
    if signed_scan:
        letter = _scan(world, services.COMMITMENT_CODE, png(b"signed"), "承诺书.png")
        ids.append(letter.pk)
        commitment = services.CommitmentIn(file_id=letter.pk)
    files.material_files_attach(application=application, file_ids=ids, actor=world.clerk)
    (case,) = services.application_intake(
        application=application, actor=world.clerk, commitment=commitment
    ).accepted_with_pending
    return case


def _links(page: str) -> list[str]:
    return re.findall(
        r'<a href="(/workbench/files/\d+/)" target="_blank" rel="noopener" data-testid="material-file"', page
    )


def test_every_stored_scan_links_to_the_checked_file_view_in_a_new_tab(client, world, scans_dir):
    with clock.frozen(MONDAY):
        case = _tolerated_case(world)
    scan = MaterialFile.objects.get(material_code="id_card")
    sign_in(client, world.approver)
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert _links(page) == [f"/workbench/files/{scan.pk}/"]
    assert "身份证.pdf" in page
    opened = client.get(f"/workbench/files/{scan.pk}/")
    assert opened.status_code == 200 and opened["Content-Type"] == "application/pdf"
    assert b"".join(opened.streaming_content) == SCAN


def test_staff_outside_the_case_scope_get_404_for_its_files(client, world, scans_dir):
    with clock.frozen(MONDAY):
        case = _tolerated_case(world, signed_scan=True)
    other_department = StaffFactory(
        center=world.center, department=DepartmentFactory(center=world.center), roles=[Role.APPROVER]
    )
    other_center = StaffFactory(center=ServiceCenterFactory(), roles=[Role.INTAKE_CLERK])
    scans = list(MaterialFile.objects.filter(application=case.application).values_list("pk", flat=True))
    assert len(scans) == 2  # the material's and the signed letter's
    for outsider in (other_department, other_center):
        sign_in(client, outsider)
        assert client.get(f"/workbench/cases/{case.number}/").status_code == 404
        for pk in scans:
            assert client.get(f"/workbench/files/{pk}/").status_code == 404, outsider
        assert client.get(f"/workbench/files/{max(scans) + 1000}/").status_code == 404  # none such: the same


def test_the_signed_commitment_shows_with_its_letter_and_its_scan(client, world, scans_dir):
    with clock.frozen(MONDAY):
        case = _tolerated_case(world, signed_scan=True)
    letter = MaterialFile.objects.get(material_code=services.COMMITMENT_CODE)
    sign_in(client, world.approver)
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert 'data-testid="commitment"' in page
    assert "签署件扫描存档" in page and world.clerk.name in page
    assert f'href="/workbench/files/{letter.pk}/" target="_blank"' in page
    assert f"/workbench/cases/{case.number}/notice/commitment.pdf" in page
    pdf = client.get(f"/workbench/cases/{case.number}/notice/commitment.pdf")
    assert pdf.status_code == 200
    from tests.cases.test_documents import _text

    text = _text(pdf.content)
    assert case.number in text and "场地租赁合同" in text and "签署件扫描存档" in text


def test_overdue_tolerated_materials_stand_out_on_the_case_page(client, world, scans_dir):
    with clock.frozen(MONDAY):
        case = _tolerated_case(world)
        sign_in(client, world.approver)
        page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert 'data-testid="overdue"' not in page  # due Thursday
    with clock.frozen(MONDAY + dt.timedelta(days=7)):
        sign_in(client, world.approver)
        page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert 'data-testid="overdue"' in page and "data-overdue" in page
    assert page.count('data-testid="overdue"') == 1  # the received one is not


def test_a_case_without_a_commitment_but_with_pending_materials_says_so(client, world, scans_dir):
    """Cases accepted before commitments were recorded, or by another channel."""
    item, _version = item_with_procedure(
        center=world.center, department=world.department, materials=MATERIALS
    )
    application = submit(world, items=[item], materials=["id_card"])
    application.channel = "proxy"
    application.save(update_fields=["channel"])
    (case,) = services.application_intake(application=application, actor=world.clerk).accepted_with_pending
    sign_in(client, world.approver)
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert 'data-testid="commitment-missing"' in page


def test_the_materials_cost_the_same_queries_with_many_scans(
    client, world, scans_dir, django_assert_max_num_queries
):
    with clock.frozen(MONDAY):
        case = _tolerated_case(world)
    sign_in(client, world.approver)
    client.get(f"/workbench/cases/{case.number}/")
    with django_assert_max_num_queries(18) as few:
        client.get(f"/workbench/cases/{case.number}/")
    for _ in range(4):
        row = _scan(world, "id_card")
        MaterialFile.objects.filter(pk=row.pk).update(application=case.application)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert len(_links(page)) == 5


def test_the_commitment_needs_to_be_the_applications_own_scan(world, scans_dir):
    item, _version = item_with_procedure(
        center=world.center, department=world.department, materials=MATERIALS
    )
    application = submit(world, items=[item], materials=["id_card"])
    loose = _scan(world, services.COMMITMENT_CODE)  # never attached to this application
    from onewindow.cases.errors import CaseError

    with pytest.raises(CaseError) as refused:
        services.application_intake(
            application=application, actor=world.clerk, commitment=services.CommitmentIn(file_id=loose.pk)
        )
    assert refused.value.field == "commitment"
    with pytest.raises(CaseError) as missing:
        services.application_intake(application=application, actor=world.clerk)
    assert (missing.value.code, missing.value.field) == ("COMMITMENT_REQUIRED", "commitment")
    application.refresh_from_db()
    assert {c.state for c in application.cases.all()} == {"submitted"}  # nothing written
