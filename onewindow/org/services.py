"""Writes for the org domain: the org tree, role groups, staff accounts, AB posts and
absences, applicants.

Every function here is one business action, keyword-only and atomic. Callers (admin,
commands, the demo loader, later the workbench and API) never save org rows themselves.
"""

import datetime as dt
import secrets
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from onewindow.core import clock
from onewindow.core.fields import personal_digest
from onewindow.core.inputs import DocumentKind, document_check
from onewindow.core.validators import (
    normalise_id_number,
    normalise_mobile,
    normalise_uscc,
    validate_id_number,
    validate_mobile,
    validate_uscc,
)
from onewindow.org.access import Actor, actor_scope, may_issue_password, roles_refused
from onewindow.org.errors import OrgError, org_error, role_refusal
from onewindow.org.models import (
    Applicant,
    Department,
    Region,
    Role,
    Sector,
    ServiceCenter,
    Staff,
    StaffAbsence,
    StaffPasswordIssue,
    Window,
    region_code_validator,
    short_code_validator,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # settings.AUTH_USER_MODEL

# Apps whose models the roles see. `cases` (and later apps) may not have every model yet:
# permissions are looked up by app label and codename and missing ones are skipped.
DOMAIN_APPS = ("core", "org", "catalog", "cases")
ORG_MODELS = (
    "region",
    "servicecenter",
    "department",
    "sector",
    "window",
    "staff",
    "staffabsence",
    "applicant",
)
CATALOG_MODELS = (
    "serviceitem",
    "serviceitemversion",
    "materialrequirement",
    "formfield",
    "procedure",
    "stage",
    "stagetask",
    "cataloglist",
    "bundle",
    "bundleitem",
)
ADMIN_ROLES: frozenset[str] = frozenset({Role.CENTER_ADMIN, Role.SUPERVISOR})


def _crud(app_label: str, models: Iterable[str]) -> set[tuple[str, str]]:
    return {(app_label, f"{verb}_{m}") for m in models for verb in ("add", "change", "delete", "view")}


def _view(app_label: str, models: Iterable[str]) -> set[tuple[str, str]]:
    return {(app_label, f"view_{m}") for m in models}


def role_permission_codes() -> dict[str, set[tuple[str, str]]]:
    """The (app_label, codename) pairs each role group should hold.

    center_admin manages the org tree, the catalog and calendar overrides and sees the rest;
    supervisor sees everything in the domain apps; the working roles see catalog and org."""
    view_all = {
        (p.content_type.app_label, p.codename)
        for p in Permission.objects.filter(
            content_type__app_label__in=DOMAIN_APPS, codename__startswith="view_"
        ).select_related("content_type")
    }
    working = _view("org", ORG_MODELS) | _view("catalog", CATALOG_MODELS)
    admin = (
        view_all
        | _crud("org", ORG_MODELS)
        | _crud("catalog", CATALOG_MODELS)
        | _crud("core", ["calendarday"])
    )
    codes = {role.value: set(working) for role in Role}
    codes[Role.CENTER_ADMIN] = admin
    codes[Role.SUPERVISOR] = view_all | working
    return codes


@transaction.atomic
def roles_sync() -> dict[str, Group]:
    """Create the group of every `Role` and set its permissions to exactly the defined set.

    Idempotent; run after every migrate (post_migrate), so a new model's permissions reach
    the roles as soon as its app is migrated. Permissions that do not exist yet are skipped."""
    codes = role_permission_codes()
    wanted = set().union(*codes.values())
    available = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.filter(
            content_type__app_label__in={app for app, _ in wanted}, codename__in={c for _, c in wanted}
        ).select_related("content_type")
    }
    groups: dict[str, Group] = {}
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set([available[code] for code in sorted(codes[role]) if code in available])
        groups[role.value] = group
    return groups


def _role_groups(roles: Iterable[str]) -> list[Group]:
    roles = list(dict.fromkeys(roles))
    if not roles:
        raise org_error("ROLE_REQUIRED", "roles")
    for role in roles:
        if role not in Role.values:
            raise org_error("UNKNOWN_ROLE", "roles", value=role)
    existing = {g.name: g for g in Group.objects.filter(name__in=roles)}
    if len(existing) < len(roles):
        existing = {name: g for name, g in roles_sync().items() if name in roles}
    return [existing[r] for r in roles]


