"""The window's part (前台综合受理): accept, ask once for everything missing, refuse, pre-review.

An application's cases are handled together: the applicant gets one answer for the whole
application, and one notice lists everything missing across all its items (一次性告知).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from onewindow.cases import locks, rules
from onewindow.cases.actions.checks import application_cases, check_case
from onewindow.cases.actions.clock import deadlines
from onewindow.cases.actions.submission import MaterialIn, material_inputs
from onewindow.cases.errors import case_error
from onewindow.cases.events import Actor, append_event
from onewindow.cases.files import COMMITMENT_CODE
from onewindow.cases.models import (
    Application,
    ApplicationMaterial,
    Case,
    CaseEvent,
    CaseMaterial,
    CaseState,
    Channel,
    Decision,
    MaterialFile,
    ToleranceCommitment,
)
from onewindow.cases.plans import MergedMaterial, merged_materials, version_plan
from onewindow.catalog.models import CaseKind
from onewindow.core import calendar, clock
from onewindow.org.models import Applicant, Staff

S = CaseState
M = ApplicationMaterial.Status
Materials = Iterable[MaterialIn | str | dict[str, Any]]


@dataclass
class IntakeResult:
    """What the window did with an application: who was accepted, completed, or what is missing."""

    application: Application
    cases: list[Case]
    accepted: list[Case] = field(default_factory=list)
    accepted_with_pending: list[Case] = field(default_factory=list)
    completed: list[Case] = field(default_factory=list)
    supplement_requested: bool = False
    # Everything missing across all the application's cases (one notice): code, name, tolerable.
    missing: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class CommitmentIn:
    """How the applicant's 容缺受理承诺书 was signed: the clerk confirms the signature at the
    window (`confirmed`), and/or `file_id` names the scan of the signed letter (a
    `MaterialFile` of the application, material code COMMITMENT_CODE)."""

    confirmed: bool = False
    file_id: int | None = None


def _commitment_record(
    application: Application, commitment: CommitmentIn | None, *, actor: Staff, pending: list[dict[str, Any]]
) -> ToleranceCommitment | None:
    """Record the signed commitment, or refuse (COMMITMENT_REQUIRED, field `commitment`) when a
    window acceptance with 容缺 materials has none: the applicant's promise is what lets the
    clock start without them. The scan must be the application's own (attached to it)."""
    file = None
    if commitment is not None and commitment.file_id is not None:
        file = MaterialFile.objects.filter(
            pk=commitment.file_id, application_id=application.pk, material_code=COMMITMENT_CODE
        ).first()
        if file is None:
            raise case_error("FILE_INVALID", field="commitment", reason=_("no such scan of this application"))
    if commitment is None or not (commitment.confirmed or file is not None):
        if application.channel == Channel.WINDOW:
            raise case_error("COMMITMENT_REQUIRED", field="commitment")
        return None
    existing = ToleranceCommitment.objects.filter(application_id=application.pk).first()
    if existing is not None:
        return existing
    return ToleranceCommitment.objects.create(
        application=application,
        materials=[{"code": p["code"], "name": p["name"], "due": p["due"].isoformat()} for p in pending],
        confirmed=commitment.confirmed,
        file=file,
        recorded_by=actor,
        recorded_at=clock.now(),
    )


def _materials(application: Application) -> dict[str, ApplicationMaterial]:
    return {m.code: m for m in ApplicationMaterial.objects.filter(application_id=application.pk)}


def _answers(application: Application) -> dict[str, str]:
    """The 情形 answers the application was created with (they never change afterwards)."""
    stored = Application.objects.values_list("situation_answers", flat=True).get(pk=application.pk)
    return dict(stored or {})


def _gaps_entry(listed: dict[str, dict[str, Any]], gap: rules.MaterialGap, merged: MergedMaterial) -> None:
    """Add a material to the application's one list of what is missing, tolerable by the
    merged rule (`plans.merged_materials`: only if every case requiring it tolerates it)."""
    listed.setdefault(gap.code, {"code": gap.code, "name": gap.name, "tolerable": merged.tolerable})


