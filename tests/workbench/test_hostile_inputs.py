"""The workbench pages new this week as a hostile (or careless) clerk or agent uses them: the portal
binding page, the pre-review actions and the agent's apply and supplement pages, with empty,
missing, huge, malformed, NUL-bearing and odd unicode values and repeated or concurrent submits.

Each answer is a page that names what is wrong (or the change done once), never a 500, and a refused
request leaves nothing changed. A NUL is refused at the edge (core.middleware) naming the field."""

from __future__ import annotations

import io
import json

import pytest
from django.db import connection
from django.test import Client

from onewindow.cases.models import Application, CaseEvent, MaterialFile
from onewindow.org.accounts import binding_code_current
from onewindow.org.models import BindingChange
from tests.factories.agent import agent_desk
from tests.factories.cases import accepted_case
from tests.factories.intake import MATERIALS
from tests.factories.scans import pdf
from tests.hostile import ODD, nul_refused
from tests.threads import race
from tests.workbench.helpers import PASSWORD, sign_in, text
from tests.workbench.test_agent import post_apply
from tests.workbench.test_prereview import online

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
# ------------------------------------------------------------------ the portal binding page


@pytest.mark.parametrize("field", ["case", "action", "step", "reason", "expect", "applicant"])
def test_a_nul_in_any_binding_field_is_a_400_naming_it_and_nothing_changes(client, world, field):
    case = accepted_case(world)
    old = binding_code_current(applicant=world.applicant)
    sign_in(client, world.pickup)
    data = {
        "case": case.number,
        "action": "reissue",
        "step": "do",
        "reason": "丢了",
        "expect": "x",
        field: "a\x00",
    }
    nul_refused(client.post("/workbench/binding/", data, **ZH), field)
    old.refresh_from_db()
    assert old.revoked_at is None and not BindingChange.objects.exists()


@pytest.mark.parametrize("value", list(ODD.values()), ids=list(ODD))
@pytest.mark.parametrize("field", ["case", "action", "step", "expect", "applicant"])
def test_any_odd_binding_value_changes_nothing_unless_the_form_is_whole(client, world, field, value):
    case = accepted_case(world)
    old = binding_code_current(applicant=world.applicant)
    sign_in(client, world.pickup)
    data = {"case": case.number, "action": "reissue", "step": "do", "reason": "告知单丢了", field: value}
    response = client.post("/workbench/binding/", data, **ZH)
    assert response.status_code in (200, 400, 404, 409)  # 409: the confirmation names another code
    old.refresh_from_db()
    assert old.revoked_at is None and not BindingChange.objects.exists()


@pytest.mark.parametrize("action", ["reissue", "unbind"])
def test_a_confirmation_sent_twice_changes_once(client, world, action):
    from tests.workbench.test_binding import bound_account

    case = accepted_case(world)
    bound_account(world)
    sign_in(client, world.pickup)
    page = client.post(
        "/workbench/binding/", {"case": case.number, "action": action, "step": "confirm", "reason": "丢"}
    )
    expect = page.context["expect"] if page.context and "expect" in page.context else None
    if expect is None:
        import re

        expect = re.search(r'name="expect" value="([^"]*)"', page.content.decode()).group(1)
    data = {"case": case.number, "action": action, "step": "do", "reason": "丢", "expect": expect}
    client.post("/workbench/binding/", data, **ZH)
    client.post("/workbench/binding/", data, **ZH)
    assert BindingChange.objects.count() == 1


# ------------------------------------------------------------------ pre-review


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("return", {"reasons": "材料不清\x00"}, "reasons"),
        ("supplement", {"materials": ["id_card\x00"], "note": "重拍"}, "materials"),
        ("supplement", {"materials": ["id_card"], "note": "重拍\x00"}, "note"),
        ("pass", {"x\x00": "1"}, "x"),
    ],
)
def test_a_nul_in_a_prereview_action_is_a_400_naming_it_and_the_application_waits(
    client, world, action, data, field
):
    application = online(world)
    sign_in(client, world.clerk)
    nul_refused(client.post(f"/workbench/prereview/{application.number}/{action}/", data, **ZH), field)
    assert application.cases.get().state == "prereview"
    assert not CaseEvent.objects.filter(
        case__application=application, action__startswith="prereview"
    ).exists()