def clean_mobile(phone: str, field: str = "mobile") -> str:
    """Normalised mainland mobile number, or "" when none was given; OrgError if invalid."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    phone = normalise_mobile(phone)
    try:
        validate_mobile(phone)
    except ValidationError as exc:
        raise org_error("INVALID_MOBILE", field, detail=exc.messages[0]) from exc
    return phone


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


def clean_id_number(value: str, *, field: str = "id_number") -> str:
    """Normalised resident ID number; OrgError naming `field` if invalid."""
    value = normalise_id_number(value)
    try:
        validate_id_number(value)
    except ValidationError as exc:
        raise org_error("INVALID_ID_NUMBER", field, detail=exc.messages[0]) from exc
    return value


def clean_uscc(value: str) -> str:
    """Normalised USCC; OrgError if invalid."""
    value = "".join(normalise_uscc(value).split())
    try:
        validate_uscc(value)
    except ValidationError as exc:
        raise org_error("INVALID_USCC", "uscc", detail=exc.messages[0]) from exc
    return value


def clean_document(kind: str, number: str, *, field: str = "id_number") -> tuple[str, str]:
    """(kind, number) of an identity document, normalised (core.inputs' rule per kind);
    OrgError naming `field` (or `document_kind`) if invalid."""
    kind, number, errors = document_check(
        kind, number, label=str(Applicant._meta.get_field("id_number").verbose_name)
    )
    if errors:
        error = errors[0]
        code = "INVALID_ID_NUMBER" if error["field"] == "number" else "INVALID_CHOICE"
        if error["code"] == "FIELD_REQUIRED":
            code = "ID_NUMBER_REQUIRED"
        raise org_error(
            code, field if error["field"] == "number" else "document_kind", detail=error["message"]
        )
    return kind, number


MAX_ADDRESS_LENGTH = 500  # an address is encrypted text without a column limit of its own


def applicant_clean(
    *,
    kind: str,
    name: str,
    id_number: str = "",
    document_kind: str = DocumentKind.RESIDENT_ID,
    uscc: str = "",
    mobile: str = "",
    email: str = "",
    address: str = "",
    legal_representative: str = "",
    exclude: Applicant | None = None,
) -> dict[str, str]:
    """Normalise and check an applicant's fields; return them ready to store (digest
    included). A person needs a valid resident ID number, an organisation a valid USCC (its
    legal representative's ID number is optional but checked when given). Another applicant
    with the same identity (other than `exclude`) is refused with APPLICANT_EXISTS."""
    if kind not in Applicant.Kind.values:
        raise org_error("UNKNOWN_APPLICANT_KIND", "kind", value=kind)
    name = _text(name, "name", Applicant, required=True)
    legal_representative = _text(legal_representative, "legal_representative", Applicant)
    address = (address or "").strip()
    if len(address) > MAX_ADDRESS_LENGTH:
        raise org_error("TOO_LONG", "address", max=MAX_ADDRESS_LENGTH)
    id_number = (id_number or "").strip()
    uscc = (uscc or "").strip()
    if kind == Applicant.Kind.PERSON:
        if not id_number:
            raise org_error("ID_NUMBER_REQUIRED", "id_number")
        document_kind, id_number = clean_document(document_kind or DocumentKind.RESIDENT_ID, id_number)
        uscc = ""
    else:
        if not uscc:
            raise org_error("USCC_REQUIRED", "uscc")
        uscc = clean_uscc(uscc)
        if id_number:
            id_number = clean_id_number(id_number)
        document_kind = DocumentKind.RESIDENT_ID
    mobile = clean_mobile(mobile)
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise org_error("INVALID_EMAIL", "email") from exc
    from onewindow.org.selectors import applicant_find

    if kind == Applicant.Kind.PERSON:
        existing, field = applicant_find(id_number=id_number), "id_number"
    else:
        existing, field = applicant_find(uscc=uscc), "uscc"
    if existing is not None and (exclude is None or existing.pk != exclude.pk):
        raise org_error("APPLICANT_EXISTS", field)
    return {
        "kind": kind,
        "name": name,
        "document_kind": document_kind,
        "id_number": id_number,
        "id_number_digest": personal_digest(id_number) if id_number else "",
        "uscc": uscc,
        "mobile": mobile,
        "mobile_digest": personal_digest(mobile) if mobile else "",
        "email": email,
        "address": (address or "").strip(),
        "legal_representative": (legal_representative or "").strip(),
    }


@transaction.atomic
def applicant_create(
    *,
    kind: str,
    name: str,
    id_number: str = "",
    uscc: str = "",
    mobile: str = "",
    email: str = "",
    address: str = "",
    legal_representative: str = "",
    user: "User | None" = None,
    document_kind: str = DocumentKind.RESIDENT_ID,
) -> Applicant:
    """Register an applicant (see `applicant_clean` for the rules).

    The ID number is kept encrypted; `id_number_digest` is the blind index `applicant_find`
    searches. One row per person and per organisation: the unique constraints back the
    duplicate check up under concurrency."""
    fields = applicant_clean(
        kind=kind,
        name=name,
        id_number=id_number,
        uscc=uscc,
        mobile=mobile,
        email=email,
        address=address,
        legal_representative=legal_representative,
        document_kind=document_kind,
    )
    try:
        with transaction.atomic():
            return Applicant.objects.create(**fields, user=user)
    except IntegrityError as exc:
        raise org_error("APPLICANT_EXISTS", "id_number" if kind == Applicant.Kind.PERSON else "uscc") from exc


@transaction.atomic
def applicant_update(
    *,
    applicant: Applicant,
    kind: str,
    name: str,
    id_number: str = "",
    uscc: str = "",
    mobile: str = "",
    email: str = "",
    address: str = "",
    legal_representative: str = "",
    user: "User | None" = None,
    document_kind: str = DocumentKind.RESIDENT_ID,
) -> Applicant:
    """Correct an applicant's details under the same rules as registration; the digest
    follows the ID number. Locks the row so two clerks' corrections do not interleave."""
    fields = applicant_clean(
        kind=kind,
        name=name,
        id_number=id_number,
        uscc=uscc,
        mobile=mobile,
        email=email,
        address=address,
        legal_representative=legal_representative,
        document_kind=document_kind,
        exclude=applicant,
    )
    Applicant.objects.select_for_update().filter(pk=applicant.pk).first()
    for key, value in fields.items():
        setattr(applicant, key, value)
    applicant.user = user
    try:
        with transaction.atomic():
            applicant.save(update_fields=[*fields, "user"])
    except IntegrityError as exc:
        raise org_error("APPLICANT_EXISTS", "id_number" if kind == Applicant.Kind.PERSON else "uscc") from exc
    return applicant


# --------------------------------------------------------------------------- the org tree
#
# One create and one update per row of the tree. A row's center is fixed once it exists
# (departments, sectors, windows, staff): moving it would leave staff, windows, items and
# cases pointing across centers. Uniqueness is checked for a clear message and guarded by
# the unique constraints under concurrency.


def _text(value: str | None, field: str, model: type[models.Model], *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise org_error("NAME_REQUIRED", field)
    max_length: int | None = getattr(model._meta.get_field(field), "max_length", None)
    if max_length and len(value) > max_length:
        raise org_error("TOO_LONG", field, max=max_length)
    return value


def _code(value: str | None, field: str, validator: Callable[[str], None]) -> str:
    value = (value or "").strip()
    try:
        validator(value)
    except ValidationError as exc:
        raise org_error("INVALID_CODE", field, detail=exc.messages[0]) from exc
    return value


def _choice(value: Any, field: str, choices: type[models.Choices]) -> Any:
    if value not in choices.values:
        raise org_error("INVALID_CHOICE", field, value=value)
    return value


def _save_unique(obj: models.Model, *, field: str, code: str, value: str) -> None:
    """Save `obj`; a unique constraint refusing it (a concurrent twin) becomes `code`."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise org_error(code, field, value=value) from exc


_Row = TypeVar("_Row", bound=models.Model)


def _locked(obj: _Row) -> _Row:
    """The row again, locked for the rest of the transaction."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def _region_fill(region: Region, *, code: str, name: str, level: int, parent: Region | None) -> None:
    region.code = _code(code, "code", region_code_validator)
    region.name = _text(name, "name", Region, required=True)
    region.level = _choice(level, "level", Region.Level)
    if parent is not None and parent.level >= region.level:
        raise org_error("REGION_PARENT_LEVEL", "parent")
    region.parent = parent
    taken = Region.objects.filter(code=region.code)
    if region.pk:
        taken = taken.exclude(pk=region.pk)
    if taken.exists():
        raise org_error("CODE_TAKEN", "code", value=region.code)


@transaction.atomic
def region_create(*, code: str, name: str, level: int, parent: Region | None = None) -> Region:
    """A node of the division tree. Its parent is at a higher level (a lower number), which
    also keeps the tree free of cycles."""
    region = Region()
    _region_fill(region, code=code, name=name, level=level, parent=parent)
    _save_unique(region, field="code", code="CODE_TAKEN", value=region.code)
    return region


@transaction.atomic
def region_update(*, region: Region, code: str, name: str, level: int, parent: Region | None) -> Region:
    """Correct a node; its sub-regions must stay below it. Locks the row."""
    locked = _locked(region)
    _region_fill(locked, code=code, name=name, level=level, parent=parent)
    if locked.children.filter(level__lte=locked.level).exists():
        raise org_error("REGION_CHILD_LEVEL", "level")
    _save_unique(locked, field="code", code="CODE_TAKEN", value=locked.code)
    return locked


def _center_fill(center: ServiceCenter, **fields: Any) -> None:
    center.code = _code(fields["code"], "code", short_code_validator)
    center.name = _text(fields["name"], "name", ServiceCenter, required=True)
    center.tier = _choice(fields["tier"], "tier", ServiceCenter.Tier)
    center.region = fields["region"]
    for name in ("address", "phone", "opening_hours"):
        setattr(center, name, _text(fields[name], name, ServiceCenter))
    center.is_active = bool(fields["is_active"])
    parent = fields["parent"]
    if parent is not None and center.pk:
        # Walk up from the new parent: reaching this center would make a cycle.
        node_id, seen = parent.pk, set()
        while node_id is not None and node_id not in seen:
            if node_id == center.pk:
                raise org_error("CENTER_PARENT_CYCLE", "parent")
            seen.add(node_id)
            node_id = ServiceCenter.objects.filter(pk=node_id).values_list("parent_id", flat=True).first()
    center.parent = parent
    taken = ServiceCenter.objects.filter(code=center.code)
    if center.pk:
        taken = taken.exclude(pk=center.pk)
    if taken.exists():
        raise org_error("CODE_TAKEN", "code", value=center.code)


@transaction.atomic
def center_create(
    *,
    code: str,
    name: str,
    tier: str,
    region: Region,
    parent: ServiceCenter | None = None,
    address: str = "",
    phone: str = "",
    opening_hours: str = "",
    is_active: bool = True,
) -> ServiceCenter:
    """A hall of the four-level network."""
    center = ServiceCenter()
    _center_fill(
        center,
        code=code,
        name=name,
        tier=tier,
        region=region,
        parent=parent,
        address=address,
        phone=phone,
        opening_hours=opening_hours,
        is_active=is_active,
    )
    _save_unique(center, field="code", code="CODE_TAKEN", value=center.code)
    center.path = f"{_parent_path(parent)}{center.pk}/"
    ServiceCenter.objects.filter(pk=center.pk).update(path=center.path)
    return center


def _parent_path(parent: ServiceCenter | None) -> str:
    """The tree path a child of `parent` starts with, read from the locked parent row (so a
    concurrent move of the parent cannot leave the child under its old path)."""
    if parent is None:
        return "/"
    path = ServiceCenter.objects.select_for_update().values_list("path", flat=True).get(pk=parent.pk)
    if not path:  # a tree loaded without the services: repair it first
        center_paths_rebuild()
        path = ServiceCenter.objects.values_list("path", flat=True).get(pk=parent.pk)
    return path


@transaction.atomic
def center_paths_rebuild() -> int:
    """Recompute every center's tree path from the parent links; return how many changed.

    For rows created without `center_create` (the demo's bulk load, a restore) and as the
    repair of last resort. Centers are few (thousands in a province): one read, one bulk
    update. A parent chain that loops (impossible through the services) is cut where it
    loops, so every path stays finite."""
    rows = list(ServiceCenter.objects.select_for_update().values_list("pk", "parent_id", "path"))
    parents = {pk: parent_id for pk, parent_id, _path in rows}
    paths: dict[int, str] = {}

    def path_of(pk: int) -> str:
        chain: list[int] = []
        node: int | None = pk
        while node is not None and node not in paths and node not in chain:
            chain.append(node)
            node = parents.get(node)
        prefix = paths[node] if node is not None and node in paths else "/"
        for member in reversed(chain):
            prefix = paths[member] = f"{prefix}{member}/"
        return paths[pk]

    changed = [ServiceCenter(pk=pk, path=path_of(pk)) for pk, _parent, old in rows if path_of(pk) != old]
    ServiceCenter.objects.bulk_update(changed, ["path"], batch_size=500)
    return len(changed)


@transaction.atomic
def center_update(
    *,
    center: ServiceCenter,
    code: str,
    name: str,
    tier: str,
    region: Region,
    parent: ServiceCenter | None,
    address: str,
    phone: str,
    opening_hours: str,
    is_active: bool,
) -> ServiceCenter:
    """Correct a center; its upper center may not be itself or one of the centers below it.
    Moving it moves the centers below it too (their tree paths follow). Locks the row, then
    the new upper center's."""
    locked = _locked(center)
    old_path = locked.path
    _center_fill(
        locked,
        code=code,
        name=name,
        tier=tier,
        region=region,
        parent=parent,
        address=address,
        phone=phone,
        opening_hours=opening_hours,
        is_active=is_active,
    )
    _save_unique(locked, field="code", code="CODE_TAKEN", value=locked.code)
    new_path = f"{_parent_path(locked.parent)}{locked.pk}/"
    if not old_path:
        center_paths_rebuild()
    elif new_path != old_path:
        # One UPDATE for the center and everything below it: swap the path's prefix.
        ServiceCenter.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=models.CharField())
        )
    locked.path = new_path
    return locked


