"""Batch intake (批量受理): one Excel sheet, one row per applicant for one item, each row through intake.

Every row is read and checked first, with the rules the engine and org use (the form by
`core.inputs`, the delivery rule, `clean_id_number` / `clean_uscc` / `clean_mobile`); then
every good row becomes its own application taken through `application_intake`, each in
its own transaction. Bad rows are reported by row number and column header (`BatchReport`). The
file format itself — columns, headers, the template, cell words — is `channels.sheet`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.cases import rules, services
from onewindow.cases.channels import sheet
from onewindow.cases.channels.errors import ORG_CODES, channel_error
from onewindow.cases.channels.sheet import BatchColumn
from onewindow.cases.errors import CaseError, case_error
from onewindow.cases.models import Application, ApplicationMaterial, Case, CaseState, Channel
from onewindow.cases.selectors import VersionPlan
from onewindow.catalog.models import ServiceItem
from onewindow.core import clock
from onewindow.core.errors import family
from onewindow.core.inputs import form_check, is_blank
from onewindow.org import selectors as org_selectors
from onewindow.org import services as org_services
from onewindow.org.errors import OrgError
from onewindow.org.models import Applicant, Role, ServiceCenter, Staff

S = CaseState
M = ApplicationMaterial.Status

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


# --------------------------------------------------------------------------- reading rows


@dataclass
class _Row:
    number: int
    name: str = ""
    kind: str = Applicant.Kind.PERSON
    identity: str = ""
    mobile: str = ""
    delivery_method: str = ""
    delivery_address: str = ""
    form_data: dict[str, Any] = field(default_factory=dict)
    received: list[str] = field(default_factory=list)
    errors: list[BatchError] = field(default_factory=list)


@dataclass(frozen=True)
class _Layout:
    """What reading the rows of one sheet needs: the version's plan, its columns, where they are."""

    plan: VersionPlan
    columns: dict[str, BatchColumn]  # by key
    index: dict[str, int]  # column key → position in the sheet

    def column_of(self, field: str) -> BatchColumn | None:
        """The column an error's `field` (the engine's or org's input name) was read from."""
        name = field.split("[")[0]
        if name.startswith("form_data."):
            return self.columns.get("form:" + name.removeprefix("form_data."))
        return self.columns.get({"uscc": "id_number"}.get(name, name))


def _add_error(row: _Row, column: BatchColumn | None, code: str, message: str) -> None:
    """Report a refused cell: the column's header, the code (org's as the report names it),
    the message."""
    header = column.header if column is not None else ""
    code = ORG_CODES.get(code, code)
    row.errors.append(BatchError(row=row.number, column=header, code=code, message=message))


def _refused(row: _Row, column: BatchColumn | None, error: CaseError | OrgError) -> None:
    _add_error(row, column, error.code, error.message)


def _read_identity(row: _Row, column: BatchColumn, value: str) -> None:
    """A resident ID number or, when its first 17 characters are not all digits, a USCC,
    checked and normalised by org.services (the validator's own reason when refused)."""
    compact = "".join(value.split()).upper()
    if not compact:
        _refused(row, column, case_error("FIELD_REQUIRED", field="id_number", label=column.header))
        return
    try:
        if compact[:17].isdigit():
            row.kind, row.identity = Applicant.Kind.PERSON, org_services.clean_id_number(compact)
        else:
            row.kind, row.identity = Applicant.Kind.ORGANISATION, org_services.clean_uscc(compact)
    except OrgError as exc:
        _refused(row, column, exc)


def _read_material(row: _Row, column: BatchColumn, raw: Any) -> None:
    mark = sheet.material_mark(raw)
    if mark == M.RECEIVED:
        row.received.append(column.key.split(":", 1)[1])
    elif mark == M.PENDING and not column.tolerable:
        _refused(row, column, channel_error("MATERIAL_NOT_TOLERABLE", material=column.header))
    elif mark is None:
        _refused(row, column, channel_error("MATERIAL_VALUE_UNKNOWN", value=sheet.cell_text(raw)))


