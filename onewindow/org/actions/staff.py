"""Staff accounts: creating and correcting them, their roles and B posts, and their passwords
(issued by an administrator, changed by the person)."""

import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from onewindow.core import clock
from onewindow.org.access import Actor, actor_scope, may_issue_password, roles_refused
from onewindow.org.actions.checks import _locked, _text, clean_mobile
from onewindow.org.actions.roles import ADMIN_ROLES, _role_groups
from onewindow.org.errors import org_error, role_refusal
from onewindow.org.models import Department, Role, ServiceCenter, Staff, StaffPasswordIssue, Window


@transaction.atomic
def staff_create(
    *,
    center: ServiceCenter,
    username: str,
    name: str,
    roles: Iterable[str],
    department: Department | None = None,
    window: Window | None = None,
    password: str | None = None,
    mobile: str = "",
    employee_number: str = "",
    actor: Actor = None,
) -> Staff:
    """Create the user account and the staff row together, in the role groups.

    The department and window must be the center's own. Center admins and supervisors get
    `is_staff` so they can use the admin site; the other roles work in the workbench.
    `actor` (the admin, a page, the API) must be allowed to grant each role in `center`
    (`org.access.may_grant_role`: a center admin of the center or above; the center-admin
    role only from above); None is the system itself (commands, the demo loader)."""
    username = (username or "").strip()
    name = (name or "").strip()
    if not username:
        raise org_error("USERNAME_REQUIRED", "username")
    if not name:
        raise org_error("NAME_REQUIRED", "name")
    groups = _role_groups(roles)
    _check_grant(actor, center, before=(), after=[g.name for g in groups])
    if department is not None and department.center_id != center.pk:
        raise org_error("DEPARTMENT_NOT_IN_CENTER", "department")
    if window is not None and window.center_id != center.pk:
        raise org_error("WINDOW_NOT_IN_CENTER", "window")
    mobile = clean_mobile(mobile)
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise org_error("USERNAME_TAKEN", "username", value=username)
    user = user_model(username=username, is_staff=bool(ADMIN_ROLES & {g.name for g in groups}))
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent create of the same user name
        raise org_error("USERNAME_TAKEN", "username", value=username) from exc
    user.groups.add(*groups)
    return Staff.objects.create(
        user=user,
        center=center,
        department=department,
        window=window,
        name=name,
        mobile=mobile,
        employee_number=employee_number,
    )


def _check_grant(
    actor: Actor, center: ServiceCenter | int, *, before: Iterable[str], after: Iterable[str]
) -> None:
    """Refuse the change of roles `before` → `after` in `center` that `actor` may not make
    (ROLE_NOT_GRANTABLE / CENTER_ADMIN_FROM_ABOVE); None (the system) may make any."""
    if actor is None:
        return
    refused = roles_refused(actor, center=center, before=before, after=after)
    if refused:
        raise role_refusal(refused, center)


@transaction.atomic
def staff_set_roles(*, staff: Staff, roles: Iterable[str], actor: Actor = None) -> Staff:
    """Replace the staff member's role groups (other, non-role groups are kept).

    `is_staff` follows the roles: on for center admins and supervisors, off otherwise,
    except that a superuser keeps it. `actor` must be allowed to grant and withdraw each
    role that changes (see `staff_create`); None is the system itself."""
    groups = _role_groups(roles)
    _check_grant(actor, staff.center_id, before=staff.roles, after=[g.name for g in groups])
    user = staff.user
    user.groups.remove(*user.groups.filter(name__in=Role.values).exclude(pk__in=[g.pk for g in groups]))
    user.groups.add(*groups)
    is_staff = user.is_superuser or bool(ADMIN_ROLES & {g.name for g in groups})
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    return staff


@transaction.atomic
def staff_set_backup(*, staff: Staff, backup: Staff | None) -> Staff:
    """Set (or clear, with None) the B post covering `staff`.

    The backup works in the same center, is not the person themself, and does not already
    rely on `staff` as their own backup (A↔B pairs would leave both posts empty at once).
    Locks both rows in id order so two clerks editing a pair cannot create the cycle."""
    if backup is not None:
        if backup.pk == staff.pk:
            raise org_error("BACKUP_SELF", "backup")
        locked = {
            s.pk: s
            for s in Staff.objects.select_for_update().filter(pk__in=[staff.pk, backup.pk]).order_by("pk")
        }
        backup = locked[backup.pk]
        if backup.center_id != staff.center_id:
            raise org_error("BACKUP_OTHER_CENTER", "backup")
        if backup.backup_id == staff.pk:
            raise org_error("BACKUP_CYCLE", "backup")
    staff.backup = backup
    staff.save(update_fields=["backup"])
    return staff


