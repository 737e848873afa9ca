"""Who may see and change what: the one module of access rules (role, center tree,
department, ownership), used by the admin, the selectors and every page and API operation.

The rules (docs/access.md):

* A **superuser** sees and changes everything.
* **Staff** see and change only their own center and the centers below it (county hall →
  township centers → village stations): its departments, sectors, windows, staff, items,
  applications and cases. An inactive staff member sees nothing; an account with neither a
  staff row nor superuser rights sees nothing.
* **Cases**: the center-wide roles (center admin, supervisor, intake and pickup clerk) see
  the cases of their centers and those reported to them; department staff (approver, chief
  representative) see their department's cases and every case with an opened task in it.
* **Scans of a proxy application** are also seen by the center-wide roles of the township
  center (or any center) above the village station of the agent who filed it: the township
  checks them before the hall, whose cases they are (`scope_proxy_checked`).
* **Applicants** are seen by staff when they have an application in a center the staff
  member sees (department staff: a case they see).
* **Roles** are granted and withdrawn only in one's own center and below, by a center
  admin; the center-admin role of a center only by a center admin of a center above it.
* A **catalog** is imported only into a center the actor administers.
* A **portal binding** (an applicant's binding code, the account bound to it) is changed by an
  intake or pickup clerk of a center that sees the applicant (or, for an applicant nobody has
  applied for yet, by the window that has them in front of it); the binding codes, accounts and
  binding changes are seen as their applicant (the changes: by the center they were made at).
* A **background job** (a batch intake, a catalog import: its progress and report) is seen
  by whoever started it and by staff with a center-wide role whose centers hold its center.

Every scope is one SQL filter (a sub-select on the centers' materialised tree path), never a
Python check per row: `scope_cases(Case.objects.all(), actor)` is a queryset whose count and
pages are single queries. The actor is a `Staff` row or a user; what the rules need of it
(staff row, center path, roles) is read once per instance and kept on it (`actor_scope`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet

from onewindow.org.models import Applicant, Region, Role, ServiceCenter, Staff

M = TypeVar("M", bound=models.Model)
Actor = Staff | AbstractBaseUser | AnonymousUser | None

# Roles that see every case of their centers; the others see their department's.
CENTER_WIDE_ROLES = frozenset({Role.CENTER_ADMIN, Role.SUPERVISOR, Role.INTAKE_CLERK, Role.PICKUP_CLERK})
_CACHE = "_onewindow_access"


@dataclass(frozen=True)
class Scope:
    """What the rules know of an actor. `path` is the tree path of the actor's center
    ("/1/5/"); everything whose center path starts with it is visible."""

    user_id: int | None
    is_superuser: bool
    staff: Staff | None
    center_id: int | None
    path: str
    department_id: int | None
    roles: frozenset[str]
    region_id: int | None = None

    @property
    def sees_nothing(self) -> bool:
        return not self.is_superuser and self.center_id is None

    @property
    def center_wide(self) -> bool:
        return bool(self.roles & CENTER_WIDE_ROLES)


_NOBODY = Scope(None, False, None, None, "", None, frozenset())


def actor_scope(actor: Actor | Scope) -> Scope:
    """The actor's scope, computed once per `Staff` or user instance (two queries at most:
    the staff row with its center, and the role groups unless prefetched)."""
    if isinstance(actor, Scope):
        return actor
    if actor is None or isinstance(actor, AnonymousUser):
        return _NOBODY
    cached: Scope | None = actor.__dict__.get(_CACHE)
    if cached is not None:
        return cached
    if isinstance(actor, Staff):
        staff: Staff | None = actor
        user = actor.user if Staff.user.is_cached(actor) else _user_flags(actor.user_id)
    else:
        user = actor
        staff = (
            Staff.objects.select_related("center")
            .prefetch_related("user__groups")
            .filter(user_id=user.pk)
            .first()
            if user.pk is not None
            else None
        )
    is_superuser = bool(getattr(user, "is_superuser", False)) and bool(getattr(user, "is_active", True))
    if staff is None or not staff.is_active or not getattr(user, "is_active", True):
        scope = Scope(user.pk, is_superuser, None, None, "", None, frozenset())
    else:
        scope = Scope(
            user_id=user.pk,
            is_superuser=is_superuser,
            staff=staff,
            center_id=staff.center_id,
            path=staff.center.path,
            department_id=staff.department_id,
            roles=_roles(staff),
            region_id=staff.center.region_id,
        )
    actor.__dict__[_CACHE] = scope
    return scope


def _user_flags(user_id: int) -> Any:
    """The user's superuser and active flags (for a staff row loaded without its user)."""
    user_model = Staff._meta.get_field("user").related_model
    return user_model._default_manager.only("pk", "is_superuser", "is_active").get(pk=user_id)  # type: ignore[union-attr]