@transaction.atomic
def application_intake(
    *, application: Application, actor: Staff, commitment: CommitmentIn | None = None
) -> IntakeResult:
    """Check every submitted case's materials against its pinned version and act once for all.

    A required material that may not follow later (not 容缺) missing anywhere → every
    submitted case of the application waits for supplement, and one notice lists
    everything missing; no clock starts. Otherwise each case is accepted — with pending
    materials when only tolerable ones are missing, each due after the shortest tolerance
    days of the items requiring it (one date per material, on every case: it is handed in
    once) — and an immediate (即办) case is decided (granted) and completed by the clerk at
    once. Tolerable and due follow `plans.merged_materials`, the rule the checklist shows.

    Accepting at the window with 容缺 materials needs the applicant's signed commitment
    (`commitment`: the clerk's confirmation or the scan of the signed letter), recorded
    as a `ToleranceCommitment` and named on each case's `accept_with_pending` event; without
    it nothing is written (COMMITMENT_REQUIRED, field `commitment`). Other channels record
    one when given.
    """
    cases = application_cases(
        application, [S.SUBMITTED], action="accept", actor=actor, none=_("no submitted case")
    )
    materials = _materials(application)
    statuses = {code: m.status for code, m in materials.items()}
    answers = _answers(application)
    result = IntakeResult(application=application, cases=cases)
    gaps = []
    listed: dict[str, dict[str, Any]] = {}
    committed: dict[int, list[dict[str, str]]] = {}
    plans = [version_plan(case.version_id) for case in cases]
    merged = {m.code: m for m in merged_materials(plans, answers)}
    for case, plan in zip(cases, plans, strict=True):
        applicable = plan.materials_for(answers)
        missing, pending = rules.sort_materials(applicable, statuses)
        for gap in missing + pending:
            _gaps_entry(listed, gap, merged[gap.code])
        gaps.append((case, missing, pending))
        committed[case.pk] = [
            {"code": m.code, "name": m.name} for m in applicable if statuses.get(m.code) == M.COMMITTED
        ]
    result.missing = list(listed.values())
    now = clock.now()

    if any(missing for _case, missing, _pending in gaps):
        result.supplement_requested = True
        for case, missing, pending in gaps:
            append_event(
                case,
                actor=actor,
                action="request_supplement",
                to_state=S.PENDING_SUPPLEMENT,
                at=now,
                data={
                    "missing": [
                        {"code": g.code, "name": g.name, "tolerable": g.tolerable} for g in missing + pending
                    ],
                    "application_missing": [m["code"] for m in result.missing],
                    **_rejected_as_asked([g.code for g in missing], materials),
                },
            )
        return result

    # One due date per material, handed in once for every case: the shortest tolerance of the
    # items requiring it (the date the checklist, the commitment letter and the row show).
    today = clock.today()
    pending_due: dict[str, dt.date] = {
        g.code: calendar.add_working_days(today, merged[g.code].tolerance_days)
        for _case, _missing, pending in gaps
        for g in pending
    }
    signed = None
    if pending_due:
        promised = [{"code": c, "name": listed[c]["name"], "due": d} for c, d in pending_due.items()]
        signed = _commitment_record(application, commitment, actor=actor, pending=promised)
    for case, _missing, pending in gaps:
        case.accepted_at = now
        accepted: dict[str, Any] = {"accepted_at": now, "accepted_by_id": actor.pk, **deadlines(case)}
        if pending:
            dues = {g.code: pending_due[g.code] for g in pending}
            data: dict[str, Any] = {
                "pending": [{"code": g.code, "name": g.name, "due": dues[g.code]} for g in pending]
            }
            if committed[case.pk]:
                data["committed"] = committed[case.pk]
            if signed is not None:
                data["commitment"] = {
                    "id": signed.pk,
                    "confirmed": signed.confirmed,
                    "file": signed.file_id,
                }
            append_event(
                case,
                actor=actor,
                action="accept_with_pending",
                to_state=S.ACCEPTED,
                at=now,
                data=data,
                pending_materials_due=min(dues.values()),
                **accepted,
            )
            result.accepted_with_pending.append(case)
            continue
        append_event(
            case,
            actor=actor,
            action="accept",
            to_state=S.ACCEPTED,
            at=now,
            data={"committed": committed[case.pk]} if committed[case.pk] else None,
            **accepted,
        )
        result.accepted.append(case)
        if case.kind == CaseKind.IMMEDIATE:
            _complete_immediate(case, actor=actor, at=now)
            result.completed.append(case)
    for code, due in pending_due.items():
        ApplicationMaterial.objects.filter(pk=materials[code].pk).update(status=M.PENDING, due_date=due)
    return result


def _rejected_as_asked(codes: list[str], rows: dict[str, ApplicationMaterial]) -> dict[str, Any]:
    """What a one-time notice says of the materials it asks for that were refused (what is
    wrong with each, as the clerk wrote it then): the event keeps it, so a reprint of the
    notice says what this one said whatever the rows say later (cases/notices.py)."""
    rejected = [c for c in codes if c in rows and rows[c].status == M.REJECTED]
    return {"rejected": rejected, "notes": {c: rows[c].note for c in rejected if rows[c].note}}


