"""My cases: the account's cases a page at a time, one case with its trail in plain sentences, both
deadlines, the decision and its delivery, and the notices as PDF."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from onewindow.cases import services
from onewindow.cases.models import Case
from onewindow.cases.selectors import account_cases
from onewindow.org.accounts import (
    account_bind,
    account_create,
    account_declare_applicant,
    binding_code_current,
)
from tests.factories.cases import accepted_case, delivered_case, make_world, submit
from tests.factories.org import with_id_check_digit

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def bound(world, mobile="13800138000"):
    account = account_create(mobile=mobile, password="qiuju-daguansi-1992")
    account_bind(account=account, code=binding_code_current(applicant=world.applicant).code, address="t")
    account.refresh_from_db()
    return account


def test_the_list_shows_the_applicants_cases_newest_first_a_page_at_a_time(
    client, django_assert_max_num_queries
):
    world = make_world()
    cases = [accepted_case(world) for _ in range(23)]
    client.force_login(bound(world).user)
    with django_assert_max_num_queries(6):
        first = client.get(reverse("portal:my_cases"), **ZH)
    body = first.content.decode()
    assert first.status_code == 200 and cases[-1].number in body and cases[2].number not in body
    after = first.context["next_after"]
    with django_assert_max_num_queries(6):
        second = client.get(reverse("portal:my_cases"), {"after": after}, **ZH)
    numbers = [c.number for c in second.context["cases"]]
    assert numbers == [c.number for c in reversed(cases[:3])] and not second.context["next_after"]


@pytest.mark.parametrize("after", ["", "garbage", "1-", "9" * 30 + "-1", "-1-1", "１-１", "1-99999999999"])
def test_a_malformed_cursor_shows_the_first_page_or_nothing(client, after):
    world = make_world()
    accepted_case(world)
    client.force_login(bound(world).user)
    response = client.get(reverse("portal:my_cases"), {"after": after})
    assert response.status_code == 200


def test_an_unbound_account_sees_only_what_it_filed_online():
    world = make_world()
    accepted_case(world)  # the window case of someone else
    account = account_create(mobile="13800138000", password="qiuju-daguansi-1992")
    declared = account_declare_applicant(
        account=account, name="秋菊", id_number=with_id_check_digit("11010519491231002")
    )
    world.applicant = declared
    window = accepted_case(world)  # a window case of the declared identity: not shown until bound
    online = services.application_create(
        center=world.center,
        applicant=declared,
        items=[world.item],
        channel="portal",
        materials=sorted(m.code for m in world.version.materials.all()),
        actor=declared,
    )
    assert set(account_cases(account=account)) == set(online.cases.all())
    account_bind(account=account, code=binding_code_current(applicant=declared).code, address="t")
    account.refresh_from_db()
    assert set(account_cases(account=account)) == set(online.cases.all()) | {window}


def test_the_case_page_tells_the_trail_without_staff_names_and_how_the_result_arrives(client):
    world = make_world()
    case = delivered_case(world)
    client.force_login(bound(world).user)
    response = client.get(reverse("portal:my_case", args=[case.number]), **ZH)
    body = response.content.decode()
    assert response.status_code == 200
    for staff in (world.clerk, world.approver, world.approver2, world.pickup):
        assert staff.name not in body  # posts, never names
    assert "受理" in body and "准予" in body
    assert 'data-testid="deadline"' in body and 'data-testid="legal-deadline"' in body
    case.refresh_from_db()
    assert case.deadline.strftime("%Y-%m-%d") in body
    assert "notice-acceptance" in body and "notice-completion" in body and "notice-handover" in body
    assert "同意" not in body  # the approvers' opinions stay inside the center


def test_the_notice_pdf_is_the_windows_notice(client):
    world = make_world()
    case = accepted_case(world)
    client.force_login(bound(world).user)
    response = client.get(reverse("portal:my_notice", args=[case.number, "acceptance"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).replace(" ", "")
    assert case.number in text and "受理通知书" in text
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("NOPE-20261201-1", "acceptance"),
        ("x" * 300, "acceptance"),
        ("案件", "acceptance"),
        (None, "refusal"),
        (None, "receipt"),
    ],
)
def test_notices_a_case_has_not_had_or_malformed_addresses_are_404(client, number, kind):
    world = make_world()
    case = accepted_case(world)
    client.force_login(bound(world).user)
    response = client.get(reverse("portal:my_notice", args=[number or case.number, kind]))
    assert response.status_code == 404


def test_a_supplement_notice_of_a_window_application_prints_the_binding_code(client):
    world = make_world(
        materials=[{"code": "id_card", "name": "身份证明"}, {"code": "licence", "name": "营业执照"}]
    )
    application = submit(world, materials=["id_card"])
    services.application_intake(application=application, actor=world.clerk)
    case = Case.objects.get(application=application)
    client.force_login(bound(world).user)
    response = client.get(reverse("portal:my_notice", args=[case.number, "supplement"]))
    assert response.status_code == 200


def test_the_portal_never_hands_out_a_binding_code_on_a_notice(client):
    world = make_world()
    account = account_create(mobile="13800138000", password="qiuju-daguansi-1992")
    declared = account_declare_applicant(
        account=account, name="秋菊", id_number=with_id_check_digit("11010519491231002")
    )
    application = services.application_create(
        center=world.center,
        applicant=declared,
        items=[world.item],
        channel="portal",
        materials=sorted(m.code for m in world.version.materials.all()),
        actor=declared,
    )
    case = services.application_intake(application=application, actor=world.clerk).cases[0]
    client.force_login(account.user)
    response = client.get(reverse("portal:my_notice", args=[case.number, "acceptance"]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).replace(" ", "")
    assert response.status_code == 200 and "受理通知书" in text and "绑定码" not in text


def test_the_one_time_notice_of_an_online_application_still_prints_once_it_was_answered_and_accepted(client):
    """Applied online, asked once in pre-review, uploaded and sent, accepted: the button My cases
    offers still opens the notice as it was sent (it was a 404 once nothing was missing)."""
    from tests.factories.cases import online

    world = make_world(materials=[{"code": "id_card", "name": "身份证明"}])
    application = online(world, state="prereview")
    services.application_request_supplement(
        application=application, actor=world.clerk, materials=["id_card"], note="照片模糊"
    )
    services.application_supplement(
        application=application, materials=["id_card"], actor=world.applicant, prereview=True
    )
    services.application_prereview_pass(application=application, actor=world.clerk)
    case = services.application_intake(application=application, actor=world.clerk).accepted[0]
    client.force_login(bound(world).user)
    page = client.get(reverse("portal:my_case", args=[case.number]), **ZH).content.decode()
    assert 'data-testid="notice-supplement"' in page and "补正材料一次性告知书" in page
    response = client.get(reverse("portal:my_notice", args=[case.number, "supplement"]))
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).replace(" ", "")
    assert "一次性告知书" in text and "身份证明" in text and "照片模糊" in text
    for bad in ("2", "0", "x", "-1", "１", "9" * 50):
        assert (
            client.get(reverse("portal:my_notice", args=[case.number, "supplement"]), {"n": bad}).status_code
            == 404
        )


def test_two_one_time_notices_are_two_buttons_each_with_its_own_paper(client):
    world = make_world(
        materials=[{"code": "id_card", "name": "身份证明"}, {"code": "licence", "name": "营业执照"}]
    )
    application = submit(world, materials=["id_card"])
    services.application_intake(application=application, actor=world.clerk)
    services.application_supplement(application=application, materials=["licence"], actor=world.clerk)
    services.application_request_supplement(application=application, actor=world.clerk, materials=["licence"])
    case = Case.objects.get(application=application)
    client.force_login(bound(world).user)
    page = client.get(reverse("portal:my_case", args=[case.number]), **ZH).content.decode()
    assert 'data-testid="notice-supplement-1"' in page and 'data-testid="notice-supplement-2"' in page
    texts = []
    for n in ("1", "2"):
        response = client.get(reverse("portal:my_notice", args=[case.number, "supplement"]), {"n": n})
        assert response.status_code == 200
        texts.append("".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages))
    assert f"{case.number}之2" not in texts[0].replace(" ", "")
    assert f"{case.number}之2" in texts[1].replace(" ", "")
