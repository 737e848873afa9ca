"""The role groups: which permissions each `Role` holds, and the groups kept in step with them."""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from onewindow.org.errors import org_error
from onewindow.org.models import Role

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