def _roles(staff: Staff) -> frozenset[str]:
    """The staff member's roles, shared with the engine's per-instance cache (`rules.staff_roles`)."""
    roles: frozenset[str] | None = staff.__dict__.get("_onewindow_roles")
    if roles is None:
        roles = frozenset(staff.roles)
        staff.__dict__["_onewindow_roles"] = roles
    return roles


def actor_forget(actor: Actor) -> None:
    """Drop the kept scope (after the actor's roles or center changed in this request)."""
    if actor is not None:
        actor.__dict__.pop(_CACHE, None)
        actor.__dict__.pop("_onewindow_roles", None)


# --------------------------------------------------------------------------- centers


def centers_visible(actor: Actor | Scope) -> QuerySet[ServiceCenter]:
    """The actor's center and every center below it; all for a superuser; none otherwise."""
    scope = actor_scope(actor)
    if scope.is_superuser:
        return ServiceCenter.objects.all()
    if scope.center_id is None:
        return ServiceCenter.objects.none()
    if not scope.path:  # a tree not yet given its paths: only the center itself (fail closed)
        return ServiceCenter.objects.filter(pk=scope.center_id)
    return ServiceCenter.objects.filter(path__startswith=scope.path)


def center_ids_subquery(actor: Actor | Scope) -> QuerySet[ServiceCenter, Any]:
    """`centers_visible` as a sub-select of ids, for `center_id__in=`."""
    return centers_visible(actor).values("pk")


def scope_by_center(qs: QuerySet[M], actor: Actor | Scope, field: str = "center") -> QuerySet[M]:
    """Rows whose `field` (a lookup path to a ServiceCenter, e.g. "version__item__center")
    is a visible center."""
    scope = actor_scope(actor)
    if scope.is_superuser:
        return qs
    if scope.sees_nothing:
        return qs.none()
    return qs.filter(**{f"{field}__in": center_ids_subquery(scope)})


def scope_centers(qs: QuerySet[ServiceCenter], actor: Actor | Scope) -> QuerySet[ServiceCenter]:
    return scope_by_center(qs, actor, "pk")


def scope_staff(qs: QuerySet[Staff], actor: Actor | Scope) -> QuerySet[Staff]:
    """Staff of the visible centers."""
    return scope_by_center(qs, actor, "center")


def center_visible(actor: Actor | Scope, center: ServiceCenter | int | None) -> bool:
    """Whether the actor sees this center (no query when the center row is at hand)."""
    scope = actor_scope(actor)
    if center is None:
        return scope.is_superuser
    if scope.is_superuser:
        return True
    if scope.center_id is None:
        return False
    center_id = center if isinstance(center, int) else center.pk
    if center_id == scope.center_id:
        return True
    if not scope.path:
        return False
    if isinstance(center, ServiceCenter) and center.path:
        return center.path.startswith(scope.path)
    return centers_visible(scope).filter(pk=center_id).exists()


def center_above(actor: Actor | Scope, center: ServiceCenter | int | None) -> bool:
    """Whether the actor works in a center strictly above `center` (superusers: always)."""
    scope = actor_scope(actor)
    if scope.is_superuser:
        return True
    center_id = center if isinstance(center, int) or center is None else center.pk
    if center_id is None or scope.center_id is None or center_id == scope.center_id:
        return False
    return center_visible(scope, center)


# --------------------------------------------------------------------------- regions


def regions_visible(actor: Actor | Scope) -> QuerySet[Region]:
    """The region of the actor's center and the regions below it; all for a superuser.

    The division tree is at most six levels deep (a parent is always at a higher level,
    `Region.Level` has six), so "below" is five parent links at most: one query."""
    scope = actor_scope(actor)
    if scope.is_superuser:
        return Region.objects.all()
    if scope.region_id is None:
        return Region.objects.none()
    below = Q(pk=scope.region_id)
    for depth in range(1, len(Region.Level)):
        below |= Q(**{f"{'parent__' * depth}pk": scope.region_id})
    return Region.objects.filter(below)


