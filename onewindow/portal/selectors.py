"""Public reads: what anyone holding a case number (the QR code on a notice) may see."""

from django.db.models import Prefetch

from onewindow.cases.models import Case, CaseEvent
from onewindow.org.models import ServiceCenter


def case_progress_get(*, number: str) -> Case | None:
    """A case with its item, center and trail; personal data is masked by the template's caller."""
    number = number.strip().upper()
    if not number or len(number) > 40:
        return None
    events = CaseEvent.objects.only("case_id", "seq", "action", "to_state", "at").order_by("seq")
    return (
        Case.objects.select_related("item", "center", "department", "application__applicant")
        .prefetch_related(Prefetch("events", queryset=events))
        .filter(number=number)
        .first()
    )


def center_list_public() -> list[ServiceCenter]:
    return list(
        ServiceCenter.objects.filter(
            is_active=True, tier__in=[ServiceCenter.Tier.COUNTY, ServiceCenter.Tier.CITY]
        )
        .select_related("region")
        .order_by("code")
    )
