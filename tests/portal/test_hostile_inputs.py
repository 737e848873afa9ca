"""Every input surface of the citizen portal as a hostile visitor uses it: empty, missing, huge,
malformed, NUL-bearing and odd unicode values, hostile uploads, repeated and concurrent submits.

Each answer is a page (200, a redirect, or a 400/404 that says what is wrong), never a 500, and a
refused request leaves nothing stored. A NUL anywhere in what is sent is refused at the edge
(core.middleware.RejectNulCharacters) with a 400 naming the field, before any view or query."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from onewindow.cases import files
from onewindow.cases.models import Application, CaseEvent, MaterialFile
from onewindow.org.models import Applicant, MobileCode, PortalAccount
from tests.factories.scans import jpeg
from tests.factories.scans import pdf as scan_pdf
from tests.hostile import MB, ODD, nul_refused
from tests.portal.conftest import PASSWORD, PDF, PNG
from tests.portal.test_apply import GOOD, apply_url, full_draft, pdf, start
from tests.threads import race
from tests.workbench.helpers import text

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
# ------------------------------------------------------------------ browse and search (GET)


@pytest.mark.parametrize("value", list(ODD.values()), ids=list(ODD))
@pytest.mark.parametrize("param", ["q", "page", "sector", "category", "department"])
def test_the_service_search_answers_any_value_of_any_parameter(client, catalog, param, value):
    response = client.get("/services/", {param: value}, **ZH)
    assert response.status_code in (200, 400)
    if response.status_code == 400:  # a browse filter that is not an id or a category offered
        assert param in ("sector", "category") and value.strip()
        assert "请从下面的列表中选择" in text(response) or "筛选" in text(response)


@pytest.mark.parametrize("url", ["/services/", "/progress/", "/display/", "/lists/"])
def test_ten_thousand_repeated_parameters_are_a_400_that_says_so(client, catalog, url):
    response = client.get(url, {"q": ["营业执照"] * 10_000}, **ZH)
    assert response.status_code == 400
    assert "字段或文件过多" in text(response)


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/services/?q=营业%00执照", "q"),
        ("/services/?page=1%00", "page"),
        ("/services/?sector%00=1", "sector"),
        ("/progress/?number=SQ%00&id_last4=1234", "number"),
        ("/progress/?id_last4=12%0034", "id_last4"),
        ("/lists/?page=%00", "page"),
    ],
)
def test_a_nul_in_a_query_parameter_is_a_400_naming_it(client, catalog, url, field):
    nul_refused(client.get(url, **ZH), field)


def test_a_client_asking_for_json_gets_the_stable_error_shape(client, catalog):
    response = client.get("/services/?q=%00", HTTP_ACCEPT="application/json", **ZH)
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    (error,) = json.loads(response.content)["errors"]
    assert error["field"] == "q" and error["code"] == "NUL_CHARACTER"
    assert error["message"] == "“搜索内容”中含有不可见的空字符（NUL），无法保存：请删除后重新提交。"


@pytest.mark.parametrize("value", list(ODD.values()), ids=list(ODD))
@pytest.mark.parametrize("param", ["number", "code", "name", "id_last4"])
def test_the_progress_search_answers_any_value(client, catalog, param, value):
    response = client.get("/progress/", {"number": "SQ20260101000001", param: value}, **ZH)
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("value", ["", "garbage", "99999999999999999999-1", "1-99999999999999999999", MB])
def test_the_guide_and_its_situation_answers_take_any_value(client, situation_desk, value):
    code = situation_desk.item.code
    for url in (f"/services/{code}/", f"/services/{code}/materials/"):
        response = client.get(url, {"s_apply_kind": value, "s_who": value, "s_nosuch": value}, **ZH)
        assert response.status_code in (200, 404)


@pytest.mark.parametrize("pk", ["0", "99999999999999999999", "-1"])
def test_a_list_that_does_not_exist_is_a_404(client, catalog, pk):
    assert client.get(f"/lists/{pk}/", **ZH).status_code == 404


@pytest.mark.parametrize("page", ["-1", "0", "99999999999999999999", "abc", MB])
def test_a_list_page_number_of_any_shape_shows_a_page(client, catalog, page):
    from onewindow.catalog.models import CatalogList

    listing = CatalogList.objects.filter(published_on__isnull=False).first()
    assert client.get(f"/lists/{listing.pk}/", {"page": page}, **ZH).status_code == 200


# ------------------------------------------------------------------ accounts


@pytest.mark.parametrize(
    ("url", "data", "field"),
    [
        ("/account/login/", {"username": "13800138000\x00", "password": PASSWORD}, "username"),
        ("/account/login/", {"username": "13800138000", "password": "pw\x00"}, "password"),
        ("/account/login/", {"username": "13800138000", "password": PASSWORD, "next": "/my/\x00"}, "next"),
        ("/account/signup/", {"step": "send", "mobile": "1390013\x009000", "kind": "person"}, "mobile"),
        ("/account/signup/", {"step": "send", "mobile": "13900139000", "kind": "person\x00"}, "kind"),
        ("/account/signup/", {"step": "create", "code": "1234\x0056", "password": "x"}, "code"),
        ("/account/reset/", {"step": "send", "mobile": "13800138000\x00"}, "mobile"),
        (
            "/account/reset/",
            {"step": "set", "code": "123456", "password": "a\x00b", "password_again": "a"},
            "password",
        ),
    ],
)
def test_a_nul_in_an_account_form_is_a_400_naming_the_field_and_nothing_is_sent(
    client, qiuju, url, data, field
):
    before = MobileCode.objects.count(), PortalAccount.objects.count()
    nul_refused(client.post(url, data, **ZH), field)
    assert (MobileCode.objects.count(), PortalAccount.objects.count()) == before
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("value", list(ODD.values()), ids=list(ODD))
@pytest.mark.parametrize("field", ["mobile", "kind", "step"])
def test_signup_step_one_answers_any_value_and_texts_nothing_for_a_bad_number(client, field, value):
    data = {"step": "send", "mobile": "13900139000", "kind": "person", field: value}
    response = client.post("/account/signup/", data, **ZH)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert not MobileCode.objects.exists()


@pytest.mark.parametrize("value", list(ODD.values()), ids=list(ODD))
@pytest.mark.parametrize("field", ["code", "password", "password_again"])
def test_signup_step_two_refuses_any_bad_value_and_opens_no_account(client, field, value):
    assert (
        client.post(
            "/account/signup/", {"step": "send", "mobile": "13900139000", "kind": "person"}
        ).status_code
        == 200
    )
    data = {
        "step": "create",
        "code": "000000",
        "password": "a-long-pass-1992",
        "password_again": "a-long-pass-1992",
    }
    response = client.post("/account/signup/", {**data, field: value}, **ZH)
    assert response.status_code == 400
    assert not PortalAccount.objects.exists()


@pytest.mark.parametrize("value", list(ODD.values()), ids=list(ODD))
@pytest.mark.parametrize("field", ["username", "password", "next"])
def test_sign_in_answers_any_value(client, qiuju, field, value):
    data = {"username": "13800138000", "password": "wrong-password", "next": "/my/", field: value}
    assert client.post("/account/login/", data, **ZH).status_code in (200, 429)
    assert "_auth_user_id" not in client.session


@pytest.fixture
def bare(client):
    from onewindow.org.accounts import account_create

    account = account_create(mobile="13900139000", password=PASSWORD)
    client.force_login(account.user, backend="onewindow.org.identity.PortalAccountBackend")
    return account


IDENTITY = {"name": "秋菊", "document_kind": "resident_id", "id_number": "11010519491231002X"}


@pytest.mark.parametrize("value", list(ODD.values()), ids=list(ODD))
@pytest.mark.parametrize("field", ["name", "document_kind", "id_number", "email", "address"])
def test_the_identity_page_refuses_bad_values_by_field_and_declares_nothing(client, bare, field, value):
    before = Applicant.objects.count()
    response = client.post(
        "/my/identity/", {**IDENTITY, "id_number": "110105194912310021", field: value}, **ZH
    )
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert Applicant.objects.count() == before
        assert 'data-testid="error-' in response.content.decode() or "请" in text(response)


@pytest.mark.parametrize("field", ["name", "document_kind", "id_number", "email", "address", "next"])
def test_a_nul_on_the_identity_page_is_a_400_naming_it(client, bare, field):
    before = Applicant.objects.count()
    nul_refused(client.post("/my/identity/", {**IDENTITY, field: "a\x00"}, **ZH), field)
    assert Applicant.objects.count() == before


@pytest.mark.parametrize("value", [*ODD.values(), "123456\x00"], ids=[*ODD, "nul"])
def test_the_bind_page_refuses_any_bad_code(signed_in, value):
    response = signed_in.post("/my/bind/", {"code": value}, **ZH)
    assert response.status_code == 400
    if "\x00" in value:
        nul_refused(response, "code")


# ------------------------------------------------------------------ my cases


@pytest.mark.parametrize(
    "after",
    ["", "garbage", "-", "1-", "-1--1", "99999999999999999999-99999999999999999999", "１-１", MB[:5000]],
)
def test_my_cases_take_any_cursor(signed_in, after):
    assert signed_in.get("/my/cases/", {"after": after}, **ZH).status_code == 200


def test_a_nul_in_the_cursor_is_a_400_naming_it(signed_in):
    nul_refused(signed_in.get("/my/cases/?after=1-%00", **ZH), "after")


@pytest.mark.parametrize(
    "url",
    [
        "/my/cases/SQ20260101000001/notice/acceptance.pdf",
        "/my/cases/99999999999999999999/notice/x.pdf",
        "/my/cases/%F0%A0%80%80/notice/%E2%80%AE.pdf",
        "/my/files/99999999999999999999/",
        "/my/files/0/",
    ],
)
def test_notice_and_file_addresses_of_any_shape_are_a_404(signed_in, url):
    assert signed_in.get(url, **ZH).status_code == 404


# ------------------------------------------------------------------ applying


@pytest.mark.parametrize(
    "field",
    [
        "f_business_name",
        "f_staff_count",
        "f_opening_date",
        "delivery_method",
        "delivery_address",
        "action",
        "idempotency_key",
    ],
)
def test_a_nul_in_any_apply_field_is_a_400_naming_it_and_no_draft_is_made(signed_in, desk, field):
    data = {**GOOD, "action": "save", field: "秋菊\x00"}
    nul_refused(signed_in.post(apply_url(desk), {**data, "file_id_card": pdf()}, **ZH), field)
    assert not Application.objects.exists() and not MaterialFile.objects.exists()


@pytest.mark.parametrize("field", ["idempotency_key", "f_business_name", "delivery_address", "action"])
def test_a_nul_on_submit_is_a_400_naming_the_field_and_the_draft_stays_as_it_was(signed_in, desk, field):
    application = full_draft(signed_in, desk)
    form_before = Application.objects.get(pk=application.pk).form
    url = reverse("portal:application", args=[application.number])
    data = {**GOOD, "action": "submit", "idempotency_key": "k-1", field: "a\x00b"}
    nul_refused(signed_in.post(url, data, **ZH), field)
    application.refresh_from_db()
    assert application.cases.get().state == "draft" and application.form == form_before
    assert application.idempotency_key in ("", None)


@pytest.mark.parametrize("value", list(ODD.values()), ids=list(ODD))
@pytest.mark.parametrize("field", ["f_business_name", "f_staff_count", "f_opening_date", "delivery_method"])
def test_any_odd_answer_is_saved_or_refused_beside_its_field_never_a_500(signed_in, desk, field, value):
    _application, response = start(signed_in, desk, {field: value})
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert 'data-testid="error-' in response.content.decode()


@pytest.mark.parametrize("key", ["", " ", "k" * 100_000, "🍜" * 64, "\u202e" * 10])
def test_any_idempotency_key_submits_once_or_is_refused(signed_in, desk, key):
    application = full_draft(signed_in, desk)
    url = reverse("portal:application", args=[application.number])
    first = signed_in.post(url, {**GOOD, "action": "submit", "idempotency_key": key}, **ZH)
    again = signed_in.post(url, {**GOOD, "action": "submit", "idempotency_key": key}, **ZH)
    assert first.status_code in (302, 400) and again.status_code in (302, 400)
    assert Application.objects.count() == 1
    state = application.cases.get().state
    assert state == ("draft" if not key.strip() else "prereview")
    assert CaseEvent.objects.filter(case__application=application, action="submit").count() == (
        0 if not key.strip() else 1
    )


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("../../../../etc/passwd.pdf", PDF),
        ("..\\..\\windows\\system32\\x.pdf", PDF),
        ("/absolute/path.pdf", PDF),
        ("名" * 400 + ".pdf", PDF),
        ("\u202egpj.pdf", PDF),
        ("𠀀🍜.pdf", PDF),
    ],
)
def test_an_upload_name_never_leaves_the_files_folder_and_is_kept_short(signed_in, desk, name, body):
    application, response = start(
        signed_in, desk, file_id_card=SimpleUploadedFile(name, body, "application/pdf")
    )
    assert response.status_code == 302
    stored = MaterialFile.objects.get()
    assert "/" not in stored.stored_name and "\\" not in stored.stored_name
    assert len(stored.original_name) <= 200 and "/" not in stored.original_name
    assert [p.name for p in files.files_dir().rglob("*") if p.is_file()] == [stored.stored_name] or all(
        files.files_dir() in p.parents for p in files.files_dir().rglob("*")
    )


def test_a_nul_in_an_upload_name_never_reaches_the_database(signed_in, desk):
    upload = SimpleUploadedFile("id\x00.pdf", PDF, "application/pdf")
    response = signed_in.post(apply_url(desk), {**GOOD, "action": "save", "file_id_card": upload}, **ZH)
    assert response.status_code == 302  # Django's multipart parser drops it from the name
    assert MaterialFile.objects.get().original_name == "id.pdf"


@pytest.mark.parametrize(
    ("name", "body", "content_type"),
    [
        ("empty.pdf", b"", "application/pdf"),
        ("polyglot.pdf", b"GIF89a" + PDF, "application/pdf"),
        ("cut.pdf", PDF[: len(PDF) // 2], "application/pdf"),
        ("cut.png", PNG[:-4], "image/png"),
        ("cut.jpg", jpeg()[:-2], "image/jpeg"),
        ("html.pdf", b"<!doctype html><script>alert(1)</script>", "application/pdf"),
        ("zip.pdf", b"PK\x03\x04" + b"\x00" * 100, "application/pdf"),
        ("elf.png", b"\x7fELF" + b"\x00" * 100, "image/png"),
    ],
)
def test_empty_truncated_polyglot_and_mislabelled_files_are_refused_by_material(
    signed_in, desk, name, body, content_type
):
    application, response = start(signed_in, desk, file_id_card=SimpleUploadedFile(name, body, content_type))
    assert response.status_code == 400
    assert 'data-testid="error-material-id_card"' in response.content.decode()
    assert not MaterialFile.objects.exists()


def test_a_file_one_byte_over_the_limit_is_refused_and_one_at_the_limit_is_kept(signed_in, desk, monkeypatch):
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 4096)
    over = pdf("over.pdf", scan_pdf(b"0" * (4096 - len(scan_pdf(b"")) + 1)))
    _application, response = start(signed_in, desk, file_id_card=over)
    assert response.status_code == 400 and "MB" in text(response)
    assert not MaterialFile.objects.exists()
    at = pdf("at.pdf", scan_pdf(b"0" * (4096 - len(scan_pdf(b"")))))
    application = Application.objects.get()
    url = reverse("portal:application", args=[application.number])
    assert signed_in.post(url, {**GOOD, "action": "save", "file_id_card": at}, **ZH).status_code == 302
    assert MaterialFile.objects.get().size == 4096


def test_the_same_file_twice_is_kept_twice_at_most_the_limit(signed_in, desk):
    application, _ = start(signed_in, desk, file_id_card=[pdf(), pdf()])
    assert MaterialFile.objects.filter(application=application).count() == 2


def test_ten_thousand_fields_on_the_form_are_a_400_and_nothing_is_stored(signed_in, desk):
    response = signed_in.post(apply_url(desk), {**GOOD, "action": "save", "f_extra": ["x"] * 10_000}, **ZH)
    assert response.status_code == 400 and "字段或文件过多" in text(response)
    assert not Application.objects.exists()


@pytest.mark.parametrize("field", ["reason"])
def test_a_nul_in_a_withdrawal_reason_is_a_400_and_nothing_changes(signed_in, desk, field):
    application = full_draft(signed_in, desk)
    url = reverse("portal:application_withdraw", args=[application.number])
    nul_refused(signed_in.post(url, {field: "不办了\x00"}, **ZH), field)
    assert application.cases.get().state == "draft"


def test_a_nul_in_a_situation_answer_is_a_400_naming_it(signed_in, situation_desk):
    url = reverse("portal:apply", args=[situation_desk.item.code])
    nul_refused(
        signed_in.post(url, {"s_who": "org\x00", "s_apply_kind": "new", "action": "save"}, **ZH), "s_who"
    )
    assert not Application.objects.exists()


@pytest.mark.parametrize("file_id", ["0", "99999999999999999999", "-1", "1\x00"])
def test_removing_a_file_that_is_not_there_says_so_and_nothing_changes(signed_in, desk, file_id):
    application = full_draft(signed_in, desk)
    kept = MaterialFile.objects.count()
    url = f"/my/applications/{application.number}/files/{file_id}/remove/"
    response = signed_in.post(url, follow=True, **ZH)
    if file_id in ("-1", "1\x00"):  # not an address of the portal (<int:…> takes digits only)
        assert response.status_code in (400, 404)
    else:
        assert response.status_code == 200 and response.redirect_chain
    assert MaterialFile.objects.count() == kept


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_key", [True, False], ids=["same-key", "two-keys"])
def test_two_submits_of_one_draft_at_once_make_one_submission(desk, qiuju, same_key):
    client = Client()
    client.force_login(qiuju.account.user, backend="onewindow.org.identity.PortalAccountBackend")
    application = full_draft(client, desk)
    url = reverse("portal:application", args=[application.number])
    clients = []
    for _ in range(2):
        other = Client()
        other.force_login(qiuju.account.user, backend="onewindow.org.identity.PortalAccountBackend")
        clients.append(other)

    def submit(n):
        key = "k-race" if same_key else f"k-race-{n}"
        return lambda: (
            clients[n].post(url, {**GOOD, "action": "submit", "idempotency_key": key}, **ZH).status_code
        )

    results = race([submit(0), submit(1)])
    assert all(r in (302, 400) for r in results), results
    assert Application.objects.count() == 1
    assert application.cases.get().state == "prereview"
    assert CaseEvent.objects.filter(case__application=application, action="submit").count() == 1


@pytest.mark.parametrize(
    "target",
    ["abc", "portal:my", "my", "https://evil.example/", "//evil.example/x", "javascript:alert(1)", MB],
)
def test_a_next_that_is_not_a_path_of_the_site_goes_to_my_page(client, bare, target):
    response = client.post("/my/identity/", {**IDENTITY, "next": target}, **ZH)
    assert response.status_code == 302 and response["Location"] == reverse("portal:my")
    assert Applicant.objects.filter(name="秋菊").exists()


def test_a_next_that_is_a_path_of_the_site_is_followed(client, bare):
    response = client.post("/my/identity/", {**IDENTITY, "next": "/my/cases/"}, **ZH)
    assert response.status_code == 302 and response["Location"] == "/my/cases/"


@pytest.mark.parametrize("value", [*ODD.values(), "org\x00"], ids=[*ODD, "nul"])
@pytest.mark.parametrize("question", ["apply_kind", "who"])
def test_a_situation_change_refuses_any_odd_answer_and_keeps_the_draft(
    signed_in, situation_desk, question, value
):
    from tests.portal.test_apply_situation_change import change, codes, draft

    application = draft(signed_in, situation_desk, who="org", kind="new")
    before = codes(application), Application.objects.get(pk=application.pk).situation_answers
    answers = {"apply_kind": "new", "who": "org", question: value}
    response = change(signed_in, application, **answers)
    assert response.status_code == 400
    if "\x00" in value:
        nul_refused(response, f"s_{question}")
    else:
        assert "决定" in text(response) or 'data-testid="error-' in response.content.decode()
    assert (codes(application), Application.objects.get(pk=application.pk).situation_answers) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"action": "send\x00"}, "action"),
        ({"action": "send", "file_licence\x00": "x"}, "file_licence"),
        ({"action": list(ODD.values())}, None),
        ({"action": "send", "file_licence": SimpleUploadedFile("x.pdf", b"", "application/pdf")}, None),
        ({"action": "send", "file_licence": SimpleUploadedFile("x.pdf", b"GIF89a%PDF-", "image/gif")}, None),
        (
            {"action": "send", "file_licence": SimpleUploadedFile("cut.pdf", PDF[:-8], "application/pdf")},
            None,
        ),
        ({"action": "send", "file_id_card": pdf("not-asked.pdf")}, None),
    ],
)
def test_answering_a_notice_with_hostile_input_changes_nothing(signed_in, desk, data, field):
    from tests.portal.test_apply import notice, submitted

    application = submitted(signed_in, desk)
    notice(desk, application)
    kept = MaterialFile.objects.count()
    url = reverse("portal:application_supplement", args=[application.number])
    response = signed_in.post(url, data, **ZH)
    if isinstance(data["action"], list):  # not "send": the page is shown again, nothing is sent
        assert response.status_code == 302
    else:
        assert response.status_code == 400
    if field:
        nul_refused(response, field)
    assert application.cases.get().state == "pending_supplement"
    assert MaterialFile.objects.count() == kept


@pytest.mark.parametrize("value", list(ODD.values()), ids=list(ODD))
@pytest.mark.parametrize("field", ["code", "password", "password_again"])
def test_a_password_reset_refuses_any_bad_value_and_keeps_the_password(client, qiuju, field, value):
    assert client.post("/account/reset/", {"step": "send", "mobile": "13800138000"}).status_code == 200
    data = {
        "step": "set",
        "code": "000000",
        "password": "a-new-pass-2026",
        "password_again": "a-new-pass-2026",
    }
    assert client.post("/account/reset/", {**data, field: value}, **ZH).status_code == 400
    qiuju.account.user.refresh_from_db()
    assert qiuju.account.user.check_password(PASSWORD)