@pytest.mark.parametrize("value", list(ODD.values()), ids=list(ODD))
@pytest.mark.parametrize(
    ("action", "field"), [("return", "reasons"), ("supplement", "note"), ("supplement", "materials")]
)
def test_any_odd_prereview_value_is_taken_or_refused_by_field(client, world, action, field, value):
    application = online(world)
    sign_in(client, world.clerk)
    data = {"reasons": "材料不清", "materials": ["id_card"], "note": "重拍", field: value}
    response = client.post(f"/workbench/prereview/{application.number}/{action}/", data, **ZH)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert application.cases.get().state == "prereview"
        assert "is-invalid" in response.content.decode() or "invalid-feedback" in response.content.decode()


@pytest.mark.parametrize("number", ["99999999999999999999", "SQ" + "9" * 5000, "𠀀", "../../etc"])
def test_a_prereview_action_on_no_such_application_is_a_404(client, world, number):
    sign_in(client, world.clerk)
    assert client.post(f"/workbench/prereview/{number}/pass/", **ZH).status_code == 404


def test_ten_thousand_fields_on_a_prereview_action_are_a_400_that_says_so(client, world):
    application = online(world)
    sign_in(client, world.clerk)
    data = {"reasons": "材料不清", "materials": ["id_card"] * 10_000}
    response = client.post(f"/workbench/prereview/{application.number}/return/", data, **ZH)
    assert response.status_code == 400 and "字段或文件过多" in text(response)
    assert application.cases.get().state == "prereview"


