"""The intake channels beyond the window: the online portal, village proxy agents and batch Excel.

Everything here is built on the engine's public services (`application_create`,
`application_submit`, `application_prereview_pass/return`, `application_intake`); this
module adds only what a channel needs on top, with the same conventions: keyword-only,
atomic, a refused action raises a `CaseError` with a stable code and the input at fault in
`.field`, and nothing was written.

* Portal (网上申报): a citizen with a portal account keeps a draft, edits it, then submits it
  for online pre-review with an idempotency key the portal generates per form render, so a
  retried submit never makes a second application. Only items whose published version is
  `online_available` can be applied for online (ITEM_NOT_ONLINE).
* Proxy (代办): a village proxy agent applies on a citizen's behalf at the county hall; the
  application waits in `prereview` for the township center above the village station to
  check it (`proxy_application_check`) before the hall's pre-review may pass it. The
  township's check is a `township_check` event (approve; the state stays `prereview`) or a
  `township_return` event (reject → `returned`), both with `data.stage == "township_check"`.
* Batch (批量受理): one Excel sheet, one row per applicant for one item; every good row becomes
  its own application taken through `application_intake`, each in its own transaction;
  bad rows are reported by row number and column header.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.cases import services
from onewindow.cases.errors import CaseError, case_error
from onewindow.cases.models import Application, ApplicationMaterial, Case, CaseEvent, CaseState, Channel
from onewindow.cases.rules import TRANSITIONS, staff_roles
from onewindow.cases.selectors import version_plan
from onewindow.cases.services import MaterialIn
from onewindow.catalog.models import Bundle, DeliveryMethod, FormField, ServiceItem, ServiceItemVersion
from onewindow.core import clock
from onewindow.org import selectors as org_selectors
from onewindow.org import services as org_services
from onewindow.org.errors import OrgError
from onewindow.org.models import Applicant, Role, ServiceCenter, Staff

S = CaseState

TOWNSHIP_CHECK = "township_check"
TOWNSHIP_RETURN = "township_return"

MESSAGES = {
    "APPLICANT_NO_ACCOUNT": gettext_lazy("Only an applicant with a portal account can apply online."),
    "ITEM_NOT_ONLINE": gettext_lazy("The item “%(item)s” cannot be applied for online."),
    "NOT_A_DRAFT": gettext_lazy("Only a draft application can be edited."),
    "NOT_PORTAL_APPLICATION": gettext_lazy("This application was not made on the portal."),
    "IDEMPOTENCY_KEY_REUSED": gettext_lazy("This submission key already belongs to another application."),
    "NOT_PROXY_AGENT": gettext_lazy(
        "Only a proxy agent of a village station can apply on a citizen's behalf."
    ),
    "NO_TOWNSHIP_CENTER": gettext_lazy(
        "The village station has no township center and county hall above it."
    ),
    "NOT_PROXY_APPLICATION": gettext_lazy("This application was not made by a proxy agent."),
    "TOWNSHIP_CHECK_DONE": gettext_lazy("The township center has already checked this application."),
    "NOT_IN_PREREVIEW": gettext_lazy("The application is not waiting for pre-review."),
    "BATCH_FILE_INVALID": gettext_lazy("The file is not an Excel workbook (.xlsx)."),
    "BATCH_COLUMN_MISSING": gettext_lazy("The sheet has no column “%(column)s”."),
    "BATCH_EMPTY": gettext_lazy("The sheet has no rows to import."),
    "BATCH_CLERK": gettext_lazy("Only an intake clerk of the item's center can run a batch intake."),
    "NO_PUBLISHED_VERSION": gettext_lazy(
        "The item “%(item)s” has no published version and cannot be applied for."
    ),
}

# Labels of the channel inputs named in FIELD_REQUIRED / FIELD_INVALID.
FIELD_LABELS = {
    "idempotency_key": gettext_lazy("submission key"),
    "reasons": gettext_lazy("reasons"),
}


def channel_error(code: str, field: str = "", **params: Any) -> CaseError:
    """A CaseError of this module's codes (same shape as the engine's `case_error`)."""
    template = str(MESSAGES[code])
    text = (
        template % {k: v if isinstance(v, int) else str(v) for k, v in params.items()} if params else template
    )
    return CaseError(code, text, field, params)


def _required(value: Any, name: str) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise case_error("FIELD_REQUIRED", field=name, label=str(FIELD_LABELS.get(name, name)))


# =========================================================================== portal


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


def _check_citizen(applicant: Applicant) -> None:
    if not isinstance(applicant, Applicant):
        raise case_error("ROLE_NOT_ALLOWED", action=_("apply online"))
    if applicant.user_id is None:
        raise channel_error("APPLICANT_NO_ACCOUNT", field="applicant")


def _check_own(application: Application, applicant: Applicant) -> None:
    if application.applicant_id != applicant.pk:
        raise case_error("NOT_OWN_APPLICATION")
    if application.channel != Channel.PORTAL:
        raise channel_error("NOT_PORTAL_APPLICATION")


@transaction.atomic
def portal_draft_create(
    *,
    applicant: Applicant,
    center: ServiceCenter,
    items: Sequence[ServiceItem | int] = (),
    bundle: Bundle | None = None,
    form_data: dict[str, Any] | None = None,
    materials: Iterable[MaterialIn | str | dict] = (),
    delivery_method: str = "",
    delivery_address: str = "",
) -> Application:
    """A citizen starts an online application: a draft (no event) the citizen may still edit."""
    _check_citizen(applicant)
    _check_online(items=items, bundle=bundle)
    return services.application_create(
        center=center,
        applicant=applicant,
        items=items,
        bundle=bundle,
        channel=Channel.PORTAL,
        form_data=form_data,
        materials=materials,
        actor=applicant,
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
    applicant: Applicant,
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
    _check_own(application, applicant)
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
def portal_draft_submit(
    *, application: Application, applicant: Applicant, idempotency_key: str
) -> Application:
    """Submit a draft for online pre-review. Idempotent per key: the key (one per form render)
    is stored on the application in the same transaction, so a retry with the same key
    returns the application unchanged instead of failing or submitting twice.

    Locks the application row first: a double click waits for the first submit, then finds
    the key already stored.
    """
    _required(idempotency_key, "idempotency_key")
    _check_own(application, applicant)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.idempotency_key == idempotency_key:
        return application
    if Application.objects.filter(idempotency_key=idempotency_key).exclude(pk=application.pk).exists():
        raise channel_error("IDEMPOTENCY_KEY_REUSED", field="idempotency_key")
    services.application_submit(application=application, actor=applicant, prereview=True)
    Application.objects.filter(pk=application.pk).update(idempotency_key=idempotency_key)
    application.idempotency_key = idempotency_key
    return application


@transaction.atomic
def portal_application_submit(
    *,
    applicant: Applicant,
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
    _required(idempotency_key, "idempotency_key")
    _check_citizen(applicant)
    existing = Application.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.applicant_id != applicant.pk:
            raise channel_error("IDEMPOTENCY_KEY_REUSED", field="idempotency_key")
        return existing
    _check_online(items=items, bundle=bundle)
    application = services.application_create(
        center=center,
        applicant=applicant,
        items=items,
        bundle=bundle,
        channel=Channel.PORTAL,
        form_data=form_data,
        materials=materials,
        actor=applicant,
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


def application_status(*, application: Application, applicant: Applicant) -> ApplicationStatus:
    """The applicant's own view of an application (2 queries). NOT_OWN_APPLICATION otherwise."""
    if application.applicant_id != applicant.pk:
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