def _read_row(layout: _Layout, number: int, values: list[Any]) -> _Row:
    """One row as an application's input; every cell the rules refuse is an error of the row."""

    def cell(key: str) -> Any:
        i = layout.index.get(key)
        return values[i] if i is not None and i < len(values) else None

    def refused(error: CaseError | OrgError) -> None:
        _refused(row, layout.column_of(error.field), error)

    row = _Row(number=number)
    row.name = sheet.cell_text(cell("name"))
    if not row.name:
        refused(case_error("FIELD_REQUIRED", field="name", label=layout.columns["name"].header))
    _read_identity(row, layout.columns["id_number"], sheet.cell_text(cell("id_number")))
    try:
        row.mobile = org_services.clean_mobile(sheet.cell_text(cell("mobile")))
    except OrgError as exc:
        refused(exc)
    method = sheet.delivery_method(cell("delivery_method"))
    row.delivery_address = sheet.cell_text(cell("delivery_address"))
    if method is None:
        value = sheet.cell_text(cell("delivery_method"))
        refused(channel_error("DELIVERY_METHOD_UNKNOWN", field="delivery_method", value=value))
    else:
        row.delivery_method = method
        try:
            rules.check_delivery(
                method=row.delivery_method,
                address=row.delivery_address,
                offered=[(layout.plan.item_name, layout.plan.delivery_methods)],
            )
        except CaseError as exc:
            refused(exc)
    # The form by the rules the engine checks it with (core.inputs), every bad cell at once;
    # reported with the engine's two codes (the family) and the precise message.
    fields = layout.plan.form_fields
    answers = {f.key: cell(f"form:{f.key}") for f in fields}
    row.form_data, errors = form_check(fields, answers, path="form_data")
    for error in errors:
        _add_error(row, layout.column_of(error["field"]), family(error["code"]), error["message"])
    for m in layout.plan.materials:
        _read_material(row, layout.columns[f"material:{m.code}"], cell(f"material:{m.code}"))
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


# --------------------------------------------------------------------------- intake


def batch_intake(*, center: ServiceCenter, item: ServiceItem, actor: Staff, xlsx: bytes) -> BatchReport:
    """批量受理: one application per good row of the sheet, each taken through the window's intake.

    Every row is read first (identity number, form fields, delivery method and address,
    material values, an ID number repeated in the sheet); then each good row runs in its own
    transaction: the applicant is found by ID number / USCC or registered, the application
    is created (channel "batch") and `application_intake` accepts it, accepts it with
    pending (容缺) materials, completes an immediate item, or requests a supplement — as at
    the window. A row the engine refuses is rolled back alone and reported. The whole file
    is refused (CaseError) when it is not an xlsx or a required column is missing.

    A row's idempotency key (`_row_key`) goes to `application_create`, which returns the
    first application for a retried key; the rows an earlier run imported are found first,
    for the whole sheet in two queries, and reported as `already_imported` without a second
    intake.
    """
    if item.center_id != center.pk:
        raise case_error("ITEM_OTHER_CENTER", field="item", item=item.name)
    if Role.INTAKE_CLERK not in rules.staff_roles(actor) or actor.center_id != center.pk:
        raise channel_error("BATCH_CLERK")
    plan = sheet.published_plan(item)
    columns = sheet.columns_of(plan)
    cells = sheet.read_sheet(xlsx)
    if not cells:
        raise channel_error("BATCH_EMPTY", field="xlsx")
    layout = _Layout(
        plan=plan,
        columns={c.key: c for c in columns},
        index=sheet.map_headers(cells[0][1], columns),
    )
    report = BatchReport(item_code=item.code)

    rows: list[_Row] = []
    first_row_of: dict[str, int] = {}
    for number, values in cells[1:]:
        if all(is_blank(v) for v in values):
            continue
        report.rows += 1
        row = _read_row(layout, number, values)
        if row.identity:
            first = first_row_of.setdefault(row.identity, number)
            if first != number:
                _refused(row, layout.columns["id_number"], channel_error("DUPLICATE_IN_SHEET", row=first))
        if row.errors:
            report.errors.extend(row.errors)
        else:
            rows.append(row)
    if report.rows == 0:
        raise channel_error("BATCH_EMPTY", field="xlsx")

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
            case_number = first_case.get(done.pk, "")
            report.skipped.append(BatchRow(row.number, row.name, done.number, case_number, OUTCOME_IMPORTED))
            continue
        try:
            with transaction.atomic():
                report.created.append(_intake_row(center=center, item=item, actor=actor, row=row, key=key))
        except (CaseError, OrgError) as exc:
            _refused(row, layout.column_of(exc.field), exc)
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
            mobile=row.mobile,
        )
    elif applicant.name != row.name:
        raise channel_error("NAME_MISMATCH", field="name", name=applicant.name, row=row.name)
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
