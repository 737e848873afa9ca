"""Portal accounts (网上办事大厅): sign-up, sign-in by mobile number, the applicant an account acts for.

These are the org services for citizens' and organisations' accounts, kept apart from the
staff services in `org.services`. The rules (docs/decisions/0019-portal-accounts.md):
- one account per mobile number (its blind index is unique); the password is argon2-hashed by
  Django under a generated username nobody types;
- an account acts for at most one applicant (`Applicant.user`). A new account may declare who it
  is only when the center does not know that identity yet; an identity the center knows is bound
  with a code from a window or a notice (`account_bind`, which also sets `verified_at`);
- until it is verified, an account sees only what it filed itself (`cases.selectors`).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from onewindow.core import clock, sms
from onewindow.core.fields import mask_phone, personal_digest, personal_digests
from onewindow.core.inputs import DocumentKind
from onewindow.core.ratelimit import limits_reached
from onewindow.org.access import may_change_binding
from onewindow.org.errors import OrgError, org_error
from onewindow.org.models import Applicant, BindingChange, BindingCode, MobileCode, PortalAccount, Staff
from onewindow.org.services import MAX_PASSWORD_LENGTH, applicant_create, clean_mobile

if TYPE_CHECKING:
    from django.contrib.auth.models import User

USERNAME_PREFIX = "portal-"


def portal_username(mobile_digest: str) -> str:
    """The generated Django username of the portal account for a mobile number's digest.

    Staff usernames are chosen by administrators and never contain this prefix plus 64 hex
    digits; the portal's sign-in admits only users that have a PortalAccount anyway."""
    return USERNAME_PREFIX + mobile_digest


def _clean_account_mobile(mobile: str) -> str:
    mobile = clean_mobile(mobile, "mobile")
    if not mobile:
        raise org_error("MOBILE_REQUIRED", "mobile")
    return mobile


def _new_account_checks(*, mobile: str, kind: str) -> tuple[str, str]:
    """The cleaned number and its digest, for a number that has no account yet and a known kind
    (MOBILE_REQUIRED / INVALID_MOBILE, UNKNOWN_ACCOUNT_KIND, ACCOUNT_EXISTS)."""
    mobile = _clean_account_mobile(mobile)
    if kind not in PortalAccount.Kind.values:
        raise org_error("UNKNOWN_ACCOUNT_KIND", "kind", value=kind)
    digest = personal_digest(mobile)
    if PortalAccount.objects.filter(mobile_digest=digest).exists():
        raise org_error("ACCOUNT_EXISTS", "mobile")
    return mobile, digest


