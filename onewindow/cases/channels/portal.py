"""The portal (网上申报): a citizen's draft, its edits, the online submit, and what the citizen sees.

A citizen with a portal account keeps a draft, edits it, then submits it for online
pre-review with an idempotency key the portal generates per form render, so a retried
submit never makes a second application. Only items whose published version is
`online_available` can be applied for online (ITEM_NOT_ONLINE). The actor is always the
citizen: an `Applicant` acting for themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from onewindow.cases import files, locks, rules, services
from onewindow.cases.actions.submission import MaterialIn, check_answers, material_inputs
from onewindow.cases.channels.errors import channel_error, require
from onewindow.cases.errors import CaseError, case_error
from onewindow.cases.form import form_columns
from onewindow.cases.models import (
    Application,
    ApplicationMaterial,
    Case,
    CaseEvent,
    CaseMaterial,
    CaseState,
    Channel,
    MaterialFile,
)
from onewindow.cases.plans import MergedMaterial, merged_materials, version_plan
from onewindow.catalog.models import Bundle, ServiceItem, ServiceItemVersion
from onewindow.core import clock
from onewindow.org.models import Applicant, ServiceCenter

S = CaseState
Materials = Iterable[MaterialIn | str | dict[str, Any]]

# The actions that return an application to the applicant, from the engine's table: the
# reasons of their events are what the citizen reads.
RETURN_ACTIONS = tuple(t.action for t in rules.TRANSITIONS.values() if t.target == S.RETURNED)


def _check_online(*, items: Sequence[ServiceItem | int], bundle: Bundle | None) -> None:
    """Every item applied for on the portal must be online_available in its published version.

    An item without a published version passes here: the engine refuses it
    (NO_PUBLISHED_VERSION) with the rest of what it checks."""
    if bundle is not None:
        item_ids = list(bundle.bundle_items.order_by("order", "pk").values_list("item_id", flat=True))
    else:
        item_ids = [i.pk if isinstance(i, ServiceItem) else int(i) for i in items or ()]
    online = {
        row["item_id"]: row
        for row in ServiceItemVersion.objects.filter(
            item_id__in=item_ids, status=ServiceItemVersion.Status.PUBLISHED
        ).values("item_id", "online_available", "item__name")
    }
    for i, item_id in enumerate(item_ids):
        row = online.get(item_id)
        if row is not None and not row["online_available"]:
            raise channel_error(
                "ITEM_NOT_ONLINE",
                field="bundle" if bundle is not None else f"items[{i}]",
                item=row["item__name"],
            )


def _check_citizen(actor: Applicant) -> None:
    if not isinstance(actor, Applicant):
        raise case_error("ROLE_NOT_ALLOWED", action=_("apply online"))
    if actor.user_id is None:
        raise channel_error("APPLICANT_NO_ACCOUNT", field="applicant")


def _check_own(application: Application, actor: Applicant) -> None:
    if application.applicant_id != actor.pk:
        raise case_error("NOT_OWN_APPLICATION")
    if application.channel != Channel.PORTAL:
        raise channel_error("NOT_PORTAL_APPLICATION")


def _apply_online(
    *,
    actor: Applicant,
    state: str,
    items: Sequence[ServiceItem | int],
    bundle: Bundle | None,
    **application: Any,
) -> Application:
    """The portal's application: the citizen applies for themselves, only for items online."""
    _check_citizen(actor)
    _check_online(items=items, bundle=bundle)
    return services.application_create(
        applicant=actor,
        actor=actor,
        channel=Channel.PORTAL,
        items=items,
        bundle=bundle,
        state=state,
        **application,
    )


@transaction.atomic
def portal_draft_create(
    *,
    actor: Applicant,
    center: ServiceCenter,
    items: Sequence[ServiceItem | int] = (),
    bundle: Bundle | None = None,
    form_data: dict[str, Any] | None = None,
    materials: Materials = (),
    delivery_method: str = "",
    delivery_address: str = "",
    answers: dict[str, Any] | None = None,
) -> Application:
    """A citizen starts an online application: a draft (no event) the citizen may still edit.

    The 情形 `answers` are given here: they pick the draft's materials; the draft may change
    them later (`portal_draft_situation_change`), a submitted application may not."""
    return _apply_online(
        actor=actor,
        center=center,
        state=S.DRAFT,
        items=items,
        bundle=bundle,
        form_data=form_data,
        materials=materials,
        delivery_method=delivery_method,
        delivery_address=delivery_address,
        answers=answers,
    )