def scope_regions(qs: QuerySet[Region], actor: Actor | Scope) -> QuerySet[Region]:
    scope = actor_scope(actor)
    if scope.is_superuser:
        return qs
    return qs.filter(pk__in=regions_visible(scope).values("pk"))


# --------------------------------------------------------------------------- cases and applicants


def _related(model: type[models.Model], *names: str) -> Any:
    """The model reached from `model` through the reverse relations `names`: org sits
    below `cases` (import-linter's layers), so it reaches the engine's tables by relation,
    never by import."""
    for name in names:
        model = model._meta.get_field(name).related_model  # type: ignore[assignment]
    return model


def scope_cases(qs: QuerySet[M], actor: Actor | Scope, prefix: str = "") -> QuerySet[M]:
    """Cases (or rows reached from a case through `prefix`, e.g. "case__") the actor sees.

    Center-wide roles: cases of the visible centers and cases reported to them. Department
    staff: their department's cases and the cases with a task in their department that has
    been opened (a task still waiting for its stage does not count)."""
    scope = actor_scope(actor)
    if scope.is_superuser:
        return qs
    if scope.sees_nothing:
        return qs.none()
    if scope.center_wide:
        centers = center_ids_subquery(scope)
        return qs.filter(
            Q(**{f"{prefix}center_id__in": centers}) | Q(**{f"{prefix}reported_to_id__in": centers})
        )
    if scope.department_id is None:
        return qs.none()
    task_model = _related(Applicant, "applications", "cases", "tasks")
    has_task = task_model.objects.filter(
        case_id=OuterRef(f"{prefix}pk"), department_id=scope.department_id
    ).exclude(state="waiting")
    return qs.filter(Q(**{f"{prefix}department_id": scope.department_id}) | Exists(has_task))


def scope_applications(qs: QuerySet[M], actor: Actor | Scope) -> QuerySet[M]:
    """Applications the actor sees: those of the visible centers for center-wide roles,
    those with a case the actor sees for department staff."""
    scope = actor_scope(actor)
    if scope.is_superuser:
        return qs
    if scope.sees_nothing:
        return qs.none()
    if scope.center_wide:
        return qs.filter(center_id__in=center_ids_subquery(scope))
    cases = scope_cases(_related(qs.model, "cases").objects.filter(application_id=OuterRef("pk")), scope)
    return qs.filter(Exists(cases))


def scope_proxy_checked(qs: QuerySet[M], actor: Actor | Scope) -> QuerySet[M]:
    """Applications filed by village proxy agents whose station is strictly below the actor's center,
    for the center-wide roles there: the township center above a station checks what its
    agents file (`cases.channels.proxy_application_check`) and opens their scans, although
    the cases are the county hall's and outside the township's case scope. Nothing else of
    the hall's is reached by this rule (the case pages stay the hall's)."""
    scope = actor_scope(actor)
    if scope.is_superuser:
        return qs
    if scope.sees_nothing or not scope.center_wide:
        return qs.none()
    return qs.filter(channel="proxy", proxy_agent__center_id__in=center_ids_subquery(scope)).exclude(
        proxy_agent__center_id=scope.center_id  # strictly above the station: its own staff do not check
    )


def scope_applicants(qs: QuerySet[Applicant], actor: Actor | Scope) -> QuerySet[Applicant]:
    """Applicants with an application the actor sees (an applicant nobody has applied for
    yet is seen by superusers only)."""
    scope = actor_scope(actor)
    if scope.is_superuser:
        return qs
    if scope.sees_nothing:
        return qs.none()
    applications = _related(Applicant, "applications").objects.filter(applicant_id=OuterRef("pk"))
    return qs.filter(Exists(scope_applications(applications, scope)))


def scope_portal_accounts(qs: QuerySet[M], actor: Actor | Scope) -> QuerySet[M]:
    """Portal accounts acting for an applicant the actor sees (an account that acts for nobody
    yet is seen by superusers only)."""
    scope = actor_scope(actor)
    if scope.is_superuser:
        return qs
    return qs.filter(Exists(scope_applicants(Applicant.objects.filter(user_id=OuterRef("user_id")), scope)))