def test_json_clients_get_the_stable_error_shape(client, world):
    application = online(world)
    sign_in(client, world.clerk)
    response = client.post(
        f"/workbench/prereview/{application.number}/return/",
        {"reasons": "\x00"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert json.loads(response.content) == {
        "errors": [
            {
                "field": "reasons",
                "code": "NUL_CHARACTER",
                "message": json.loads(response.content)["errors"][0]["message"],
            }
        ]
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_clerks_passing_one_application_at_once_pass_it_once(world):
    application = online(world)
    clients = []
    for _ in range(2):
        c = Client()
        sign_in(c, world.clerk)
        clients.append(c)
    url = f"/workbench/prereview/{application.number}/pass/"
    results = race([lambda c=c: c.post(url).status_code for c in clients])
    assert all(r in (302, 400, 404) for r in results), results
    assert application.cases.get().state == "submitted"
    assert CaseEvent.objects.filter(case__application=application, action="prereview_pass").count() == 1


# ------------------------------------------------------------------ the agent's pages


@pytest.fixture
def desk(db, settings, tmp_path):
    return agent_desk(settings, tmp_path / "files")


def scan(client, code, body=None, name="scan.pdf"):
    upload = io.BytesIO(pdf(b"a scanned ID card") if body is None else body)
    upload.name = name
    return client.post("/workbench/agent/scans/", {"material": code, "file": upload}, **ZH)


def scans(client):
    for m in MATERIALS:
        if not m.get("tolerable"):
            assert scan(client, m["code"]).status_code == 200
    return list(MaterialFile.objects.values_list("pk", flat=True))


@pytest.mark.parametrize(
    "field",
    [
        "applicant",
        "items",
        "idempotency_key",
        "f_applicant_name",
        "f_business_address",
        "scans",
        "delivery_method",
        "consent",
    ],
)
def test_a_nul_in_any_agent_field_is_a_400_naming_it_and_nothing_is_filed(client, desk, field):
    sign_in(client, desk.agent)
    ids = scans(client)
    over = {"scans": [*ids, "1\x00"]} if field == "scans" else {"scans": ids, field: "1\x00"}
    nul_refused(post_apply(client, desk, **over), field)
    assert not Application.objects.filter(proxy_agent=desk.agent).exists()


@pytest.mark.parametrize("value", list(ODD.values()), ids=list(ODD))
@pytest.mark.parametrize(
    "field",
    ["idempotency_key", "f_applicant_name", "f_contact_phone", "f_business_address", "delivery_address"],
)
def test_any_odd_agent_value_files_once_or_is_refused_beside_its_field(client, desk, field, value):
    sign_in(client, desk.agent)
    ids = scans(client)
    response = post_apply(client, desk, scans=ids, **{field: value})
    assert response.status_code in (200, 302)
    filed = Application.objects.filter(proxy_agent=desk.agent).count()
    if response.status_code == 200:
        assert filed == 0 and (
            "is-invalid" in response.content.decode() or "alert" in response.content.decode()
        )
    else:
        assert filed == 1


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("../../../etc/passwd.pdf", pdf(b"x")),
        ("名" * 400 + ".pdf", pdf(b"x")),
        ("empty.pdf", b""),
        ("polyglot.pdf", b"GIF89a" + pdf(b"x")),
        ("cut.pdf", pdf(b"x")[:-4]),
        ("page.pdf", b"<html><script>alert(1)</script>"),
    ],
)
def test_agent_scans_keep_no_path_and_refuse_what_is_not_a_scan(client, desk, name, body):
    sign_in(client, desk.agent)
    response = scan(client, "id_card", body, name)
    kept = list(MaterialFile.objects.all())
    if len(name.encode()) > 1000:  # past the multipart parser's header limit: refused, saying why
        assert response.status_code == 400 and "文件名过长" in text(response) and not kept
    elif body.startswith(b"%PDF") and name != "cut.pdf":
        assert response.status_code == 200
        (row,) = kept
        assert "/" not in row.original_name and len(row.original_name) <= 200
    else:
        assert response.status_code == 200 and not kept
        assert "data-scan-error" in response.content.decode()


def test_an_agent_supplement_with_a_nul_is_a_400_naming_it(client, desk):
    sign_in(client, desk.agent)
    ids = scans(client)
    assert post_apply(client, desk, scans=ids).status_code == 302
    application = Application.objects.get(proxy_agent=desk.agent)
    url = f"/workbench/agent/applications/{application.number}/supplement/"
    nul_refused(client.post(url, {"scans": ["1\x00"]}, **ZH), "scans")
    assert client.post(url, {"scans": ["99999999999999999999", "-1", "𠀀"]}, **ZH).status_code == 400


def test_an_agent_key_replayed_files_one_application(client, desk):
    sign_in(client, desk.agent)
    ids = scans(client)
    first = post_apply(client, desk, scans=ids)
    again = post_apply(client, desk, scans=ids)  # the scans are attached to the first by now
    assert first.status_code == 302 and again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Application.objects.filter(proxy_agent=desk.agent).count() == 1


def test_the_workbench_sign_in_refuses_a_nul_by_field(client, world):
    nul_refused(
        client.post(
            "/workbench/login/", {"username": world.clerk.user.username, "password": PASSWORD + "\x00"}
        ),
        "password",
    )
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("value", [*ODD.values(), "1,2,3", "0"], ids=[*ODD, "list", "zero"])
@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/workbench/agent/apply/", "again"),
        ("/workbench/agent/items/", "q"),
        ("/workbench/agent/work/", "items"),
        ("/workbench/agent/work/", "add"),
        ("/workbench/agent/work/", "applicant"),
        ("/workbench/", "after"),
        ("/workbench/prereview/", "page"),
    ],
)
def test_the_agent_and_prereview_pages_answer_any_parameter(client, desk, url, param, value):
    sign_in(client, desk.world.clerk if "prereview" in url else desk.agent)
    response = client.get(url, {param: value}, **ZH)
    assert response.status_code in (200, 302, 400, 404)
    assert not Application.objects.exists()