@transaction.atomic
def portal_draft_update(
    *,
    application: Application,
    actor: Applicant,
    form_data: dict[str, Any] | None = None,
    materials: Materials | None = None,
    delivery_method: str | None = None,
    delivery_address: str | None = None,
) -> Application:
    """Edit a draft: `form_data` is merged into the form (a None value removes a key);
    `materials`, when given, is the complete set handed in now (others become missing);
    `delivery_method` / `delivery_address` replace the old ones when given, checked by the
    engine's delivery rule against every item.

    Locks the application row, then the draft's cases (`locks.lock_cases`, the rows
    `application_submit` locks): the application → case order of every portal action, so an
    edit and a submit of the same draft never interleave nor deadlock (taking the cases first
    and then writing the row did, against a submit holding the row: two submits of one draft
    at once on PostgreSQL). A draft's cases are all drafts or none is: they are created and
    submitted together.
    """
    _check_own(application, actor)
    application = Application.objects.select_for_update().get(pk=application.pk)
    cases = locks.lock_cases(application_id=application.pk, states=[S.DRAFT])
    if not cases:
        raise channel_error("NOT_A_DRAFT")
    changes: dict[str, Any] = {}
    plans = [version_plan(case.version_id) for case in cases]
    if form_data is not None:
        merged = application.form
        for key, value in form_data.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        changes.update(form_columns(plans, merged))  # personal answers stored encrypted, as on submit
    method = application.delivery_method if delivery_method is None else delivery_method
    address = application.delivery_address if delivery_address is None else delivery_address
    if delivery_method is not None or delivery_address is not None:
        rules.check_delivery(
            method=method,
            address=address or "",
            offered=[(plan.item_name, plan.delivery_methods) for plan in plans],
        )
        changes.update(delivery_method=method, delivery_address=address)
    if materials is not None:
        _replace_materials(application, material_inputs(materials))
    if changes:
        for name, value in changes.items():
            setattr(application, name, value)
        application.save(update_fields=list(changes))
        if "delivery_method" in changes:
            Case.objects.filter(pk__in=[c.pk for c in cases]).update(delivery_method=method)
    return application


@dataclass(frozen=True)
class SituationChange:
    """What changing a draft's 情形 answers did: the materials no longer asked (code, name),
    the files of theirs removed (material name, file name), the materials now asked too."""

    dropped: list[tuple[str, str]]
    removed_files: list[tuple[str, str]]
    added: list[tuple[str, str]]

    @property
    def changed(self) -> bool:
        return bool(self.dropped or self.added)


def situation_change_preview(*, application: Application, answers: dict[str, Any]) -> SituationChange:
    """What `portal_draft_situation_change` would do with these (checked) answers, written
    nowhere: the page asks the applicant to confirm before uploads are removed."""
    plans = [version_plan(v) for v in application.cases.order_by("pk").values_list("version_id", flat=True)]
    return _situation_diff(application, merged_materials(plans, check_answers(plans, answers)))


def _situation_diff(application: Application, materials: list[MergedMaterial]) -> SituationChange:
    applicable = {m.code: m.name for m in materials}
    rows = list(ApplicationMaterial.objects.filter(application_id=application.pk).order_by("pk"))
    dropped = [(m.code, m.name) for m in rows if m.code not in applicable]
    names = {code for code, _name in dropped}
    have = {m.code for m in rows}
    material_names = {m.code: m.name for m in rows}
    removed = [
        (material_names[f.material_code], f.original_name)
        for f in application.files.filter(material_code__in=names).order_by("pk")
    ]
    added = [(code, name) for code, name in applicable.items() if code not in have]
    return SituationChange(dropped=dropped, removed_files=removed, added=added)