# =========================================================================== proxy


def _proxy_hall(agent: Staff) -> tuple[ServiceCenter, ServiceCenter]:
    """(township center, county hall) above the agent's village station."""
    if not isinstance(agent, Staff) or Role.PROXY_AGENT not in staff_roles(agent):
        raise channel_error("NOT_PROXY_AGENT")
    station = ServiceCenter.objects.select_related("parent__parent").get(pk=agent.center_id)
    if station.tier != ServiceCenter.Tier.VILLAGE:
        raise channel_error("NOT_PROXY_AGENT")
    township = station.parent
    if township is None or township.parent is None:
        raise channel_error("NO_TOWNSHIP_CENTER")
    return township, township.parent


@transaction.atomic
def proxy_application_submit(
    *,
    agent: Staff,
    applicant: Applicant,
    items: Sequence[ServiceItem | int] = (),
    bundle: Bundle | None = None,
    form_data: dict[str, Any] | None = None,
    materials: Iterable[MaterialIn | str | dict] = (),
    delivery_method: str = "",
    delivery_address: str = "",
    idempotency_key: str | None = None,
) -> Application:
    """代办: a village proxy agent applies at the county hall on the applicant's behalf.

    The application (channel "proxy", `proxy_agent` = the agent) is created in `prereview`
    and waits for the township center above the village station (`proxy_application_check`).
    """
    _township, hall = _proxy_hall(agent)
    if idempotency_key:
        existing = Application.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.proxy_agent_id != agent.pk:
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
        actor=agent,
        delivery_method=delivery_method,
        delivery_address=delivery_address,
        idempotency_key=idempotency_key,
        proxy_agent=agent,
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
    *, application: Application, staff: Staff, approve: bool, reasons: str = ""
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
    if not staff_roles(staff) & transition.roles:  # checked again by the engine; first, for a clear error
        raise case_error("ROLE_NOT_ALLOWED", action=str(transition.label))
    township_id = proxy_township_of(application)
    if township_id is None or staff.center_id != township_id:
        raise case_error("OUT_OF_SCOPE")
    if not approve:
        _required(reasons, "reasons")
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
                case=case, actor=staff, action=action, data=data, lower_center_id=township_id
            )
        )
    return recorded


