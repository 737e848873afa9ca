"""The intake screen (综合受理): each partial, hostile input, one case per double click, voiding."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import translation

from onewindow.cases.models import Application, CaseEvent, MaterialFile, ToleranceCommitment
from onewindow.org.models import Applicant, Role
from onewindow.workbench.intake import applicant_token
from tests.factories.cases import item_with_procedure, make_world
from tests.factories.intake import FIELDS as BASE_FIELDS
from tests.factories.intake import MATERIALS, earlier_intake, intake_desk
from tests.factories.org import (
    OrganisationApplicantFactory,
    ServiceCenterFactory,
    StaffFactory,
    with_id_check_digit,
)
from tests.factories.scans import pdf, png

pytestmark = pytest.mark.django_db
PASSWORD = "onewindow-test"
FIELDS = [*BASE_FIELDS[:2], {"key": "opening_date", "label": "开业日期", "kind": "date"}]


@pytest.fixture
def desk(db, settings, tmp_path):
    return intake_desk(settings, tmp_path / "files", fields=FIELDS)


def sign_in(client, staff) -> None:
    response = client.post("/workbench/login/", {"username": staff.user.username, "password": PASSWORD})
    assert response.status_code == 302


def post_intake(client, desk, action="accept", **over):
    data = {
        "action": action,
        "applicant": applicant_token(desk.applicant),
        "items": [str(desk.item.pk)],
        "idempotency_key": "key-" + action,
        "f_applicant_name": desk.applicant.name,
        "f_contact_phone": "13800138000",
        "f_opening_date": "2026年1月5日",
        "m_id_card": "paper",
        "m_licence": "electronic",
        "m_site": "paper",
        "delivery_method": "pickup",
    }
    data.update(over)
    return client.post("/workbench/intake/submit/", {k: v for k, v in data.items() if v is not None})


def test_the_screen_opens_for_intake_clerks_and_the_home_links_it(client, desk):
    sign_in(client, desk.clerk)
    page = client.get("/workbench/intake/").content.decode()
    assert 'data-wb-section="1"' in page and 'data-wb-section="4"' not in page  # 3/4 come with the items
    assert "data-wb-main-action" in page
    home = client.get("/workbench/").content.decode()
    assert "/workbench/intake/" in home


def test_find_a_returning_applicant_masked(client, desk, django_assert_max_num_queries):
    sign_in(client, desk.clerk)
    with django_assert_max_num_queries(8):
        response = client.get("/workbench/intake/applicant/", {"q": desk.applicant.id_number.lower()})
    body = response.content.decode()
    assert desk.applicant.name in body
    assert desk.applicant.id_number not in body and desk.applicant.masked_id_number in body


@pytest.mark.parametrize("q", ["", " ", "x" * 5000, "'; DROP TABLE--", "３７０１", "\x00"])
def test_hostile_applicant_searches_offer_registration(client, desk, q):
    sign_in(client, desk.clerk)
    response = client.get("/workbench/intake/applicant/", {"q": q})
    assert response.status_code == (400 if "\x00" in q else 200)  # the NUL guard answers first
    assert "data-applicant-found" not in response.content.decode()


def test_register_a_new_applicant_with_a_passport_and_refuse_a_malformed_one(client, desk):
    sign_in(client, desk.clerk)
    with translation.override("zh-hans"):
        bad = client.post(
            "/workbench/intake/applicant/new/",
            {"kind": "person", "name": "John Smith", "document_kind": "passport", "id_number": "EI1234567"},
        ).content.decode()
    assert "is-invalid" in bad and "John Smith" in bad  # the form keeps what was typed
    good = client.post(
        "/workbench/intake/applicant/new/",
        {"kind": "person", "name": "王五", "document_kind": "passport", "id_number": "e12345678"},
    ).content.decode()
    assert "data-applicant-found" in good
    assert Applicant.objects.get(name="王五").document_kind == "passport"
    again = client.post(
        "/workbench/intake/applicant/new/",
        {"kind": "person", "name": "王五", "document_kind": "passport", "id_number": "E12345678"},
    ).content.decode()
    assert "data-applicant-found" not in again  # registered once: the second is refused


@pytest.mark.parametrize("q", ["spjy", "SPJY", "食品", "TEST"])
def test_item_search_by_pinyin_initials_name_or_code_in_one_query(
    client, desk, q, django_assert_max_num_queries
):
    sign_in(client, desk.clerk)
    with django_assert_max_num_queries(9):  # session, user, staff, roles, items, bundles; idle write (3)
        response = client.get("/workbench/intake/items/", {"q": q})
    assert "食品经营许可" in response.content.decode()


def test_item_search_never_shows_another_centers_items(client, desk):
    other = make_world()
    sign_in(client, desk.clerk)
    body = client.get("/workbench/intake/items/", {"q": other.item.code}).content.decode()
    assert other.item.name not in body


def test_item_search_query_count_does_not_grow_with_the_catalog(client, desk, django_assert_max_num_queries):
    for _ in range(15):
        item_with_procedure(center=desk.center, department=desk.department)
    sign_in(client, desk.clerk)
    with django_assert_max_num_queries(9):
        response = client.get("/workbench/intake/items/", {"q": "cs"})  # 测试事项…
    assert response.content.decode().count("data-item-option") == 10


def test_the_work_area_asks_each_field_once_and_reuses_checked_originals(client, desk):
    earlier_intake(
        desk, {"applicant_name": "x", "contact_phone": "13800138000", "opening_date": "2026-01-05"}
    )
    earlier = Application.objects.get()
    sign_in(client, desk.clerk)
    body = client.get(
        "/workbench/intake/work/", {"add": desk.item.pk, "applicant": applicant_token(desk.applicant)}
    ).content.decode()
    assert body.count('name="f_contact_phone"') == 1
    assert "与原件核对无误" in body and earlier.number in body
    assert 'value="reused" selected' in body


def test_accept_with_everything_in(client, desk):
    sign_in(client, desk.clerk)
    response = post_intake(client, desk)
    body = response.content.decode()
    assert 'data-outcome="accepted"' in body
    application = Application.objects.get(applicant=desk.applicant)
    assert application.cases.get().state == "accepted"
    assert "notice/acceptance.pdf" in body


def test_the_acceptance_offers_the_back_office_as_the_next_step(client, desk):
    sign_in(client, desk.clerk)
    body = post_intake(client, desk).content.decode()
    case = Application.objects.get(applicant=desk.applicant).cases.get()
    box = re.search(r'data-testid="route-next">(.*?)</div>', body, re.S).group(1)
    assert "还没有送到部门" in box and "承诺时限照常计算" in box and "送后台办理" in box
    assert f'value="{case.pk}:{case.event_count}"' in box and 'name="back" value="intake"' in box
    routed = client.post(
        "/workbench/routing/send/", {"case": f"{case.pk}:{case.event_count}", "back": "intake"}
    )
    assert routed.status_code == 302 and routed["Location"] == "/workbench/intake/"
    case.refresh_from_db()
    assert case.state == "in_progress"
    assert CaseEvent.objects.filter(case=case, action="route").count() == 1
    assert "1件已送后台办理" in client.get("/workbench/intake/").content.decode()


def test_a_double_clicked_accept_makes_one_case(client, desk):
    sign_in(client, desk.clerk)
    first = post_intake(client, desk)
    second = post_intake(client, desk)
    assert 'data-outcome="accepted"' in first.content.decode()
    assert 'data-outcome="accepted"' in second.content.decode()
    assert Application.objects.filter(applicant=desk.applicant).count() == 1


def test_accept_with_a_tolerated_material_needs_the_signed_commitment(client, desk):
    sign_in(client, desk.clerk)
    refused = post_intake(client, desk, "accept_with_pending", m_site="tolerated").content.decode()
    assert 'data-testid="error-commitment"' in refused
    with translation.override("zh-hans"):
        assert "容缺受理承诺书" in refused  # the field-named error, in Chinese
    assert not Application.objects.exists()
    assert not ToleranceCommitment.objects.exists()
    body = post_intake(
        client, desk, "accept_with_pending", m_site="tolerated", commitment_signed="on"
    ).content.decode()
    assert 'data-outcome="accepted_with_pending"' in body
    assert "notice/commitment.pdf" in body
    case = Application.objects.get().cases.get()
    assert case.pending_materials_due is not None
    commitment = ToleranceCommitment.objects.get(application=case.application)
    assert commitment.confirmed and commitment.file is None and commitment.recorded_by == desk.clerk
    assert commitment.materials == [
        {"code": "site", "name": "经营场所使用证明", "due": case.pending_materials_due.isoformat()}
    ]
    event = CaseEvent.objects.get(case=case, action="accept_with_pending")
    assert event.data["commitment"] == {"id": commitment.pk, "confirmed": True, "file": None}


@pytest.mark.parametrize("value", ["", "off", "yes", "ON", "on\x00", "x" * 10_000])
def test_anything_but_the_tick_is_no_commitment(client, desk, value):
    sign_in(client, desk.clerk)
    body = post_intake(client, desk, "accept_with_pending", m_site="tolerated", commitment_signed=value)
    assert 'data-testid="error-commitment"' in body.content.decode() or body.status_code == 400
    assert not Application.objects.exists()


def _upload(client, code, content, name="signed.pdf", scans=()):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post("/workbench/intake/scans/", {"material": code, "file": upload, "scans": list(scans)})


def test_the_scan_of_the_signed_letter_records_the_commitment(client, desk):
    sign_in(client, desk.clerk)
    assert "data-scan-error" not in _upload(client, "_commitment", pdf(b"signed")).content.decode()
    scan = MaterialFile.objects.get(material_code="_commitment")
    body = post_intake(
        client, desk, "accept_with_pending", m_site="tolerated", scans=[str(scan.pk)]
    ).content.decode()
    assert 'data-outcome="accepted_with_pending"' in body
    commitment = ToleranceCommitment.objects.get()
    assert commitment.file == scan and not commitment.confirmed
    scan.refresh_from_db()
    assert scan.application == commitment.application
    case = commitment.application.cases.get()
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert f"/workbench/files/{scan.pk}/" in page and 'data-testid="commitment-scan"' in page
    assert f"/workbench/cases/{case.number}/notice/commitment.pdf" in page
    letter = client.get(f"/workbench/cases/{case.number}/notice/commitment.pdf")
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00 an exe", "signed.pdf"),
        (b"", "signed.png"),
        (b"GIF89a", "signed.gif"),
        (pdf(b"signed")[:-6], "signed.pdf"),
        (png()[:-1], "signed.png"),
    ],
    ids=["exe-named-pdf", "empty", "gif", "cut-pdf", "cut-png"],
)
def test_a_signed_letter_of_the_wrong_type_is_refused_and_records_nothing(client, desk, content, name):
    sign_in(client, desk.clerk)
    assert "data-scan-error" in _upload(client, "_commitment", content, name).content.decode()
    assert not MaterialFile.objects.exists()
    body = post_intake(client, desk, "accept_with_pending", m_site="tolerated").content.decode()
    assert 'data-testid="error-commitment"' in body


def test_a_huge_signed_letter_is_refused(client, desk, monkeypatch):
    from onewindow.cases import files

    monkeypatch.setattr(files, "MAX_FILE_BYTES", 64 * 1024)
    sign_in(client, desk.clerk)
    body = _upload(client, "_commitment", pdf(b"0" * (200 * 1024))).content.decode()
    assert "data-scan-error" in body
    assert not MaterialFile.objects.exists()
    assert not [p for p in files.files_dir().iterdir() if p.is_file()]  # nothing half-written kept


def test_someone_elses_scan_is_no_commitment(client, desk):
    other = StaffFactory(center=desk.center, roles=[Role.INTAKE_CLERK])
    other.user.set_password(PASSWORD)
    other.user.save()
    sign_in(client, other)
    _upload(client, "_commitment", pdf(b"theirs"))
    theirs = MaterialFile.objects.get()
    client.logout()
    sign_in(client, desk.clerk)
    body = post_intake(
        client, desk, "accept_with_pending", m_site="tolerated", scans=[str(theirs.pk)]
    ).content.decode()
    assert 'data-testid="error-commitment"' in body
    assert not Application.objects.exists()
    theirs.refresh_from_db()
    assert theirs.application is None


def test_the_commitment_letter_prints_from_the_checklist_before_acceptance(client, desk):
    sign_in(client, desk.clerk)
    query = {
        "print_applicant": applicant_token(desk.applicant),
        "items": [str(desk.item.pk)],
        "m_site": "tolerated",
        "m_id_card": "paper",
    }
    response = client.get("/workbench/intake/commitment.pdf", query)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    from tests.cases.test_documents import _text

    text = _text(response.content)
    assert "容缺受理承诺书" in text and "经营场所使用证明" in text and "受理后编号" in text
    assert desk.applicant.name in text
    # Nothing marked 容缺, no applicant, a forged applicant: nothing to print.
    assert client.get("/workbench/intake/commitment.pdf", {**query, "m_site": "paper"}).status_code == 400
    assert client.get("/workbench/intake/commitment.pdf", {**query, "print_applicant": ""}).status_code == 400
    assert (
        client.get("/workbench/intake/commitment.pdf", {**query, "print_applicant": "1:forged"}).status_code
        == 400
    )
    assert not Application.objects.exists()


def test_a_material_that_may_not_follow_cannot_be_tolerated(client, desk):
    sign_in(client, desk.clerk)
    body = post_intake(client, desk, "accept_with_pending", m_licence="tolerated").content.decode()
    assert 'data-testid="error-m_licence"' in body
    assert not Application.objects.exists()


def test_errors_are_inline_by_field_and_keep_what_was_typed(client, desk):
    sign_in(client, desk.clerk)
    with translation.override("zh-hans"):
        body = post_intake(
            client, desk, f_opening_date="明天", f_applicant_name="", f_contact_phone="１３８" + "零" * 3000
        ).content.decode()
    assert 'data-testid="error-opening_date"' in body and 'data-testid="error-applicant_name"' in body
    assert 'value="明天"' in body  # kept as typed
    assert "开业日期" in body
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "over",
    [
        {"action": ""},
        {"action": "delete_everything"},
        {"applicant": ""},
        {"applicant": "999999999"},
        {"applicant": "-1"},
        {"applicant": "1:forged:signature"},
        {"items": []},
        {"items": ["abc", "1" * 40]},
        {"m_id_card": "nonsense"},
        {"delivery_method": "teleport"},
        {"delivery_method": "mail", "delivery_address": ""},
        {"agent_name": "张三", "agent_document_number": "123"},
        {"action": "supplement"},  # nothing is missing
        {"action": "accept_with_pending", "m_licence": "missing"},  # that one may not follow
        {"action": "accept", "m_site": "tolerated", "commit_site": "on"},
        {"f_contact_phone": "1" * 3000},
    ],
)
def test_hostile_submissions_write_nothing(client, desk, over):
    sign_in(client, desk.clerk)
    response = post_intake(client, desk, **over)
    assert response.status_code == 200
    assert "data-intake-result" not in response.content.decode()
    assert not Application.objects.exists()


def test_an_organisation_brings_its_agent_recorded_masked(client, desk):
    company = OrganisationApplicantFactory()
    sign_in(client, desk.clerk)
    found = client.get("/workbench/intake/applicant/", {"q": company.uscc}).content.decode()
    assert 'data-testid="agent"' in found
    missing = post_intake(client, desk, applicant=applicant_token(company)).content.decode()
    assert 'data-testid="error-agent"' in missing
    hk = with_id_check_digit("81000019900101002")
    body = post_intake(
        client,
        desk,
        applicant=applicant_token(company),
        agent_name="陈大文",
        agent_document_kind="hk_macao_residence",
        agent_document_number=hk,
        agent_mobile="13900139000",
    ).content.decode()
    assert 'data-outcome="accepted"' in body
    application = Application.objects.get(applicant=company)
    assert (application.agent_name, application.agent_document_kind) == ("陈大文", "hk_macao_residence")
    assert application.agent_document_number == hk and hk not in body


def test_one_time_notice_of_everything_missing(client, desk):
    sign_in(client, desk.clerk)
    body = post_intake(client, desk, "supplement", m_licence="missing").content.decode()
    assert 'data-outcome="supplement"' in body and "notice/supplement.pdf" in body
    assert Application.objects.get().cases.get().state == "pending_supplement"


def test_refusal_needs_reasons_and_basis_and_links_its_notice(client, desk):
    sign_in(client, desk.clerk)
    body = post_intake(client, desk, "refuse", reasons="", legal_basis="").content.decode()
    assert 'data-testid="error-reasons"' in body and 'data-testid="error-legal_basis"' in body
    body = post_intake(
        client, desk, "refuse", reasons="不属于本机关职权范围", legal_basis="《行政许可法》第三十二条"
    ).content.decode()
    assert 'data-outcome="refused"' in body
    case = Application.objects.get().cases.get()
    assert case.state == "refused"
    pdf = client.get(f"/workbench/cases/{case.number}/notice/refusal.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_an_immediate_item_completes_on_the_spot(client, db, settings, tmp_path):
    world = make_world(case_kind="immediate", materials=[{"code": "id_card", "name": "身份证明"}])
    sign_in(client, world.clerk)
    body = client.post(
        "/workbench/intake/submit/",
        {
            "action": "accept",
            "applicant": applicant_token(world.applicant),
            "items": [str(world.item.pk)],
            "idempotency_key": "k",
            "m_id_card": "paper",
        },
    ).content.decode()
    assert 'data-outcome="completed"' in body
    assert 'data-testid="route-next"' not in body  # decided at the window: no back office


def test_void_the_same_day_by_the_clerk_later_by_an_admin(client, desk):
    sign_in(client, desk.clerk)
    post_intake(client, desk)
    application = Application.objects.get()
    empty = client.post("/workbench/intake/void/", {"application": application.number, "reason": ""})
    assert 'data-testid="void-error"' in empty.content.decode()
    other = StaffFactory(center=desk.center, roles=[Role.INTAKE_CLERK])
    client.post("/workbench/logout/")
    sign_in(client, other)
    refused = client.post("/workbench/intake/void/", {"application": application.number, "reason": "录错"})
    assert 'data-testid="void-error"' in refused.content.decode()
    client.post("/workbench/logout/")
    sign_in(client, desk.admin)
    body = client.post(
        "/workbench/intake/void/", {"application": application.number, "reason": "申请人录错"}
    ).content.decode()
    assert 'data-outcome="voided"' in body
    case = application.cases.get()
    assert case.state == "voided"
    event = CaseEvent.objects.get(case=case, action="void")
    assert event.data["reason"] == "申请人录错"


def test_void_of_another_centers_application_is_not_found(client, desk):
    sign_in(client, desk.clerk)
    post_intake(client, desk)
    application = Application.objects.get()
    outsider = StaffFactory(center=ServiceCenterFactory(), roles=[Role.CENTER_ADMIN])
    client.post("/workbench/logout/")
    sign_in(client, outsider)
    body = client.post("/workbench/intake/void/", {"application": application.number, "reason": "x"})
    assert 'data-testid="void-error"' in body.content.decode()
    assert application.cases.get().state == "accepted"


def test_scans_are_checked_by_content_stored_outside_media_and_scoped(client, desk, settings):
    sign_in(client, desk.clerk)
    fake = io.BytesIO(b"MZ\x90\x00 not a pdf")
    fake.name = "scan.pdf"
    body = client.post("/workbench/intake/scans/", {"material": "id_card", "file": fake}).content.decode()
    assert "data-scan-error" in body
    empty = io.BytesIO(b"")
    empty.name = "empty.png"
    assert (
        "data-scan-error"
        in client.post("/workbench/intake/scans/", {"material": "id_card", "file": empty}).content.decode()
    )
    assert (
        "data-scan-error" in client.post("/workbench/intake/scans/", {"material": "id_card"}).content.decode()
    )
    photo = io.BytesIO(png())
    photo.name = "../../etc/passwd"
    body = client.post("/workbench/intake/scans/", {"material": "id_card", "file": photo}).content.decode()
    scan = MaterialFile.objects.get()
    assert scan.content_type == "image/png" and scan.original_name == "passwd"
    assert (settings.ONEWINDOW_FILES_DIR / scan.stored_name).exists()
    assert str(settings.MEDIA_ROOT) not in str(settings.ONEWINDOW_FILES_DIR)
    assert client.get(f"/workbench/files/{scan.pk}/").status_code == 200
    post_intake(client, desk, scans=[str(scan.pk)])
    scan.refresh_from_db()
    assert scan.application is not None
    approver_elsewhere = StaffFactory(center=ServiceCenterFactory(), roles=[Role.INTAKE_CLERK])
    client.post("/workbench/logout/")
    sign_in(client, approver_elsewhere)
    assert client.get(f"/workbench/files/{scan.pk}/").status_code == 404


def test_too_many_scans_for_one_material_are_refused(client, desk):
    sign_in(client, desk.clerk)
    ids = []
    for n in range(6):
        scan = io.BytesIO(pdf(bytes([n])))
        scan.name = f"{n}.pdf"
        body = client.post(
            "/workbench/intake/scans/", {"material": "id_card", "file": scan, "scans": ids}
        ).content.decode()
        if n < 5:
            ids.append(str(MaterialFile.objects.latest("pk").pk))
    assert "data-scan-error" in body
    assert MaterialFile.objects.count() == 5


def test_other_roles_do_not_get_the_clerk_partials(client, desk):
    sign_in(client, desk.approver)
    assert client.get("/workbench/intake/").status_code == 403
    assert client.get("/workbench/intake/items/", {"q": "spjy"}).status_code == 403
    assert post_intake(client, desk).status_code == 403


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_accepts_racing_with_one_key_make_one_case(settings, tmp_path):
    from django.test import Client

    from tests.threads import race

    desk = intake_desk(settings, tmp_path / "files", fields=FIELDS)
    clients = [Client(), Client()]
    for c in clients:
        sign_in(c, desk.clerk)
    results = race([lambda c=c: post_intake(c, desk).content.decode() for c in clients])
    assert all(isinstance(r, str) and 'data-outcome="accepted"' in r for r in results), results
    assert Application.objects.filter(applicant=desk.applicant).count() == 1
    assert CaseEvent.objects.filter(action="accept").count() == 1


def test_a_bundle_brings_its_items_with_each_shared_question_once(client, desk):
    from onewindow.catalog.services import bundle_create

    second, _version = item_with_procedure(
        center=desk.center, department=desk.department, form_fields=FIELDS[:2], materials=MATERIALS[:1]
    )
    bundle = bundle_create(
        center=desk.center, code="KCG-0001", name="开餐馆一件事", items=[desk.item, second]
    )
    sign_in(client, desk.clerk)
    found = client.get("/workbench/intake/items/", {"q": "开餐馆"}).content.decode()
    assert f"bundle={bundle.pk}" in found
    body = client.get("/workbench/intake/work/", {"bundle": bundle.pk}).content.decode()
    assert body.count('name="f_applicant_name"') == 1 and body.count('name="m_id_card"') == 1
    response = post_intake(client, desk, items=[], bundle=str(bundle.pk)).content.decode()
    assert 'data-outcome="accepted"' in response
    assert Application.objects.get().cases.count() == 2


def test_two_items_show_the_engines_merged_checklist(client, desk):
    """容缺 only where every item requiring it tolerates it, due after the shortest days;
    告知承诺 only where every item asking for it allows it (cases.plans.merged_materials)."""
    from onewindow.core import calendar, clock

    first, _v = item_with_procedure(
        center=desk.center,
        department=desk.department,
        materials=[
            {"code": "site", "name": "场所证明", "tolerable": True, "tolerance_days": 10},
            {"code": "strict", "name": "严格材料", "tolerable": True},
            {"code": "proof", "name": "证明", "commitment_allowed": True},
        ],
    )
    second, _v = item_with_procedure(
        center=desk.center,
        department=desk.department,
        materials=[
            {"code": "site", "name": "场所证明", "tolerable": True, "tolerance_days": 5},
            {"code": "strict", "name": "严格材料"},
            {"code": "proof", "name": "证明"},
        ],
    )
    sign_in(client, desk.clerk)
    query = {"items": [str(first.pk), str(second.pk)], "applicant": applicant_token(desk.applicant)}
    body = client.get("/workbench/intake/work/", query).content.decode()
    found = re.findall(r'data-tolerable="(\d)" data-name="([^"]+)"', body)
    rows = {name: tolerable for tolerable, name in found}
    assert rows == {"场所证明": "1", "严格材料": "0", "证明": "0"}
    assert calendar.add_working_days(clock.today(), 5).isoformat() in body  # B's 5 days, not A's 10
    assert calendar.add_working_days(clock.today(), 10).isoformat() not in body
    assert 'value="committed"' not in body  # only the first item allows it for 证明
    refused = post_intake(client, desk, items=[str(first.pk), str(second.pk)], m_strict="tolerated").content
    assert 'data-testid="error-m_strict"' in refused.decode()
    assert not Application.objects.exists()