def _in_center_code(
    obj: Department | Sector, field: str, value: str, validator: Callable[[str], None], code: str
) -> str:
    """`value` checked with `validator` and unique among the rows of obj's center."""
    value = _code(value, field, validator)
    taken = type(obj)._default_manager.filter(center_id=obj.center_id, **{field: value})
    if obj.pk:
        taken = taken.exclude(pk=obj.pk)
    if taken.exists():
        raise org_error(code, field, value=value)
    return value


def _department_fill(department: Department, **fields: Any) -> None:
    department.code = _in_center_code(department, "code", fields["code"], short_code_validator, "CODE_TAKEN")
    department.name = _text(fields["name"], "name", Department, required=True)
    department.short_name = _text(fields["short_name"], "short_name", Department)
    department.phone = _text(fields["phone"], "phone", Department)
    department.is_active = bool(fields["is_active"])


@transaction.atomic
def department_create(
    *,
    center: ServiceCenter,
    code: str,
    name: str,
    short_name: str = "",
    phone: str = "",
    is_active: bool = True,
) -> Department:
    """A department resident in `center`; its code is unique in the center."""
    department = Department(center=center)
    _department_fill(
        department, code=code, name=name, short_name=short_name, phone=phone, is_active=is_active
    )
    _save_unique(department, field="code", code="CODE_TAKEN", value=department.code)
    return department