def proxy_checks_waiting(*, staff: Staff) -> QuerySet[Application]:
    """Proxy applications waiting for the check of the staff member's township center."""
    checked = CaseEvent.objects.filter(case__application_id=OuterRef("pk"), action=TOWNSHIP_CHECK)
    waiting = Case.objects.filter(application_id=OuterRef("pk"), state=S.PREREVIEW)
    return (
        Application.objects.filter(channel=Channel.PROXY, proxy_agent__center__parent_id=staff.center_id)
        .filter(Exists(waiting))
        .exclude(Exists(checked))
        .select_related("applicant", "proxy_agent")
        .order_by("created_at", "pk")
    )


def prereview_waiting(*, staff: Staff) -> QuerySet[Application]:
    """The hall's pre-review inbox: applications of the staff member's center with cases in
    `prereview`, proxy ones only once their township has approved them; oldest first."""
    waiting = Case.objects.filter(application_id=OuterRef("pk"), state=S.PREREVIEW)
    checked = CaseEvent.objects.filter(case__application_id=OuterRef("pk"), action=TOWNSHIP_CHECK)
    return (
        Application.objects.filter(center_id=staff.center_id)
        .filter(Exists(waiting))
        .exclude(Q(channel=Channel.PROXY) & ~Exists(checked))
        .select_related("applicant", "proxy_agent")
        .order_by("submitted_at", "pk")
    )


# =========================================================================== batch


@dataclass(frozen=True)
class BatchColumn:
    """One column of the batch sheet. `kind`: fixed (applicant data), field (a form field of the
    item's published version, header = its Chinese label) or material (header = its name)."""

    key: str
    header: str
    kind: str
    required: bool
    help: str = ""
    field_kind: str = ""
    choices: tuple[str, ...] = ()
    tolerable: bool = False


@dataclass(frozen=True)
class BatchError:
    """A refused row: its number in the sheet (the header is row 1), the column header, why."""

    row: int
    column: str
    code: str
    message: str


@dataclass(frozen=True)
class BatchRow:
    """A row that became an application (or had already, by an earlier run of the same row)."""

    row: int
    applicant_name: str
    application_number: str
    case_number: str
    outcome: str  # accepted / accepted_with_pending / supplement_requested / completed / already_imported

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])


