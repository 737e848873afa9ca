"""The portal (网上申报): a citizen's draft, its edits, the online submit, and what the citizen sees.

A citizen with a portal account keeps a draft, edits it, then submits it for online
pre-review with an idempotency key the portal generates per form render, so a retried
submit never makes a second application. Only items whose published version is
`online_available` can be applied for online (ITEM_NOT_ONLINE).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.cases import services
from onewindow.cases.channels.errors import channel_error, required
from onewindow.cases.errors import case_error
from onewindow.cases.models import Application, ApplicationMaterial, Case, CaseEvent, CaseState, Channel
from onewindow.cases.selectors import version_plan
from onewindow.cases.services import MaterialIn
from onewindow.catalog.models import Bundle, DeliveryMethod, ServiceItem, ServiceItemVersion
from onewindow.core import clock
from onewindow.org.models import Applicant, ServiceCenter

S = CaseState


def _check_online(*, items: Sequence[ServiceItem | int], bundle: Bundle | None) -> None:
    """Every item applied for on the portal must be online_available in its published version."""
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
    # An item without a published version is refused by the engine (NO_PUBLISHED_VERSION).


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


@transaction.atomic
def portal_draft_create(
    *,
    actor: Applicant,
    center: ServiceCenter,
    items: Sequence[ServiceItem | int] = (),
    bundle: Bundle | None = None,
    form_data: dict[str, Any] | None = None,
    materials: Iterable[MaterialIn | str | dict] = (),
    delivery_method: str = "",
    delivery_address: str = "",
) -> Application:
    """A citizen (`actor`) starts an online application: a draft (no event) the citizen may still edit."""
    _check_citizen(actor)
    _check_online(items=items, bundle=bundle)
    return services.application_create(
        center=center,
        applicant=actor,
        items=items,
        bundle=bundle,
        channel=Channel.PORTAL,
        form_data=form_data,
        materials=materials,
        actor=actor,
        delivery_method=delivery_method,
        delivery_address=delivery_address,
        state=S.DRAFT,
    )


def _lock_drafts(application: Application) -> list[Case]:
    cases = list(Case.objects.select_for_update().filter(application_id=application.pk).order_by("pk"))
    if not cases or any(c.state != S.DRAFT for c in cases):
        raise channel_error("NOT_A_DRAFT")
    return cases


@transaction.atomic
def portal_draft_update(
    *,
    application: Application,
    actor: Applicant,
    form_data: dict[str, Any] | None = None,
    materials: Iterable[MaterialIn | str | dict] | None = None,
    delivery_method: str | None = None,
    delivery_address: str | None = None,
) -> Application:
    """Edit a draft: `form_data` is merged into the form (a None value removes a key);
    `materials`, when given, is the complete set handed in now (others become missing);
    `delivery_method` / `delivery_address` replace the old ones when given.

    Locks the draft's cases first (the same rows `application_submit` locks), so an edit
    and a submit of the same draft never interleave.
    """
    _check_own(application, actor)
    cases = _lock_drafts(application)
    application = Application.objects.get(pk=application.pk)
    changes: dict[str, Any] = {}
    if form_data is not None:
        merged = dict(application.form_data or {})
        for key, value in form_data.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        changes["form_data"] = merged
    method = application.delivery_method if delivery_method is None else delivery_method
    address = application.delivery_address if delivery_address is None else delivery_address
    if delivery_method is not None or delivery_address is not None:
        if method:
            if method not in DeliveryMethod.values:
                raise case_error("FIELD_INVALID", field="delivery_method", reason=method)
            for case in cases:
                plan = version_plan(case.version_id)
                if plan.delivery_methods and method not in plan.delivery_methods:
                    raise case_error(
                        "DELIVERY_NOT_OFFERED",
                        field="delivery_method",
                        item=plan.item_name,
                        method=str(DeliveryMethod(method).label),
                    )
            if method == DeliveryMethod.MAIL and not (address or "").strip():
                raise case_error("FIELD_REQUIRED", field="delivery_address")
        changes.update(delivery_method=method, delivery_address=address)
    if materials is not None:
        handed = [
            m if isinstance(m, MaterialIn) else MaterialIn(m) if isinstance(m, str) else MaterialIn(**m)
            for m in materials
        ]
        rows = {m.code: m for m in ApplicationMaterial.objects.filter(application_id=application.pk)}
        for i, m in enumerate(handed):
            if m.code not in rows:
                raise case_error("MATERIAL_UNKNOWN", field=f"materials[{i}].code", material=m.code)
        by_code = {m.code: m for m in handed}
        now = clock.now()
        for code, row in rows.items():
            m = by_code.get(code)
            row.status = ApplicationMaterial.Status.RECEIVED if m else ApplicationMaterial.Status.MISSING
            row.file = (m.file or row.file) if m else ""
            row.licence_number = m.licence_number if m else ""
            row.note = m.note if m else ""
            row.received_at = (row.received_at or now) if m else None
        ApplicationMaterial.objects.bulk_update(
            list(rows.values()), ["status", "file", "licence_number", "note", "received_at"]
        )
    if changes:
        for name, value in changes.items():
            setattr(application, name, value)
        application.save(update_fields=list(changes))
        if "delivery_method" in changes:
            Case.objects.filter(pk__in=[c.pk for c in cases]).update(delivery_method=method)
    return application


@transaction.atomic
def portal_draft_submit(*, application: Application, actor: Applicant, idempotency_key: str) -> Application:
    """Submit a draft for online pre-review. Idempotent per key: the key (one per form render)
    is stored on the application in the same transaction, so a retry with the same key
    returns the application unchanged instead of failing or submitting twice.

    Locks the application row first: a double click waits for the first submit, then finds
    the key already stored.
    """
    required(idempotency_key, "idempotency_key")
    _check_own(application, actor)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.idempotency_key == idempotency_key:
        return application
    if Application.objects.filter(idempotency_key=idempotency_key).exclude(pk=application.pk).exists():
        raise channel_error("IDEMPOTENCY_KEY_REUSED", field="idempotency_key")
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
    materials: Iterable[MaterialIn | str | dict] = (),
    delivery_method: str = "",
    delivery_address: str = "",
) -> Application:
    """Submit an online application in one step (no draft kept): it waits for pre-review.

    A retry with the same key returns the first application; a key that belongs to another
    applicant's application is refused (IDEMPOTENCY_KEY_REUSED), never returned.
    """
    required(idempotency_key, "idempotency_key")
    _check_citizen(actor)
    existing = Application.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.applicant_id != actor.pk:
            raise channel_error("IDEMPOTENCY_KEY_REUSED", field="idempotency_key")
        return existing
    _check_online(items=items, bundle=bundle)
    application = services.application_create(
        center=center,
        applicant=actor,
        items=items,
        bundle=bundle,
        channel=Channel.PORTAL,
        form_data=form_data,
        materials=materials,
        actor=actor,
        delivery_method=delivery_method,
        delivery_address=delivery_address,
        idempotency_key=idempotency_key,
        state=S.PREREVIEW,
    )  # a key another applicant won in a race is refused by the engine (IDEMPOTENCY_KEY_REUSED)
    return application


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
        CaseEvent.objects.filter(
            case__application_id=application.pk, action__in=["prereview_return", "township_return", "return"]
        )
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