BINDING_ROLES = frozenset({Role.INTAKE_CLERK, Role.PICKUP_CLERK})


def may_change_binding(actor: Actor | Scope, applicant: Applicant) -> bool:
    """Whether the actor may revoke the applicant's binding code and issue another, or unbind
    the portal account from them: an active intake or pickup clerk (the roles that print the
    slip) of a center that sees the applicant; for an applicant with no application anywhere
    (registered at a window, or declared online), who belongs to no center yet, any such clerk,
    who has them in front of the window. Two queries at most."""
    scope = actor_scope(actor)
    if scope.staff is None or scope.sees_nothing or not (scope.roles & BINDING_ROLES):
        return False
    if scope_applicants(Applicant.objects.filter(pk=applicant.pk), scope).exists():
        return True
    return not _related(Applicant, "applications").objects.filter(applicant_id=applicant.pk).exists()


# --------------------------------------------------------------------------- background jobs


def scope_jobs(qs: QuerySet[M], actor: Actor | Scope) -> QuerySet[M]:
    """Background jobs (`core.Job`: batch intakes, catalog imports) the actor sees: those it
    started, and every job of a visible center for staff with a center-wide role (who see
    that center's cases too: a batch report lists cases). An inactive account sees none."""
    scope = actor_scope(actor)
    if scope.is_superuser:
        return qs
    if scope.sees_nothing or scope.user_id is None:
        return qs.none()
    own = Q(created_by_id=scope.user_id)
    if scope.center_wide:
        return qs.filter(own | Q(center_id__in=center_ids_subquery(scope)))
    return qs.filter(own)


# --------------------------------------------------------------------------- any model

# How each model's rows reach their center: the lookup path to a ServiceCenter.
CENTER_PATHS: dict[str, str] = {
    "org.servicecenter": "pk",
    "org.department": "center",
    "org.sector": "center",
    "org.window": "center",
    "org.staff": "center",
    "org.staffabsence": "staff__center",
    "org.staffpasswordissue": "staff__center",
    "catalog.mainitem": "center",  # the catalog branch's main items (主项), once merged
    "catalog.serviceitem": "center",
    "catalog.serviceitemversion": "item__center",
    "catalog.materialrequirement": "version__item__center",
    "catalog.formfield": "version__item__center",
    "catalog.situationquestion": "version__item__center",
    "catalog.procedure": "version__item__center",
    "catalog.stage": "procedure__version__item__center",
    "catalog.stagetask": "stage__procedure__version__item__center",
    "catalog.cataloglist": "center",
    "catalog.bundle": "center",
    "catalog.bundleitem": "bundle__center",
    # Who viewed personal data: the viewer's center (a superuser's views: superusers only).
    "core.personaldataaccess": "actor__staff__center",
    # Binding changes: the center the window that made them belongs to.
    "org.bindingchange": "center",
}
# Rows seen when the row they belong to is seen: (foreign key, the model it points at).
BELONGS_TO: dict[str, str] = {
    "org.bindingcode": "applicant",
    "cases.applicationmaterial": "application",
    "cases.casematerial": "case",
    "cases.casetask": "case",
    "cases.caseevent": "case",
    "cases.suspension": "case",
    "cases.extension": "case",
}
# Not any center's: every account whose role has the permission sees them.
SHARED = frozenset({"core.calendarday", "core.counter"})
# Models with a scope rule of their own.
SPECIAL: dict[str, Callable[[Any, Scope], Any]] = {
    "org.region": scope_regions,
    "org.applicant": scope_applicants,
    "org.portalaccount": scope_portal_accounts,
    "cases.application": scope_applications,
    "cases.case": scope_cases,
    "core.job": scope_jobs,
}


def scope_queryset(qs: QuerySet[M], actor: Actor | Scope) -> QuerySet[M]:
    """`qs` narrowed to the rows the actor may see, for any model the rules know (one SQL
    filter); a model they do not know is a superuser's only (closed by default)."""
    label = qs.model._meta.label_lower
    actor = actor_scope(actor)
    if label in SHARED or actor.is_superuser:
        return qs
    if label in CENTER_PATHS:
        return scope_by_center(qs, actor, CENTER_PATHS[label])
    if label in SPECIAL:
        scoped: QuerySet[M] = SPECIAL[label](qs, actor)
        return scoped
    if label in BELONGS_TO:
        fk = BELONGS_TO[label]
        parent: Any = qs.model._meta.get_field(fk).related_model
        return qs.filter(
            **{f"{fk}_id__in": scope_queryset(parent._default_manager.all(), actor).values("pk")}
        )
    return qs.none()


