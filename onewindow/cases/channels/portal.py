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
from django.utils.translation import gettext as _

from onewindow.cases import locks, rules, services
from onewindow.cases.actions.submission import MaterialIn, material_inputs
from onewindow.cases.channels.errors import channel_error, require
from onewindow.cases.errors import case_error
from onewindow.cases.form import form_columns
from onewindow.cases.models import Application, ApplicationMaterial, Case, CaseEvent, CaseState, Channel
from onewindow.cases.selectors import version_plan
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

    The 情形 `answers` are given here, once: they pick the draft's materials (a citizen who
    answers differently starts another draft)."""
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

    Locks the draft's cases first (`locks.lock_cases`, the rows `application_submit`
    locks), so an edit and a submit of the same draft never interleave. A draft's cases are
    all drafts or none is: they are created and submitted together.
    """
    _check_own(application, actor)
    cases = locks.lock_cases(application_id=application.pk, states=[S.DRAFT])
    if not cases:
        raise channel_error("NOT_A_DRAFT")
    application = Application.objects.get(pk=application.pk)
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