@transaction.atomic
def department_update(
    *, department: Department, code: str, name: str, short_name: str, phone: str, is_active: bool
) -> Department:
    """Correct a department (not its center). Locks the row."""
    locked = _locked(department)
    _department_fill(locked, code=code, name=name, short_name=short_name, phone=phone, is_active=is_active)
    _save_unique(locked, field="code", code="CODE_TAKEN", value=locked.code)
    return locked


def _sector_fill(sector: Sector, *, code: str, name: str, order: int) -> None:
    sector.code = _in_center_code(sector, "code", code, short_code_validator, "CODE_TAKEN")
    sector.name = _text(name, "name", Sector, required=True)
    if not isinstance(order, int) or isinstance(order, bool) or not 0 <= order <= 32767:
        raise org_error("INVALID_CHOICE", "order", value=order)
    sector.order = order


@transaction.atomic
def sector_create(*, center: ServiceCenter, code: str, name: str, order: int = 0) -> Sector:
    """A back-office service sector of `center`; its code is unique in the center."""
    sector = Sector(center=center)
    _sector_fill(sector, code=code, name=name, order=order)
    _save_unique(sector, field="code", code="CODE_TAKEN", value=sector.code)
    return sector


@transaction.atomic
def sector_update(*, sector: Sector, code: str, name: str, order: int) -> Sector:
    """Correct a sector (not its center). Locks the row."""
    locked = _locked(sector)
    _sector_fill(locked, code=code, name=name, order=order)
    _save_unique(locked, field="code", code="CODE_TAKEN", value=locked.code)
    return locked


