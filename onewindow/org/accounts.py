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

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from onewindow.core.fields import personal_digest
from onewindow.core.inputs import DocumentKind
from onewindow.org.errors import OrgError, org_error
from onewindow.org.models import Applicant, PortalAccount
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
    mobile = _clean_account_mobile(mobile)
    if kind not in PortalAccount.Kind.values:
        raise org_error("UNKNOWN_ACCOUNT_KIND", "kind", value=kind)
    digest = personal_digest(mobile)
    if PortalAccount.objects.filter(mobile_digest=digest).exists():
        raise org_error("ACCOUNT_EXISTS", "mobile")
    user_model = get_user_model()
    user = user_model(username=portal_username(digest))
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
