"""The window's binding changes: a lost or leaked binding code revoked and issued anew, an account
unbound; each recorded (who, where, when, why), allowed only to the slip-printing clerks of a
center that handles the applicant, limited per clerk; and the retention of spent codes."""

import datetime as dt

import pytest

from onewindow.cases.notices import case_notice
from onewindow.cases.selectors import account_cases
from onewindow.core import clock
from onewindow.org.access import scope_queryset
from onewindow.org.accounts import (
    REASON_MAX,
    account_bind,
    account_create,
    account_declare_applicant,
    account_unbind,
    binding_code_current,
    binding_code_for_notice,
    binding_code_reissue,
    binding_code_text,
    codes_prune,
)
from onewindow.org.errors import OrgError
from onewindow.org.models import Applicant, BindingChange, BindingCode, MobileCode, PortalAccount, Role
from tests.factories.cases import accepted_case, make_world
from tests.factories.org import ApplicantFactory, ServiceCenterFactory, StaffFactory, with_id_check_digit
from tests.threads import race

pytestmark = pytest.mark.django_db

PASSWORD = "qiuju-daguansi-1992"


def account(mobile="13800138000"):
    return account_create(mobile=mobile, password=PASSWORD)


def bind(who, code, address="10.0.0.1"):
    return account_bind(account=who, code=code, address=address)


def bind_error(who, code):
    with pytest.raises(OrgError) as exc:
        bind(who, code)
    return exc.value


def refusal(call, **kwargs):
    with pytest.raises(OrgError) as exc:
        call(**kwargs)
    return exc.value.code


def test_a_reissue_revokes_the_old_code_which_then_fails_like_an_unknown_one():
    world = make_world()
    accepted_case(world)
    old = binding_code_current(applicant=world.applicant)
    before = clock.now()
    new = binding_code_reissue(applicant=world.applicant, actor=world.clerk, reason="告知单遗失")
    assert new.code != old.code and new.revoked_at is None
    assert binding_code_current(applicant=world.applicant).pk == new.pk  # what the slip prints now
    old.refresh_from_db()
    assert old.revoked_at >= before and old.revoked_by_id == world.clerk.user_id
    unknown = bind_error(account(), "ABCD-EFGH")
    revoked = bind_error(account("13900139000"), binding_code_text(old.code))
    assert (
        (revoked.code, revoked.message) == (unknown.code, unknown.message) == (revoked.code, unknown.message)
    )
    assert revoked.code == "BIND_CODE_WRONG"
    applicant = bind(account("13700137000"), binding_code_text(new.code))
    assert applicant.pk == world.applicant.pk
    change = BindingChange.objects.get()
    assert (change.kind, change.applicant_id, change.center_id) == (
        "reissue",
        world.applicant.pk,
        world.center.pk,
    )
    assert (change.actor_id, change.actor_name, change.reason) == (
        world.clerk.user_id,
        world.clerk.name,
        "告知单遗失",
    )
    assert change.at >= before and change.account is None and change.account_label == ""


def test_a_reissue_for_a_bound_applicant_records_the_account_masked_and_the_notice_prints_no_code():
    world = make_world()
    case = accepted_case(world)
    who = account()
    bind(who, binding_code_current(applicant=world.applicant).code)
    binding_code_reissue(applicant=world.applicant, actor=world.pickup, reason="短信截图被他人看到")
    change = BindingChange.objects.get()
    assert change.account_id == who.pk and change.account_label == "138****8000"
    assert case_notice(case=case, kind="acceptance").binding_code == ""  # still bound


def test_a_reissue_without_a_valid_code_just_issues_one():
    world = make_world()
    accepted_case(world)
    code = binding_code_reissue(applicant=world.applicant, actor=world.clerk, reason="首次")
    assert BindingCode.objects.get().pk == code.pk and BindingChange.objects.count() == 1


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("", "BINDING_REASON_REQUIRED"),
        ("   \u3000 ", "BINDING_REASON_REQUIRED"),
        ("\x00\x01\x1b", "BINDING_REASON_REQUIRED"),
        ("丢" * (REASON_MAX + 1), "BINDING_REASON_TOO_LONG"),
        ("x" * 1_000_000, "BINDING_REASON_TOO_LONG"),
    ],
)
def test_a_missing_or_oversized_reason_changes_nothing(reason, error):
    world = make_world()
    accepted_case(world)
    old = binding_code_current(applicant=world.applicant)
    assert refusal(binding_code_reissue, applicant=world.applicant, actor=world.clerk, reason=reason) == error
    assert refusal(account_unbind, applicant=world.applicant, actor=world.clerk, reason=reason) == error
    old.refresh_from_db()
    assert old.revoked_at is None and not BindingChange.objects.exists()


