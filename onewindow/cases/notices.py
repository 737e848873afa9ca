"""Build the `documents.notice.Notice` of a case (or of an application) from its rows and events.

The renderer (`cases/documents/`) knows nothing about models; the engine's events carry what a
notice prints (docs/cases.md, "Events a notice or report can rely on"). Each function reads
a fixed number of queries whatever the number of materials or events, and dates the notice
by the event it documents, so printing the same notice twice gives the same paper.

* acceptance: received materials and the 容缺 ones with their due dates, the promised deadline;
* refusal: the reasons and the basis of the `refuse` event;
* supplement: one notice for the whole application listing every material missing across all
  its cases (一次性告知), as the `request_supplement` events of that notice asked for them
  (a reprint after the materials came is the same paper; a second notice is its own);
* completion: the decision (and a denial's reasons and basis), the result document, delivery;
* handover: the delivery method, tracking number or who signed, the result document;
* commitment (容缺受理承诺书): the tolerated materials and due dates of `accept_with_pending`
  and how the signature was recorded; before acceptance `commitment_draft_notice` prints
  the same letter from the checklist, without a number, to be signed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from onewindow.cases.documents.notice import (
    MaterialStatus,
    Notice,
    NoticeKind,
    NoticeMaterial,
    NoticeParty,
    chinese_date,
)
from onewindow.cases.errors import CaseError
from onewindow.cases.models import (
    Application,
    ApplicationMaterial,
    Case,
    CaseEvent,
    CaseMaterial,
    CaseState,
    ToleranceCommitment,
)
from onewindow.catalog.models import MaterialRequirement
from onewindow.core import clock
from onewindow.org.accounts import binding_code_for_notice, binding_code_text
from onewindow.org.models import Applicant

S = CaseState

MESSAGES = {
    "NOTICE_NOT_AVAILABLE": gettext_lazy("There is no “%(kind)s” for case %(case)s in its present state."),
    "NOTHING_TO_SUPPLEMENT": gettext_lazy("Application %(application)s is not missing any material."),
}

# Notice wording is Chinese by regulation (see cases/documents/): the form and copies column.
FORM_TEXT = {
    MaterialRequirement.Form.ORIGINAL: "原件",
    MaterialRequirement.Form.COPY: "复印件",
    MaterialRequirement.Form.ORIGINAL_AND_COPY: "原件及复印件",
}
TOLERABLE_NOTE = "可容缺受理，受理后按期补齐"

# Which event a notice documents, and the states in which the case has had it.
NOTICE_EVENT = {
    NoticeKind.ACCEPTANCE: ("accept", "accept_with_pending"),
    NoticeKind.REFUSAL: ("refuse",),
    NoticeKind.COMPLETION: ("decide",),
    NoticeKind.HANDOVER: ("deliver",),
    NoticeKind.COMMITMENT: ("accept_with_pending",),
}


def notice_ordinal(raw: str | None) -> int | None:
    """The `?n=` of a notice's address (which of the case's one-time notices): None when not
    given (the latest), 0 when it is not a number a case could have had (the page's 404)."""
    if raw is None or raw == "":
        return None
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 3 and int(raw) > 0 else 0


# Which notices a case has had, by the events that issue them (the case page's and My cases' lists).
ISSUED_BY: dict[str, tuple[str, ...]] = {
    NoticeKind.ACCEPTANCE: ("accept", "accept_with_pending"),
    NoticeKind.REFUSAL: ("refuse",),
    NoticeKind.SUPPLEMENT: ("request_supplement",),
    NoticeKind.COMPLETION: ("complete",),
    NoticeKind.HANDOVER: ("deliver",),
    NoticeKind.COMMITMENT: ("accept_with_pending",),
}


def notices_issued(
    events: Iterable[Any], *, kinds: Iterable[str] = tuple(ISSUED_BY)
) -> list[tuple[str, int | None]]:
    """(kind, n) for each notice of `kinds` the case's `events` issued, in ISSUED_BY's order: each
    one-time notice its own paper (`?n=` 1, 2, …) when there were several, the others once."""
    actions = [e.action for e in events]
    rounds = actions.count("request_supplement")
    out: list[tuple[str, int | None]] = []
    wanted, done = set(kinds), set(actions)
    for kind in (k for k in ISSUED_BY if k in wanted):
        if done & set(ISSUED_BY[kind]):
            many = kind == NoticeKind.SUPPLEMENT and rounds > 1
            out += [(str(kind), n) for n in range(1, rounds + 1)] if many else [(str(kind), None)]
    return out


def _error(code: str, **params: Any) -> CaseError:
    return CaseError(code, str(MESSAGES[code]) % {k: str(v) for k, v in params.items()}, "", params)


def _party(applicant: Applicant) -> NoticeParty:
    organisation = applicant.kind == Applicant.Kind.ORGANISATION
    return NoticeParty(
        name=applicant.name,
        id_number=applicant.uscc if organisation else applicant.id_number,
        mobile=applicant.mobile,
        organisation=organisation,
    )


def _form(requirement: MaterialRequirement | None) -> str:
    if requirement is None:
        return ""
    return f"{FORM_TEXT.get(requirement.form, '')}{requirement.copies}份"


def _reasons(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _load_case(case: Case | int) -> Case:
    pk = case.pk if isinstance(case, Case) else case
    return Case.objects.select_related(
        "application__applicant", "item", "version", "department", "center", "accepted_by", "decided_by"
    ).get(pk=pk)


def _binding(applicant: Applicant) -> dict[str, Any]:
    """The portal binding code printed for the applicant (org.accounts; none once an account is
    bound): the same on a reprint while it is valid."""
    code = binding_code_for_notice(applicant=applicant)
    if code is None:
        return {}
    return {
        "binding_code": binding_code_text(code.code),
        "binding_code_until": timezone.localdate(code.expires_at - dt.timedelta(seconds=1)),
    }


def _base(case: Case, kind: str, *, issued_at: dt.datetime, clerk_name: str) -> dict[str, Any]:
    application = case.application
    version = case.version
    return {
        "kind": kind,
        "case_number": case.number,
        "query_code": case.query_code,
        "application_number": application.number,
        "center_name": case.center.name,
        "department_name": case.department.name,
        "item_name": case.item.name,
        "applicant": _party(application.applicant),
        "issued_at": issued_at,
        "applied_at": application.submitted_at or application.created_at,
        "clerk_name": clerk_name,
        "legal_basis": version.legal_basis,
        "consult_phone": version.consult_phone,
        "complaint_phone": version.complaint_phone,
        "result_name": version.result_name,
        "delivery_method": case.delivery_method or application.delivery_method,
        "delivery_address": application.delivery_address,
    }


def case_notice(
    *, case: Case | int, kind: str, issued_at: dt.datetime | None = None, ordinal: int | None = None
) -> Notice:
    """The notice of `kind` for a case, from the event it documents (4 queries at most).

    `issued_at` defaults to the time of that event. A notice the case has not reached
    (an acceptance notice of a refused case…) raises NOTICE_NOT_AVAILABLE. The supplement
    notice is the application's (`application_supplement_notice`): one list for all cases;
    `ordinal` picks the case's n-th one (the latest by default).
    """
    kind = NoticeKind(kind)
    if kind == NoticeKind.PROXY:
        application_id = (
            case.application_id if isinstance(case, Case) else Case.objects.get(pk=case).application_id
        )
        return proxy_slip_notice(application=application_id, issued_at=issued_at)
    if kind == NoticeKind.SUPPLEMENT:
        application_id = (
            case.application_id if isinstance(case, Case) else Case.objects.get(pk=case).application_id
        )
        return application_supplement_notice(
            application=application_id, issued_at=issued_at, case=case, ordinal=ordinal
        )
    case = _load_case(case)
    event = (
        CaseEvent.objects.filter(case_id=case.pk, action__in=NOTICE_EVENT[kind])
        .order_by("-seq")
        .only("action", "at", "actor_name", "data", "opinion")
        .first()
    )
    if event is None:
        raise _error("NOTICE_NOT_AVAILABLE", kind=kind.label, case=case.number)
    values = _base(case, kind, issued_at=issued_at or event.at, clerk_name=event.actor_name)
    data = event.data or {}
    if kind == NoticeKind.ACCEPTANCE:
        values.update(_binding(case.application.applicant))
        values["materials"] = _acceptance_materials(case, data)
        if case.deadline:
            values["promised_deadline"] = timezone.localdate(case.deadline)
    elif kind == NoticeKind.REFUSAL:
        values["reasons"] = _reasons(data.get("reasons", ""))
        values["procedure_basis"] = data.get("legal_basis", "")
        values["delivery_method"] = ""
    elif kind == NoticeKind.COMPLETION:
        if case.completed_at is None:
            raise _error("NOTICE_NOT_AVAILABLE", kind=kind.label, case=case.number)
        decision = data.get("decision") or case.decision
        values["issued_at"] = issued_at or case.completed_at
        values["decision"] = decision
        if decision == "denied":
            values["reasons"] = _reasons(data.get("reasons", ""))
            values["legal_basis"] = data.get("legal_basis", "") or values["legal_basis"]
        if case.decided_by is not None:
            values["clerk_name"] = case.decided_by.name
    elif kind == NoticeKind.COMMITMENT:
        values["materials"] = [
            m for m in _acceptance_materials(case, data) if m.status == MaterialStatus.PENDING
        ]
        values["signature_record"] = commitment_record_text(
            ToleranceCommitment.objects.select_related("recorded_by")
            .filter(application_id=case.application_id)
            .first()
        )
        values["delivery_method"] = ""
    elif kind == NoticeKind.HANDOVER:
        values["delivery_method"] = data.get("method") or case.delivery_method
        values["tracking_number"] = data.get("tracking_number", "") or case.tracking_number
        values["signed_by"] = data.get("signed_by", "") or case.signed_by
        values["carrier"] = data.get("carrier", "")
        values["signer_document"] = data.get("collector_document", "")
    return Notice(**values)


COMMITTED_NOTE = "申请人书面承诺代替（告知承诺制）"


def _acceptance_materials(case: Case, data: dict[str, Any]) -> list[NoticeMaterial]:
    """The case's materials as accepted: received ones, and tolerated ones with their due date."""
    pending_due = {p["code"]: p.get("due") for p in data.get("pending", [])}
    out = []
    for link in (
        CaseMaterial.objects.filter(case_id=case.pk)
        .select_related("requirement", "material")
        .order_by("requirement__order", "requirement_id")
    ):
        material = link.material
        code = link.requirement.code
        if code in pending_due:
            due = pending_due[code]
            out.append(
                NoticeMaterial(
                    name=link.requirement.name,
                    form=_form(link.requirement),
                    status=MaterialStatus.PENDING,
                    due_date=dt.date.fromisoformat(due) if isinstance(due, str) else due,
                    note=TOLERABLE_NOTE,
                )
            )
        elif material is not None and material.status == ApplicationMaterial.Status.COMMITTED:
            out.append(
                NoticeMaterial(
                    name=link.requirement.name,
                    form=_form(link.requirement),
                    status=MaterialStatus.COMMITTED,
                    note=COMMITTED_NOTE,
                )
            )
        elif material is not None and material.status in (
            ApplicationMaterial.Status.RECEIVED,
            ApplicationMaterial.Status.PENDING,
        ):
            out.append(
                NoticeMaterial(
                    name=link.requirement.name,
                    form=_form(link.requirement),
                    status=MaterialStatus.RECEIVED,
                    note=material.note,
                )
            )
    return out


def supplement_rounds(events: list[CaseEvent]) -> list[list[CaseEvent]]:
    """The one-time notices of an application in the order they were issued: each is the
    `request_supplement` events one intake wrote, one per case, at one time (`events` in the
    order they were written, the application's only)."""
    rounds: list[list[CaseEvent]] = []
    for event in events:
        current = rounds[-1] if rounds else None
        if current is None or current[0].at != event.at or any(e.case_id == event.case_id for e in current):
            rounds.append([event])
        else:
            current.append(event)
    return rounds


def application_supplement_notice(
    *,
    application: Application | int,
    issued_at: dt.datetime | None = None,
    case: Case | int | None = None,
    ordinal: int | None = None,
) -> Notice:
    """一次性告知: one notice listing every material missing across the application's cases.

    A notice that was issued is reprinted as it was issued, whatever happened after (the
    materials handed in since, accepted or not): what its `request_supplement` events asked
    for (`missing`, with `rejected` and the clerk's `notes` on a refused one), dated by them,
    signed by the clerk who sent it, numbered by how-manieth it was for the first case
    (docs/notices.md). `ordinal` picks the n-th one-time notice of `case` (of the application
    without one), the latest by default; one it never had is NOTICE_NOT_AVAILABLE.
    Without any such event (a draft, a pre-review) it lists the required materials not handed
    in yet (NOTHING_TO_SUPPLEMENT when there are none). 4 queries.
    """
    pk = application.pk if isinstance(application, Application) else application
    cases = list(
        Case.objects.filter(application_id=pk)
        .select_related("application__applicant", "item", "version", "department", "center")
        .order_by("pk")
    )
    if not cases:
        raise Application.DoesNotExist(pk)
    rounds = supplement_rounds(
        list(CaseEvent.objects.filter(case__application_id=pk, action="request_supplement").order_by("pk"))
    )
    rows = {m.code: m for m in ApplicationMaterial.objects.filter(application_id=pk)}
    if not rounds and ordinal is None:
        return _supplement_preview(cases, rows, issued_at=issued_at)
    case_id = (case.pk if isinstance(case, Case) else case) or cases[0].pk
    mine = rounds if case is None else [r for r in rounds if any(e.case_id == case_id for e in r)]
    if not mine or (ordinal is not None and not 1 <= ordinal <= len(mine)):
        number = next((c.number for c in cases if c.pk == case_id), cases[0].number)
        raise _error("NOTICE_NOT_AVAILABLE", kind=NoticeKind.SUPPLEMENT.label, case=number)
    events = mine[-1 if ordinal is None else ordinal - 1]
    by_id = {c.pk: c for c in cases}
    round_cases = [by_id[i] for i in sorted({e.case_id for e in events})]
    first = round_cases[0]
    asked: dict[str, dict[str, Any]] = {}
    rejected: set[str] = set()
    notes: dict[str, str] = {}
    recorded = True  # events written before the notes were kept: the rows' notes stand in
    for event in events:
        data = event.data or {}
        for m in data.get("missing", []):
            entry = asked.setdefault(m["code"], {"name": m["name"], "tolerable": True})
            entry["tolerable"] = entry["tolerable"] and m.get("tolerable", False)
        rejected.update(data.get("rejected", []))
        notes.update(data.get("notes") or {})
        recorded = recorded and "notes" in data
    requirements = _requirements(cases, list(asked))
    materials = []
    for code, entry in asked.items():
        row = rows.get(code)
        if not recorded and row is not None and row.status == ApplicationMaterial.Status.REJECTED:
            rejected.add(code)
            notes.setdefault(code, row.note)
        refused = code in rejected
        note = notes.get(code, "") if refused else ""
        materials.append(
            NoticeMaterial(
                name=entry["name"],
                form=_form(requirements.get(code)),
                status=MaterialStatus.REJECTED if refused else MaterialStatus.MISSING,
                note=note or (TOLERABLE_NOTE if entry["tolerable"] else ""),
            )
        )
    if not materials:
        raise _error("NOTHING_TO_SUPPLEMENT", application=first.application.number)
    values = _supplement_values(
        round_cases, issued_at=issued_at or events[0].at, clerk_name=events[0].actor_name
    )
    values["materials"] = materials
    firsts = [r for r in rounds if any(e.case_id == first.pk for e in r)]
    values["ordinal"] = next(n for n, r in enumerate(firsts, 1) if r is events)
    return Notice(**values)


def _requirements(cases: list[Case], codes: list[str]) -> dict[str, MaterialRequirement]:
    return {
        r.code: r
        for r in MaterialRequirement.objects.filter(
            version_id__in={c.version_id for c in cases}, code__in=codes
        )
    }


def _supplement_values(cases: list[Case], *, issued_at: dt.datetime, clerk_name: str) -> dict[str, Any]:
    first = cases[0]
    values = _base(first, NoticeKind.SUPPLEMENT, issued_at=issued_at, clerk_name=clerk_name)
    values["item_name"] = "、".join(dict.fromkeys(c.item.name for c in cases))
    values["department_name"] = "、".join(dict.fromkeys(c.department.name for c in cases))
    values["delivery_method"] = ""
    values.update(_binding(first.application.applicant))
    if len(cases) > 1:
        values["legal_basis"] = ""
    return values


def _supplement_preview(
    cases: list[Case], rows: dict[str, ApplicationMaterial], *, issued_at: dt.datetime | None
) -> Notice:
    """The one-time list of an application that has had no notice (a draft, a pre-review): the
    required materials not handed in yet, dated now."""
    asked: dict[str, dict[str, Any]] = {}
    for link in CaseMaterial.objects.filter(
        case__application_id=cases[0].application_id, requirement__required=True
    ).select_related("requirement"):
        entry = asked.setdefault(link.requirement.code, {"name": link.requirement.name, "tolerable": True})
        entry["tolerable"] = entry["tolerable"] and link.requirement.tolerable
    still = (ApplicationMaterial.Status.MISSING, ApplicationMaterial.Status.REJECTED)
    requirements = _requirements(cases, list(asked))
    materials = []
    for code, entry in asked.items():
        row = rows.get(code)
        if row is not None and row.status not in still:
            continue
        rejected = row is not None and row.status == ApplicationMaterial.Status.REJECTED
        note = row.note if rejected and row.note else (TOLERABLE_NOTE if entry["tolerable"] else "")
        materials.append(
            NoticeMaterial(
                name=entry["name"],
                form=_form(requirements.get(code)),
                status=MaterialStatus.REJECTED if rejected else MaterialStatus.MISSING,
                note=note,
            )
        )
    if not materials:
        raise _error("NOTHING_TO_SUPPLEMENT", application=cases[0].application.number)
    values = _supplement_values(cases, issued_at=issued_at or clock.now(), clerk_name="")
    values["materials"] = materials
    return Notice(**values)


def commitment_record_text(commitment: ToleranceCommitment | None) -> str:
    """How a commitment's signature was recorded, as the letter and the case page say it."""
    if commitment is None:
        return ""
    when = chinese_date(commitment.recorded_at)
    who = commitment.recorded_by.name
    ways = []
    if commitment.confirmed:
        ways.append("经办人确认申请人已当场签署")
    if commitment.file_id:
        ways.append("签署件扫描存档")
    return f"{who}于{when}记录：{'，'.join(ways)}。"


def commitment_draft_notice(
    *,
    center_name: str,
    applicant: Applicant,
    item_names: list[str],
    materials: list[tuple[str, str, dt.date]],
    clerk_name: str,
    department_name: str = "",
) -> Notice:
    """The commitment letter printed from the checklist before acceptance, to be signed: no
    case number (it is given at acceptance), so no QR code; `materials` as (name, form, due)."""
    return Notice(
        kind=NoticeKind.COMMITMENT,
        case_number="",
        center_name=center_name,
        department_name=department_name,
        item_name="、".join(item_names),
        applicant=_party(applicant),
        issued_at=clock.now(),
        clerk_name=clerk_name,
        materials=[
            NoticeMaterial(
                name=name, form=form, status=MaterialStatus.PENDING, due_date=due, note=TOLERABLE_NOTE
            )
            for name, form, due in materials
        ],
    )


def proxy_slip_notice(*, application: Application | int, issued_at: dt.datetime | None = None) -> Notice:
    """代办委托书 of a proxy application: who authorised which agent of which station to apply
    for which items, and when the agent recorded the consent (the submit event's
    `proxy_consent`). Dated by the submission. Not a proxy application: NOTICE_NOT_AVAILABLE.
    4 queries."""
    pk = application.pk if isinstance(application, Application) else application
    cases = list(
        Case.objects.filter(application_id=pk)
        .select_related(
            "application__applicant",
            "application__proxy_agent__center",
            "item",
            "version",
            "department",
            "center",
        )
        .order_by("pk")
    )
    if not cases:
        raise Application.DoesNotExist(pk)
    first = cases[0]
    agent = first.application.proxy_agent
    if agent is None:
        raise _error("NOTICE_NOT_AVAILABLE", kind=NoticeKind.PROXY.label, case=first.number)
    submit = (
        CaseEvent.objects.filter(case__application_id=pk, action="submit")
        .order_by("pk")
        .only("at", "data")
        .first()
    )
    consent = ((submit.data or {}) if submit is not None else {}).get("proxy_consent") or {}
    at = consent.get("at") if isinstance(consent, dict) else None
    submitted = submit.at if submit is not None else first.application.created_at
    values = _base(first, NoticeKind.PROXY, issued_at=issued_at or submitted, clerk_name="")
    values["item_name"] = "、".join(dict.fromkeys(c.item.name for c in cases))
    values["department_name"] = "、".join(dict.fromkeys(c.department.name for c in cases))
    values["proxy_agent_name"] = agent.name
    values["proxy_station"] = agent.center.name
    values["consented_at"] = dt.datetime.fromisoformat(at) if isinstance(at, str) else None
    if len(cases) > 1:
        values["legal_basis"] = ""
    return Notice(**values)