@transaction.atomic
def portal_draft_situation_change(
    *, application: Application, actor: Applicant, answers: dict[str, Any]
) -> SituationChange:
    """Change a draft's 情形 answers: checked by the engine's rule (`check_answers`, every
    question answered with one of its choices), then the draft's materials become exactly
    those the catalog's rule (`materials_for`) asks under the new answers — a material no
    longer asked loses its row, its cases' links and its uploads (the rows now, the bytes in
    the file store once the transaction commits: a draft has no trail that refers to them),
    a newly asked one is added as missing; the others keep their status and files.

    Only a draft (NOT_A_DRAFT otherwise): a submitted application keeps the answers the
    pre-review and the trail saw. Locks the application row, then its draft cases (the
    order `portal_draft_submit` takes), so a change and a submit never interleave; the same
    answers again change nothing."""
    application = _lock_own(application, actor)
    cases = locks.lock_cases(application_id=application.pk, states=[S.DRAFT])
    if not cases or _states(application) != {S.DRAFT}:
        raise channel_error("NOT_A_DRAFT")
    plans = [version_plan(case.version_id) for case in cases]
    situation = check_answers(plans, answers)
    change = _situation_diff(application, merged_materials(plans, situation))
    dropped = [code for code, _name in change.dropped]
    for row in application.files.filter(material_code__in=dropped):
        files.material_file_discard(row)
    CaseMaterial.objects.filter(case__in=cases).delete()
    ApplicationMaterial.objects.filter(application_id=application.pk, code__in=dropped).delete()
    ApplicationMaterial.objects.bulk_create(
        [
            ApplicationMaterial(
                application=application, code=code, name=name, status=ApplicationMaterial.Status.MISSING
            )
            for code, name in change.added
        ]
    )
    by_code = {m.code: m for m in ApplicationMaterial.objects.filter(application_id=application.pk)}
    CaseMaterial.objects.bulk_create(
        [
            CaseMaterial(case=case, requirement_id=m.requirement_id, material=by_code[m.code])
            for case, plan in zip(cases, plans, strict=True)
            for m in plan.materials_for(situation)
        ]
    )
    if situation != (application.situation_answers or {}):
        Application.objects.filter(pk=application.pk).update(situation_answers=situation)
        application.situation_answers = situation
    return change


def _replace_materials(application: Application, handed: list[MaterialIn]) -> None:
    """The draft's materials become exactly `handed`: those received, every other one missing."""
    rows = {m.code: m for m in ApplicationMaterial.objects.filter(application_id=application.pk)}
    for i, m in enumerate(handed):
        if m.code not in rows:
            raise case_error("MATERIAL_UNKNOWN", field=f"materials[{i}].code", material=m.code)
    by_code = {m.code: m for m in handed}
    now = clock.now()
    for code, row in rows.items():
        got = by_code.get(code)
        row.status = ApplicationMaterial.Status.RECEIVED if got else ApplicationMaterial.Status.MISSING
        row.file = (got.file or row.file) if got else ""
        row.licence_number = got.licence_number if got else ""
        row.note = got.note if got else ""
        row.received_at = (row.received_at or now) if got else None
    ApplicationMaterial.objects.bulk_update(
        list(rows.values()), ["status", "file", "licence_number", "note", "received_at"]
    )


@transaction.atomic
def portal_draft_submit(*, application: Application, actor: Applicant, idempotency_key: str) -> Application:
    """Submit a draft for online pre-review (the engine's `application_submit`), idempotent per key.

    The engine's key belongs to `application_create`; a draft already exists, so the key
    (one per form render) is stored on it here, in the submit's transaction: a retry with
    the same key returns the application unchanged instead of failing or submitting twice;
    a key another application holds is refused (IDEMPOTENCY_KEY_REUSED).

    Locks the application row first, then the engine locks its cases (application → case):
    a double click waits for the first submit, then finds the key already stored.
    """
    require(idempotency_key, "idempotency_key")
    _check_own(application, actor)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.idempotency_key == idempotency_key:
        return application
    if Application.objects.filter(idempotency_key=idempotency_key).exclude(pk=application.pk).exists():
        raise case_error("IDEMPOTENCY_KEY_REUSED", field="idempotency_key")
    services.application_submit(application=application, actor=actor, prereview=True)
    Application.objects.filter(pk=application.pk).update(idempotency_key=idempotency_key)
    application.idempotency_key = idempotency_key
    return application


