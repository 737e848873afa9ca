"""The village proxy agent's pages (代办): home, apply, the filed application, the slip, a notice answered.

Every page is signed in through the real sign-in page; hostile input on every form; the agent
sees only what they filed; the home page's queries do not grow with the list.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from onewindow.cases import channels, services
from onewindow.cases.models import Application, CaseEvent, CaseState, MaterialFile
from onewindow.catalog.models import ServiceItemVersion
from onewindow.workbench.intake import applicant_token
from tests.factories.agent import agent_desk
from tests.factories.intake import MATERIALS
from tests.factories.org import ApplicantFactory, StaffFactory
from tests.workbench.helpers import sign_in, text

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 a scanned ID card"


@pytest.fixture
def desk(db, settings, tmp_path):
    return agent_desk(settings, tmp_path / "files")


def scan(client, code: str, body: bytes = PDF, name: str = "scan.pdf") -> int | None:
    """Upload one scan through the agent's scan URL; its id, or None when refused."""
    upload = io.BytesIO(body)
    upload.name = name
    response = client.post("/workbench/agent/scans/", {"material": code, "file": upload})
    assert response.status_code == 200
    row = MaterialFile.objects.filter(material_code=code).order_by("-pk").first()
    return row.pk if row is not None and 'name="scans"' in response.content.decode() else None


def post_apply(client, desk, villager=None, scans=(), **over):
    applicant = villager or desk.world.applicant
    data = {
        "applicant": applicant_token(applicant),
        "items": [str(desk.world.item.pk)],
        "idempotency_key": "agent-key-1",
        "f_applicant_name": applicant.name,
        "f_contact_phone": "13800138000",
        "f_business_address": "东村1号",
        "scans": [str(s) for s in scans],
        "delivery_method": "pickup",
        "consent": "on",
    }
    data.update(over)
    return client.post("/workbench/agent/submit/", {k: v for k, v in data.items() if v is not None})


def filed(client, desk, **over) -> Application:
    """The agent files one application with a scan of every required material."""
    ids = [scan(client, m["code"]) for m in MATERIALS if not m.get("tolerable")]
    response = post_apply(client, desk, scans=ids, **over)
    assert response.status_code == 302, text(response)[:500]
    return Application.objects.get(
        proxy_agent=desk.agent, idempotency_key=over.get("idempotency_key", "agent-key-1")
    )


# ------------------------------------------------------------------ home


def test_a_proxy_agent_lands_on_their_filed_applications(client, desk):
    sign_in(client, desk.agent)
    page = text(client.get("/workbench/"))
    assert "王代办" in page and "代办员" in page
    assert "为村民代办" in page and "还没有代办的申请" in page


def test_the_home_lists_state_and_what_was_asked_in_a_fixed_number_of_queries(
    client, desk, django_assert_max_num_queries
):
    sign_in(client, desk.agent)
    first = filed(client, desk, idempotency_key="k-first")
    channels.proxy_application_check(
        application=first, actor=desk.township_clerk, approve=False, reasons="身份证复印件不清晰"
    )
    for n in range(3):
        filed(client, desk, idempotency_key=f"k-{n}")
    client.get("/workbench/")  # warm the session and the version plans
    with django_assert_max_num_queries(14):
        response = client.get("/workbench/")
    page = text(response)
    assert page.count(first.number) == 1
    assert "身份证复印件不清晰" in page  # what the township asked
    assert 'data-testid="count-filed">4<' in response.content.decode()
    assert 'data-testid="count-returned">1<' in response.content.decode()
    for n in range(6):
        filed(client, desk, idempotency_key=f"k-more-{n}")
    with django_assert_max_num_queries(14):
        client.get("/workbench/")  # twice the rows, the same queries


def test_the_home_pages_by_keyset_and_a_malformed_cursor_is_the_first_page(client, desk, monkeypatch):
    from onewindow.cases import proxyselectors

    monkeypatch.setattr(proxyselectors, "AGENT_PAGE", 2)
    monkeypatch.setattr(proxyselectors.proxy_application_page, "__kwdefaults__", {"after": None, "size": 2})
    sign_in(client, desk.agent)
    made = [filed(client, desk, idempotency_key=f"page-{n}") for n in range(3)]
    html = client.get("/workbench/").content.decode()
    assert made[2].number in html and made[1].number in html and made[0].number not in html
    after = html.split("?after=")[1].split('"')[0]
    second = client.get(f"/workbench/?after={after}").content.decode()
    assert made[0].number in second and made[2].number not in second
    for bad in ("x", "9" * 40, "-1-1", "１２-３", "1-" + "9" * 20):
        assert client.get("/workbench/", {"after": bad}).status_code == 200