def test_a_reason_is_kept_on_one_line_and_in_full_up_to_its_limit():
    world = make_world()
    accepted_case(world)
    binding_code_reissue(applicant=world.applicant, actor=world.clerk, reason="手机\n丢失\t<script>  了")
    binding_code_reissue(applicant=world.applicant, actor=world.clerk, reason="丢" * REASON_MAX)
    assert list(BindingChange.objects.order_by("pk").values_list("reason", flat=True)) == [
        "手机 丢失 <script> 了",
        "丢" * REASON_MAX,
    ]


def test_only_the_slip_printing_clerks_of_a_center_handling_the_applicant_may_change_it():
    world = make_world()
    accepted_case(world)
    other_center = ServiceCenterFactory()
    outsiders = [
        world.approver,
        world.supervisor,
        world.admin,
        StaffFactory(center=world.center, roles=[Role.PROXY_AGENT]),
        StaffFactory(center=other_center, roles=[Role.INTAKE_CLERK]),
        StaffFactory(center=other_center, roles=[Role.PICKUP_CLERK]),
    ]
    inactive = StaffFactory(center=world.center, roles=[Role.INTAKE_CLERK])
    inactive.is_active = False
    inactive.save()
    outsiders.append(inactive)
    code = binding_code_current(applicant=world.applicant)
    for staff in outsiders:
        assert (
            refusal(binding_code_reissue, applicant=world.applicant, actor=staff, reason="x")
            == "BINDING_CHANGE_NOT_ALLOWED"
        ), staff
    code.refresh_from_db()
    assert code.revoked_at is None and not BindingChange.objects.exists()


def test_an_applicant_nobody_applied_for_yet_may_be_changed_by_any_window_clerk():
    newcomer = ApplicantFactory()
    clerk = StaffFactory(center=ServiceCenterFactory(), roles=[Role.INTAKE_CLERK])
    binding_code_reissue(applicant=newcomer, actor=clerk, reason="刚登记")
    assert BindingChange.objects.get().center_id == clerk.center_id


def test_changes_are_limited_per_clerk_an_hour(settings):
    settings.BINDING_CHANGES_PER_HOUR = 2
    world = make_world()
    accepted_case(world)
    for _ in range(2):
        binding_code_reissue(applicant=world.applicant, actor=world.clerk, reason="遗失")
    current = binding_code_current(applicant=world.applicant)
    assert (
        refusal(binding_code_reissue, applicant=world.applicant, actor=world.clerk, reason="遗失")
        == "BINDING_CHANGES_TOO_OFTEN"
    )
    assert binding_code_current(applicant=world.applicant).pk == current.pk
    binding_code_reissue(applicant=world.applicant, actor=world.pickup, reason="遗失")  # per clerk
    later = clock.now() + dt.timedelta(hours=1, minutes=1)
    with clock.frozen(later):
        binding_code_reissue(applicant=world.applicant, actor=world.clerk, reason="遗失")
    assert BindingChange.objects.count() == 4


def test_unbinding_ends_what_the_account_sees_and_it_may_bind_again_with_a_new_code():
    world = make_world()
    case = accepted_case(world)
    who = account()
    bind(who, binding_code_current(applicant=world.applicant).code)
    who.refresh_from_db()
    assert list(account_cases(account=who)) == [case]
    unbound = account_unbind(applicant=world.applicant, actor=world.pickup, reason="绑错了人")
    assert unbound.pk == who.pk
    who.refresh_from_db()
    assert who.verified_at is None and Applicant.objects.get(pk=world.applicant.pk).user_id is None
    assert list(account_cases(account=who)) == []
    change = BindingChange.objects.get()
    assert (change.kind, change.account_id, change.account_label, change.reason) == (
        "unbind",
        who.pk,
        "138****8000",
        "绑错了人",
    )
    assert PortalAccount.objects.filter(pk=who.pk).exists()  # the account stays
    assert binding_code_for_notice(applicant=world.applicant) is not None  # notices print a code again
    assert (
        refusal(account_unbind, applicant=world.applicant, actor=world.pickup, reason="again")
        == "ACCOUNT_NOT_BOUND"
    )
    with pytest.raises(OrgError) as exc:  # cannot declare the known identity: a code is needed
        account_declare_applicant(account=who, name=world.applicant.name, id_number=world.applicant.id_number)
    assert exc.value.code == "ACCOUNT_BIND_REQUIRED"
    new = binding_code_reissue(applicant=world.applicant, actor=world.pickup, reason="重新绑定")
    bind(who, new.code)
    who.refresh_from_db()
    assert list(account_cases(account=who)) == [case]


def test_unbinding_a_declared_account_frees_the_applicant():
    newcomer_world = make_world()
    who = account()
    applicant = account_declare_applicant(
        account=who, name="张三", id_number=with_id_check_digit("11010119900307123")
    )
    applicant.refresh_from_db()
    account_unbind(applicant=applicant, actor=newcomer_world.clerk, reason="冒用身份")
    assert Applicant.objects.get(pk=applicant.pk).user_id is None


