"""Codes by SMS: sign-up proves the number, password reset; 6 digits, 10 minutes, 5 tries, hashed
at rest, rate-limited per number and per address; a reset lifts the number's lockout."""

import datetime as dt

import pytest
from django.urls import reverse

from onewindow.core import clock
from onewindow.core.models import SmsMessage
from onewindow.org.accounts import account_create, account_sign_up, mobile_code_send
from onewindow.org.errors import OrgError
from onewindow.org.models import MobileCode, PortalAccount
from tests.portal.sms import texted_code
from tests.portal.test_accounts import PASSWORD, ZH, sign_in, sign_up

pytestmark = pytest.mark.django_db
MOBILE = "13800138000"


def send(mobile=MOBILE, purpose="signup_code", address="10.0.0.1"):
    mobile_code_send(mobile=mobile, purpose=purpose, address=address)


def test_the_code_is_six_digits_texted_and_only_its_digest_is_kept(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send()
    code = texted_code(MOBILE)
    row = MobileCode.objects.get()
    assert len(code) == 6 and code.isdigit()
    assert code not in row.code_digest and row.expires_at - row.created_at == dt.timedelta(minutes=10)
    message = SmsMessage.objects.get()
    assert message.state == "sent" and message.purpose == "signup_code" and "10分钟" in message.text


def test_sign_up_with_the_right_code_opens_the_account_once():
    send()
    code = texted_code(MOBILE)
    account = account_sign_up(mobile=MOBILE, code=code, password=PASSWORD, password_again=PASSWORD)
    assert account.mobile == MOBILE
    with pytest.raises(OrgError) as exc:
        account_sign_up(mobile=MOBILE, code=code, password=PASSWORD)
    assert exc.value.code == "ACCOUNT_EXISTS"


def test_five_wrong_tries_use_the_code_up():
    send()
    code = texted_code(MOBILE)
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(OrgError) as exc:
            account_sign_up(mobile=MOBILE, code=wrong, password=PASSWORD)
        assert exc.value.code == "SMS_CODE_WRONG" and str(left) in exc.value.message
    with pytest.raises(OrgError) as exc:
        account_sign_up(mobile=MOBILE, code=wrong, password=PASSWORD)
    assert exc.value.code == "SMS_CODE_EXPIRED"
    with pytest.raises(OrgError) as exc:  # now even the right one is refused
        account_sign_up(mobile=MOBILE, code=code, password=PASSWORD)
    assert exc.value.code == "SMS_CODE_EXPIRED" and not PortalAccount.objects.exists()


def test_a_code_expires_after_ten_minutes(monkeypatch):
    send()
    code = texted_code(MOBILE)
    later = clock.now() + dt.timedelta(minutes=10, seconds=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    with pytest.raises(OrgError) as exc:
        account_sign_up(mobile=MOBILE, code=code, password=PASSWORD)
    assert exc.value.code == "SMS_CODE_EXPIRED"


@pytest.mark.parametrize(
    "typed", ["", "   ", "12345", "1234567", "abcdef", "１２３４５６", "9" * 10_000, "123456\x00"]
)
def test_malformed_codes_are_refused_naming_the_code_field(typed):
    send()
    with pytest.raises(OrgError) as exc:
        account_sign_up(mobile=MOBILE, code=typed, password=PASSWORD)
    assert exc.value.field == "code" and not PortalAccount.objects.exists()


def test_a_weak_password_is_refused_before_the_code_is_tried():
    send()
    with pytest.raises(OrgError) as exc:
        account_sign_up(mobile=MOBILE, code="000000", password="12345678", password_again="12345678")
    assert exc.value.field == "password" and MobileCode.objects.get().tries == 0


def test_codes_are_limited_per_number_and_per_address(settings):
    send()
    with pytest.raises(OrgError) as exc:  # a second within the minute
        send(address="10.0.0.2")
    assert exc.value.code == "SMS_TOO_OFTEN"
    settings.SMS_PER_ADDRESS_HOUR = 3
    for n in range(2):
        send(mobile=f"1390000000{n}", address="10.9.9.9")
    send(mobile="13900000005", address="10.9.9.9")
    with pytest.raises(OrgError):
        send(mobile="13900000009", address="10.9.9.9")
    assert SmsMessage.objects.count() == 4


def test_sign_up_page_two_steps_in_chinese_with_the_number_from_the_session(client):
    first = client.post(
        reverse("portal:signup"), {"step": "send", "mobile": "138 0013 8000", "kind": "person"}, **ZH
    )
    assert (
        first.status_code == 200
        and "138****8000" in first.content.decode()
        and "验证码" in first.content.decode()
    )
    wrong = client.post(
        reverse("portal:signup"),
        {
            "step": "create",
            "code": "",
            "password": PASSWORD,
            "password_again": PASSWORD,
            "mobile": "13900000000",
        },
        **ZH,
    )
    assert wrong.status_code == 400 and 'id="e-code"' in wrong.content.decode()
    done = client.post(
        reverse("portal:signup"),
        {
            "step": "create",
            "code": texted_code(MOBILE),
            "password": PASSWORD,
            "password_again": PASSWORD,
            "mobile": "13900000000",
        },
    )
    assert done.status_code == 302
    assert PortalAccount.objects.get().mobile == MOBILE  # the number the code went to, not the posted one


def test_step_two_without_step_one_asks_for_a_code(client):
    response = client.post(
        reverse("portal:signup"), {"step": "create", "code": "123456", "password": PASSWORD}, **ZH
    )
    assert response.status_code == 400 and 'id="e-mobile"' in response.content.decode()


def test_reset_sets_a_new_password_and_lifts_the_lockout(client):
    account_create(mobile=MOBILE, password=PASSWORD)
    for _ in range(6):
        sign_in(client, password="wrong-password")
    assert sign_in(client).status_code in (403, 429)  # locked out
    step1 = client.post(reverse("portal:reset"), {"step": "send", "mobile": MOBILE}, **ZH)
    assert step1.status_code == 200
    new = "new-qiuju-password-2026"
    done = client.post(
        reverse("portal:reset"),
        {"step": "set", "code": texted_code(MOBILE), "password": new, "password_again": new},
        **ZH,
    )
    assert done.status_code == 302 and done["Location"] == reverse("portal:login")
    assert sign_in(client, password=PASSWORD).status_code == 200  # the old one is gone
    assert sign_in(client, password=new).status_code == 302


def test_reset_for_a_number_without_an_account_says_the_same_and_texts_nobody(client):
    response = client.post(reverse("portal:reset"), {"step": "send", "mobile": "13900139000"}, **ZH)
    assert response.status_code == 200 and "139****9000" in response.content.decode()
    assert not SmsMessage.objects.exists()
    step2 = client.post(
        reverse("portal:reset"),
        {"step": "set", "code": "123456", "password": PASSWORD, "password_again": PASSWORD},
        **ZH,
    )
    assert step2.status_code == 400 and 'id="e-code"' in step2.content.decode()


def test_sign_up_helper_still_works(client):
    assert sign_up(client).status_code == 302


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ups_with_one_code_open_one_account():
    from tests.threads import race

    send()
    code = texted_code(MOBILE)
    results = race([lambda: account_sign_up(mobile=MOBILE, code=code, password=PASSWORD) for _ in range(4)])
    assert sum(isinstance(r, PortalAccount) for r in results) == 1, results
    assert all(isinstance(r, (PortalAccount, OrgError)) for r in results), results
    assert PortalAccount.objects.count() == 1