# ------------------------------------------------------------------ apply


def test_the_agent_applies_for_a_villager_with_scans_and_consent(client, desk):
    sign_in(client, desk.agent)
    page = text(client.get("/workbench/agent/apply/"))
    assert "安和县政务服务中心" in page
    application = filed(client, desk)
    assert application.channel == "proxy" and application.center == desk.world.center
    cases = list(application.cases.all())
    assert [c.state for c in cases] == [CaseState.PREREVIEW]
    submit = CaseEvent.objects.get(case=cases[0], action="submit")
    assert submit.data["proxy_consent"]["agent"] == desk.agent.pk
    assert set(application.files.values_list("material_code", flat=True)) == {"id_card", "licence"}
    assert application.materials.get(code="site").status == "missing"  # may follow (容缺)
    # the township sees it waiting for its check
    assert application in channels.proxy_checks_waiting(actor=desk.township_clerk)
    detail = text(client.get(f"/workbench/agent/applications/{application.number}/"))
    assert "乡镇" in detail or "township" in detail


def test_a_double_click_files_one_application(client, desk):
    sign_in(client, desk.agent)
    first = filed(client, desk)
    again = post_apply(client, desk, scans=[])
    assert again.status_code in (200, 302)
    assert Application.objects.filter(proxy_agent=desk.agent).count() == 1
    assert first.cases.count() == 1


def test_hostile_input_is_refused_by_field_and_nothing_is_filed(client, desk):
    sign_in(client, desk.agent)
    ids = [scan(client, "id_card"), scan(client, "licence")]
    cases = [
        ({"consent": None}, "代办委托书"),
        ({"applicant": "forged-token"}, "村民"),
        ({"applicant": ""}, "村民"),
        ({"items": ["999999"]}, ""),
        ({"items": ["x" * 5000]}, ""),
        ({"f_business_address": ""}, "经营场所"),
        ({"f_business_address": "   "}, "经营场所"),
        ({"f_applicant_name": ""}, ""),
        ({"f_applicant_name": "名" * 5000}, ""),
        ({"delivery_method": "carrier-pigeon"}, "送达"),
        ({"delivery_method": "mail", "delivery_address": ""}, ""),
        ({"delivery_method": "electronic"}, "送达"),
        ({"scans": []}, "扫描件"),
        ({"scans": ["abc", "-1", "9" * 30]}, "扫描件"),
        ({"idempotency_key": "k" * 500, "consent": None}, "代办委托书"),
    ]
    for over, words in cases:
        over.setdefault("scans", ids)
        response = post_apply(client, desk, **{"idempotency_key": "hostile", **over})
        assert response.status_code == 200, over
        body = text(response)
        assert "is-invalid" in response.content.decode() or "alert" in response.content.decode(), over
        if words:
            assert words in body, (over, body[:400])
    assert not Application.objects.filter(proxy_agent=desk.agent).exists()
    assert MaterialFile.objects.filter(application__isnull=False).count() == 0


def test_an_item_not_offered_online_is_not_found_nor_filed(client, desk):
    ServiceItemVersion.objects.filter(item=desk.world.item).update(online_available=False)
    sign_in(client, desk.agent)
    assert desk.world.item.name not in text(client.get("/workbench/agent/items/", {"q": "spjy"}))
    response = post_apply(client, desk, scans=[scan(client, "id_card"), scan(client, "licence")])
    assert not Application.objects.exists()
    assert "work-empty" in response.content.decode() or "事项" in text(response)


def test_scans_are_checked_by_content_and_size(client, desk, settings):
    sign_in(client, desk.agent)
    assert scan(client, "id_card", b"MZ\x90\x00 not a scan", "scan.pdf") is None
    assert scan(client, "id_card", b"", "empty.pdf") is None
    assert scan(client, "id_card", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "照片 🙂.png") is not None
    response = client.post("/workbench/agent/scans/", {"material": "id_card"})
    assert "PDF" in text(response)
    big = io.BytesIO(b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1))
    big.name = "big.pdf"
    response = client.post("/workbench/agent/scans/", {"material": "id_card", "file": big})
    assert "MB" in text(response)


