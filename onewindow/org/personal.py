"""The org rows that hold personal data, for `core.personal` (registered in `OrgConfig.ready`):
an applicant's ID number, mobile phone and address, a staff member's mobile phone. Who may
reveal them is the access rules' (`org.access.scope_applicants`, `scope_staff`)."""

from typing import Any

from onewindow.core.fields import mask_name
from onewindow.core.personal import personal_subject_register
from onewindow.org.access import scope_applicants, scope_staff
from onewindow.org.models import Applicant, Staff

APPLICANT_FIELDS = ("id_number", "mobile", "address")
STAFF_FIELDS = ("mobile",)


def _present(obj: Any, names: tuple[str, ...]) -> dict[str, str]:
    return {n: str(obj._meta.get_field(n).verbose_name) for n in names if getattr(obj, n, "")}


def register() -> None:
    personal_subject_register(
        Applicant,
        fields=lambda a: _present(a, APPLICANT_FIELDS),
        value=getattr,
        scope=scope_applicants,
        label=lambda a: mask_name(a.name),
    )
    personal_subject_register(
        Staff,
        fields=lambda s: _present(s, STAFF_FIELDS),
        value=getattr,
        scope=scope_staff,
        label=lambda s: mask_name(s.name),
    )