@transaction.atomic
def portal_application_submit(
    *,
    actor: Applicant,
    center: ServiceCenter,
    idempotency_key: str,
    items: Sequence[ServiceItem | int] = (),
    bundle: Bundle | None = None,
    form_data: dict[str, Any] | None = None,
    materials: Materials = (),
    delivery_method: str = "",
    delivery_address: str = "",
    answers: dict[str, Any] | None = None,
) -> Application:
    """Submit an online application in one step (no draft kept): it waits for pre-review.

    The key goes to the engine's `application_create`: a retry with the same key returns
    the first application, a key another applicant used is refused
    (IDEMPOTENCY_KEY_REUSED), never returned — a concurrent retry included.
    """
    require(idempotency_key, "idempotency_key")
    return _apply_online(
        actor=actor,
        center=center,
        state=S.PREREVIEW,
        idempotency_key=idempotency_key,
        items=items,
        bundle=bundle,
        form_data=form_data,
        materials=materials,
        delivery_method=delivery_method,
        delivery_address=delivery_address,
        answers=answers,
    )


@dataclass(frozen=True)
class ApplicationStatus:
    """What the citizen sees of an application: its number, each case's state, and the
    reasons it was returned (pre-review or township check), newest first."""

    number: str
    cases: list[tuple[str, str]]  # (case number, state)
    reasons: list[str]
    returned: bool


def application_status(*, application: Application, actor: Applicant) -> ApplicationStatus:
    """The applicant's own view of an application (2 queries). NOT_OWN_APPLICATION otherwise."""
    if application.applicant_id != actor.pk:
        raise case_error("NOT_OWN_APPLICATION")
    cases = list(
        Case.objects.filter(application_id=application.pk).order_by("pk").values_list("number", "state")
    )
    reasons: list[str] = []
    for data in (
        CaseEvent.objects.filter(case__application_id=application.pk, action__in=RETURN_ACTIONS)
        .order_by("-at", "-pk")
        .values_list("data", flat=True)
    ):
        text = (data or {}).get("reasons", "")
        if text and text not in reasons:
            reasons.append(text)
    return ApplicationStatus(
        number=application.number,
        cases=cases,
        reasons=reasons,
        returned=bool(cases) and all(state == S.RETURNED for _n, state in cases),
    )


# --------------------------------------------------------------------------- uploads, notices, withdrawal

# The states a citizen may still withdraw an application from on the portal: before the
# window accepts it (the engine allows later withdrawals too; those go through the window).
WITHDRAWABLE = (S.SUBMITTED, S.PREREVIEW, S.PENDING_SUPPLEMENT)
UPLOAD_STATES = (S.DRAFT, S.PENDING_SUPPLEMENT)
MAX_FILES_PER_APPLICATION = 50


@dataclass(frozen=True)
class SupplementAsked:
    """What the one-time notice (一次性告知) asks of an application waiting for a supplement:
    the materials (code, name) it lists, the clerk's note, when it was issued, and which of
    the materials must come before the window can accept (`needed`: a rejected one, or a
    missing one that may not follow later; a 容缺 one may still follow after acceptance)."""

    materials: list[tuple[str, str]]
    note: str
    at: Any  # datetime of the notice
    needed: frozenset[str] = frozenset()


def portal_application_list(*, actor: Applicant) -> QuerySet[Application]:
    """The applications the applicant filed on the portal (drafts included), newest first,
    with their cases and items: 2 queries however many. Only what the applicant filed
    themselves (`submitted_by`): an account not yet bound sees nothing from a window."""
    cases = Case.objects.select_related("item").only(
        "pk", "application_id", "number", "state", "item__name", "item__code"
    )
    return (
        Application.objects.filter(
            applicant_id=actor.pk, channel=Channel.PORTAL, submitted_by_id=actor.user_id
        )
        .prefetch_related(Prefetch("cases", queryset=cases.order_by("pk")))
        .order_by("-created_at", "-pk")
    )


