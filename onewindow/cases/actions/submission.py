"""An application comes in: created at the window, online, by a proxy agent or from a batch sheet.

`application_create` makes one `Application` with one `Case` per item, each pinned to the
item's published version, and one material row per code across all items (a material
two items ask for is handed in once). `application_submit` submits a saved draft.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from onewindow.cases import rules
from onewindow.cases.actions.checks import application_cases
from onewindow.cases.errors import CaseError, case_error
from onewindow.cases.events import Actor, append_event, next_event
from onewindow.cases.form import check_form, form_columns
from onewindow.cases.models import (
    GENESIS_HASH,
    Application,
    ApplicationMaterial,
    Case,
    CaseEvent,
    CaseMaterial,
    CaseState,
    Channel,
)
from onewindow.cases.plans import (
    VersionPlan,
    answers_chosen,
    merged_materials,
    merged_questions,
    version_plan,
)
from onewindow.catalog.models import Bundle, ServiceItem, ServiceItemVersion
from onewindow.core import clock
from onewindow.core.inputs import DocumentKind, document_check
from onewindow.core.numbering import counter_next
from onewindow.org.errors import OrgError
from onewindow.org.models import Applicant, Role, ServiceCenter, Staff
from onewindow.org.services import clean_mobile

S = CaseState
CREATE_STATES = (S.DRAFT, S.SUBMITTED, S.PREREVIEW)


@dataclass(frozen=True)
class MaterialIn:
    """A material handed in: its code, and optionally the file, an e-licence number, a note."""

    code: str
    file: Any = None
    licence_number: str = ""
    note: str = ""
    # 告知承诺: the applicant signed a written commitment instead (the item must allow it).
    committed: bool = False


@dataclass(frozen=True)
class AgentIn:
    """经办人: who came to the window for the applicant (a company's staff member, a relative)."""

    name: str
    document_kind: str = DocumentKind.RESIDENT_ID
    document_number: str = ""
    mobile: str = ""


def check_agent(agent: AgentIn | dict[str, Any] | None) -> dict[str, str]:
    """The agent's columns, checked: a name, an identity document of a known kind by its
    rule (core.inputs), a mainland mobile; nothing when no agent is named."""
    if agent is None:
        return {}
    if isinstance(agent, dict):
        agent = AgentIn(**agent)
    name = (agent.name or "").strip()
    if not name:
        raise case_error("FIELD_REQUIRED", field="agent.name", label=_("agent's name"))
    if len(name) > 50:
        raise case_error(
            "FIELD_INVALID", field="agent.name", label=_("agent's name"), reason=_("at most 50 characters")
        )
    kind, number, errors = document_check(
        agent.document_kind, agent.document_number, label=_("agent's document number"), path="agent"
    )
    if errors:
        e = errors[0]
        code = "FIELD_REQUIRED" if e["code"] == "FIELD_REQUIRED" else "FIELD_INVALID"
        field = "agent.document_number" if e["field"] == "agent.number" else "agent.document_kind"
        raise CaseError(code, e["message"], field)
    try:
        mobile = clean_mobile(agent.mobile, "agent.mobile")
    except OrgError as exc:
        raise CaseError("FIELD_INVALID", exc.message, "agent.mobile") from exc
    return {
        "agent_name": name,
        "agent_document_kind": kind,
        "agent_document_number": number,
        "agent_mobile": mobile,
    }


def material_inputs(materials: Iterable[MaterialIn | str | dict[str, Any]] | None) -> list[MaterialIn]:
    """Materials as given by a caller (codes, dicts or `MaterialIn`) as `MaterialIn`s."""
    out = []
    for m in materials or ():
        if isinstance(m, MaterialIn):
            out.append(m)
        elif isinstance(m, str):
            out.append(MaterialIn(code=m))
        else:
            out.append(MaterialIn(**m))
    return out


def check_submitter(*, actor: Actor, center: ServiceCenter, applicant: Applicant) -> None:
    """Who may create an application: the applicant, an intake clerk of the center, a proxy agent
    at the center or at a township or village station below it."""
    if isinstance(actor, Applicant):
        if actor.pk != applicant.pk:
            raise case_error("NOT_OWN_APPLICATION")
        return
    roles = rules.staff_roles(actor)
    if Role.INTAKE_CLERK in roles and actor.center_id == center.pk:
        return
    if Role.PROXY_AGENT in roles:
        if actor.center_id == center.pk:
            return
        chain = (
            ServiceCenter.objects.filter(pk=actor.center_id)
            .values_list("parent_id", "parent__parent_id")
            .first()
        )
        if chain and center.pk in chain:
            return
        raise case_error("OUT_OF_SCOPE")
    if Role.INTAKE_CLERK in roles:
        raise case_error("OUT_OF_SCOPE")
    raise case_error("ROLE_NOT_ALLOWED", action=rules.action_label("submit"))


def _resolve_items(
    *, center: ServiceCenter, items: Sequence[ServiceItem | int], bundle: Bundle | None
) -> list[VersionPlan]:
    """The plan of each item's published version, in order, each item once; refused naming the item."""
    if bundle is not None:
        item_ids = list(bundle.bundle_items.order_by("order", "pk").values_list("item_id", flat=True))
    else:
        item_ids = [i.pk if isinstance(i, ServiceItem) else int(i) for i in items or ()]
    if not item_ids:
        raise case_error("NO_ITEMS", field="items")
    published = {
        row["item_id"]: row
        for row in ServiceItemVersion.objects.filter(
            item_id__in=item_ids, status=ServiceItemVersion.Status.PUBLISHED
        ).values("pk", "item_id", "item__center_id", "item__name")
    }
    plans: list[VersionPlan] = []
    seen: set[int] = set()
    for i, item_id in enumerate(item_ids):
        if item_id in seen:
            continue
        seen.add(item_id)
        row = published.get(item_id)
        if row is None:
            name = ServiceItem.objects.filter(pk=item_id).values_list("name", flat=True).first() or item_id
            raise case_error("NO_PUBLISHED_VERSION", field=f"items[{i}]", item=name)
        if row["item__center_id"] != center.pk:
            raise case_error("ITEM_OTHER_CENTER", field=f"items[{i}]", item=row["item__name"])
        plans.append(version_plan(row["pk"]))
    return plans


def check_answers(plans: Sequence[VersionPlan], answers: Any) -> dict[str, str]:
    """The 情形 answers for these items (`plans.answers_chosen` of their merged questions, the
    ones the screens show): every question answered with one of its choices; refused naming
    the first that is not, `situation.<code>` (SITUATION_ANSWER_REQUIRED when unanswered,
    SITUATION_ANSWER_INVALID when the answer names no choice of it)."""
    questions = merged_questions(plans)
    chosen = answers_chosen(questions, answers)
    given = answers if isinstance(answers, dict) else {}
    for q in questions:
        if q.code not in chosen:
            value = str(given.get(q.code) or "").strip()
            raise case_error(
                "SITUATION_ANSWER_INVALID" if value else "SITUATION_ANSWER_REQUIRED",
                field=f"situation.{q.code}",
                question=q.text,
                value=value[:40],
            )
    return chosen


def application_create(
    *,
    center: ServiceCenter,
    applicant: Applicant,
    items: Sequence[ServiceItem | int] = (),
    bundle: Bundle | None = None,
    channel: str = Channel.WINDOW,
    form_data: dict[str, Any] | None = None,
    materials: Iterable[MaterialIn | str | dict[str, Any]] = (),
    actor: Actor,
    delivery_method: str = "",
    delivery_address: str = "",
    idempotency_key: str | None = None,
    proxy_agent: Staff | None = None,
    state: str = S.SUBMITTED,
    agent: AgentIn | dict[str, Any] | None = None,
    answers: dict[str, Any] | None = None,
    submit_data: dict[str, Any] | None = None,
) -> Application:
    """Create an application with one case per item, pinned to each item's published version.

    `answers` are the 情形 answers (question code → choice code): every question of the
    items must be answered, a draft's too (the questions come before the form, as on the
    guide), and only the materials that apply under them are asked for, linked to the
    cases and checked at intake. A material handed in `committed` is replaced by the
    applicant's written commitment (告知承诺), allowed only where every item asking for it
    allows it; it counts as handed in.

    Codes not handed in are stored as `missing`. Each case gets a 'submit' event (draft →
    submitted, or → prereview for online pre-review); `state="draft"` stores a draft with
    no event. A retried call with the same `idempotency_key` returns the first application
    (a key another applicant used is refused). Numbers come from counters, taken first
    (lock order): `SQ<yyyymmdd><6 digits>` for the application, `<center code>-<yyyymmdd>-
    <6 digits>` for cases. `submit_data` is added to each submit event's data (what a channel
    records with the submission, hash-chained with it: a proxy agent's consent slip).
    """
    kwargs: dict[str, Any] = {
        "center": center,
        "applicant": applicant,
        "items": items,
        "bundle": bundle,
        "channel": channel,
        "form_data": form_data or {},
        "materials": materials,
        "actor": actor,
        "delivery_method": delivery_method,
        "delivery_address": delivery_address,
        "idempotency_key": idempotency_key or None,
        "proxy_agent": proxy_agent,
        "state": state,
        "agent": agent,
        "answers": answers,
        "submit_data": submit_data or {},
    }
    if not idempotency_key:
        with transaction.atomic():
            return _create(**kwargs)
    existing = Application.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _same_submission(existing, applicant)
    with transaction.atomic():
        try:
            # A savepoint, since a concurrent retry can collide on the key: losing the race
            # rolls back this attempt's numbers too, and the first application is returned.
            with transaction.atomic():
                return _create(**kwargs)
        except IntegrityError:
            existing = Application.objects.filter(idempotency_key=idempotency_key).first()
            if existing is None:
                raise
            return _same_submission(existing, applicant)


def _same_submission(existing: Application, applicant: Applicant) -> Application:
    """A retry returns the first application; a key someone else used is refused, never returned."""
    if existing.applicant_id != applicant.pk:
        raise case_error("IDEMPOTENCY_KEY_REUSED", field="idempotency_key")
    return existing


def _create(
    *,
    center: ServiceCenter,
    applicant: Applicant,
    items: Sequence[ServiceItem | int],
    bundle: Bundle | None,
    channel: str,
    form_data: dict[str, Any],
    materials: Iterable[MaterialIn | str | dict[str, Any]],
    actor: Actor,
    delivery_method: str,
    delivery_address: str,
    idempotency_key: str | None,
    proxy_agent: Staff | None,
    state: str,
    agent: AgentIn | dict[str, Any] | None,
    answers: dict[str, Any] | None,
    submit_data: dict[str, Any],
) -> Application:
    if state not in CREATE_STATES:
        raise case_error("INVALID_STATE_ARGUMENT", field="state")
    if channel not in Channel.values:
        raise case_error("FIELD_INVALID", field="channel", reason=channel)
    if applicant is None:
        raise case_error("FIELD_REQUIRED", field="applicant")
    check_submitter(actor=actor, center=center, applicant=applicant)
    plans = _resolve_items(center=center, items=items, bundle=bundle)
    agent_columns = check_agent(agent)
    situation = check_answers(plans, answers)
    if state != S.DRAFT:  # a draft may be saved half-filled; it is checked when submitted
        form_data = check_form(plans, form_data)
    rules.check_delivery(
        method=delivery_method,
        address=delivery_address,
        offered=[(plan.item_name, plan.delivery_methods) for plan in plans],
    )
    # One material row per code across all items, in the order the items ask for them,
    # for the materials that apply under the answers.
    applicable = {m.code: m for m in merged_materials(plans, situation)}
    wanted: dict[str, str] = {code: m.name for code, m in applicable.items()}
    asked = {req.code for plan in plans for req in plan.materials}
    handed: dict[str, MaterialIn] = {}
    for i, m in enumerate(material_inputs(materials)):
        if m.code not in wanted:
            code = "MATERIAL_NOT_APPLICABLE" if m.code in asked else "MATERIAL_UNKNOWN"
            raise case_error(code, field=f"materials[{i}].code", material=m.code)
        if m.committed and not applicable[m.code].commitment_allowed:
            raise case_error(
                "COMMITMENT_NOT_ALLOWED", field=f"materials[{i}].committed", material=wanted[m.code]
            )
        handed[m.code] = m

    now = clock.now()
    ymd = clock.today().strftime("%Y%m%d")
    app_number = f"SQ{ymd}{counter_next(f'application:{ymd}'):06d}"
    last = counter_next(f"case:{center.code}:{ymd}", len(plans))
    first = last - len(plans) + 1

    application = Application.objects.create(
        number=app_number,
        center=center,
        applicant=applicant,
        bundle=bundle,
        channel=channel,
        **form_columns(plans, form_data),
        idempotency_key=idempotency_key,
        submitted_by_id=actor.user_id,
        proxy_agent=proxy_agent,
        delivery_method=delivery_method,
        delivery_address=delivery_address,
        **agent_columns,
        situation_answers=situation,
        created_at=now,
        submitted_at=None if state == S.DRAFT else now,
    )
    rows = ApplicationMaterial.objects.bulk_create(
        [_material_row(application, code, name, handed.get(code), now) for code, name in wanted.items()]
    )
    by_code = {m.code: m for m in rows}
    cases = [
        Case(
            number=f"{center.code}-{ymd}-{first + n:06d}",
            application=application,
            center=center,
            item_id=plan.item_id,
            version_id=plan.id,
            department_id=plan.department_id,
            kind=plan.case_kind,
            state=state,
            limit_days=plan.promised_limit_days,
            limit_unit=plan.limit_unit,
            delivery_method=delivery_method,
            created_at=now,
            updated_at=now,
            event_count=0,
            last_event_hash=GENESIS_HASH,
        )
        for n, plan in enumerate(plans)
    ]
    # The submit events hash the case number, not its id: each case is inserted with its head.
    events = []
    if state != S.DRAFT:
        for case in cases:
            events.append(
                next_event(
                    case,
                    actor=actor,
                    action="submit",
                    from_state=S.DRAFT,
                    to_state=state,
                    at=now,
                    data={**submit_data, "application": app_number, "channel": channel},
                )
            )
    Case.objects.bulk_create(cases)
    for case, event in zip(cases, events, strict=False):
        event.case_id = case.pk
    CaseEvent.objects.bulk_create(events)
    CaseMaterial.objects.bulk_create(
        [
            CaseMaterial(case=case, requirement_id=m.requirement_id, material=by_code[m.code])
            for case, plan in zip(cases, plans, strict=True)
            for m in plan.materials_for(situation)
        ]
    )
    return application


def _material_row(
    application: Application, code: str, name: str, handed: MaterialIn | None, now: Any
) -> ApplicationMaterial:
    if handed is None:
        return ApplicationMaterial(
            application=application, code=code, name=name, status=ApplicationMaterial.Status.MISSING
        )
    return ApplicationMaterial(
        application=application,
        code=code,
        name=name,
        status=ApplicationMaterial.Status.COMMITTED
        if handed.committed
        else ApplicationMaterial.Status.RECEIVED,
        file=handed.file or "",
        licence_number=handed.licence_number,
        note=handed.note,
        received_at=now,
    )


@transaction.atomic
def application_submit(*, application: Application, actor: Actor, prereview: bool = False) -> list[Case]:
    """Submit a draft: its form is checked now, and each draft case gets its 'submit' event
    (→ submitted, or → prereview for online pre-review)."""
    cases = application_cases(application, [S.DRAFT], action="submit", actor=actor, none=_("no draft"))
    now = clock.now()
    plain, personal = Application.objects.values_list("form_data", "form_personal").get(pk=application.pk)
    plans = [version_plan(case.version_id) for case in cases]
    form_data = check_form(plans, {**(personal or {}), **dict(plain or {})})
    for case in cases:
        append_event(
            case,
            actor=actor,
            action="submit",
            to_state=S.PREREVIEW if prereview else S.SUBMITTED,
            at=now,
            data={"application": application.number, "channel": application.channel},
        )
    columns = form_columns(plans, form_data)
    Application.objects.filter(pk=application.pk).update(submitted_at=now, **columns)
    application.submitted_at = now
    application.form_data, application.form_personal = columns["form_data"], columns["form_personal"]
    return cases
