"""Portal accounts: sign-up with a mobile number, sign-in through the real page (with django-axes'
lockout), the decorator's answers, and declaring who a new account is."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from onewindow.org.accounts import account_create
from onewindow.org.models import Applicant, PortalAccount
from onewindow.org.services import applicant_create
from tests.factories.org import StaffFactory, with_id_check_digit
from tests.portal.sms import texted_code

PASSWORD = "qiuju-daguansi-1992"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
ID = with_id_check_digit("11010519491231002")


def sign_up(client, **fields):
    """Sign up as a person does: the number (a code is texted), then the code and a password.
    Returns the first response that is not a success of step 1."""
    data = {"mobile": "138 0013 8000", "password": PASSWORD, "password_again": PASSWORD, "kind": "person"}
    data.update(fields)
    first = client.post(
        reverse("portal:signup"), {"step": "send", "mobile": data["mobile"], "kind": data["kind"]}, **ZH
    )
    if first.status_code != 200:
        return first
    code = texted_code(data["mobile"])
    return client.post(
        reverse("portal:signup"),
        {
            "step": "create",
            "code": code,
            "password": data["password"],
            "password_again": data["password_again"],
        },
        **ZH,
    )


def sign_in(client, mobile="13800138000", password=PASSWORD):
    return client.post(reverse("portal:login"), {"username": mobile, "password": password}, **ZH)


@pytest.mark.django_db
def test_sign_up_opens_an_account_signs_in_and_asks_who_you_are(client):
    response = sign_up(client)
    assert response.status_code == 302 and response["Location"] == reverse("portal:identity")
    account = PortalAccount.objects.get()
    assert account.mobile == "13800138000" and account.verified_at is None
    assert "13800138000" not in account.user.username  # the number is only in its encrypted field
    page = client.get(reverse("portal:my"), **ZH)
    assert page.status_code == 200 and "138****8000" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        ({"mobile": ""}, "mobile", "请输入手机号码"),
        ({"mobile": "12345"}, "mobile", ""),
        ({"mobile": "1" * 10_000}, "mobile", ""),
        ({"password": "", "password_again": ""}, "password", ""),
        ({"password_again": "something-else-1"}, "password_again", "两次"),
        ({"password": "12345678", "password_again": "12345678"}, "password", ""),
        ({"kind": "robot"}, "kind", ""),
    ],
)
def test_sign_up_refuses_bad_input_naming_the_field_and_keeps_the_number(client, fields, field, text):
    response = sign_up(client, **fields)
    body = response.content.decode()
    assert response.status_code == 400
    assert f'id="e-{field}"' in body
    assert text in body
    assert not PortalAccount.objects.exists() and not get_user_model().objects.exists()
    if fields.get("mobile", "138 0013 8000") == "138 0013 8000" and field in ("mobile", "kind"):
        assert 'value="138 0013 8000"' in body


@pytest.mark.django_db
def test_one_account_per_mobile_number_however_it_is_written(client):
    assert sign_up(client).status_code == 302
    client.logout()
    response = sign_up(client, mobile="+86 138-0013-8000")
    assert response.status_code == 400 and "已有账号" in response.content.decode()
    assert PortalAccount.objects.count() == 1


@pytest.mark.django_db
def test_sign_in_with_the_mobile_number_in_any_spelling(client):
    account_create(mobile="13800138000", password=PASSWORD)
    response = sign_in(client, mobile="+86 138 0013 8000")
    assert response.status_code == 302 and response["Location"] == reverse("portal:my")


@pytest.mark.django_db
def test_a_wrong_password_is_refused_and_five_lock_the_number_out(client):
    account_create(mobile="13800138000", password=PASSWORD)
    for _ in range(4):
        response = sign_in(client, password="wrong-password")
        assert response.status_code == 200 and "手机号码或密码错误" in response.content.decode()
    sign_in(client, mobile="138-0013-8000", password="wrong-password")  # same number, other spelling
    locked = sign_in(client)  # the right password no longer helps
    assert locked.status_code == 429
    assert not client.get(reverse("portal:my")).status_code == 200


def lock_out(client, mobile="13800138000"):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, mobile=mobile, password="wrong-password")
    return response


@pytest.mark.django_db
def test_a_locked_out_citizen_gets_a_portal_page_with_the_minutes_and_the_password_reset(client):
    account_create(mobile="13800138000", password=PASSWORD)
    locked = lock_out(client)
    body = locked.content.decode()
    assert locked.status_code == 429
    assert "工作人员工作台" not in body and reverse("workbench:login") + '"' not in body.split("<main")[1]
    assert 'data-testid="locked-out"' in body
    assert "账号已锁定" in body and "15 分钟" in body  # AXES_COOLOFF_TIME, in Chinese
    assert f'href="{reverse("portal:reset")}"' in body and "忘记密码" in body
    assert "portal/portal.css" in body  # the portal's look
    assert "core/elder.css" not in body


@pytest.mark.django_db
def test_the_lockout_page_follows_the_elderly_mode(client):
    from onewindow.core.display import COOKIE, ELDER

    account_create(mobile="13800138000", password=PASSWORD)
    client.cookies[COOKIE] = ELDER
    body = lock_out(client).content.decode()
    assert "core/elder.css" in body and "账号已锁定" in body


@pytest.mark.django_db
def test_the_password_reset_the_lockout_page_offers_unlocks_the_account(client):
    account_create(mobile="13800138000", password=PASSWORD)
    lock_out(client)
    assert sign_in(client).status_code == 429
    client.post(reverse("portal:reset"), {"step": "send", "mobile": "13800138000"}, **ZH)
    new = "xinmima-qiuju-2026"
    code = texted_code("13800138000")
    client.post(
        reverse("portal:reset"),
        {"step": "set", "code": code, "password": new, "password_again": new},
        **ZH,
    )
    assert sign_in(client, password=new).status_code == 302


@pytest.mark.django_db
def test_a_locked_out_member_of_staff_keeps_the_workbench_page(client):
    staff = StaffFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = client.post(
            reverse("workbench:login"), {"username": staff.user.username, "password": "wrong"}, **ZH
        )
    body = locked.content.decode()
    assert locked.status_code == 429
    assert "工作人员工作台" in body and reverse("workbench:login") in body
    assert "账号已锁定" not in body


@pytest.mark.django_db
def test_staff_cannot_sign_in_on_the_portal_nor_open_account_pages(client):
    staff = StaffFactory()
    staff.user.set_password(PASSWORD)
    staff.user.save()
    response = client.post(
        reverse("portal:login"), {"username": staff.user.username, "password": PASSWORD}, **ZH
    )
    assert response.status_code == 200 and "不是网上办事大厅的账号" in response.content.decode()
    client.force_login(staff.user)  # a member of staff signed in on the workbench
    assert client.get(reverse("portal:my")).status_code == 403


@pytest.mark.django_db
def test_account_pages_send_a_visitor_to_the_sign_in_page(client):
    response = client.get(reverse("portal:my"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login") + "?next=")


@pytest.mark.django_db
def test_sign_in_never_redirects_to_another_site(client):
    account_create(mobile="13800138000", password=PASSWORD)
    response = client.post(
        reverse("portal:login"),
        {"username": "13800138000", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("portal:my")


@pytest.mark.django_db
def test_a_new_account_declares_a_person_it_acts_for_unverified(client):
    sign_up(client)
    response = client.post(reverse("portal:identity"), {"name": "秋菊", "id_number": ID}, **ZH)
    assert response.status_code == 302
    applicant = Applicant.objects.get()
    account = PortalAccount.objects.get()
    assert applicant.user_id == account.user_id and applicant.mobile == "13800138000"
    assert account.verified_at is None
    assert "未绑定" in client.get(reverse("portal:my"), **ZH).content.decode()
    again = client.get(reverse("portal:identity"))
    assert again.status_code == 302  # one applicant per account


@pytest.mark.django_db
def test_an_identity_the_center_knows_needs_a_binding_code(client):
    known = applicant_create(kind="person", name="秋菊", id_number=ID)
    sign_up(client)
    response = client.post(reverse("portal:identity"), {"name": "秋菊", "id_number": ID}, **ZH)
    body = response.content.decode()
    assert response.status_code == 400 and "绑定码" in body and 'id="e-id_number"' in body
    known.refresh_from_db()
    assert known.user_id is None  # nobody took the known applicant over
    assert Applicant.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "", "id_number": ID}, "name"),
        ({"name": "秋菊", "id_number": ""}, "id_number"),
        ({"name": "秋菊", "id_number": "110105194912310021"}, "id_number"),
        ({"name": "秋菊", "id_number": ID, "document_kind": "spaceship"}, "document_kind"),
    ],
)
def test_identity_refuses_bad_input_naming_the_field(client, fields, field):
    sign_up(client)
    response = client.post(reverse("portal:identity"), fields, **ZH)
    assert response.status_code == 400 and f'id="e-{field}"' in response.content.decode()
    assert not Applicant.objects.exists()


@pytest.mark.django_db
def test_an_organisation_account_declares_its_organisation(client):
    from tests.factories.org import with_uscc_check_char

    sign_up(client, kind="organisation")
    uscc = with_uscc_check_char("91110105MA01ABCDE")
    response = client.post(
        reverse("portal:identity"), {"name": "大观农业合作社", "uscc": uscc, "legal_representative": "王庆来"}
    )
    assert response.status_code == 302
    applicant = Applicant.objects.get()
    assert applicant.kind == "organisation" and applicant.uscc == uscc


def test_my_account_labels_end_with_the_languages_own_colon(signed_in):
    """Chinese labels take the full-width colon (手机号码：), English ones the ASCII colon."""
    from tests.workbench.helpers import text

    chinese = signed_in.get(reverse("portal:my"), **ZH).content.decode()
    assert '手机号码：<span data-testid="account-mobile">138****8000' in chinese
    assert '申请人：<strong data-testid="account-applicant">秋菊' in chinese
    assert "手机号码:" not in chinese
    with translation.override(
        settings.LANGUAGE_CODE
    ):  # English stays active otherwise (see tests/core/test_admin.py)
        english = text(signed_in.get("/en/my/"))
    assert "Mobile phone number: 138****8000" in english and "Acting for: 秋菊" in english