def test_binding_changes_are_seen_by_the_centers_supervisors_only():
    world = make_world()
    accepted_case(world)
    binding_code_reissue(applicant=world.applicant, actor=world.clerk, reason="遗失")
    other = StaffFactory(center=ServiceCenterFactory(), roles=[Role.SUPERVISOR])
    for model in (BindingChange, BindingCode):
        assert scope_queryset(model.objects.all(), world.supervisor).count() >= 1
        assert scope_queryset(model.objects.all(), other).count() == 0
    who = account()
    bind(who, binding_code_current(applicant=world.applicant).code)
    assert list(scope_queryset(PortalAccount.objects.all(), world.supervisor)) == [who]
    assert not scope_queryset(PortalAccount.objects.all(), other).exists()
    assert not scope_queryset(MobileCode.objects.all(), world.supervisor).exists()


# ----------------------------------------------------------------------------- retention


def test_spent_codes_are_pruned_after_their_retention_and_the_rest_kept():
    world = make_world()
    accepted_case(world)
    now = clock.now()
    MobileCode.objects.create(
        mobile_digest="a",
        purpose="signup_code",
        code_digest="x",
        created_at=now,
        expires_at=now - dt.timedelta(days=8),
    )
    recent = MobileCode.objects.create(
        mobile_digest="b",
        purpose="signup_code",
        code_digest="y",
        created_at=now,
        expires_at=now - dt.timedelta(days=6),
    )
    with clock.frozen(now - dt.timedelta(days=200)):
        long_expired = binding_code_current(applicant=world.applicant)  # expired 170 days ago
        used = binding_code_current(applicant=ApplicantFactory())
        bind(account(), used.code)  # used: kept, it records the binding
    with clock.frozen(now - dt.timedelta(days=100)):
        binding_code_reissue(applicant=world.applicant, actor=world.clerk, reason="遗失")
        revoked_long_ago = binding_code_current(applicant=world.applicant)
        binding_code_reissue(applicant=world.applicant, actor=world.clerk, reason="遗失")
        expired_recently = binding_code_current(applicant=world.applicant)  # expires 70 days ago
    with clock.frozen(now - dt.timedelta(days=10)):
        revoked_recently = binding_code_reissue(applicant=world.applicant, actor=world.clerk, reason="遗失")
        binding_code_reissue(applicant=world.applicant, actor=world.clerk, reason="遗失")
    current = binding_code_current(applicant=world.applicant)
    assert codes_prune(mobile_keep_days=7, binding_keep_days=90) == {"mobile_codes": 1, "binding_codes": 2}
    assert list(MobileCode.objects.all()) == [recent]
    left = set(BindingCode.objects.values_list("pk", flat=True))
    assert left == {used.pk, expired_recently.pk, revoked_recently.pk, current.pk}
    assert long_expired.pk not in left and revoked_long_ago.pk not in left
    assert BindingChange.objects.count() == 4  # the record of the changes stays


def test_the_prune_task_runs_with_the_settings(settings):
    from onewindow.org.tasks import codes_prune_task

    settings.MOBILE_CODES_KEEP_DAYS = 0
    now = clock.now()
    MobileCode.objects.create(
        mobile_digest="a",
        purpose="reset_code",
        code_digest="x",
        created_at=now,
        expires_at=now - dt.timedelta(seconds=1),
    )
    assert codes_prune_task.call() == {"mobile_codes": 1, "binding_codes": 0}


# ----------------------------------------------------------------------------- races (PostgreSQL)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_bind_racing_a_void_of_its_code_never_binds_with_a_voided_code():
    for _ in range(3):
        world = make_world()
        accepted_case(world)
        code = binding_code_current(applicant=world.applicant)
        who = account(f"1380013{world.applicant.pk:04d}")
        results = race(
            [
                lambda who=who, typed=code.code: bind(who, typed),
                lambda w=world: binding_code_reissue(applicant=w.applicant, actor=w.clerk, reason="遗失"),
            ]
        )
        code.refresh_from_db()
        bound, issued = results
        assert isinstance(issued, BindingCode), results
        assert not (code.used_at is not None and code.revoked_at is not None), results
        if isinstance(bound, Applicant):  # the bind came first: the void found the code used
            assert code.used_at is not None and code.revoked_at is None
        else:
            assert isinstance(bound, OrgError) and bound.code == "BIND_CODE_WRONG"
            assert (
                code.revoked_at is not None and Applicant.objects.get(pk=world.applicant.pk).user_id is None
            )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_windows_unbinding_at_once_record_one_change():
    world = make_world()
    accepted_case(world)
    bind(account(), binding_code_current(applicant=world.applicant).code)
    results = race(
        [
            lambda s=s: account_unbind(applicant=world.applicant, actor=s, reason="手机丢失")
            for s in (world.clerk, world.pickup)
        ]
    )
    assert sum(isinstance(r, PortalAccount) for r in results) == 1, results
    assert [r.code for r in results if isinstance(r, OrgError)] == ["ACCOUNT_NOT_BOUND"]
    assert BindingChange.objects.count() == 1