def test_a_township_agent_and_other_roles_cannot_file(client, desk):
    sign_in(client, desk.township_agent)
    page = text(client.get("/workbench/agent/apply/"))
    assert "村" in page  # only a village station's agent files
    assert post_apply(client, desk).status_code == 400
    for staff in (desk.township_clerk, desk.world.clerk):
        sign_in(client, staff)
        assert client.get("/workbench/agent/apply/").status_code == 403
        assert post_apply(client, desk).status_code == 403
    assert not Application.objects.exists()


# ------------------------------------------------------------------ one filed application


def test_the_agent_sees_only_what_they_filed(client, desk):
    sign_in(client, desk.agent)
    mine = filed(client, desk)
    urls = [
        f"/workbench/agent/applications/{mine.number}/",
        f"/workbench/agent/applications/{mine.number}/slip.pdf",
    ]
    scan_url = f"/workbench/files/{mine.files.first().pk}/"
    assert client.get(scan_url).status_code == 200  # the agent opens their own scans
    for url in urls:
        assert client.get(url).status_code == 200
    sign_in(client, desk.other_agent)
    for url in [*urls, scan_url]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/workbench/agent/applications/{mine.number}/supplement/").status_code == 404
    assert mine.number not in text(client.get("/workbench/"))
    sign_in(client, desk.township_agent)
    assert client.get(urls[0]).status_code == 404
    for staff in (
        desk.township_clerk,
        desk.world.clerk,
        StaffFactory(center=desk.world.center, roles=["approver"]),
    ):
        sign_in(client, staff)
        assert client.get(urls[0]).status_code == 403
    # a window application of the same villager is not the agent's either
    window = services.application_create(
        center=desk.world.center,
        applicant=desk.world.applicant,
        items=[desk.world.item],
        form_data={
            "applicant_name": desk.world.applicant.name,
            "contact_phone": "13800138000",
            "business_address": "东村1号",
        },
        actor=desk.world.clerk,
    )
    sign_in(client, desk.agent)
    assert client.get(f"/workbench/agent/applications/{window.number}/").status_code == 404
    assert client.get("/workbench/agent/applications/%E2%80%AE/").status_code == 404


def test_the_slip_names_the_villager_the_agent_and_the_station(client, desk):
    sign_in(client, desk.agent)
    application = filed(client, desk)
    response = client.get(f"/workbench/agent/applications/{application.number}/slip.pdf")
    assert response["Content-Type"] == "application/pdf"
    words = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).replace(" ", "")
    for expected in ("代办委托书", "王代办", "东村便民服务站", "安和县政务服务中心", application.number):
        assert expected in words.replace("\n", ""), expected
    assert desk.world.applicant.id_number not in words  # masked


def test_the_agent_answers_a_one_time_notice_by_uploading_what_it_asks(client, desk):
    sign_in(client, desk.agent)
    application = filed(client, desk)
    channels.proxy_application_check(application=application, actor=desk.township_clerk, approve=True)
    services.application_request_supplement(
        application=application, actor=desk.world.clerk, materials=["licence"], note="营业执照已过期"
    )
    page = text(client.get(f"/workbench/agent/applications/{application.number}/"))
    assert "营业执照" in page and ("一次性告知" in page or "one-time notice" in page)
    url = f"/workbench/agent/applications/{application.number}/supplement/"
    # nothing attached, forged ids, another agent's scan: refused, nothing changes
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"scans": ["x", "0", "9" * 40]}).status_code == 400
    sign_in(client, desk.other_agent)
    theirs = scan(client, "licence")
    sign_in(client, desk.agent)
    assert client.post(url, {"scans": [str(theirs)]}).status_code == 400
    assert application.cases.get().state == CaseState.PENDING_SUPPLEMENT
    # a scan of a material the notice did not ask for is refused by the engine
    unknown = scan(client, "no_such_material")
    assert client.post(url, {"scans": [str(unknown)]}).status_code == 400
    # a scan of a material of the application the notice did not list (the ID card) is refused
    id_again = scan(client, "id_card")
    refused = client.post(url, {"scans": [str(id_again)]})
    assert refused.status_code == 400 and "一次性告知" in text(refused)
    assert application.cases.get().state == CaseState.PENDING_SUPPLEMENT
    old = MaterialFile.objects.get(application=application, material_code="licence")
    fresh = scan(client, "licence")
    assert client.post(url, {"scans": [str(fresh)]}).status_code == 302
    case = application.cases.get()
    # back to the hall's pre-review (the township has checked it), as an answer on the portal
    assert case.state == CaseState.PREREVIEW
    assert application in channels.prereview_waiting(actor=desk.world.clerk)
    assert CaseEvent.objects.filter(case=case, action="supplement", data__prereview=True).exists()
    assert application.materials.get(code="licence").status == "received"
    assert MaterialFile.objects.get(pk=fresh).application_id == application.pk
    old.refresh_from_db()
    assert old.superseded_by_id == fresh and old.superseded_at is not None  # kept, marked, not counted
    page = client.get(f"/workbench/agent/applications/{application.number}/").content.decode()
    assert page.count('data-file-state="superseded"') == 1 and "supplement-submit" not in page
    assert client.post(url, {"scans": [str(scan(client, "licence"))]}).status_code == 400  # answered once


