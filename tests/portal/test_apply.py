"""Apply online: the unified form with uploads, drafts on the server, submit into pre-review with
one application per key, answering the one-time notice, withdrawing — and hostile input at each."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from onewindow.cases import channels, files, services
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Application, ApplicationMaterial, CaseEvent, MaterialFile
from onewindow.cases.plans import version_plan_cache_clear
from tests.factories.cases import item_with_procedure
from tests.factories.catalog import BundleFactory, BundleItemFactory
from tests.factories.org import ServiceCenterFactory
from tests.portal.conftest import PDF, PNG, citizen
from tests.threads import race
from tests.workbench.helpers import sign_in as staff_sign_in
from tests.workbench.helpers import text

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
GOOD = {"f_business_name": "秋菊小吃", "f_staff_count": "3", "delivery_method": "pickup"}


def pdf(name="id.pdf", body=PDF):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def apply_url(world):
    return reverse("portal:apply", args=[world.item.code])


def post(client, url, data, **files_):
    return client.post(url, {**data, **files_}, **ZH)


def start(client, world, data=None, **files_):
    """Save a first draft from the item's form; the application."""
    response = post(client, apply_url(world), {**GOOD, "action": "save", **(data or {})}, **files_)
    assert response.status_code in (302, 400), response.content[:500]
    return Application.objects.order_by("-pk").first(), response


def full_draft(client, world):
    application, _ = start(client, world, file_id_card=pdf(), file_licence=pdf("licence.pdf"))
    return application


def submit(client, application, key=None, **data):
    key = f"k-{application.number}" if key is None else key
    url = reverse("portal:application", args=[application.number])
    return post(client, url, {**GOOD, "action": "submit", "idempotency_key": key, **data})


# ------------------------------------------------------------------ the form and the draft


def test_signed_out_visitors_sign_in_first_and_accounts_without_identity_declare_it(client, desk):
    response = client.get(apply_url(desk))
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:login"))
    from onewindow.org.accounts import account_create

    bare = account_create(mobile="13900139000", password="qiuju-daguansi-1992")
    client.force_login(bare.user, backend="onewindow.org.identity.PortalAccountBackend")
    response = client.get(apply_url(desk))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:identity") + "?next=" + apply_url(desk).replace("/", "%2F")


def test_the_form_asks_each_question_and_material_once_with_the_delivery_methods(signed_in, desk):
    page = signed_in.get(apply_url(desk), **ZH)
    body = page.content.decode()
    assert page.status_code == 200
    for label in ("经营者名称", "从业人数", "开业日期", "申请人身份证明", "营业执照", "经营场所使用证明"):
        assert body.count(label) >= 1
    assert 'name="f_business_name"' in body and body.count('name="f_business_name"') == 1
    assert 'value="pickup"' in body and 'value="mail"' in body and 'value="electronic"' not in body
    assert 'name="idempotency_key"' in body


def test_an_item_not_online_or_unknown_is_a_404(signed_in, desk):
    desk.version.online_available = False
    desk.version.save(update_fields=["online_available"])
    assert signed_in.get(apply_url(desk)).status_code == 404
    assert signed_in.get(reverse("portal:apply", args=["NO-SUCH-ITEM"])).status_code == 404
    assert signed_in.get(reverse("portal:apply", args=["码" * 5000])).status_code == 404
    for nul in ("/apply/%00/", "/apply/bundle/%00x/", "/my/applications/%00/"):
        assert signed_in.get(nul).status_code == 400  # core.middleware refuses NUL in a request


