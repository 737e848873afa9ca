"""Reads for the org domain, scoped explicitly and with the joins pages need."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from onewindow.core.fields import personal_digests
from onewindow.core.validators import normalise_mobile
from onewindow.org.models import Applicant, Department, Role, ServiceCenter, Staff, StaffAbsence, Window


def applicant_find(*, id_number: str | None = None, uscc: str | None = None) -> Applicant | None:
    """The person with this resident ID number, or the organisation with this USCC.

    ID numbers are encrypted, so the lookup goes through the keyed digest (blind index),
    under each configured key while keys rotate; input is compared after stripping spaces
    and upper-casing, as stored."""
    if id_number:
        value = "".join(id_number.split()).upper()
        return (
            Applicant.objects.filter(kind=Applicant.Kind.PERSON, id_number_digest__in=personal_digests(value))
            .order_by("pk")
            .first()
        )
    if uscc:
        value = "".join(uscc.split()).upper()
        return Applicant.objects.filter(kind=Applicant.Kind.ORGANISATION, uscc=value).order_by("pk").first()
    return None


def applicant_list(*, mobile: str) -> QuerySet[Applicant]:
    """The applicants registered with this mobile number (several may share one: family
    members, a company's agents), through its blind index like `applicant_find`; the number
    is compared normalised (spaces, hyphens and a +86 prefix dropped), as stored."""
    value = normalise_mobile(mobile)
    if not value:
        return Applicant.objects.none()
    return Applicant.objects.filter(mobile_digest__in=personal_digests(value)).order_by("pk")


def staff_list(
    *, center: ServiceCenter, role: str | None = None, department: Department | None = None
) -> QuerySet[Staff]:
    """Active staff of one center, with user groups prefetched so `Staff.roles` costs nothing."""
    qs = (
        Staff.objects.filter(center=center, is_active=True)
        .select_related("user", "department", "window", "backup")
        .prefetch_related("user__groups")
    )
    if role is not None:
        qs = qs.filter(user__groups__name=role)
    if department is not None:
        qs = qs.filter(department=department)
    return qs.order_by("name", "pk")


def _staff_loaded() -> QuerySet[Staff]:
    """Staff with what a request or a job acting as them needs: user, center, roles."""
    return Staff.objects.select_related("user", "center", "department", "window").prefetch_related(
        "user__groups"
    )


def staff_get_by_username(*, username: str) -> Staff | None:
    return _staff_loaded().filter(user__username=username).first()


def staff_get_by_user(*, user_id: int) -> Staff | None:
    """The staff row of a user (a job acting as the clerk who started it), roles prefetched."""
    return _staff_loaded().filter(user_id=user_id).first()


def window_list(*, center: ServiceCenter, kind: str | None = None) -> QuerySet[Window]:
    qs = Window.objects.filter(center=center, is_active=True).prefetch_related("sectors")
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs.order_by("number")


def department_chief_representative(*, department: Department) -> Staff | None:
    return (
        Staff.objects.filter(
            department=department, is_active=True, user__groups__name=Role.CHIEF_REPRESENTATIVE
        )
        .order_by("pk")
        .first()
    )


def staff_absent(*, staff_id: int, at: dt.datetime) -> bool:
    """Whether the staff member is marked absent at `at`: one of their absences has
    `starts_at <= at < ends_at` (the A post is back at `ends_at` exactly).

    The case engine asks this before letting a B post act on the A post's task, inside the
    same transaction as the action. One EXISTS query on the (staff, ends_at, starts_at)
    index. `at` must be aware: a naive time would be read in the server's zone."""
    if timezone.is_naive(at):
        raise ValueError("staff_absent() needs an aware datetime")
    return StaffAbsence.objects.filter(staff_id=staff_id, starts_at__lte=at, ends_at__gt=at).exists()


def center_list_public() -> list[ServiceCenter]:
    """The active county and city halls, for the portal's landing page."""
    return list(
        ServiceCenter.objects.filter(
            is_active=True, tier__in=[ServiceCenter.Tier.COUNTY, ServiceCenter.Tier.CITY]
        )
        .select_related("region")
        .order_by("code")
    )


def department_choices(*, center_id: int) -> list[tuple[int, str]]:
    """(id, name) of a center's active departments, by name (one SELECT): a form's choices."""
    return list(
        Department.objects.filter(center_id=center_id, is_active=True)
        .order_by("name", "pk")
        .values_list("pk", "name")
    )


def department_get(*, pk: int) -> Department | None:
    return Department.objects.filter(pk=pk).select_related("center").first()


# Form keys an applicant's record answers: the window's, the agent's and the portal's forms fill
# them in, so a returning applicant (or a signed-in account) is not asked again.
APPLICANT_FORM_KEYS = {
    "applicant_name": "name",
    "contact_phone": "mobile",
    "mobile": "mobile",
    "phone": "mobile",
}


def applicant_form_answers(*, applicant: Applicant, keys: Iterable[str], mobile: str = "") -> dict[str, str]:
    """What the applicant's record answers of these form keys (`APPLICANT_FORM_KEYS`), by key;
    `mobile` stands in for a record without one (a portal account's own number). A key the record
    cannot answer is left out. No query."""
    answers: dict[str, str] = {}
    for key in keys:
        attr = APPLICANT_FORM_KEYS.get(key)
        value = (getattr(applicant, attr, "") or (mobile if attr == "mobile" else "")) if attr else ""
        if value:
            answers[key] = str(value)
    return answers