def _complete_immediate(case: Case, *, actor: Staff, at: dt.datetime) -> None:
    """即办: one act at the window. There is no back-office review for separation of duties to
    protect; the catalog marks an item immediate only when the result follows directly from
    the materials checked at acceptance."""
    append_event(
        case,
        actor=actor,
        action="decide",
        to_state=S.DECIDED,
        at=at,
        data={"decision": Decision.GRANTED, "immediate": True},
        decision=Decision.GRANTED,
        decided_at=at,
        decided_by_id=actor.pk,
    )
    append_event(
        case,
        actor=actor,
        action="complete",
        to_state=S.COMPLETED,
        at=at,
        data={"immediate": True},
        completed_at=at,
    )


@transaction.atomic
def application_request_supplement(
    *, application: Application, actor: Staff, materials: Materials, note: str = ""
) -> IntakeResult:
    """一次性告知 by hand: the clerk found handed-in materials unusable (blurred, expired, wrong).

    The named materials become `rejected`, and every submitted (or pre-review) case of the
    application waits for supplement; the result lists everything the application still
    lacks, so one notice covers it all.
    """
    handed = material_inputs(materials)
    if not handed:
        raise case_error("FIELD_REQUIRED", field="materials")
    cases = application_cases(
        application,
        [S.SUBMITTED, S.PREREVIEW],
        action="request_supplement",
        actor=actor,
        none=_("no submitted case"),
    )
    rows = _materials(application)
    for i, m in enumerate(handed):
        if m.code not in rows:
            raise case_error("MATERIAL_UNKNOWN", field=f"materials[{i}].code", material=m.code)
    for m in handed:
        row = rows[m.code]
        row.status = M.REJECTED
        row.note = m.note or note or row.note
        ApplicationMaterial.objects.filter(pk=row.pk).update(status=row.status, note=row.note)
    statuses = {code: m.status for code, m in rows.items()}
    answers = _answers(application)
    result = IntakeResult(application=application, cases=cases, supplement_requested=True)
    listed: dict[str, dict[str, Any]] = {}
    now = clock.now()
    plans = [version_plan(case.version_id) for case in cases]
    merged = {m.code: m for m in merged_materials(plans, answers)}
    for case, plan in zip(cases, plans, strict=True):
        applicable = plan.materials_for(answers)
        missing, pending = rules.sort_materials(applicable, statuses)
        mine = [{"code": g.code, "name": g.name, "tolerable": g.tolerable} for g in missing + pending]
        for gap in missing + pending:
            _gaps_entry(listed, gap, merged[gap.code])
        append_event(
            case,
            actor=actor,
            action="request_supplement",
            to_state=S.PENDING_SUPPLEMENT,
            at=now,
            opinion=note,
            data={
                "missing": mine,
                "application_missing": sorted(listed),
                # the refused ones first as the clerk named them, then those refused before
                **_rejected_as_asked(
                    list(dict.fromkeys([m.code for m in handed] + [g.code for g in missing + pending])), rows
                ),
            },
        )
    result.missing = list(listed.values())
    return result


@transaction.atomic
def application_supplement(
    *, application: Application, materials: Materials, actor: Staff | Applicant, prereview: bool = False
) -> list[Case]:
    """Record supplemented materials; every case waiting for supplement goes back to submitted
    (or, `prereview`, to pre-review: the applicant answered the notice online and the hall
    checks the new files before the window accepts). One 'supplement' event per case.

    Call `application_intake` afterwards to accept (or ask again).
    """
    cases = application_cases(
        application,
        [S.PENDING_SUPPLEMENT],
        action="supplement",
        actor=actor,
        none=_("no case waiting for supplement"),
    )
    handed = material_inputs(materials)
    rows = _materials(application)
    for i, m in enumerate(handed):
        if m.code not in rows:
            raise case_error("MATERIAL_UNKNOWN", field=f"materials[{i}].code", material=m.code)
    now = clock.now()
    for m in handed:
        row = rows[m.code]
        row.status = M.RECEIVED
        row.received_at = now
        if m.file:
            row.file = m.file
        row.licence_number = m.licence_number or row.licence_number
        row.note = m.note or row.note
        row.save(update_fields=["status", "received_at", "file", "licence_number", "note"])
    for case in cases:
        append_event(
            case,
            actor=actor,
            action="supplement",
            to_state=S.PREREVIEW if prereview else S.SUBMITTED,
            at=now,
            data={"received": [m.code for m in handed], **({"prereview": True} if prereview else {})},
        )
    return cases