@dataclass
class BatchReport:
    item_code: str
    rows: int = 0
    created: list[BatchRow] = field(default_factory=list)
    skipped: list[BatchRow] = field(default_factory=list)
    errors: list[BatchError] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.created if r.outcome == outcome)

    def as_text(self) -> str:
        lines = [
            _(
                "Batch intake of item %(item)s: %(rows)d rows, %(created)d applications created, %(skipped)d already imported, %(errors)d rows refused."
            )
            % {
                "item": self.item_code,
                "rows": self.rows,
                "created": len(self.created),
                "skipped": len(self.skipped),
                "errors": len(self.errors),
            },
            _(
                "Accepted: %(a)d; accepted with pending materials: %(p)d; completed at once: %(c)d; supplement requested: %(s)d."
            )
            % {
                "a": self.count(OUTCOME_ACCEPTED),
                "p": self.count(OUTCOME_PENDING),
                "c": self.count(OUTCOME_COMPLETED),
                "s": self.count(OUTCOME_SUPPLEMENT),
            },
        ]
        for e in self.errors:
            lines.append(
                _("Row %(row)d, column “%(column)s”: %(message)s")
                % {"row": e.row, "column": e.column or "-", "message": e.message}
            )
        for r in self.created:
            lines.append(
                _("Row %(row)d: %(name)s, case %(case)s, %(outcome)s")
                % {
                    "row": r.row,
                    "name": r.applicant_name,
                    "case": r.case_number,
                    "outcome": OUTCOME_LABELS[r.outcome],
                }
            )
        return "\n".join(lines)


OUTCOME_ACCEPTED = "accepted"
OUTCOME_PENDING = "accepted_with_pending"
OUTCOME_COMPLETED = "completed"
OUTCOME_SUPPLEMENT = "supplement_requested"
OUTCOME_IMPORTED = "already_imported"
OUTCOME_LABELS = {
    OUTCOME_ACCEPTED: gettext_lazy("accepted"),
    OUTCOME_PENDING: gettext_lazy("accepted with pending materials"),
    OUTCOME_COMPLETED: gettext_lazy("accepted and completed"),
    OUTCOME_SUPPLEMENT: gettext_lazy("supplement requested"),
    OUTCOME_IMPORTED: gettext_lazy("already imported"),
}

# The fixed columns. Headers are written in Chinese (the sheet is an exchange format the
# center hands out) and read in Chinese or English.
FIXED_COLUMNS = (
    ("name", gettext_lazy("Applicant name"), True, gettext_lazy("Name of the person or organisation.")),
    (
        "id_number",
        gettext_lazy("ID number or USCC"),
        True,
        gettext_lazy("18-character resident ID number, or the organisation's unified social credit code."),
    ),
    ("mobile", gettext_lazy("Mobile phone"), False, gettext_lazy("Mainland mobile number, 11 digits.")),
    (
        "delivery_method",
        gettext_lazy("Delivery method"),
        False,
        gettext_lazy("窗口领取, 邮寄 or 电子送达; empty: pickup at the window."),
    ),
    (
        "delivery_address",
        gettext_lazy("Delivery address"),
        False,
        gettext_lazy("Needed for delivery by mail."),
    ),
)

# Values of a material column: a fixed vocabulary of the file format (Chinese, or English).
MATERIAL_RECEIVED = ("已收", "是", "有", "received", "yes", "y")
MATERIAL_TOLERATED = ("容缺", "tolerated", "pending")
MATERIAL_MISSING = ("缺", "否", "无", "missing", "no", "n")
YES_WORDS = ("是", "yes", "y", "true", "1")
NO_WORDS = ("否", "no", "n", "false", "0")
DELIVERY_WORDS = {
    "窗口领取": DeliveryMethod.PICKUP,
    "领取": DeliveryMethod.PICKUP,
    "邮寄": DeliveryMethod.MAIL,
    "邮政寄递": DeliveryMethod.MAIL,
    "电子送达": DeliveryMethod.ELECTRONIC,
    "电子": DeliveryMethod.ELECTRONIC,
}


def _both_languages(text: Any) -> set[str]:
    out = set()
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            out.add(_norm(str(text)))
    return out