def test_saving_keeps_a_draft_on_the_server_that_a_new_session_reopens(client, signed_in, desk, qiuju):
    application, response = start(signed_in, desk, {"f_business_name": "秋菊 小吃 🍜"}, file_id_card=pdf())
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:application", args=[application.number])
    assert application.cases.get().state == "draft"
    assert application.form["business_name"] == "秋菊 小吃 🍜"
    assert ApplicationMaterial.objects.get(application=application, code="id_card").status == "received"
    signed_in.logout()  # the browser is closed
    client.force_login(qiuju.account.user, backend="onewindow.org.identity.PortalAccountBackend")
    again = client.get(apply_url(desk), **ZH)  # the item's page sends the citizen to the draft
    assert again.status_code == 302 and again["Location"].endswith(f"/{application.number}/")
    body = client.get(again["Location"], **ZH).content.decode()
    assert "秋菊 小吃 🍜" in body and "id.pdf" in body
    listing = client.get(reverse("portal:applications"), **ZH)
    assert application.number in listing.content.decode() and "草稿" in text(listing)


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"f_business_name": ""}, "business_name", "经营者名称"),
        ({"f_business_name": "   "}, "business_name", "经营者名称"),
        ({"f_staff_count": "three"}, "staff_count", "从业人数"),
        ({"f_staff_count": "9" * 3000}, "staff_count", "从业人数"),
        ({"f_opening_date": "2026-02-30"}, "opening_date", "开业日期"),
        ({"f_opening_date": "明天"}, "opening_date", "开业日期"),
    ],
)
def test_submit_refuses_each_bad_answer_beside_its_field_and_keeps_what_was_typed(
    signed_in, desk, data, field, words
):
    application = full_draft(signed_in, desk)
    response = submit(signed_in, application, **data)
    body = response.content.decode()
    assert response.status_code == 400
    assert f'data-testid="error-{field}"' in body and words in text(response)
    typed = next(iter(data.values()))[:2000].strip()
    if typed:
        assert f'value="{typed}"' in body
    assert application.cases.get().state == "draft"
    assert not CaseEvent.objects.filter(case__application=application).exists()


def test_mail_needs_an_address_and_an_unknown_method_is_refused(signed_in, desk):
    application = full_draft(signed_in, desk)
    response = submit(signed_in, application, delivery_method="mail", delivery_address="  ")
    assert response.status_code == 400 and 'data-testid="error-delivery_address"' in response.content.decode()
    response = submit(signed_in, application, delivery_method="teleport")
    assert response.status_code == 400 and 'data-testid="error-delivery_method"' in response.content.decode()
    response = submit(signed_in, application, delivery_method="electronic")  # not offered by the item
    assert response.status_code == 400 and "不提供" in text(response)
    assert application.cases.get().state == "draft"


def test_submit_needs_the_required_materials_but_not_the_tolerable_one(signed_in, desk):
    application, _ = start(signed_in, desk, file_id_card=pdf())
    response = submit(signed_in, application)
    assert response.status_code == 400
    assert 'data-testid="error-material-licence"' in response.content.decode()
    assert 'data-testid="error-material-site"' not in response.content.decode()
    response = submit(signed_in, application, file_licence=pdf("licence.pdf"))
    assert response.status_code == 302
    assert application.cases.get().state == "prereview"
    event = CaseEvent.objects.get(case__application=application)
    assert event.action == "submit" and event.data["channel"] == "portal"


# ------------------------------------------------------------------ uploads


@pytest.mark.parametrize(
    ("name", "body", "why"),
    [
        ("empty.pdf", b"", "空"),
        ("virus.pdf", b"MZ\x90\x00 this is a windows program", "PDF"),
        ("page.png", b"<html><script>alert(1)</script></html>", "PDF"),
        ("scan.jpg", b"GIF89a" + b"\x00" * 20, "PDF"),
        ("名字" * 300 + ".pdf", b"plain text", "PDF"),
    ],
)
def test_a_file_is_judged_by_its_content_not_its_name(signed_in, desk, name, body, why):
    application, response = start(
        signed_in, desk, file_id_card=SimpleUploadedFile(name, body, "application/pdf")
    )
    assert response.status_code == 400
    assert 'data-testid="error-material-id_card"' in response.content.decode() and why in text(response)
    assert not MaterialFile.objects.exists()
    assert ApplicationMaterial.objects.get(application=application, code="id_card").status == "missing"
    assert not list(files.files_dir().iterdir())


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_kept(signed_in, desk, monkeypatch):
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 1024)
    big = pdf("big.pdf", PDF + b"0" * 2048)
    application, response = start(signed_in, desk, file_id_card=big)
    assert response.status_code == 400 and "MB" in text(response)
    assert not MaterialFile.objects.exists() and not list(files.files_dir().iterdir())


