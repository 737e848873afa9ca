"""The end of a case: the decision (准予 / 不予), completion (办结), delivery (统一出件) and closing,
the exits before a decision (withdrawn by the applicant, returned by staff), and a mistaken
intake voided (作废).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from onewindow.cases import locks, rules
from onewindow.cases.actions.checks import check_case
from onewindow.cases.actions.clock import end_suspension
from onewindow.cases.errors import case_error
from onewindow.cases.events import Actor, append_event
from onewindow.cases.models import (
    Application,
    ApplicationMaterial,
    Case,
    CaseEvent,
    CaseMaterial,
    CaseState,
    CaseTask,
    Decision,
)
from onewindow.cases.plans import version_plan
from onewindow.catalog.models import DeliveryMethod
from onewindow.core import clock
from onewindow.core.fields import mask_id_number
from onewindow.org.models import Staff

S = CaseState
T = CaseTask.State


@transaction.atomic
def case_decide(
    *,
    case: Case,
    actor: Staff,
    decision: str,
    opinion: str = "",
    reasons: str = "",
    legal_basis: str = "",
    attachments: Sequence[str] = (),
) -> Case:
    """准予 / 不予许可, once the procedure has finished, by someone other than who accepted the case.

    A denial needs reasons and the legal basis (they are printed on the decision). A
    procedure stopped early by a rejection never opens its later stages: their waiting
    tasks are cancelled.
    """
    case = locks.lock_case(case)
    check_case(case, "decide", actor)
    rules.check_separation_of_duties(accepted_by_id=case.accepted_by_id, actor=actor)
    if decision not in Decision.values:
        raise case_error(
            "FIELD_REQUIRED" if not decision else "FIELD_INVALID", field="decision", reason=decision
        )
    if case.open_tasks:
        raise case_error("TASKS_OPEN", count=case.open_tasks)
    data: dict[str, Any] = {"decision": decision, "attachments": list(attachments)}
    if decision == Decision.DENIED:
        rules.require(reasons, "reasons")
        rules.require(legal_basis, "legal_basis")
        data.update(reasons=reasons, legal_basis=legal_basis)
    now = clock.now()
    if case.rejections and version_plan(case.version_id).next_stage(case.stage_order) is not None:
        CaseTask.objects.filter(case_id=case.pk, state=T.WAITING).update(state=T.CANCELLED, completed_at=now)
    append_event(
        case,
        actor=actor,
        action="decide",
        to_state=S.DECIDED,
        at=now,
        opinion=opinion,
        data=data,
        decision=decision,
        decided_at=now,
        decided_by_id=actor.pk,
    )
    return case


@transaction.atomic
def case_complete(*, case: Case, actor: Staff, opinion: str = "") -> Case:
    """办结: the decision is final. Refused while tolerated (容缺) materials are still outstanding."""
    case = locks.lock_case(case)
    check_case(case, "complete", actor)
    if case.pending_materials_due is not None:
        names = CaseMaterial.objects.filter(
            case_id=case.pk, material__status=ApplicationMaterial.Status.PENDING
        ).values_list("material__name", flat=True)
        raise case_error("MATERIALS_MISSING", names="、".join(names))
    append_event(
        case, actor=actor, action="complete", to_state=S.COMPLETED, opinion=opinion, completed_at=clock.now()
    )
    return case


@transaction.atomic
def case_deliver(
    *,
    case: Case,
    actor: Staff,
    method: str = "",
    signed_by: str = "",
    tracking_number: str = "",
    carrier: str = "",
    collector_id_number: str = "",
) -> Case:
    """出件 / 送达: handed over at the pickup window (who signed for it), mailed (carrier and
    tracking number) or delivered electronically. The method defaults to the one chosen at
    application.

    A collector who is not the applicant shows an identity document: its number is kept on
    the event masked (it is printed on the receipt that way), never in full.
    """
    case = locks.lock_case(case)
    check_case(case, "deliver", actor)
    method = method or case.delivery_method or DeliveryMethod.PICKUP
    if method not in DeliveryMethod.values:
        raise case_error("FIELD_INVALID", field="delivery_method", reason=method)
    if method == DeliveryMethod.PICKUP:
        rules.require(signed_by, "signed_by")
        rules.check_length(signed_by, "signed_by", Case._meta.get_field("signed_by").max_length)
    elif method == DeliveryMethod.MAIL:
        rules.require(tracking_number, "tracking_number")
        rules.check_length(
            tracking_number, "tracking_number", Case._meta.get_field("tracking_number").max_length
        )
        rules.check_length(carrier, "carrier", 40)
    now = clock.now()
    data: dict[str, Any] = {"method": method, "signed_by": signed_by, "tracking_number": tracking_number}
    if carrier and method == DeliveryMethod.MAIL:
        data["carrier"] = carrier
    if collector_id_number and method == DeliveryMethod.PICKUP:
        data["collector_document"] = mask_id_number(collector_id_number)
    append_event(
        case,
        actor=actor,
        action="deliver",
        to_state=S.DELIVERED,
        at=now,
        data=data,
        delivery_method=method,
        signed_by=signed_by,
        tracking_number=tracking_number,
        delivered_at=now,
    )
    return case


@transaction.atomic
def case_close(*, case: Case, actor: Staff) -> Case:
    """Archive a delivered case."""
    case = locks.lock_case(case)
    check_case(case, "close", actor)
    now = clock.now()
    append_event(case, actor=actor, action="close", to_state=S.CLOSED, at=now, closed_at=now)
    return case


def _end_handling(case: Case, now: dt.datetime) -> dict[str, Any]:
    """Cancel the case's unfinished tasks and end an open suspension (exits before a decision)."""
    fields: dict[str, Any] = {}
    if case.state in (S.IN_PROGRESS, S.SUSPENDED):
        CaseTask.objects.filter(case_id=case.pk, state__in=[T.OPEN, T.CLAIMED, T.WAITING]).update(
            state=T.CANCELLED, completed_at=now
        )
        fields.update(open_tasks=0, reported_to_id=None)
    if case.state == S.SUSPENDED:
        fields.update(suspended_since=None, suspended_days=case.suspended_days + end_suspension(case, now))
    return fields