def _window_fill(window: Window, *, sectors: Iterable[Sector], **fields: Any) -> list[Sector]:
    window.number = _text(fields["number"], "number", Window, required=True)
    taken = Window.objects.filter(center_id=window.center_id, number=window.number)
    if window.pk:
        taken = taken.exclude(pk=window.pk)
    if taken.exists():
        raise org_error("NUMBER_TAKEN", "number", value=window.number)
    window.name = _text(fields["name"], "name", Window)
    window.kind = _choice(fields["kind"], "kind", Window.Kind)
    department = fields["department"]
    if department is not None and department.center_id != window.center_id:
        raise org_error("DEPARTMENT_NOT_IN_CENTER", "department")
    window.department = department
    window.is_active = bool(fields["is_active"])
    sectors = list(sectors)
    for sector in sectors:
        if sector.center_id != window.center_id:
            raise org_error("SECTOR_NOT_IN_CENTER", "sectors", value=sector.name)
    return sectors


@transaction.atomic
def window_create(
    *,
    center: ServiceCenter,
    number: str,
    kind: str,
    name: str = "",
    department: Department | None = None,
    sectors: Iterable[Sector] = (),
    is_active: bool = True,
) -> Window:
    """A counter of `center`, serving sectors of the same center; a dedicated window's
    department is the center's own."""
    window = Window(center=center)
    sectors = _window_fill(
        window,
        sectors=sectors,
        number=number,
        kind=kind,
        name=name,
        department=department,
        is_active=is_active,
    )
    _save_unique(window, field="number", code="NUMBER_TAKEN", value=window.number)
    window.sectors.set(sectors)
    return window


