"""The admin pages of portal accounts, verification codes, binding codes, binding changes and the
SMS outbox: read-only, scoped like the other org pages, and never a code or a number in clear."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from onewindow.core import clock, sms
from onewindow.core.models import SmsMessage
from onewindow.org.accounts import (
    account_bind,
    account_create,
    binding_code_current,
    binding_code_reissue,
    mobile_code_send,
)
from onewindow.org.models import BindingChange, BindingCode, MobileCode, PortalAccount, Role
from tests.factories.cases import accepted_case, make_world
from tests.factories.org import ServiceCenterFactory, StaffFactory

pytestmark = pytest.mark.django_db

PAGES = ["org_portalaccount", "org_mobilecode", "org_bindingcode", "org_bindingchange", "core_smsmessage"]


@pytest.fixture
def root(client):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "onewindow-test")
    client.force_login(user)
    return client


@pytest.fixture
def filled(settings):
    """A bound account, a revoked and a current binding code, a change, a sign-up code texted
    through a gateway backend that failed (so its text, with the code, is still in the outbox)."""
    settings.SMS_BACKEND = "onewindow.core.sms.LocalBackend"  # not "local": the admin masks codes
    world = make_world()
    accepted_case(world)
    account = account_create(mobile="13800138000", password="qiuju-daguansi-1992")
    revoked = binding_code_current(applicant=world.applicant)
    current = binding_code_reissue(applicant=world.applicant, actor=world.clerk, reason="告知单遗失")
    account_bind(account=account, code=current.code, address="t")
    mobile_code_send(mobile="13900139000", purpose=MobileCode.Purpose.SIGNUP, address="10.1.1.1")
    return world, account, revoked, current, SmsMessage.objects.get()


def page(client, name, *args, **params):
    suffix = "change" if args else "changelist"
    return client.get(reverse(f"admin:{name}_{suffix}", args=args), params)


def test_every_page_lists_and_shows_without_a_code_or_a_number_in_clear(
    root, filled, django_assert_max_num_queries
):
    world, account, revoked, current, message = filled
    code = message.params["code"]
    secrets = [code, revoked.code, current.code, "13800138000", "13900139000"]
    rows = {
        "org_portalaccount": account.pk,
        "org_mobilecode": MobileCode.objects.get().pk,
        "org_bindingcode": current.pk,
        "org_bindingchange": BindingChange.objects.get().pk,
        "core_smsmessage": message.pk,
    }
    for name in PAGES:
        with django_assert_max_num_queries(12):
            listing = page(root, name)
        assert listing.status_code == 200, name
        detail = page(root, name, rows[name])
        assert detail.status_code == 200, name
        for html in (listing.content.decode(), detail.content.decode()):
            for secret in secrets:
                assert secret not in html, (name, secret)
    assert "138****8000" in page(root, "org_portalaccount").content.decode()
    assert "•" * len(code) in page(root, "core_smsmessage", message.pk).content.decode()
    states = page(root, "org_bindingcode").content.decode()
    assert "已作废" in states or "revoked" in states


def test_the_local_backend_outbox_is_the_demos_phone(root, settings):
    settings.SMS_BACKEND = "local"
    message = sms.send(
        mobile="13800138000", text="验证码 314159", purpose="signup_code", params={"code": "314159"}
    )
    assert "314159" in page(root, "core_smsmessage", message.pk).content.decode()
    settings.SMS_BACKEND = "aliyun"  # a gateway configured since: old local rows are masked too
    assert "314159" not in page(root, "core_smsmessage", message.pk).content.decode()


def test_the_outbox_shows_tries_the_last_error_and_the_next_try(root):
    now = clock.now()
    message = SmsMessage.objects.create(
        mobile="13800138000",
        mobile_digest="x",
        purpose="signup_code",
        text="x",
        attempts=2,
        error="isv.BUSINESS_LIMIT_CONTROL: 触发分钟级流控",
        next_attempt_at=now + dt.timedelta(minutes=1),
        created_at=now,
    )
    html = page(root, "core_smsmessage", message.pk).content.decode()
    assert "isv.BUSINESS_LIMIT_CONTROL" in html and ">2<" in html.replace(" ", "").replace("\n", "")
    assert "isv.BUSINESS_LIMIT_CONTROL" in page(root, "core_smsmessage").content.decode()


def test_nothing_can_be_added_changed_or_deleted(root, filled):
    world, account, revoked, current, message = filled
    for name, pk in (
        ("org_bindingcode", current.pk),
        ("org_portalaccount", account.pk),
        ("core_smsmessage", message.pk),
    ):
        assert root.get(reverse(f"admin:{name}_add")).status_code == 403
        assert root.post(reverse(f"admin:{name}_delete", args=[pk]), {"post": "yes"}).status_code == 403
    assert BindingCode.objects.count() == 2 and PortalAccount.objects.count() == 1


def test_a_supervisor_sees_the_changes_and_codes_of_their_center_only(client, filled):
    world, account, revoked, current, message = filled
    world.supervisor.user.is_staff = True
    world.supervisor.user.save()
    client.force_login(world.supervisor.user)
    assert page(client, "org_bindingchange").status_code == 200
    assert list(page(client, "org_bindingchange").context["cl"].result_list) == list(
        BindingChange.objects.all()
    )
    assert len(page(client, "org_bindingcode").context["cl"].result_list) == 2
    assert list(page(client, "org_portalaccount").context["cl"].result_list) == [account]
    assert list(page(client, "org_mobilecode").context["cl"].result_list) == []  # no center: superusers
    assert page(client, "core_smsmessage").status_code == 403  # the outbox belongs to no center
    other = StaffFactory(center=ServiceCenterFactory(), roles=[Role.SUPERVISOR], user__is_staff=True)
    client.force_login(other.user)
    for name in ("org_bindingchange", "org_bindingcode", "org_portalaccount"):
        assert list(page(client, name).context["cl"].result_list) == [], name
    assert page(client, "org_bindingchange", BindingChange.objects.get().pk).status_code == 404


@pytest.mark.parametrize(
    "term", ["13800138000", "+86 138-0013-8000", "138****8000", "' OR 1=1", "号" * 300, ""]
)
def test_accounts_are_searched_by_an_exact_number_only(root, filled, term):
    world, account, *_ = filled
    rows = list(page(root, "org_portalaccount", q=term).context["cl"].result_list)
    expected = [account] if term in ("13800138000", "+86 138-0013-8000", "") else []
    assert rows == expected


def test_the_outbox_names_each_purpose_in_the_readers_language(root):
    """The list read `signup_code`; it reads 注册 (the purpose org names), and an unnamed one its code."""
    named = sms.send(
        mobile="13800138000", text="验证码 271828", purpose="signup_code", params={"code": "271828"}
    )
    sms.send(mobile="13800138000", text="你好", purpose="some_other_app", params={})
    listing = page(root, "core_smsmessage").content.decode()
    label = "注册"  # MobileCode.Purpose.SIGNUP, in the admin's Chinese
    assert f'<td class="field-purpose_shown">{label}</td>' in listing
    assert "some_other_app" in listing  # unnamed: its code
    assert ">signup_code<" not in listing.split('id="changelist-filter"')[0]
    detail = page(root, "core_smsmessage", named.pk).content.decode()
    assert label in detail and "· signup_code ·" not in detail