def portal_application_get(*, actor: Applicant, number: str) -> Application | None:
    """One of the applicant's own portal applications by its number, or None (another
    applicant's, a window's, or no such number: the caller answers 404 alike)."""
    return portal_application_list(actor=actor).filter(number=str(number)[:40]).first()


def supplement_asked(application: Application) -> SupplementAsked | None:
    """The newest one-time notice of an application whose cases wait for a supplement: the
    union of what its cases' newest `request_supplement` events list (one notice covers all
    of them), or None when nothing waits. 2 queries."""
    waiting = list(
        Case.objects.filter(application_id=application.pk, state=S.PENDING_SUPPLEMENT).values_list(
            "pk", flat=True
        )
    )
    if not waiting:
        return None
    newest: dict[int, CaseEvent] = {}
    for event in CaseEvent.objects.filter(case_id__in=waiting, action="request_supplement").order_by(
        "-seq", "-pk"
    ):
        newest.setdefault(event.case_id, event)
    names = dict(
        ApplicationMaterial.objects.filter(application_id=application.pk).values_list("code", "name")
    )
    asked: dict[str, str] = {}
    needed: set[str] = set()
    notes: list[str] = []
    at = None
    for event in newest.values():
        data = event.data or {}
        for m in data.get("missing", []):
            asked.setdefault(m["code"], m.get("name") or names.get(m["code"], m["code"]))
            if not m.get("tolerable"):
                needed.add(m["code"])
        for code in data.get("rejected", []):
            asked.setdefault(code, names.get(code, code))
            needed.add(code)
        if event.opinion and event.opinion not in notes:
            notes.append(event.opinion)
        at = event.at if at is None or event.at > at else at
    ordered = [(code, asked[code]) for code in names if code in asked]
    return SupplementAsked(materials=ordered, note="；".join(notes), at=at, needed=frozenset(needed))


def supplement_waiting(application: Application) -> SupplementAsked:
    """The newest notice of an application answered now (`supplement_asked`); when nothing
    waits (answered already: a double click), TRANSITION_NOT_ALLOWED and nothing changes."""
    asked = supplement_asked(application)
    if asked is None:
        raise case_error(
            "TRANSITION_NOT_ALLOWED",
            action=rules.action_label("supplement"),
            state=_("no case waiting for supplement"),
        )
    return asked


def _lock_own(application: Application, actor: Applicant) -> Application:
    """The applicant's own portal application, its row locked (application → case order)."""
    _check_citizen(actor)
    _check_own(application, actor)
    return Application.objects.select_for_update().get(pk=application.pk)


def _states(application: Application) -> set[str]:
    return set(Case.objects.filter(application_id=application.pk).values_list("state", flat=True))


def _files_held(application: Application, code: str, since: Any = None) -> int:
    qs = application.files.filter(material_code=code, superseded_at__isnull=True)
    if since is not None:
        qs = qs.filter(uploaded_at__gte=since)
    return qs.count()


@transaction.atomic
def portal_material_upload(
    *, application: Application, actor: Applicant, material_code: str, upload: Any, name: str
) -> MaterialFile:
    """The applicant uploads one file for one material of their draft, or for a material the
    one-time notice asks for while the application waits for a supplement.

    Checked by the one file store (`cases.files`: type by content, size, at most
    MAX_FILES_PER_MATERIAL per material — in a supplement, counted since the notice — and
    MAX_FILES_PER_APPLICATION in all). In a draft the material becomes received. Locks the
    application row first, so two uploads at once are counted one after the other.
    Errors: NOT_OWN_APPLICATION, NOT_A_DRAFT (neither a draft nor waiting), MATERIAL_UNKNOWN,
    MATERIAL_NOT_ASKED, FILE_INVALID (field `file`)."""
    application = _lock_own(application, actor)
    states = _states(application)
    code = str(material_code or "")[:41]
    row = ApplicationMaterial.objects.filter(application_id=application.pk, code=code).first()
    if row is None:
        raise case_error("MATERIAL_UNKNOWN", field="material", material=code[:40])
    since = None
    if states == {S.DRAFT}:
        pass
    elif S.PENDING_SUPPLEMENT in states:
        asked = supplement_asked(application)
        if asked is None or code not in {c for c, _n in asked.materials}:
            raise channel_error("MATERIAL_NOT_ASKED", field="material", material=row.name)
        since = asked.at
    else:
        raise channel_error("NOT_A_DRAFT")
    if application.files.count() >= MAX_FILES_PER_APPLICATION:
        raise CaseError(
            "FILE_INVALID",
            _("At most %(n)d files per application.") % {"n": MAX_FILES_PER_APPLICATION},
            "file",
        )
    stored = files.material_file_store(
        upload=upload,
        name=name,
        material_code=code,
        actor=actor,
        held=_files_held(application, code, since),
        application=application,
    )
    if since is None and row.status != ApplicationMaterial.Status.RECEIVED:
        row.status = ApplicationMaterial.Status.RECEIVED
        row.received_at = clock.now()
        row.save(update_fields=["status", "received_at"])
    if since is not None:  # a replacement of what the notice sent back: the old files stop counting
        files.material_files_supersede(application=application, code=code, by=stored, before=since)
    return stored


