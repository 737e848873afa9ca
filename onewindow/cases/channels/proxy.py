"""Proxy agents (代办): a village agent applies for a citizen; the township checks it before the hall.

The application waits in `prereview` for the township center above the village station to
check it (`proxy_application_check`) before the hall's pre-review may pass it. The
township's check is a `township_check` event (approve; the state stays `prereview`) or a
`township_return` event (reject → `returned`), both with `data.stage == "township_check"`.
Also the two waiting lists: the township's checks and the hall's pre-review inbox.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from onewindow.cases import services
from onewindow.cases.channels.errors import channel_error, required
from onewindow.cases.errors import case_error
from onewindow.cases.models import Application, Case, CaseEvent, CaseState, Channel
from onewindow.cases.rules import TRANSITIONS, staff_roles
from onewindow.cases.services import MaterialIn
from onewindow.catalog.models import Bundle, ServiceItem
from onewindow.org.models import Applicant, Role, ServiceCenter, Staff

S = CaseState

TOWNSHIP_CHECK = "township_check"
TOWNSHIP_RETURN = "township_return"


def _proxy_hall(actor: Staff) -> tuple[ServiceCenter, ServiceCenter]:
    """(township center, county hall) above the agent's village station."""
    if not isinstance(actor, Staff) or Role.PROXY_AGENT not in staff_roles(actor):
        raise channel_error("NOT_PROXY_AGENT")
    station = ServiceCenter.objects.select_related("parent__parent").get(pk=actor.center_id)
    if station.tier != ServiceCenter.Tier.VILLAGE:
        raise channel_error("NOT_PROXY_AGENT")
    township = station.parent
    if township is None or township.parent is None:
        raise channel_error("NO_TOWNSHIP_CENTER")
    return township, township.parent


@transaction.atomic
def proxy_application_submit(
    *,
    actor: Staff,
    applicant: Applicant,
    items: Sequence[ServiceItem | int] = (),
    bundle: Bundle | None = None,
    form_data: dict[str, Any] | None = None,
    materials: Iterable[MaterialIn | str | dict] = (),
    delivery_method: str = "",
    delivery_address: str = "",
    idempotency_key: str | None = None,
) -> Application:
    """代办: a village proxy agent (`actor`) applies at the county hall on the applicant's behalf.

    The application (channel "proxy", `proxy_agent` = the agent) is created in `prereview`
    and waits for the township center above the village station (`proxy_application_check`).
    """
    _township, hall = _proxy_hall(actor)
    if idempotency_key:
        existing = Application.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.proxy_agent_id != actor.pk:
                raise channel_error("IDEMPOTENCY_KEY_REUSED", field="idempotency_key")
            return existing
    return services.application_create(
        center=hall,
        applicant=applicant,
        items=items,
        bundle=bundle,
        channel=Channel.PROXY,
        form_data=form_data,
        materials=materials,
        actor=actor,
        delivery_method=delivery_method,
        delivery_address=delivery_address,
        idempotency_key=idempotency_key,
        proxy_agent=actor,
        state=S.PREREVIEW,
    )


def _township_checked(application_id: int) -> bool:
    return CaseEvent.objects.filter(case__application_id=application_id, action=TOWNSHIP_CHECK).exists()


def proxy_township_of(application: Application) -> int | None:
    """Id of the township center that checks a proxy application (the agent's station's parent)."""
    if application.proxy_agent_id is None:
        return None
    return (
        Staff.objects.filter(pk=application.proxy_agent_id)
        .values_list("center__parent_id", flat=True)
        .first()
    )


@transaction.atomic
def proxy_application_check(
    *, application: Application, actor: Staff, approve: bool, reasons: str = ""
) -> list[Case]:
    """The township center checks a proxy application before it goes up to the county hall.

    Only an intake clerk or center admin of the township center above the agent's village
    station (OUT_OF_SCOPE for another township). Approve: each case gets a `township_check`
    event (state stays `prereview`; the hall's pre-review may now pass it). Reject: each
    case is returned with the reasons (`township_return`, data.stage "township_check").
    Locks the application's cases (pk order) before checking, so two checks never both pass.
    """
    if application.channel != Channel.PROXY or application.proxy_agent_id is None:
        raise channel_error("NOT_PROXY_APPLICATION")
    transition = TRANSITIONS[TOWNSHIP_CHECK if approve else TOWNSHIP_RETURN]
    if not staff_roles(actor) & transition.roles:  # checked again by the engine; first, for a clear error
        raise case_error("ROLE_NOT_ALLOWED", action=str(transition.label))
    township_id = proxy_township_of(application)
    if township_id is None or actor.center_id != township_id:
        raise case_error("OUT_OF_SCOPE")
    if not approve:
        required(reasons, "reasons")
    cases = list(
        Case.objects.select_for_update()
        .filter(application_id=application.pk, state=S.PREREVIEW)
        .order_by("pk")
    )
    if not cases:
        raise channel_error("NOT_IN_PREREVIEW")
    if _township_checked(application.pk):
        raise channel_error("TOWNSHIP_CHECK_DONE")
    # The table's `township_check` / `township_return` rows (lower-center scope) check the
    # role and that the staff member works in the township named here; one event per case.
    recorded = []
    for case in cases:
        if approve:
            data = {"stage": TOWNSHIP_CHECK, "approved": True, "center": township_id}
            action = TOWNSHIP_CHECK
        else:
            data = {"stage": TOWNSHIP_CHECK, "reasons": reasons, "center": township_id}
            action = TOWNSHIP_RETURN
        recorded.append(
            services.case_record(
                case=case, actor=actor, action=action, data=data, lower_center_id=township_id
            )
        )
    return recorded


def proxy_checks_waiting(*, actor: Staff) -> QuerySet[Application]:
    """Proxy applications waiting for the check of the actor's township center."""
    checked = CaseEvent.objects.filter(case__application_id=OuterRef("pk"), action=TOWNSHIP_CHECK)
    waiting = Case.objects.filter(application_id=OuterRef("pk"), state=S.PREREVIEW)
    return (
        Application.objects.filter(channel=Channel.PROXY, proxy_agent__center__parent_id=actor.center_id)
        .filter(Exists(waiting))
        .exclude(Exists(checked))
        .select_related("applicant", "proxy_agent")
        .order_by("created_at", "pk")
    )


def prereview_waiting(*, actor: Staff) -> QuerySet[Application]:
    """The hall's pre-review inbox: applications of the actor's center with cases in
    `prereview`, proxy ones only once their township has approved them; oldest first."""
    waiting = Case.objects.filter(application_id=OuterRef("pk"), state=S.PREREVIEW)
    checked = CaseEvent.objects.filter(case__application_id=OuterRef("pk"), action=TOWNSHIP_CHECK)
    return (
        Application.objects.filter(center_id=actor.center_id)
        .filter(Exists(waiting))
        .exclude(Q(channel=Channel.PROXY) & ~Exists(checked))
        .select_related("applicant", "proxy_agent")
        .order_by("submitted_at", "pk")
    )