def test_too_many_files_for_one_material_are_refused_past_the_limit(signed_in, desk):
    many = [pdf(f"p{n}.pdf") for n in range(files.MAX_FILES_PER_MATERIAL + 2)]
    application, response = start(signed_in, desk, file_id_card=many)
    assert response.status_code == 400 and "最多" in text(response)
    assert MaterialFile.objects.filter(application=application).count() == files.MAX_FILES_PER_MATERIAL


def test_a_png_is_taken_and_an_upload_for_an_unknown_material_is_ignored(signed_in, desk):
    application, response = start(
        signed_in, desk, file_id_card=SimpleUploadedFile("photo.png", PNG, "image/png"), file_nope=pdf()
    )
    assert response.status_code == 302
    row = MaterialFile.objects.get()
    assert row.content_type == "image/png" and row.material_code == "id_card"
    assert row.uploaded_by is None and row.uploaded_by_applicant == application.applicant


def test_the_engine_refuses_an_unknown_material_code(desk, qiuju, signed_in):
    application, _ = start(signed_in, desk)
    with pytest.raises(CaseError) as exc:
        channels.portal_material_upload(
            application=application,
            actor=qiuju.applicant,
            material_code="x" * 500,
            upload=pdf(),
            name="a.pdf",
        )
    assert exc.value.code == "MATERIAL_UNKNOWN"


def test_a_draft_file_can_be_removed_and_the_material_is_missing_again(signed_in, desk):
    application, _ = start(signed_in, desk, file_id_card=pdf())
    row = MaterialFile.objects.get()
    url = reverse("portal:application_file_remove", args=[application.number, row.pk])
    assert signed_in.post(url).status_code == 302
    assert not MaterialFile.objects.exists()
    assert ApplicationMaterial.objects.get(application=application, code="id_card").status == "missing"


# ------------------------------------------------------------------ submit once


def test_a_double_click_makes_one_application(signed_in, desk):
    application = full_draft(signed_in, desk)
    first = submit(signed_in, application, key="same-key")
    second = submit(signed_in, application, key="same-key")
    assert first.status_code == 302 and second.status_code == 302
    assert Application.objects.count() == 1
    assert CaseEvent.objects.filter(action="submit").count() == 1
    assert Application.objects.get().idempotency_key == "same-key"


def test_a_submit_without_a_key_is_refused(signed_in, desk):
    application = full_draft(signed_in, desk)
    response = submit(signed_in, application, key="")
    assert response.status_code == 400 and application.cases.get().state == "draft"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_one_draft_make_one_submission(desk, qiuju, client):
    client.force_login(qiuju.account.user, backend="onewindow.org.identity.PortalAccountBackend")
    application = full_draft(client, desk)

    def go(key):
        return lambda: channels.portal_draft_submit(
            application=application, actor=qiuju.applicant, idempotency_key=key
        )

    results = race([go("k-a"), go("k-a"), go("k-a"), go("k-b")])
    assert CaseEvent.objects.filter(action="submit").count() == 1
    assert application.cases.get().state == "prereview"
    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, CaseError) for e in errors), errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_uploads_never_pass_the_per_material_limit(desk, qiuju, client):
    client.force_login(qiuju.account.user, backend="onewindow.org.identity.PortalAccountBackend")
    application, _ = start(client, desk)
    n = files.MAX_FILES_PER_MATERIAL + 3

    def go(i):
        return lambda: channels.portal_material_upload(
            application=application,
            actor=qiuju.applicant,
            material_code="id_card",
            upload=pdf(),
            name=f"{i}.pdf",
        )

    results = race([go(i) for i in range(n)])
    assert MaterialFile.objects.filter(application=application).count() == files.MAX_FILES_PER_MATERIAL
    assert sum(isinstance(r, CaseError) for r in results) == n - files.MAX_FILES_PER_MATERIAL