def _norm(value: str) -> str:
    return re.sub(r"[\s*＊]+", "", value or "").lower()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _delivery_words() -> dict[str, str]:
    table = {_norm(k): v for k, v in DELIVERY_WORDS.items()}
    for value, label in DeliveryMethod.choices:
        table[value] = value
        for word in _both_languages(label):
            table[word] = value
    return table


def _published(item: ServiceItem) -> ServiceItemVersion:
    version = ServiceItemVersion.objects.filter(item=item, status=ServiceItemVersion.Status.PUBLISHED).first()
    if version is None:
        raise channel_error("NO_PUBLISHED_VERSION", field="item", item=item.name)
    return version


def batch_columns(*, item: ServiceItem) -> list[BatchColumn]:
    """The sheet's columns for the item's published version, in order (3 queries)."""
    version = _published(item)
    with translation.override("zh-hans"):
        columns = [
            BatchColumn(key, str(header), "fixed", req, str(help)) for key, header, req, help in FIXED_COLUMNS
        ]
        for f in FormField.objects.filter(version=version).order_by("order", "pk"):
            columns.append(
                BatchColumn(
                    f"form:{f.key}",
                    f.label,
                    "field",
                    f.required,
                    str(FormField.Kind(f.kind).label),
                    field_kind=f.kind,
                    choices=tuple(str(c) for c in f.choices or ()),
                )
            )
        plan = version_plan(version.pk)
        for m in plan.materials:
            columns.append(
                BatchColumn(
                    f"material:{m.code}",
                    m.name,
                    "material",
                    m.required,
                    "已收 / 容缺 / 缺" if m.tolerable else "已收 / 缺",
                    tolerable=m.tolerable,
                )
            )
    return columns


