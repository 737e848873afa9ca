"""Binding codes: issued at a window or printed on a notice, the same on a reprint while valid,
single use, expiring; `account_bind` makes the account act for the code's applicant."""

import datetime as dt

import pytest
from django.urls import reverse

from onewindow.cases.notices import case_notice
from onewindow.core import clock
from onewindow.org.accounts import (
    account_bind,
    account_create,
    account_declare_applicant,
    binding_code_current,
    binding_code_text,
)
from onewindow.org.errors import OrgError
from onewindow.org.models import Applicant, BindingCode, PortalAccount
from tests.factories.cases import accepted_case, make_world
from tests.factories.org import with_id_check_digit
from tests.threads import race

PASSWORD = "qiuju-daguansi-1992"


def account(mobile="13800138000"):
    return account_create(mobile=mobile, password=PASSWORD)


def bind(who, code, address="10.0.0.1"):
    return account_bind(account=who, code=code, address=address)


def refused(code_text, who, address="10.0.0.1"):
    with pytest.raises(OrgError) as exc:
        bind(who, code_text, address)
    assert exc.value.field == "code"
    return exc.value.code


@pytest.mark.django_db
def test_the_notice_code_binds_the_account_to_the_cases_applicant():
    world = make_world()
    case = accepted_case(world)
    notice = case_notice(case=case, kind="acceptance")
    again = case_notice(case=case, kind="acceptance")
    assert notice.binding_code == again.binding_code  # a reprint prints the same code
    who = account()
    applicant = bind(who, notice.binding_code.lower().replace("-", " "))  # as typed on a phone
    assert applicant.pk == world.applicant.pk
    assert Applicant.objects.get(pk=applicant.pk).user_id == who.user_id
    assert PortalAccount.objects.get(pk=who.pk).verified_at is not None
    row = BindingCode.objects.get()
    assert row.used_by_id == who.pk and row.used_at is not None and row.code_digest not in notice.binding_code
    assert case_notice(case=case, kind="acceptance").binding_code == ""  # bound: nothing to print


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    ["", "   ", "ABCD", "ABCD-EFGH-JKLM", "0000-OOOO", "绑定码一二三四", "A" * 100_000, "ABCD\x00EFG"],
)
def test_malformed_and_wrong_codes_are_refused(typed):
    world = make_world()
    binding_code_current(applicant=world.applicant)
    code = refused(typed, account())
    assert code in ("BIND_CODE_REQUIRED", "BIND_CODE_WRONG")
    assert Applicant.objects.get(pk=world.applicant.pk).user_id is None


@pytest.mark.django_db
def test_an_expired_code_is_refused(monkeypatch):
    world = make_world()
    code = binding_code_text(binding_code_current(applicant=world.applicant).code)
    later = clock.now() + dt.timedelta(days=31)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert refused(code, account()) == "BIND_CODE_EXPIRED"
    assert binding_code_current(applicant=world.applicant).code != code.replace("-", "")  # a new one


@pytest.mark.django_db
def test_a_used_code_cannot_bind_another_account():
    world = make_world()
    code = binding_code_text(binding_code_current(applicant=world.applicant).code)
    first, other = account(), account("13900139000")
    bind(first, code)
    assert refused(code, other) == "BIND_CODE_USED"
    assert Applicant.objects.get(pk=world.applicant.pk).user_id == first.user_id
    assert PortalAccount.objects.get(pk=other.pk).verified_at is None


@pytest.mark.django_db
def test_a_bound_account_cannot_bind_a_second_applicant():
    one, two = make_world(), make_world()
    who = account()
    bind(who, binding_code_current(applicant=one.applicant).code)
    assert refused(binding_code_current(applicant=two.applicant).code, who) == "ACCOUNT_BOUND_TO_OTHER"
    assert Applicant.objects.get(pk=two.applicant.pk).user_id is None
    assert BindingCode.objects.filter(applicant=two.applicant, used_at=None).exists()  # not spent


@pytest.mark.django_db
def test_the_code_wins_over_an_unverified_declaration():
    declarer = account("13900139000")
    declared = account_declare_applicant(
        account=declarer, name="秋菊", id_number=with_id_check_digit("11010519491231002")
    )
    who = account()
    bind(who, binding_code_current(applicant=declared).code)
    declared.refresh_from_db()
    assert declared.user_id == who.user_id
    assert not Applicant.objects.filter(user_id=declarer.user_id).exists()


@pytest.mark.django_db
def test_binding_is_rate_limited_per_account_and_address(settings):
    settings.BIND_ATTEMPTS = 3
    world = make_world()
    code = binding_code_current(applicant=world.applicant).code
    who = account()
    for _ in range(3):
        refused("ABCD-EFGH", who)
    assert refused(code, who) == "BIND_TOO_OFTEN"  # even the right code, until the window passes
    assert refused(code, account("13900139000")) == "BIND_TOO_OFTEN"  # same address
    assert bind(account("13700137000"), code, address="10.0.0.2").pk == world.applicant.pk


@pytest.mark.django_db
def test_bind_page_names_the_field_in_chinese_and_binds(client):
    world = make_world()
    code = binding_code_text(binding_code_current(applicant=world.applicant).code)
    who = account()
    client.force_login(who.user)
    wrong = client.post(reverse("portal:bind"), {"code": "ABCD-EFGH"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert wrong.status_code == 400 and 'id="e-code"' in wrong.content.decode()
    assert "绑定码" in wrong.content.decode()
    done = client.post(reverse("portal:bind"), {"code": code})
    assert done.status_code == 302 and done["Location"] == reverse("portal:my_cases")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_binds_of_one_code_bind_one_account():
    world = make_world()
    code = binding_code_current(applicant=world.applicant).code
    accounts = [account(f"1380013800{n}") for n in range(4)]
    results = race([lambda a=a, n=n: bind(a, code, address=f"10.0.1.{n}") for n, a in enumerate(accounts)])
    won = [r for r in results if isinstance(r, Applicant)]
    lost = [r for r in results if isinstance(r, OrgError)]
    assert len(won) == 1 and len(lost) == 3, results
    assert {e.code for e in lost} == {"BIND_CODE_USED"}
    holder = Applicant.objects.get(pk=world.applicant.pk).user_id
    assert PortalAccount.objects.filter(verified_at__isnull=False).get().user_id == holder


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_prints_share_one_code():
    world = make_world()
    results = race([lambda: binding_code_current(applicant=world.applicant).code for _ in range(4)])
    assert len(set(results)) == 1, results
    assert BindingCode.objects.count() == 1