# ------------------------------------------------------------------ another account


def test_another_account_sees_none_of_it(client, signed_in, desk):
    application = full_draft(signed_in, desk)
    row = MaterialFile.objects.first()
    other = citizen(mobile="13700137000", id17="11010519500101001", name="王善堂")
    client.force_login(other.account.user, backend="onewindow.org.identity.PortalAccountBackend")
    number = application.number
    assert client.get(reverse("portal:application", args=[number])).status_code == 404
    assert (
        client.post(reverse("portal:application", args=[number]), {**GOOD, "action": "submit"}).status_code
        == 404
    )
    assert client.get(reverse("portal:file", args=[row.pk])).status_code == 404
    assert client.post(reverse("portal:application_file_remove", args=[number, row.pk])).status_code == 404
    assert (
        client.post(reverse("portal:application_withdraw", args=[number]), {"reason": "x"}).status_code == 404
    )
    assert client.post(reverse("portal:application_supplement", args=[number])).status_code == 404
    assert number not in client.get(reverse("portal:applications")).content.decode()
    assert MaterialFile.objects.filter(pk=row.pk).exists()
    with pytest.raises(CaseError):
        channels.portal_material_upload(
            application=application,
            actor=other.applicant,
            material_code="id_card",
            upload=pdf(),
            name="a.pdf",
        )