@transaction.atomic
def case_withdraw(*, case: Case, actor: Actor, reason: str = "") -> Case:
    """撤回: the applicant (or a clerk on their written request) withdraws before the decision."""
    case = locks.lock_case(case)
    check_case(case, "withdraw", actor)
    now = clock.now()
    fields = _end_handling(case, now)
    append_event(
        case, actor=actor, action="withdraw", to_state=S.WITHDRAWN, at=now, opinion=reason, data={}, **fields
    )
    return case


@transaction.atomic
def case_return(*, case: Case, actor: Staff, reasons: str) -> Case:
    """退回: staff return the case to the applicant with reasons, before the decision."""
    case = locks.lock_case(case)
    check_case(case, "return", actor)
    rules.require(reasons, "reasons")
    now = clock.now()
    fields = _end_handling(case, now)
    append_event(
        case, actor=actor, action="return", to_state=S.RETURNED, at=now, data={"reasons": reasons}, **fields
    )
    return case


@transaction.atomic
def application_void(*, application: Application, actor: Staff, reason: str) -> list[Case]:
    """作废: undo a mistaken intake (the wrong applicant or item, an application typed twice).

    Every case of the application the window answered (accepted, waiting for supplement,
    refused, an immediate case completed, a case just routed) becomes `voided`, with one
    `void` event each on its chain carrying the reason; routed cases' tasks are cancelled.
    The clerk who took the intake may void it the same day, a center administrator later
    (`rules.check_void`). Locks the application's cases (ascending id) first.
    """
    rules.require(reason, "reason")
    cases = locks.lock_cases(application_id=application.pk, states=rules.VOIDABLE)
    if not cases:
        raise case_error("NOTHING_TO_VOID")
    intakes: dict[int, tuple[int | None, dt.datetime | None]] = {}
    for case_id, event_user_id, event_at in (
        CaseEvent.objects.filter(case__in=cases, action__in=rules.INTAKE_ACTIONS)
        .order_by("case_id", "seq")
        .values_list("case_id", "actor_id", "at")
    ):
        intakes[case_id] = (event_user_id, event_at)  # the latest intake event of each case
    today = clock.today()
    for case in cases:
        check_case(case, "void", actor)
        user_id, at = intakes.get(case.pk, (None, None))
        rules.check_void(
            actor=actor,
            case_kind=case.kind,
            state=case.state,
            intake_user_id=user_id,
            intake_day=timezone.localdate(at) if at else None,
            today=today,
        )
    now = clock.now()
    for case in cases:
        fields = _end_handling(case, now)
        append_event(
            case,
            actor=actor,
            action="void",
            to_state=S.VOIDED,
            at=now,
            opinion=reason,
            data={"reason": reason, "from": case.state},
            **fields,
        )
    return cases