def scoped_model(model: type[models.Model]) -> bool:
    """Whether the rules know `model` (its rows belong to centers, or are shared)."""
    label = model._meta.label_lower
    return label in CENTER_PATHS or label in BELONGS_TO or label in SHARED or label in SPECIAL


# --------------------------------------------------------------------------- what one may do


def is_center_admin(actor: Actor | Scope) -> bool:
    scope = actor_scope(actor)
    return scope.center_id is not None and Role.CENTER_ADMIN in scope.roles


def may_manage_center(actor: Actor | Scope, center: ServiceCenter | int | None) -> bool:
    """Whether the actor administers `center`: a superuser, or an active center admin of it
    or of a center above it."""
    scope = actor_scope(actor)
    if scope.is_superuser:
        return True
    return is_center_admin(scope) and center_visible(scope, center)


def centers_managed(actor: Actor | Scope) -> QuerySet[ServiceCenter]:
    """The centers the actor administers: every visible center for a superuser or a center
    admin, none for anyone else (the choices of a catalog import, say)."""
    scope = actor_scope(actor)
    if scope.is_superuser or is_center_admin(scope):
        return centers_visible(scope)
    return ServiceCenter.objects.none()


def may_grant_role(actor: Actor | Scope, role: str, center: ServiceCenter | int | None) -> bool:
    """Whether the actor may grant (or withdraw) `role` for a staff member of `center`.

    Any role in one's own center and below, by a center admin; the center-admin role only
    from a center above (nobody makes a colleague, or themself, an admin of their own
    center or of one above it)."""
    if role not in Role.values:
        return False
    if not may_manage_center(actor, center):
        return False
    if role == Role.CENTER_ADMIN:
        return center_above(actor, center)
    return True


def roles_refused(
    actor: Actor | Scope, *, center: ServiceCenter | int | None, before: Iterable[str], after: Iterable[str]
) -> list[str]:
    """The roles whose grant or withdrawal (the change from `before` to `after`) the actor
    may not make for a staff member of `center`, in `Role` order."""
    changed = set(before) ^ set(after)
    return [role for role in Role.values if role in changed and not may_grant_role(actor, role, center)]


def may_issue_password(actor: Actor | Scope, staff: Staff) -> bool:
    """Whether the actor may issue a temporary password to `staff` (who then signs in with it
    and must choose their own at once).

    An administrator of the staff member's center or of one above it, as for granting roles;
    for a center administrator only an administrator from above (as `may_grant_role` for the
    center-admin role: nobody takes over a fellow administrator's account); never for oneself
    (one changes one's own password with the old one) and, for a superuser's account, only a
    superuser. Reads the target's roles and user flags from prefetched rows when present."""
    scope = actor_scope(actor)
    if scope.staff is not None and scope.staff.pk == staff.pk:
        return False
    if scope.user_id is not None and scope.user_id == staff.user_id:
        return False
    if staff.user.is_superuser and not scope.is_superuser:
        return False
    center = staff.center if Staff.center.is_cached(staff) else staff.center_id
    if not may_manage_center(scope, center):
        return False
    if Role.CENTER_ADMIN in staff.roles:  # active or not: it may be switched on again
        return center_above(scope, center)
    return True


def may_import_catalog(actor: Actor | Scope, center: ServiceCenter | int | None) -> bool:
    """Whether the actor may import a catalog into `center` (it administers it)."""
    return may_manage_center(actor, center)


__all__ = [
    "CENTER_WIDE_ROLES",
    "Scope",
    "actor_forget",
    "actor_scope",
    "center_above",
    "center_ids_subquery",
    "center_visible",
    "centers_managed",
    "centers_visible",
    "is_center_admin",
    "may_grant_role",
    "may_import_catalog",
    "may_issue_password",
    "may_manage_center",
    "regions_visible",
    "roles_refused",
    "scope_applicants",
    "scope_applications",
    "scope_by_center",
    "scope_cases",
    "scope_centers",
    "scope_jobs",
    "scope_queryset",
    "scope_regions",
    "scope_staff",
    "scoped_model",
]