def test_the_owner_opens_their_file_with_its_sniffed_type(signed_in, desk):
    full_draft(signed_in, desk)
    row = MaterialFile.objects.first()
    response = signed_in.get(reverse("portal:file", args=[row.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff" and b"".join(response.streaming_content) == PDF


# ------------------------------------------------------------------ a bundle


def test_a_bundle_asks_a_shared_question_and_material_once(signed_in, desk):
    second, _v = item_with_procedure(
        center=desk.center,
        department=desk.department,
        materials=[{"code": "id_card", "name": "申请人身份证明"}, {"code": "health", "name": "健康证明"}],
        form_fields=[{"key": "business_name", "label": "经营者名称"}],
        name="公共场所卫生许可",
    )
    bundle = BundleFactory(center=desk.center, code="OPEN-SHOP")
    BundleItemFactory(bundle=bundle, item=desk.item, order=1)
    BundleItemFactory(bundle=bundle, item=second, order=2)
    url = reverse("portal:apply_bundle", args=["open-shop"])
    body = signed_in.get(url, **ZH).content.decode()
    assert body.count('name="f_business_name"') == 1 and body.count('name="file_id_card"') == 1
    assert 'name="file_health"' in body
    response = post(
        signed_in,
        url,
        {**GOOD, "action": "submit", "idempotency_key": "b-1"},
        file_id_card=pdf(),
        file_licence=pdf(),
        file_health=pdf(),
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.bundle == bundle
    assert sorted(application.cases.values_list("state", flat=True)) == ["prereview", "prereview"]


# ------------------------------------------------------------------ the one-time notice


def submitted(signed_in, desk):
    application = full_draft(signed_in, desk)
    assert submit(signed_in, application).status_code == 302
    return application


def notice(desk, application, codes=("licence",), note="营业执照照片模糊"):
    services.application_request_supplement(
        application=application, actor=desk.clerk, materials=list(codes), note=note
    )


def test_the_notice_lists_what_it_asks_and_only_those_can_be_uploaded(signed_in, desk):
    application = submitted(signed_in, desk)
    notice(desk, application)
    page = signed_in.get(reverse("portal:application", args=[application.number]), **ZH)
    body = page.content.decode()
    assert 'data-testid="asked-licence"' in body and 'data-testid="asked-id_card"' not in body
    assert "营业执照照片模糊" in body
    url = reverse("portal:application_supplement", args=[application.number])
    response = signed_in.post(url, {"action": "send"}, **ZH)  # nothing uploaded yet
    assert response.status_code == 400 and "营业执照" in text(response)
    assert application.cases.get().state == "pending_supplement"
    # an upload for a material the notice does not ask for is refused by the engine
    with pytest.raises(CaseError) as exc:
        channels.portal_material_upload(
            application=application,
            actor=application.applicant,
            material_code="id_card",
            upload=pdf(),
            name="again.pdf",
        )
    assert exc.value.code == "MATERIAL_NOT_ASKED"
    response = signed_in.post(
        url, {"action": "send", "file_licence": SimpleUploadedFile("x.pdf", b"not a pdf")}, **ZH
    )
    assert response.status_code == 400 and 'data-testid="error-material-licence"' in response.content.decode()
    assert application.cases.get().state == "pending_supplement"


def test_answering_the_notice_moves_it_back_to_prereview_with_one_chained_event(signed_in, desk):
    application = submitted(signed_in, desk)
    notice(desk, application)
    url = reverse("portal:application_supplement", args=[application.number])
    response = signed_in.post(url, {"action": "send", "file_licence": pdf("licence-clear.pdf")}, **ZH)
    assert response.status_code == 302
    case = application.cases.get()
    assert case.state == "prereview"
    event = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    assert (
        event.action == "supplement"
        and event.to_state == "prereview"
        and event.data["received"] == ["licence"]
    )
    assert CaseEvent.objects.filter(case=case, action="supplement").count() == 1
    again = signed_in.post(url, {"action": "send"}, **ZH)  # sent twice: nothing more happens
    assert again.status_code == 302
    assert CaseEvent.objects.filter(case=case, action="supplement").count() == 1
    page = signed_in.get(reverse("portal:application", args=[application.number]), **ZH)
    assert "预审" in text(page)


def test_the_application_page_names_the_window_never_a_member_of_staff(signed_in, desk):
    desk.clerk.name = "张敏"
    desk.clerk.save()
    application = submitted(signed_in, desk)
    notice(desk, application, note="请上传清晰的营业执照")
    page = text(signed_in.get(reverse("portal:application", args=[application.number]), **ZH))
    assert desk.center.name in page and "一次性告知" in page  # the window that acted
    assert "张敏" not in page  # as in My cases: no staff name
    assert "请上传清晰的营业执照" in page  # the notice's own words stay


def test_the_application_page_links_each_case_to_its_page_in_my_cases(signed_in, desk):
    application = submitted(signed_in, desk)
    case = application.cases.get()
    page = signed_in.get(reverse("portal:application", args=[application.number]), **ZH).content.decode()
    link = reverse("portal:my_case", args=[case.number])
    assert f'href="{link}" data-testid="case-link">{case.number}</a>' in page
    assert signed_in.get(link, **ZH).status_code == 200  # the case page opens for its owner


# ------------------------------------------------------------------ withdrawal


@pytest.mark.parametrize("reason", ["", "   ", "很" * 501])  # a NUL: tests/portal/test_hostile_inputs.py
def test_withdrawal_needs_a_short_reason(signed_in, desk, reason):
    application = submitted(signed_in, desk)
    response = signed_in.post(
        reverse("portal:application_withdraw", args=[application.number]), {"reason": reason}, **ZH
    )
    assert response.status_code == 400 and 'data-testid="error-reason"' in response.content.decode()
    assert application.cases.get().state == "prereview"


def test_a_citizen_withdraws_before_acceptance_but_not_after(signed_in, desk):
    application = submitted(signed_in, desk)
    url = reverse("portal:application_withdraw", args=[application.number])
    assert signed_in.post(url, {"reason": "不开店了 🙏"}, **ZH).status_code == 302
    case = application.cases.get()
    assert case.state == "withdrawn"
    assert CaseEvent.objects.get(case=case, action="withdraw").opinion == "不开店了 🙏"
    second = submitted(signed_in, desk)
    services.application_prereview_pass(application=second, actor=desk.clerk)
    services.application_intake(application=second, actor=desk.clerk)
    response = signed_in.post(
        reverse("portal:application_withdraw", args=[second.number]), {"reason": "x"}, **ZH
    )
    assert response.status_code == 400 and "窗口" in text(response)
    assert second.cases.get().state == "accepted"


def test_the_list_counts_its_queries(signed_in, desk, django_assert_max_num_queries):
    for _ in range(3):
        submitted(signed_in, desk)
    with django_assert_max_num_queries(8):
        response = signed_in.get(reverse("portal:applications"))
    assert response.status_code == 200


# ------------------------------------------------------------------ the clerk's side


def test_prereview_shows_the_uploaded_files_through_the_checked_file_view(signed_in, desk):
    application = submitted(signed_in, desk)
    client = Client()
    rows = list(MaterialFile.objects.filter(application=application))
    staff_sign_in(client, desk.clerk)
    page = client.get(f"/workbench/prereview/{application.number}/")
    body = page.content.decode()
    for row in rows:
        assert reverse("workbench:file", args=[row.pk]) in body and row.original_name in body
    assert client.get(reverse("workbench:file", args=[rows[0].pk])).status_code == 200
    outsider = desk.staff("intake_clerk", center=ServiceCenterFactory())
    staff_sign_in(client, outsider)
    assert client.get(reverse("workbench:file", args=[rows[0].pk])).status_code == 404


def test_prereview_sends_a_one_time_notice_and_then_accepts(signed_in, desk):
    application = submitted(signed_in, desk)
    client = Client()
    staff_sign_in(client, desk.clerk)
    url = f"/workbench/prereview/{application.number}/supplement/"
    bad = client.post(url, {"materials": ["nope"], "note": "x"})
    assert bad.status_code == 400 and application.cases.get().state == "prereview"
    assert client.post(url, {"materials": [], "note": "x"}).status_code == 400
    assert client.post(url, {"materials": ["licence"], "note": "照片模糊"}).status_code == 302
    assert application.cases.get().state == "pending_supplement"
    signed_in.post(
        reverse("portal:application_supplement", args=[application.number]),
        {"action": "send", "file_licence": pdf("licence2.pdf")},
    )
    assert application.cases.get().state == "prereview"
    assert client.post(f"/workbench/prereview/{application.number}/accept/").status_code == 302
    assert application.cases.get().state == "accepted"


def test_a_bundle_whose_services_share_no_delivery_method_says_so_and_my_cases_too(signed_in, desk):
    second, second_version = item_with_procedure(
        center=desk.center, department=desk.department, name="公章刻制备案", materials=[]
    )
    desk.item.versions.update(delivery_methods=["pickup"])
    second_version.delivery_methods = ["electronic"]
    second_version.save()
    version_plan_cache_clear()
    bundle = BundleFactory(center=desk.center, code="START-UP")
    BundleItemFactory(bundle=bundle, item=desk.item, order=1)
    BundleItemFactory(bundle=bundle, item=second, order=2)
    url = reverse("portal:apply_bundle", args=["start-up"])
    body = signed_in.get(url, **ZH).content.decode()
    assert 'name="delivery_method"' not in body
    assert "这些事项没有共同的送达方式" in body
    response = post(
        signed_in,
        url,
        {**GOOD, "delivery_method": "", "action": "submit", "idempotency_key": "apart-1"},
        file_id_card=pdf(),
        file_licence=pdf(),
    )
    assert response.status_code == 302
    case = Application.objects.get().cases.first()
    page = signed_in.get(reverse("portal:my_case", args=[case.number]), **ZH).content.decode()
    assert "办结时由出件窗口与您商定" in page