@transaction.atomic
def window_update(
    *,
    window: Window,
    number: str,
    kind: str,
    name: str,
    department: Department | None,
    sectors: Iterable[Sector],
    is_active: bool,
) -> Window:
    """Correct a window (not its center) and replace the sectors it serves. Locks the row."""
    locked = _locked(window)
    sectors = _window_fill(
        locked,
        sectors=sectors,
        number=number,
        kind=kind,
        name=name,
        department=department,
        is_active=is_active,
    )
    _save_unique(locked, field="number", code="NUMBER_TAKEN", value=locked.number)
    locked.sectors.set(sectors)
    return locked


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


# --------------------------------------------------------------------------- absences (AB posts)


def _aware(*values: dt.datetime) -> None:
    for value in values:
        if timezone.is_naive(value):
            raise ValueError("absences need aware datetimes")


def _local(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def _may_set_absence(*, staff: Staff, actor: Staff | None) -> Staff:
    """The actor, when it is the staff member themself or an active center admin of their
    center; ABSENCE_NOT_ALLOWED otherwise."""
    if actor is not None and actor.is_active:
        if actor.pk == staff.pk:
            return actor
        if actor.center_id == staff.center_id and actor.has_role(Role.CENTER_ADMIN):
            return actor
    raise org_error("ABSENCE_NOT_ALLOWED", "staff")


@transaction.atomic
def staff_absence_create(
    *, staff: Staff, starts_at: dt.datetime, ends_at: dt.datetime, reason: str, actor: Staff | None
) -> StaffAbsence:
    """Mark `staff` (the A post) absent for [starts_at, ends_at): while it runs, their B post
    may act on their tasks (the engine asks `selectors.staff_absent`).

    Set by the staff member or a center admin of their center (`actor`; None, an account
    without a staff row, is refused). The period may start before now (leave recorded in the
    morning) but not be over already: a period wholly in the past would only make earlier
    work look covered. It may not overlap another absence of the same person. Locks the
    staff row, so two overlapping periods entered at once cannot both pass the check."""
    _aware(starts_at, ends_at)
    setter = _may_set_absence(staff=staff, actor=actor)
    reason = _text(reason, "reason", StaffAbsence)
    if not reason:
        raise org_error("ABSENCE_REASON_REQUIRED", "reason")
    if ends_at <= starts_at:
        raise org_error("ABSENCE_ENDS_BEFORE_START", "ends_at")
    now = clock.now()
    if ends_at <= now:
        raise org_error("ABSENCE_IN_PAST", "ends_at")
    Staff.objects.select_for_update().filter(pk=staff.pk).values_list("pk", flat=True).first()
    overlap = (
        StaffAbsence.objects.filter(staff_id=staff.pk, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .order_by("starts_at")
        .first()
    )
    if overlap is not None:
        raise org_error(
            "ABSENCE_OVERLAPS",
            "starts_at",
            name=staff.name,
            start=_local(overlap.starts_at),
            end=_local(overlap.ends_at),
        )
    return StaffAbsence.objects.create(
        staff=staff, starts_at=starts_at, ends_at=ends_at, reason=reason, set_by=setter, created_at=now
    )


@transaction.atomic
def staff_absence_end(
    *, absence: StaffAbsence, actor: Staff | None, at: dt.datetime | None = None
) -> StaffAbsence:
    """The A post is back early: the absence now ends at `at` (now by default, or a coming
    time) and `ended_by` records who ended it; from then on the B post no longer covers.

    Same people as `staff_absence_create`. Refused for an absence already over, one that has
    not started by `at` (cancel it instead), and an end before now (what was covered stays
    covered). Locks the absence row."""
    locked = StaffAbsence.objects.select_for_update().select_related("staff").get(pk=absence.pk)
    ender = _may_set_absence(staff=locked.staff, actor=actor)
    now = clock.now()
    at = now if at is None else at
    _aware(at)
    if locked.ends_at <= now:
        raise org_error("ABSENCE_ENDED")
    if at < now:
        raise org_error("ABSENCE_END_IN_PAST", "ends_at")
    if at <= locked.starts_at:
        raise org_error("ABSENCE_NOT_STARTED", "ends_at")
    if at >= locked.ends_at:
        raise org_error("ABSENCE_END_AFTER_END", "ends_at", end=_local(locked.ends_at))
    locked.ends_at, locked.ended_by = at, ender
    locked.save(update_fields=["ends_at", "ended_by"])
    absence.ends_at, absence.ended_by = locked.ends_at, locked.ended_by
    return locked


@transaction.atomic
def staff_absence_cancel(*, absence: StaffAbsence, actor: Staff | None) -> None:
    """Withdraw an absence that has not started: it never covered anything, so nothing of it
    is kept. One that has started is ended instead (`staff_absence_end`), so the period a B
    post covered stays on record. Same people as `staff_absence_create`; locks the row."""
    locked = StaffAbsence.objects.select_for_update().select_related("staff").get(pk=absence.pk)
    _may_set_absence(staff=locked.staff, actor=actor)
    if locked.starts_at <= clock.now():
        raise org_error("ABSENCE_STARTED")
    locked.delete()


__all__ = [
    "center_create",
    "center_paths_rebuild",
    "center_update",
    "clean_id_number",
    "clean_mobile",
    "clean_uscc",
    "OrgError",
    "applicant_clean",
    "applicant_create",
    "applicant_update",
    "department_create",
    "department_update",
    "region_create",
    "region_update",
    "role_permission_codes",
    "roles_sync",
    "sector_create",
    "sector_update",
    "staff_absence_cancel",
    "staff_absence_create",
    "staff_absence_end",
    "staff_create",
    "staff_set_backup",
    "staff_set_roles",
    "staff_update",
    "window_create",
    "window_update",
]