def test_a_returned_application_is_filed_again_with_its_answers(client, desk):
    sign_in(client, desk.agent)
    application = filed(client, desk)
    channels.proxy_application_check(
        application=application, actor=desk.township_clerk, approve=False, reasons="请补充村委会证明"
    )
    page = text(client.get(f"/workbench/agent/applications/{application.number}/"))
    assert "请补充村委会证明" in page
    again = client.get("/workbench/agent/apply/", {"again": application.number}).content.decode()
    assert "东村1号" in again and 'name="applicant"' in again and desk.world.item.name in again
    sign_in(client, desk.other_agent)
    assert (
        "东村1号" not in client.get("/workbench/agent/apply/", {"again": application.number}).content.decode()
    )


def test_the_agent_registers_a_new_villager_with_the_intake_code(client, desk):
    sign_in(client, desk.agent)
    found = client.get("/workbench/agent/applicant/", {"q": "110105198001010000"})
    assert "/workbench/agent/applicant/new/" in found.content.decode()
    bad = client.post(
        "/workbench/agent/applicant/new/", {"kind": "person", "name": "刘", "id_number": "123", "mobile": "1"}
    )
    assert "is-invalid" in bad.content.decode()
    villager = ApplicantFactory.build()
    made = client.post(
        "/workbench/agent/applicant/new/",
        {"kind": "person", "name": "刘大爷", "id_number": villager.id_number, "mobile": "13900001111"},
    )
    assert 'name="applicant"' in made.content.decode() and "刘大爷" in text(made)


# ------------------------------------------------------------------ 情形 questions


def test_the_agent_answers_the_items_situation_questions_and_the_application_keeps_them(client, desk):
    from onewindow.cases.plans import version_plan_cache_clear
    from onewindow.catalog.models import SituationQuestion

    SituationQuestion.objects.create(
        version=desk.world.version,
        code="who",
        text="个人还是企业？",
        choices=[{"code": "person", "label": "个人"}, {"code": "org", "label": "企业"}],
    )
    version_plan_cache_clear()
    sign_in(client, desk.agent)
    page = client.get(
        "/workbench/agent/work/",
        {"items": [str(desk.world.item.pk)], "applicant": applicant_token(desk.world.applicant)},
    )
    assert 'name="s_who"' in page.content.decode() and "个人还是企业？" in text(page)
    ids = [scan(client, m["code"]) for m in MATERIALS if not m.get("tolerable")]
    unanswered = post_apply(client, desk, scans=ids)
    assert 'data-testid="error-s_who"' in unanswered.content.decode()
    assert not Application.objects.filter(proxy_agent=desk.agent).exists()
    answered = post_apply(client, desk, scans=ids, s_who="person")
    assert answered.status_code == 302, text(answered)[:500]
    assert Application.objects.get(proxy_agent=desk.agent).situation_answers == {"who": "person"}


def test_the_form_carries_the_villagers_name_and_number_never_the_agents(client, desk):
    from onewindow.org.models import Staff

    Staff.objects.filter(pk=desk.agent.pk).update(mobile="13700007777")
    villager = ApplicantFactory(name="刘大爷", mobile="13900001111")
    sign_in(client, desk.agent)
    items = {"items": [str(desk.world.item.pk)]}
    blank = client.get("/workbench/agent/work/", items).content.decode()
    assert 'name="f_applicant_name"' in blank
    assert desk.agent.name not in blank and "13700007777" not in blank  # typed for the villager
    found = client.get("/workbench/agent/work/", {**items, "applicant": applicant_token(villager)})
    body = found.content.decode()
    assert 'value="刘大爷"' in body and 'value="13900001111"' in body
    assert "13700007777" not in body