def clean_new_password(password: str, *, user: User | None = None, again: str | None = None) -> str:
    """The rules every portal password follows: given, not too long, the configured
    validators (AUTH_PASSWORD_VALIDATORS), and typed twice alike when `again` is given."""
    password = password or ""
    if not password:
        raise org_error("PASSWORD_REQUIRED", "password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise org_error("PASSWORD_TOO_LONG", "password", max=MAX_PASSWORD_LENGTH)
    if again is not None and again != password:
        raise org_error("PASSWORD_MISMATCH", "password_again")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise org_error("PASSWORD_INVALID", "password", detail=" ".join(exc.messages)) from exc
    return password


@transaction.atomic
def account_create(
    *, mobile: str, password: str, password_again: str | None = None, kind: str = PortalAccount.Kind.PERSON
) -> PortalAccount:
    """Open a portal account for a mobile number (the caller has checked that the person holds
    the number, e.g. with a code sent to it).

    Errors: MOBILE_REQUIRED / INVALID_MOBILE (mobile), ACCOUNT_EXISTS (mobile), UNKNOWN_ACCOUNT_KIND
    (kind), PASSWORD_* (password, password_again). The unique digest backs the duplicate check
    up when two sign-ups for one number race."""
    mobile, digest = _new_account_checks(mobile=mobile, kind=kind)
    user = get_user_model()(username=portal_username(digest))
    password = clean_new_password(password, user=user, again=password_again)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            return PortalAccount.objects.create(user=user, kind=kind, mobile=mobile, mobile_digest=digest)
    except IntegrityError as exc:
        raise org_error("ACCOUNT_EXISTS", "mobile") from exc


def account_find(*, mobile: str) -> PortalAccount | None:
    """The account of a mobile number, or None (also for a number that is not valid)."""
    try:
        mobile = _clean_account_mobile(mobile)
    except OrgError:
        return None
    return (
        PortalAccount.objects.select_related("user")
        .filter(mobile_digest=personal_digest(mobile), user__is_active=True)
        .first()
    )


def account_applicant(account: PortalAccount) -> Applicant | None:
    """The applicant the account acts for, if it has one."""
    return Applicant.objects.filter(user_id=account.user_id).first()


@transaction.atomic
def account_declare_applicant(
    *,
    account: PortalAccount,
    name: str,
    id_number: str = "",
    document_kind: str = DocumentKind.RESIDENT_ID,
    uscc: str = "",
    legal_representative: str = "",
    email: str = "",
    address: str = "",
) -> Applicant:
    """Say who a new account is: a person (name and identity document) or an organisation
    (name, USCC, legal representative), as the account's kind says.

    Only for an identity the center does not know yet: one it knows (the person came to a window
    before, or someone else declared it) needs a binding code (ACCOUNT_BIND_REQUIRED), so nobody
    reads another person's cases by typing their ID number. The declared applicant is not verified:
    the account sees only what it files itself until it is bound with a code. Locks the account."""
    locked = PortalAccount.objects.select_for_update().get(pk=account.pk)
    if Applicant.objects.filter(user_id=locked.user_id).exists():
        raise org_error("ACCOUNT_HAS_APPLICANT")
    kind = Applicant.Kind.PERSON if locked.kind == PortalAccount.Kind.PERSON else Applicant.Kind.ORGANISATION
    try:
        return applicant_create(
            kind=kind,
            name=name,
            id_number=id_number,
            document_kind=document_kind,
            uscc=uscc,
            legal_representative=legal_representative,
            mobile=locked.mobile,
            email=email,
            address=address,
            user=locked.user,
        )
    except OrgError as exc:
        if exc.code == "APPLICANT_EXISTS":
            raise org_error("ACCOUNT_BIND_REQUIRED", exc.field) from exc
        raise


# --------------------------------------------------------------------------- codes by SMS

CODE_MINUTES = 10
CODE_TRIES = 5
CODE_DIGITS = 6
# Chinese by design, as the approved templates of a gateway are (core.sms).
CODE_TEXTS = {
    MobileCode.Purpose.SIGNUP: "【一窗通】您的注册验证码是{code}，{minutes}分钟内有效。请勿将验证码告诉他人。",
    MobileCode.Purpose.RESET: "【一窗通】您正在重置密码，验证码是{code}，{minutes}分钟内有效。如非本人操作，请忽略本短信。",
}


def _code_digest(mobile_digest: str, purpose: str, code: str) -> str:
    # Keyed (the field key): a stolen table does not give the codes by trying all million.
    return personal_digest(f"{purpose}:{mobile_digest}:{code}")


def mobile_code_send(*, mobile: str, purpose: str, address: str) -> None:
    """Text a new six-digit code to `mobile` for `purpose` (sign-up or password reset).

    Limits (core.ratelimit, counted before anything else): one a minute and
    settings.SMS_PER_NUMBER_DAY a day to one number, settings.SMS_PER_ADDRESS_HOUR an hour from one
    client address (SMS_TOO_OFTEN). A sign-up code is refused for a number that has an account
    (ACCOUNT_EXISTS); a reset code for a number without one is silently not sent, so the answer
    does not tell who has an account. The code is stored as a keyed digest only; the text goes out
    through the outbox after commit."""
    mobile = _clean_account_mobile(mobile)
    if purpose not in MobileCode.Purpose.values:
        raise ValueError(f"unknown code purpose {purpose!r}")
    digest = personal_digest(mobile)
    if limits_reached(
        (f"sms:n1:{digest}", 1, 60),
        (f"sms:nd:{digest}", settings.SMS_PER_NUMBER_DAY, 24 * 3600),
        (f"sms:a:{address}", settings.SMS_PER_ADDRESS_HOUR, 3600),
    ):
        raise org_error("SMS_TOO_OFTEN", "mobile")
    exists = PortalAccount.objects.filter(mobile_digest=digest, user__is_active=True).exists()
    if purpose == MobileCode.Purpose.SIGNUP and exists:
        raise org_error("ACCOUNT_EXISTS", "mobile")
    if purpose == MobileCode.Purpose.RESET and not exists:
        return
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    now = clock.now()
    with transaction.atomic():
        MobileCode.objects.create(
            mobile_digest=digest,
            purpose=purpose,
            code_digest=_code_digest(digest, purpose, code),
            created_at=now,
            expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
        )
        sms.send(
            mobile=mobile,
            text=CODE_TEXTS[MobileCode.Purpose(purpose)].format(code=code, minutes=CODE_MINUTES),
            purpose=purpose,
            params={"code": code},
            expires_at=now + dt.timedelta(minutes=CODE_MINUTES),  # a late code is not sent
        )


def _code_check(*, mobile_digest: str, purpose: str, code: str) -> int:
    """Check a typed code against the newest one sent; its id. A wrong try is counted in a
    transaction of its own, committed before the error is raised: call this outside any
    transaction the caller might roll back. Locks the code row."""
    code = "".join((code or "").split())
    if not code:
        raise org_error("SMS_CODE_REQUIRED", "code")
    error: OrgError | None = None
    with transaction.atomic():
        row = (
            MobileCode.objects.select_for_update()
            .filter(mobile_digest=mobile_digest, purpose=purpose)
            .order_by("-created_at", "-pk")
            .first()
        )
        if row is None:
            error = org_error("SMS_CODE_NOT_SENT", "code")
        elif row.used_at is not None or row.expires_at <= clock.now() or row.tries >= CODE_TRIES:
            error = org_error("SMS_CODE_EXPIRED", "code")
        elif len(code) > CODE_DIGITS * 2 or not hmac.compare_digest(
            row.code_digest, _code_digest(mobile_digest, purpose, code)
        ):
            row.tries += 1
            row.save(update_fields=["tries"])
            left = CODE_TRIES - row.tries
            error = (
                org_error("SMS_CODE_WRONG", "code", left=left)
                if left
                else org_error("SMS_CODE_EXPIRED", "code")
            )
    if error is not None or row is None:
        raise error or org_error("SMS_CODE_NOT_SENT", "code")
    return row.pk


def _code_use(pk: int) -> None:
    """Spend a checked code (inside the caller's transaction): two requests with one code, one wins."""
    if not MobileCode.objects.filter(pk=pk, used_at=None).update(used_at=clock.now()):
        raise org_error("SMS_CODE_EXPIRED", "code")


def account_sign_up(
    *,
    mobile: str,
    code: str,
    password: str,
    password_again: str | None = None,
    kind: str = PortalAccount.Kind.PERSON,
) -> PortalAccount:
    """Open an account for a number whose holder typed the code texted to it (`mobile_code_send`).

    The password and the kind are checked before the code, so a weak password does not spend a
    try. Errors: those of `account_create`, SMS_CODE_* (code)."""
    mobile, digest = _new_account_checks(mobile=mobile, kind=kind)
    clean_new_password(
        password, user=get_user_model()(username=portal_username(digest)), again=password_again
    )
    pk = _code_check(mobile_digest=digest, purpose=MobileCode.Purpose.SIGNUP, code=code)
    with transaction.atomic():
        _code_use(pk)
        return account_create(mobile=mobile, password=password, password_again=password_again, kind=kind)


def account_password_reset(
    *, mobile: str, code: str, password: str, password_again: str | None = None
) -> PortalAccount:
    """Set a new password for the account of a number whose holder typed the reset code.

    Every open session of the account ends (Django checks the password hash on each request) and a
    sign-in lockout of the number (django-axes, per number and address) is lifted, as the
    workbench's temporary passwords do. Errors: MOBILE_*, PASSWORD_* (password, password_again),
    SMS_CODE_* (code; a number without an account was never sent one). Locks the code row, then
    the user row."""
    mobile = _clean_account_mobile(mobile)
    digest = personal_digest(mobile)
    account = account_find(mobile=mobile)
    if account is not None:
        clean_new_password(password, user=account.user, again=password_again)
    pk = _code_check(mobile_digest=digest, purpose=MobileCode.Purpose.RESET, code=code)
    if account is None:  # cannot happen for a code that was sent, unless the account went meanwhile
        raise org_error("SMS_CODE_EXPIRED", "code")
    with transaction.atomic():
        _code_use(pk)
        user = get_user_model().objects.select_for_update().get(pk=account.user_id)
        user.set_password(password)
        user.save(update_fields=["password"])
    from axes.utils import reset as axes_reset  # django-axes: lift the number's lockout

    axes_reset(username=mobile)
    return account


# --------------------------------------------------------------------------- binding codes

# 32 letters and digits without 0/O and 1/I: read off paper and typed on a phone without doubt.
BIND_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
BIND_LENGTH = 8


def normalise_binding_code(text: str) -> str:
    """What a person typed as a binding code, in one spelling: capitals, no spaces or hyphens."""
    return "".join(ch for ch in (text or "")[:64].upper() if ch not in " -_\u3000\t\r\n")


def binding_code_text(code: str) -> str:
    """The code as printed: two groups of four (ABCD-EFGH)."""
    return f"{code[:4]}-{code[4:]}" if len(code) == BIND_LENGTH else code


def binding_code_current(
    *, applicant: Applicant, source: str = BindingCode.Source.WINDOW, actor: User | None = None
) -> BindingCode:
    """The applicant's valid binding code, issued now if there is none (the window's button, every
    notice): a reprint shows the same code while it is valid and reads one row, without a lock
    or a transaction. Issuing locks the applicant row, so two prints at once share one code."""
    current = _binding_code_valid(applicant.pk)
    if current is not None:
        return current
    return _binding_code_issue(applicant_id=applicant.pk, source=source, actor=actor)


def _binding_code_valid(applicant_id: int) -> BindingCode | None:
    return (
        BindingCode.objects.filter(
            applicant_id=applicant_id, used_at=None, revoked_at=None, expires_at__gt=clock.now()
        )
        .order_by("-expires_at", "-pk")
        .first()
    )


@transaction.atomic
def _binding_code_issue(*, applicant_id: int, source: str, actor: User | None) -> BindingCode:
    Applicant.objects.select_for_update().filter(pk=applicant_id).first()
    current = _binding_code_valid(applicant_id)  # issued by another print while we waited
    if current is not None:
        return current
    now = clock.now()
    while True:
        code = "".join(secrets.choice(BIND_ALPHABET) for _ in range(BIND_LENGTH))
        digest = personal_digest(code)
        if not BindingCode.objects.filter(code_digest=digest).exists():
            break
    return BindingCode.objects.create(
        applicant_id=applicant_id,
        code=code,
        code_digest=digest,
        source=source,
        issued_by=actor,
        issued_at=now,
        expires_at=now + dt.timedelta(days=settings.BIND_CODE_DAYS),
    )


def binding_code_for_notice(*, applicant: Applicant) -> BindingCode | None:
    """The code a notice prints for its applicant, or None when an account is already bound to
    the applicant (the notice then invites nobody to take it over). Two queries on a reprint."""
    if (
        applicant.user_id is not None
        and PortalAccount.objects.filter(user_id=applicant.user_id, verified_at__isnull=False).exists()
    ):
        return None
    return binding_code_current(applicant=applicant, source=BindingCode.Source.NOTICE)


def account_bind(*, account: PortalAccount, code: str, address: str) -> Applicant:
    """Bind the account to the applicant of a binding code: `Applicant.user` becomes the account's
    user and `verified_at` is set; from then on the account sees every case of the applicant.

    The code wins: an applicant held by another account (one that declared it, or an older bound
    account) moves to this one, and the other account's binding ends. An account bound to an
    applicant cannot bind another one (ACCOUNT_BOUND_TO_OTHER); an unbound account that declared a
    different identity gives that declaration up. Limits: settings.BIND_ATTEMPTS tries in ten
    minutes per account and per client address (BIND_TOO_OFTEN), counted whatever the outcome.
    Errors (field "code"): BIND_CODE_REQUIRED, BIND_CODE_WRONG, BIND_CODE_EXPIRED, BIND_CODE_USED; a
    code a window revoked is BIND_CODE_WRONG, as a code that never existed (nothing tells the
    holder of a leaked slip that it was real).
    Locks, in order: the account, the code, the applicant, the account that held it."""
    typed = normalise_binding_code(code)
    if not typed:
        raise org_error("BIND_CODE_REQUIRED", "code")
    if limits_reached(
        (f"bind:acc:{account.pk}", settings.BIND_ATTEMPTS, 600),
        (f"bind:a:{address}", settings.BIND_ATTEMPTS, 600),
    ):
        raise org_error("BIND_TOO_OFTEN", "code")
    if len(typed) != BIND_LENGTH or any(ch not in BIND_ALPHABET for ch in typed):
        raise org_error("BIND_CODE_WRONG", "code")
    with transaction.atomic():
        locked = PortalAccount.objects.select_for_update().get(pk=account.pk)
        row = BindingCode.objects.select_for_update().filter(code_digest__in=personal_digests(typed)).first()
        now = clock.now()
        if row is None or row.revoked_at is not None:
            raise org_error("BIND_CODE_WRONG", "code")
        if row.used_at is not None:
            raise org_error("BIND_CODE_USED", "code")
        if row.expires_at <= now:
            raise org_error("BIND_CODE_EXPIRED", "code")
        applicant = Applicant.objects.select_for_update().get(pk=row.applicant_id)
        own = Applicant.objects.filter(user_id=locked.user_id).exclude(pk=applicant.pk).first()
        if own is not None:
            if locked.verified_at is not None:
                raise org_error("ACCOUNT_BOUND_TO_OTHER", "code")
            own.user = None  # the unverified declaration gives way to the code
            own.save(update_fields=["user"])
        if applicant.user_id is not None and applicant.user_id != locked.user_id:
            PortalAccount.objects.select_for_update().filter(user_id=applicant.user_id).update(
                verified_at=None
            )
        if not BindingCode.objects.filter(pk=row.pk, used_at=None).update(used_at=now, used_by=locked):
            raise org_error("BIND_CODE_USED", "code")
        applicant.user_id = locked.user_id
        applicant.save(update_fields=["user"])
        locked.verified_at = now
        locked.save(update_fields=["verified_at"])
    account.verified_at = now
    return applicant


# --------------------------------------------------------------------------- the window's changes

REASON_MAX = 200


@dataclass(frozen=True)
class BindingStatus:
    """What the window shows of an applicant's portal binding: the account holding the applicant
    (its number masked), whether a code bound it, and the current code's validity (never the code)."""

    account: PortalAccount | None
    account_mobile: str  # masked
    bound_at: dt.datetime | None  # None: the account only declared the identity (not verified)
    code_until: dt.datetime | None  # the current valid code's expiry, None when there is none
    code_id: int | None  # the current valid code's row (to tell a resent form from a new one)


def binding_status(*, applicant: Applicant) -> BindingStatus:
    """The applicant's binding as the window shows it. Two queries."""
    account = PortalAccount.objects.filter(user_id=applicant.user_id).first() if applicant.user_id else None
    current = _binding_code_valid(applicant.pk)
    return BindingStatus(
        account=account,
        account_mobile=account.masked_mobile if account is not None else "",
        bound_at=account.verified_at if account is not None else None,
        code_until=current.expires_at if current is not None else None,
        code_id=current.pk if current is not None else None,
    )


def binding_reason_clean(reason: str) -> str:
    """The reason a window gives for a binding change, in one line: control characters and runs of
    spaces made one space; required, at most REASON_MAX characters (BINDING_REASON_*)."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in (reason or "")[:2000]).split())
    if not text:
        raise org_error("BINDING_REASON_REQUIRED", "reason")
    if len(text) > REASON_MAX:
        raise org_error("BINDING_REASON_TOO_LONG", "reason", max=REASON_MAX)
    return text


def _binding_change_checks(*, applicant: Applicant, actor: Staff, reason: str) -> str:
    """The checks both window changes make, cheapest first: the reason, the actor's right, and
    settings.BINDING_CHANGES_PER_HOUR changes an hour per member of staff (a stolen clerk's session
    does not revoke a county's codes in a minute). Only an allowed, reasoned request is counted."""
    reason = binding_reason_clean(reason)
    if not may_change_binding(actor, applicant):
        raise org_error("BINDING_CHANGE_NOT_ALLOWED")
    if limits_reached((f"bindchg:s:{actor.pk}", settings.BINDING_CHANGES_PER_HOUR, 3600)):
        raise org_error("BINDING_CHANGES_TOO_OFTEN")
    return reason


def _record(
    *, kind: str, applicant: Applicant, account: PortalAccount | None, actor: Staff, reason: str
) -> BindingChange:
    return BindingChange.objects.create(
        kind=kind,
        applicant=applicant,
        account=account,
        account_label=mask_phone(account.mobile) if account is not None else "",
        center_id=actor.center_id,
        actor=actor.user,
        actor_name=actor.name,
        reason=reason,
        at=clock.now(),
    )


def binding_code_reissue(*, applicant: Applicant, actor: Staff, reason: str) -> BindingCode:
    """Revoke the applicant's valid binding code (a slip lost or seen by someone else) and issue a
    new one (作废并重新生成), in one transaction with one `BindingChange` row (who, where, when,
    why). The old code binds nothing from then on and fails as an unknown code does; the new one
    is what the slip and the notices print. An applicant without a valid code simply gets one.
    Errors: BINDING_REASON_* (reason), BINDING_CHANGE_NOT_ALLOWED, BINDING_CHANGES_TOO_OFTEN.
    Locks, in `account_bind`'s order: the applicant's unused codes, then the applicant."""
    reason = _binding_change_checks(applicant=applicant, actor=actor, reason=reason)
    with transaction.atomic():
        now = clock.now()
        old = list(
            BindingCode.objects.select_for_update()
            .filter(applicant_id=applicant.pk, used_at=None, revoked_at=None, expires_at__gt=now)
            .order_by("pk")
        )
        locked = Applicant.objects.select_for_update().get(pk=applicant.pk)
        BindingCode.objects.filter(pk__in=[c.pk for c in old], used_at=None).update(
            revoked_at=now, revoked_by=actor.user
        )
        account = PortalAccount.objects.filter(user_id=locked.user_id).first() if locked.user_id else None
        _record(
            kind=BindingChange.Kind.REISSUE, applicant=locked, account=account, actor=actor, reason=reason
        )
        return _binding_code_issue(applicant_id=locked.pk, source=BindingCode.Source.WINDOW, actor=actor.user)


def account_unbind(*, applicant: Applicant, actor: Staff, reason: str) -> PortalAccount:
    """Unbind the portal account from the applicant (bound by mistake, or the phone was lost): the
    applicant no longer acts through it (`Applicant.user` emptied) and the account's `verified_at`
    is cleared, so My cases (`cases.selectors.account_cases`) shows it none of the applicant's
    cases; the account itself stays (its holder may bind again with a new code). One
    `BindingChange` row records it. The unbound account is returned.
    Errors: BINDING_REASON_* (reason), BINDING_CHANGE_NOT_ALLOWED, BINDING_CHANGES_TOO_OFTEN,
    ACCOUNT_NOT_BOUND. Locks, in `account_bind`'s order: the applicant, then the account."""
    reason = _binding_change_checks(applicant=applicant, actor=actor, reason=reason)
    with transaction.atomic():
        locked = Applicant.objects.select_for_update().get(pk=applicant.pk)
        account = (
            PortalAccount.objects.select_for_update().filter(user_id=locked.user_id).first()
            if locked.user_id
            else None
        )
        if account is None:
            raise org_error("ACCOUNT_NOT_BOUND")
        locked.user = None
        locked.save(update_fields=["user"])
        account.verified_at = None
        account.save(update_fields=["verified_at"])
        _record(kind=BindingChange.Kind.UNBIND, applicant=locked, account=account, actor=actor, reason=reason)
    applicant.user = None
    return account


# --------------------------------------------------------------------------- retention


def codes_prune(*, mobile_keep_days: int, binding_keep_days: int) -> dict[str, int]:
    """Delete what no longer proves anything: verification codes expired (every code expires ten
    minutes after it was sent, used or not) more than `mobile_keep_days` ago, and binding codes
    that were never used and expired or were revoked more than `binding_keep_days` ago. A used
    binding code stays: it records which account bound the applicant, and when. The window's
    `BindingChange` rows stay too. The counts deleted."""
    now = clock.now()
    mobile_cutoff = now - dt.timedelta(days=mobile_keep_days)
    binding_cutoff = now - dt.timedelta(days=binding_keep_days)
    mobile, _ = MobileCode.objects.filter(expires_at__lt=mobile_cutoff).delete()
    binding, _ = (
        BindingCode.objects.filter(used_at=None)
        .filter(Q(expires_at__lt=binding_cutoff) | Q(revoked_at__lt=binding_cutoff))
        .delete()
    )
    return {"mobile_codes": mobile, "binding_codes": binding}