@transaction.atomic
def staff_update(
    *,
    staff: Staff,
    name: str,
    department: Department | None,
    window: Window | None,
    employee_number: str,
    mobile: str,
    is_active: bool,
) -> Staff:
    """Correct a staff member's details (not the center, roles or backup: those have their
    own rules, see `staff_set_roles` and `staff_set_backup`). Locks the row."""
    locked = _locked(staff)
    locked.name = _text(name, "name", Staff, required=True)
    if department is not None and department.center_id != locked.center_id:
        raise org_error("DEPARTMENT_NOT_IN_CENTER", "department")
    if window is not None and window.center_id != locked.center_id:
        raise org_error("WINDOW_NOT_IN_CENTER", "window")
    locked.department, locked.window = department, window
    locked.employee_number = _text(employee_number, "employee_number", Staff)
    locked.mobile = clean_mobile(mobile)
    locked.is_active = bool(is_active)
    locked.save(update_fields=["name", "department", "window", "employee_number", "mobile", "is_active"])
    return locked


# --------------------------------------------------------------------------- passwords

# Letters and digits that cannot be mistaken for one another when read out or copied by hand
# (no 0/O, 1/l/I): a temporary password is shown once on a screen and typed in at a counter.
TEMPORARY_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 (not a password)
TEMPORARY_PASSWORD_LENGTH = 12  # about 70 bits
MAX_PASSWORD_LENGTH = 4096  # what a form accepts; hashing a longer one is a denial of service


def _temporary_password(user: Any) -> str:
    """A random password the configured validators accept (letters and a digit, never common)."""
    for _attempt in range(100):
        password = "".join(
            secrets.choice(TEMPORARY_PASSWORD_ALPHABET) for _ in range(TEMPORARY_PASSWORD_LENGTH)
        )
        if not any(c.isdigit() for c in password) or not any(c.isalpha() for c in password):
            continue
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password
    raise org_error("PASSWORD_INVALID")  # validators no random password passes: a configuration error


def _issuing_user(actor: Actor) -> Any:
    scope = actor_scope(actor)
    if scope.staff is not None:
        return scope.staff.user
    return actor


@transaction.atomic
def staff_password_issue(*, staff: Staff, actor: Actor) -> str:
    """Give a member of staff a random one-time password and return it (to be shown once).

    The actor must be allowed to (`org.access.may_issue_password`: an administrator of the
    staff member's center or above; a center administrator only from above; never oneself).
    Locks the staff row; the old password stops working and every open session of the account
    ends (Django checks the password hash on each request); the person must choose a new
    password at their next sign-in (`password_change_required`); a failed-sign-in lockout of
    the account is lifted; one `StaffPasswordIssue` row records who issued it and when. The
    password itself is never stored in the clear or logged."""
    locked = _locked(staff)  # two issues for one person run one after the other
    if actor is None or not may_issue_password(actor, locked):
        raise org_error("PASSWORD_ISSUE_NOT_ALLOWED", "", name=locked.name)
    user = locked.user
    password = _temporary_password(user)
    user.set_password(password)
    user.save(update_fields=["password"])
    locked.password_change_required = True
    locked.save(update_fields=["password_change_required"])
    issuer = _issuing_user(actor)
    issuer_staff = actor_scope(actor).staff
    StaffPasswordIssue.objects.create(
        staff=locked,
        issued_by=issuer,
        issued_by_name=issuer_staff.name if issuer_staff is not None else issuer.get_username(),
        issued_at=clock.now(),
    )
    from axes.utils import reset as axes_reset  # django-axes: lift the account's lockout

    axes_reset(username=user.get_username())
    return password


@transaction.atomic
def staff_password_change(*, staff: Staff, old_password: str, new_password: str) -> Staff:
    """The member of staff chooses their own password: the current one (or the temporary one
    an administrator issued) must be right, the new one must differ from it and pass the
    configured validators (AUTH_PASSWORD_VALIDATORS: length, common passwords, likeness to
    the user's name). Clears `password_change_required`. Locks the staff row.

    Errors: PASSWORD_WRONG (old_password), PASSWORD_REQUIRED, PASSWORD_TOO_LONG,
    PASSWORD_UNCHANGED and PASSWORD_INVALID (new_password, with the validators' own messages)."""
    old_password = old_password or ""
    new_password = new_password or ""
    if len(old_password) > MAX_PASSWORD_LENGTH:
        raise org_error("PASSWORD_WRONG", "old_password")
    if not new_password:
        raise org_error("PASSWORD_REQUIRED", "new_password")
    if len(new_password) > MAX_PASSWORD_LENGTH:
        raise org_error("PASSWORD_TOO_LONG", "new_password", max=MAX_PASSWORD_LENGTH)
    locked = _locked(staff)
    user = locked.user
    if not old_password or not user.check_password(old_password):
        raise org_error("PASSWORD_WRONG", "old_password")
    if new_password == old_password:
        raise org_error("PASSWORD_UNCHANGED", "new_password")
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise org_error("PASSWORD_INVALID", "new_password", detail=" ".join(exc.messages)) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    if locked.password_change_required:
        locked.password_change_required = False
        locked.save(update_fields=["password_change_required"])
    return locked