@transaction.atomic
def portal_material_remove(*, application: Application, actor: Applicant, file_id: int) -> None:
    """The applicant removes a file they uploaded and have not sent yet: any file of a draft,
    or one uploaded since the notice while waiting for a supplement. A draft's material with
    no file left becomes missing again. Errors: NOT_A_DRAFT, FILE_NOT_FOUND."""
    application = _lock_own(application, actor)
    states = _states(application)
    row = application.files.filter(pk=file_id, uploaded_by_applicant_id=actor.pk).first()
    if row is None:
        raise channel_error("FILE_NOT_FOUND", field="file")
    if states == {S.DRAFT}:
        draft = True
    elif S.PENDING_SUPPLEMENT in states:
        asked = supplement_asked(application)
        if asked is None or row.uploaded_at < asked.at:
            raise channel_error("NOT_A_DRAFT")
        draft = False
        files.material_file_unsupersede(removed=row, since=asked.at)
    else:
        raise channel_error("NOT_A_DRAFT")
    code = row.material_code
    files.material_file_discard(row)
    if draft and not application.files.filter(material_code=code).exists():
        ApplicationMaterial.objects.filter(application_id=application.pk, code=code).update(
            status=ApplicationMaterial.Status.MISSING, received_at=None
        )


@transaction.atomic
def portal_supplement_submit(*, application: Application, actor: Applicant) -> list[Case]:
    """Answer a one-time notice online: every material it needs before acceptance
    (`SupplementAsked.needed`) has a file uploaded since the notice (else FIELD_REQUIRED naming
    the first one, field `material.<code>`), a 容缺 one may still follow; then the
    engine's `application_supplement` with `prereview=True` moves every waiting case back to
    pre-review with one chained 'supplement' event each. Sent twice, the second finds nothing
    waiting (TRANSITION_NOT_ALLOWED) and changes nothing."""
    application = _lock_own(application, actor)
    asked = supplement_waiting(application)
    handed = []
    for code, name in asked.materials:
        if _files_held(application, code, asked.at):
            handed.append(MaterialIn(code=code))
        elif code in asked.needed:
            raise case_error("FIELD_REQUIRED", field=f"material.{code}", label=name)
    return services.application_supplement(
        application=application,
        materials=handed,
        actor=actor,
        prereview=True,
    )


@transaction.atomic
def portal_application_withdraw(*, application: Application, actor: Applicant, reason: str) -> list[Case]:
    """撤回 online: the applicant withdraws an application the window has not accepted yet
    (submitted, in pre-review or waiting for a supplement), with a reason. Every such case
    gets the engine's `case_withdraw` (one chained event each, the reason as its opinion).
    Errors: FIELD_REQUIRED / FIELD_INVALID (reason), NOT_WITHDRAWABLE."""
    rules.require(reason, "reason")
    reason = reason.strip()
    rules.check_length(reason, "reason", 500)
    application = _lock_own(application, actor)
    cases = list(Case.objects.filter(application_id=application.pk).order_by("pk"))
    if not cases or any(c.state not in WITHDRAWABLE for c in cases):
        raise channel_error("NOT_WITHDRAWABLE")
    return [services.case_withdraw(case=case, actor=actor, reason=reason) for case in cases]