def batch_template(*, item: ServiceItem) -> bytes:
    """The empty sheet for an item: a header row (one column per applicant datum, form field
    and material of the published version) and an instructions sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    columns = batch_columns(item=item)
    wb = Workbook()
    with translation.override("zh-hans"):
        ws = wb.active
        ws.title = _("Applicants")
        bold, red = Font(bold=True), Font(bold=True, color="C00000")
        fill = PatternFill("solid", fgColor="DDEBF7")
        for i, col in enumerate(columns, 1):
            cell = ws.cell(row=1, column=i, value=col.header)
            cell.font = red if col.required else bold
            cell.fill = fill
            ws.column_dimensions[get_column_letter(i)].width = max(12, min(40, len(col.header) * 2 + 4))
            choices: list[str] = []
            if col.key == "delivery_method":
                choices = ["窗口领取", "邮寄", "电子送达"]
            elif col.kind == "material":
                choices = ["已收", "容缺", "缺"] if col.tolerable else ["已收", "缺"]
            elif col.field_kind == FormField.Kind.CHOICE and col.choices:
                choices = list(col.choices)
            elif col.field_kind == FormField.Kind.BOOLEAN:
                choices = ["是", "否"]
            if choices and len(",".join(choices)) < 250:
                letter = get_column_letter(i)
                validation = DataValidation(
                    type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True
                )
                validation.add(f"{letter}2:{letter}2000")
                ws.add_data_validation(validation)
        ws.freeze_panes = "A2"
        info = wb.create_sheet(_("Instructions"))
        info.append([_("Batch intake of “%(item)s” (%(code)s)") % {"item": item.name, "code": item.code}])
        info.append(
            [_("One row per applicant. Do not change the headers; columns in red must be filled in.")]
        )
        info.append(
            [
                _(
                    "Materials: 已收 (handed in), 容缺 (tolerated, follows later; only where allowed) or 缺 (missing); 是/否 also work."
                )
            ]
        )
        info.append([])
        info.append([_("Column"), _("Required"), _("What to fill in")])
        for cell in info[5]:
            cell.font = bold
        for col in columns:
            what = col.help
            if col.choices:
                what = f"{what}: {'、'.join(col.choices)}"
            info.append([col.header, _("yes") if col.required else _("no"), what])
        info.column_dimensions["A"].width = 30
        info.column_dimensions["B"].width = 10
        info.column_dimensions["C"].width = 80
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    name: str = ""
    kind: str = Applicant.Kind.PERSON
    identity: str = ""
    mobile: str = ""
    delivery_method: str = ""
    delivery_address: str = ""
    form_data: dict[str, Any] = field(default_factory=dict)
    received: list[str] = field(default_factory=list)
    errors: list[BatchError] = field(default_factory=list)


def _row_error(row: _Row, column: BatchColumn | str, code: str, message: Any) -> None:
    header = column.header if isinstance(column, BatchColumn) else column
    row.errors.append(BatchError(row=row.number, column=header, code=code, message=str(message)))


def _read_sheet(xlsx: bytes) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(xlsx), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, InvalidFileException…
        raise channel_error("BATCH_FILE_INVALID", field="xlsx") from exc
    try:
        ws = wb.worksheets[0]
        return [(i, list(values)) for i, values in enumerate(ws.iter_rows(values_only=True), 1)]
    finally:
        wb.close()


def _map_headers(header: list[Any], columns: list[BatchColumn]) -> dict[str, int]:
    """Column key → index in the sheet. Headers match in Chinese or English, ignoring blanks and '*'."""
    aliases: dict[str, str] = {}
    fixed_labels = {key: label for key, label, _r, _h in FIXED_COLUMNS}
    for col in columns:
        names = {_norm(col.header)}
        if col.kind == "fixed":
            names |= _both_languages(fixed_labels[col.key])
        else:
            names.add(_norm(col.key.split(":", 1)[1]))  # the field key / material code
        for name in names:
            aliases.setdefault(name, col.key)
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = aliases.get(_norm(_cell_text(cell)))
        if key is not None and key not in found:
            found[key] = i
    for col in columns:
        if col.required and col.key not in found:
            raise channel_error("BATCH_COLUMN_MISSING", field="xlsx", column=col.header)
    return found


def _parse_identity(row: _Row, column: BatchColumn, value: str) -> None:
    compact = "".join(value.split()).upper()
    if not compact:
        _row_error(row, column, "FIELD_REQUIRED", _("Fill in “%(label)s”.") % {"label": column.header})
        return
    looks_like_uscc = not compact[:17].isdigit()
    try:
        if looks_like_uscc:
            row.kind, row.identity = Applicant.Kind.ORGANISATION, org_services.clean_uscc(compact)
        else:
            row.kind, row.identity = Applicant.Kind.PERSON, org_services.clean_id_number(compact)
    except OrgError as exc:  # the validator's own reason, e.g. the check digit
        _row_error(row, column, "USCC_INVALID" if looks_like_uscc else "ID_NUMBER_INVALID", exc.message)


def _parse_field(row: _Row, column: BatchColumn, raw: Any) -> None:
    text = _cell_text(raw)
    key = column.key.split(":", 1)[1]
    if not text:
        if column.required:
            _row_error(row, column, "FIELD_REQUIRED", _("Fill in “%(label)s”.") % {"label": column.header})
        return
    kind = column.field_kind
    value: Any = text
    invalid = False
    if kind == FormField.Kind.NUMBER:
        try:
            number = float(raw) if isinstance(raw, int | float) else float(text)
            value = int(number) if number.is_integer() else number
        except ValueError:
            invalid = True
    elif kind == FormField.Kind.DATE:
        try:
            value = dt.date.fromisoformat(text.replace("/", "-")[:10]).isoformat()
        except ValueError:
            invalid = True
    elif kind == FormField.Kind.BOOLEAN:
        word = text.lower()
        invalid = word not in YES_WORDS + NO_WORDS
        value = word in YES_WORDS
    elif kind == FormField.Kind.CHOICE and column.choices:
        invalid = text not in column.choices
    if invalid:
        allowed = (
            "、".join(column.choices) if kind == FormField.Kind.CHOICE else str(FormField.Kind(kind).label)
        )
        _row_error(
            row,
            column,
            "FIELD_INVALID",
            _("Cell value “%(value)s” is not allowed; expected: %(allowed)s.")
            % {"value": text, "allowed": allowed},
        )
        return
    row.form_data[key] = value


def _parse_material(row: _Row, column: BatchColumn, raw: Any) -> None:
    word = _cell_text(raw).lower()
    code = column.key.split(":", 1)[1]
    if word in MATERIAL_RECEIVED:
        row.received.append(code)
    elif word in MATERIAL_TOLERATED:
        if not column.tolerable:
            _row_error(
                row,
                column,
                "MATERIAL_NOT_TOLERABLE",
                _("“%(material)s” cannot follow later (容缺); mark it 已收 or 缺.")
                % {"material": column.header},
            )
    elif word and word not in MATERIAL_MISSING:
        _row_error(
            row,
            column,
            "MATERIAL_VALUE_UNKNOWN",
            _("Unknown value “%(value)s”: use 已收, 容缺 or 缺 (or 是/否).") % {"value": _cell_text(raw)},
        )


def _parse_row(number: int, values: list[Any], columns: list[BatchColumn], index: dict[str, int]) -> _Row:
    def cell(key: str) -> Any:
        i = index.get(key)
        return values[i] if i is not None and i < len(values) else None

    row = _Row(number=number, values={})
    by_key = {c.key: c for c in columns}
    name = _cell_text(cell("name"))
    if not name:
        _row_error(
            row,
            by_key["name"],
            "FIELD_REQUIRED",
            _("Fill in “%(label)s”.") % {"label": by_key["name"].header},
        )
    row.name = name
    _parse_identity(row, by_key["id_number"], _cell_text(cell("id_number")))
    mobile = _cell_text(cell("mobile"))
    if mobile:
        try:
            row.mobile = org_services.clean_mobile(mobile)
        except OrgError as exc:
            _row_error(row, by_key["mobile"], "MOBILE_INVALID", exc.message)
    method_text = _cell_text(cell("delivery_method"))
    if method_text:
        method = _delivery_words().get(_norm(method_text))
        if method is None:
            _row_error(
                row,
                by_key["delivery_method"],
                "DELIVERY_METHOD_UNKNOWN",
                _("Unknown delivery method “%(value)s”: use 窗口领取, 邮寄 or 电子送达.")
                % {"value": method_text},
            )
        else:
            row.delivery_method = method
    row.delivery_address = _cell_text(cell("delivery_address"))
    if row.delivery_method == DeliveryMethod.MAIL and not row.delivery_address:
        column = by_key["delivery_address"]
        _row_error(row, column, "FIELD_REQUIRED", _("Fill in “%(label)s”.") % {"label": column.header})
    for col in columns:
        if col.kind == "field":
            _parse_field(row, col, cell(col.key))
        elif col.kind == "material":
            _parse_material(row, col, cell(col.key))
    return row


def _row_key(item: ServiceItem, row: _Row) -> str:
    """The idempotency key of a row: the same row of the same item on the same day imports once,
    so a corrected sheet can be run again in full (rows already imported are skipped)."""
    content = "|".join(
        [
            str(item.pk),
            clock.today().isoformat(),
            row.identity,
            row.name,
            row.mobile,
            row.delivery_method,
            row.delivery_address,
            repr(sorted(row.form_data.items())),
            ",".join(sorted(row.received)),
        ]
    )
    return "batch:" + hashlib.sha256(content.encode()).hexdigest()[:48]


ERROR_COLUMNS = {
    "delivery_method": "delivery_method",
    "delivery_address": "delivery_address",
    "phone": "mobile",
}


def batch_intake(*, center: ServiceCenter, item: ServiceItem, actor: Staff, xlsx: bytes) -> BatchReport:
    """批量受理: one application per good row of the sheet, each taken through the window's intake.

    Every row is validated first (identity number, required form fields, delivery method,
    material values, an ID number repeated in the sheet); then each good row runs in its own
    transaction: the applicant is found by ID number / USCC or registered, the application
    is created (channel "batch") and `application_intake` accepts it, accepts it with
    pending (容缺) materials, completes an immediate item, or requests a supplement — as at
    the window. A row the engine refuses is rolled back alone and reported. The whole file
    is refused (CaseError) when it is not an xlsx or a required column is missing.
    """
    if item.center_id != center.pk:
        raise case_error("ITEM_OTHER_CENTER", field="item", item=item.name)
    if Role.INTAKE_CLERK not in staff_roles(actor) or actor.center_id != center.pk:
        raise channel_error("BATCH_CLERK")
    columns = batch_columns(item=item)
    by_key = {c.key: c for c in columns}
    sheet = _read_sheet(xlsx)
    if not sheet:
        raise channel_error("BATCH_EMPTY", field="xlsx")
    index = _map_headers(sheet[0][1], columns)
    report = BatchReport(item_code=item.code)

    rows: list[_Row] = []
    first_row_of: dict[str, int] = {}
    for number, values in sheet[1:]:
        if all(_cell_text(v) == "" for v in values):
            continue
        report.rows += 1
        row = _parse_row(number, values, columns, index)
        if row.identity:
            first = first_row_of.setdefault(row.identity, number)
            if first != number:
                _row_error(
                    row,
                    by_key["id_number"],
                    "DUPLICATE_IN_SHEET",
                    _("The same ID number is already on row %(row)d.") % {"row": first},
                )
        if row.errors:
            report.errors.extend(row.errors)
        else:
            rows.append(row)
    if report.rows == 0:
        raise channel_error("BATCH_EMPTY", field="xlsx")

    # Rows an earlier run of this sheet imported already: two queries for the whole sheet.
    keys = {row.number: _row_key(item, row) for row in rows}
    imported = {a.idempotency_key: a for a in Application.objects.filter(idempotency_key__in=keys.values())}
    first_case = dict(
        Case.objects.filter(application__in=imported.values())
        .order_by("-pk")  # the dict keeps the last pair: the application's first case
        .values_list("application_id", "number")
    )
    for row in rows:
        key = keys[row.number]
        done = imported.get(key)
        if done is not None:
            number = first_case.get(done.pk, "")
            report.skipped.append(BatchRow(row.number, row.name, done.number, number, OUTCOME_IMPORTED))
            continue
        try:
            with transaction.atomic():
                report.created.append(_intake_row(center=center, item=item, actor=actor, row=row, key=key))
        except (CaseError, OrgError) as exc:
            column = by_key.get(ERROR_COLUMNS.get(exc.field.split("[")[0], ""), None)
            if exc.field in ("id_number", "uscc", "name"):
                column = by_key["id_number" if exc.field != "name" else "name"]
            _row_error(row, column or "", exc.code, exc.message)
            report.errors.extend(row.errors)
    report.errors.sort(key=lambda e: e.row)
    return report


def _intake_row(*, center: ServiceCenter, item: ServiceItem, actor: Staff, row: _Row, key: str) -> BatchRow:
    organisation = row.kind == Applicant.Kind.ORGANISATION
    applicant = org_selectors.applicant_find(
        **({"uscc": row.identity} if organisation else {"id_number": row.identity})
    )
    if applicant is None:
        applicant = org_services.applicant_create(
            kind=row.kind,
            name=row.name,
            id_number="" if organisation else row.identity,
            uscc=row.identity if organisation else "",
            phone=row.mobile,
        )
    elif applicant.name != row.name:
        raise CaseError(
            "NAME_MISMATCH",
            _("This ID number is registered to “%(name)s”, not “%(row)s”.")
            % {"name": applicant.name, "row": row.name},
            "name",
        )
    application = services.application_create(
        center=center,
        applicant=applicant,
        items=[item],
        channel=Channel.BATCH,
        form_data=row.form_data,
        materials=row.received,
        actor=actor,
        delivery_method=row.delivery_method,
        delivery_address=row.delivery_address,
        idempotency_key=key,
        state=S.SUBMITTED,
    )
    result = services.application_intake(application=application, actor=actor)
    case = result.cases[0]
    if result.supplement_requested:
        outcome = OUTCOME_SUPPLEMENT
    elif result.completed:
        outcome = OUTCOME_COMPLETED
    elif result.accepted_with_pending:
        outcome = OUTCOME_PENDING
    else:
        outcome = OUTCOME_ACCEPTED
    return BatchRow(row.number, row.name, application.number, case.number, outcome)
