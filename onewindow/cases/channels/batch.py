"""Batch intake (批量受理): one Excel sheet, one row per applicant for one item, each row through intake.

Every good row becomes its own application taken through `application_intake`, each in
its own transaction; bad rows are reported by row number and column header. The file
format itself — columns, headers, the template, cells — is `channels.sheet`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.cases import services
from onewindow.cases.channels.errors import channel_error
from onewindow.cases.channels.sheet import (
    MATERIAL_MISSING,
    MATERIAL_RECEIVED,
    MATERIAL_TOLERATED,
    NO_WORDS,
    YES_WORDS,
    BatchColumn,
    batch_columns,
    cell_text,
    delivery_words,
    map_headers,
    norm,
    read_sheet,
)
from onewindow.cases.errors import CaseError, case_error
from onewindow.cases.models import Application, Case, CaseState, Channel
from onewindow.cases.rules import staff_roles
from onewindow.catalog.models import DeliveryMethod, FormField, ServiceItem
from onewindow.core import clock
from onewindow.org import selectors as org_selectors
from onewindow.org import services as org_services
from onewindow.org.errors import OrgError
from onewindow.org.models import Applicant, Role, ServiceCenter, Staff

S = CaseState


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
    text = cell_text(raw)
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
    word = cell_text(raw).lower()
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
            _("Unknown value “%(value)s”: use 已收, 容缺 or 缺 (or 是/否).") % {"value": cell_text(raw)},
        )


def _parse_row(number: int, values: list[Any], columns: list[BatchColumn], index: dict[str, int]) -> _Row:
    def cell(key: str) -> Any:
        i = index.get(key)
        return values[i] if i is not None and i < len(values) else None

    row = _Row(number=number, values={})
    by_key = {c.key: c for c in columns}
    name = cell_text(cell("name"))
    if not name:
        _row_error(
            row,
            by_key["name"],
            "FIELD_REQUIRED",
            _("Fill in “%(label)s”.") % {"label": by_key["name"].header},
        )
    row.name = name
    _parse_identity(row, by_key["id_number"], cell_text(cell("id_number")))
    mobile = cell_text(cell("mobile"))
    if mobile:
        try:
            row.mobile = org_services.clean_mobile(mobile)
        except OrgError as exc:
            _row_error(row, by_key["mobile"], "MOBILE_INVALID", exc.message)
    method_text = cell_text(cell("delivery_method"))
    if method_text:
        method = delivery_words().get(norm(method_text))
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
    row.delivery_address = cell_text(cell("delivery_address"))
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
    sheet = read_sheet(xlsx)
    if not sheet:
        raise channel_error("BATCH_EMPTY", field="xlsx")
    index = map_headers(sheet[0][1], columns)
    report = BatchReport(item_code=item.code)

    rows: list[_Row] = []
    first_row_of: dict[str, int] = {}
    for number, values in sheet[1:]:
        if all(cell_text(v) == "" for v in values):
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