def _require_township_check(application: Application) -> None:
    """A proxy agent's application reaches the hall's pre-review only after its township check."""
    if application.channel != Channel.PROXY:
        return
    if not CaseEvent.objects.filter(case__application_id=application.pk, action="township_check").exists():
        raise case_error("TOWNSHIP_CHECK_PENDING")


@transaction.atomic
def application_prereview_pass(*, application: Application, actor: Staff) -> list[Case]:
    """Online pre-review passed: the cases wait for intake (submitted)."""
    _require_township_check(application)
    cases = application_cases(application, [S.PREREVIEW], action="prereview_pass", actor=actor, none="-")
    now = clock.now()
    for case in cases:
        append_event(case, actor=actor, action="prereview_pass", to_state=S.SUBMITTED, at=now, data={})
    return cases


@transaction.atomic
def application_prereview_return(*, application: Application, actor: Staff, reasons: str) -> list[Case]:
    """Online pre-review failed: the application goes back to the applicant with reasons."""
    rules.require(reasons, "reasons")
    _require_township_check(application)
    cases = application_cases(application, [S.PREREVIEW], action="prereview_return", actor=actor, none="-")
    now = clock.now()
    for case in cases:
        append_event(
            case,
            actor=actor,
            action="prereview_return",
            to_state=S.RETURNED,
            at=now,
            data={"reasons": reasons},
        )
    return cases


@transaction.atomic
def application_materials_received(
    *, application: Application, materials: Materials, actor: Staff
) -> list[Case]:
    """Tolerated (容缺) materials arrived: mark them received and update each affected case.

    Every case still waiting for one of them gets one 'materials_received' event; its
    pending due date becomes the earliest due date of what it still waits for, or clears.
    """
    handed = material_inputs(materials)
    if not handed:
        raise case_error("FIELD_REQUIRED", field="materials")
    cases = locks.lock_cases(
        application_id=application.pk,
        states=rules.TRANSITIONS["materials_received"].sources,
        extra=Q(pending_materials_due__isnull=False),
    )
    rows = _materials(application)
    for i, m in enumerate(handed):
        row = rows.get(m.code)
        if row is None or row.status != M.PENDING:
            raise case_error("MATERIAL_NOT_PENDING", field=f"materials[{i}].code", material=m.code)
    for case in cases:
        check_case(case, "materials_received", actor)
    now = clock.now()
    codes = {m.code for m in handed}
    ApplicationMaterial.objects.filter(pk__in=[rows[c].pk for c in codes]).update(
        status=M.RECEIVED, received_at=now, due_date=None
    )
    for code in codes:
        rows[code].status = M.RECEIVED
    links: dict[int, list[str]] = {}
    for case_id, code in CaseMaterial.objects.filter(case__in=cases).values_list("case_id", "material__code"):
        links.setdefault(case_id, []).append(code)
    touched = []
    for case in cases:
        mine = links.get(case.pk, [])
        if not codes & set(mine):
            continue
        still = [rows[c] for c in mine if rows[c].status == M.PENDING]
        append_event(
            case,
            actor=actor,
            action="materials_received",
            at=now,
            data={"received": sorted(codes & set(mine)), "still_pending": [r.code for r in still]},
            pending_materials_due=min((r.due_date for r in still if r.due_date), default=None),
        )
        touched.append(case)
    return touched


@transaction.atomic
def case_refuse(*, case: Case, actor: Staff, reasons: str, legal_basis: str) -> Case:
    """不予受理: refuse with reasons and the legal basis (both printed on the refusal notice)."""
    case = locks.lock_case(case)
    check_case(case, "refuse", actor)
    rules.require(reasons, "reasons")
    rules.require(legal_basis, "legal_basis")
    append_event(
        case,
        actor=actor,
        action="refuse",
        to_state=S.REFUSED,
        data={"reasons": reasons, "legal_basis": legal_basis},
    )
    return case


@transaction.atomic
def case_record(
    *,
    case: Case,
    actor: Actor,
    action: str,
    opinion: str = "",
    data: dict[str, Any] | None = None,
    lower_center_id: int | None = None,
) -> Case:
    """Record a table action that has no rules beyond the table (channel steps such as
    `township_check` / `township_return`); for `lower_center` actions the caller names the
    lower-tier center (the township above a proxy agent's village station). Actions with
    their own rules (accept, decide, …) have their own services; use those."""
    case = locks.lock_case(case)
    transition = check_case(case, action, actor, lower_center_id=lower_center_id)
    append_event(
        case,
        actor=actor,
        action=action,
        to_state=transition.target_from(case.state),
        opinion=opinion,
        data=data,
    )
    return case
