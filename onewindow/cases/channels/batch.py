"""Batch intake (批量受理): one Excel sheet, one row per applicant for one item: reading the rows.

Every row is read and checked first (`read_rows`), with the rules the engine and org use
(the form by `core.inputs`, the delivery rule, `clean_id_number` / `clean_uscc` /
`clean_mobile`); the run (`channels.batchrun`, a background job) then takes every good row
through `application_intake` in its own transaction. Bad rows are reported by row number
and column header (`BatchReport`). The file format itself — columns, headers, the
template, cell words — is `channels.sheet`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _
from pydantic_core import PydanticCustomError

from onewindow.cases import rules
from onewindow.cases.channels import sheet
from onewindow.cases.channels.errors import ORG_CODES, channel_error
from onewindow.cases.channels.sheet import BatchColumn
from onewindow.cases.errors import CaseError, case_error
from onewindow.cases.models import ApplicationMaterial, BatchJobRow
from onewindow.cases.plans import VersionPlan
from onewindow.catalog.models import ServiceItem
from onewindow.core.errors import FIELD_INVALID, TOO_LONG, family, input_message
from onewindow.core.inputs import form_check, is_blank, parse_text, shown
from onewindow.core.xlsx import FORMULA_WITHOUT_VALUE, CellError
from onewindow.org import services as org_services
from onewindow.org.errors import OrgError
from onewindow.org.models import Applicant

M = ApplicationMaterial.Status

Outcome = BatchJobRow.Outcome
OUTCOME_ACCEPTED = Outcome.ACCEPTED.value
OUTCOME_PENDING = Outcome.PENDING.value
OUTCOME_COMPLETED = Outcome.COMPLETED.value
OUTCOME_SUPPLEMENT = Outcome.SUPPLEMENT.value
OUTCOME_IMPORTED = Outcome.IMPORTED.value
# What a row that became (or already was) an application is reported as.
OUTCOME_LABELS = {o.value: o.label for o in Outcome if o != Outcome.REFUSED}


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
    """What a batch run did, row by row: read from the run's rows (`batchrun.batch_report`)."""

    item_code: str
    rows: int = 0
    created: list[BatchRow] = field(default_factory=list)
    skipped: list[BatchRow] = field(default_factory=list)
    errors: list[BatchError] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.created if r.outcome == outcome)

    @property
    def refused_rows(self) -> int:
        return len({e.row for e in self.errors})

    def as_text(self, limit: int = 1000) -> str:
        """The summary, the refused cells (the first `limit` of them, and how many more) and
        the rows that became (or already were) applications."""
        lines = [
            _(
                "Batch intake of item %(item)s: %(rows)d rows, %(created)d applications created, %(skipped)d already imported, %(errors)d rows refused."
            )
            % {
                "item": self.item_code,
                "rows": self.rows,
                "created": len(self.created),
                "skipped": len(self.skipped),
                "errors": self.refused_rows,
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
        for e in self.errors[:limit]:
            lines.append(
                _("Row %(row)d, column “%(column)s”: %(message)s")
                % {"row": e.row, "column": e.column or "-", "message": e.message}
            )
        if len(self.errors) > limit:
            lines.append(_("… and %(count)d more refused cells.") % {"count": len(self.errors) - limit})
        for r in sorted(self.created + self.skipped, key=lambda r: r.row):
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

MAX_ROW_ERRORS = 20
"""Refused cells reported per row; the rest are counted (ROW_MORE_ERRORS), so a sheet
wrong in every cell makes a report of bounded size."""


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
    answers: dict[str, str] = field(default_factory=dict)  # 情形 question → choice code
    errors: list[BatchError] = field(default_factory=list)
    refused_cells: set[str] = field(default_factory=set)  # headers of the cells reported
    more_errors: int = 0  # refused cells past MAX_ROW_ERRORS


@dataclass(frozen=True)
class _Layout:
    """What reading the rows of one sheet needs: the version's plan, its columns, where they are."""

    plan: VersionPlan
    columns: dict[str, BatchColumn]  # by key
    index: dict[str, int]  # column key → position in the sheet

    @cached_property
    def form_columns(self) -> dict[str, str]:
        """Form field key → the key of the column answering it (its own, or a fixed one)."""
        out = {c.form_key: c.key for c in self.columns.values() if c.form_key}
        for f in self.plan.form_fields:
            out.setdefault(f.key, f"form:{f.key}")
        return out

    def column_of(self, field: str) -> BatchColumn | None:
        """The column an error's `field` (the engine's or org's input name) was read from."""
        name = field.split("[")[0]
        if name.startswith("form_data."):
            return self.columns.get(self.form_columns.get(name.removeprefix("form_data."), ""))
        return self.columns.get({"uscc": "id_number"}.get(name, name))


def _add_error(row: _Row, column: BatchColumn | None, code: str, message: str) -> None:
    """Report a refused cell: the column's header, the code (org's as the report names it),
    the message. A cell is reported once (its first reason: a fixed column that answers a
    form field too is checked twice), and a row at most MAX_ROW_ERRORS times."""
    header = column.header if column is not None else ""
    if header:
        if header in row.refused_cells:
            return
        row.refused_cells.add(header)
    if len(row.errors) >= MAX_ROW_ERRORS:
        row.more_errors += 1
        return
    code = ORG_CODES.get(code, code)
    row.errors.append(BatchError(row=row.number, column=header, code=code, message=message))


def _refused(row: _Row, column: BatchColumn | None, error: CaseError | OrgError) -> None:
    _add_error(row, column, error.code, error.message)


def _read_cells(layout: _Layout, row: _Row, values: list[Any]) -> dict[str, Any]:
    """Column key → the cell's value, for the columns the sheet has. A cell that holds no
    value to read (a formula never calculated, an error value) or more characters than its
    column allows is refused here, naming the cell, and reads as empty: nothing after this
    spends time on a huge cell."""
    cells: dict[str, Any] = {}
    for key, i in layout.index.items():
        column = layout.columns[key]
        value = values[i] if i < len(values) else None
        if value is FORMULA_WITHOUT_VALUE:
            _refused(row, column, channel_error("FORMULA_WITHOUT_VALUE", cell=sheet.cell_name(i, row.number)))
            value = None
        elif isinstance(value, CellError):
            error = channel_error("CELL_ERROR", cell=sheet.cell_name(i, row.number), error=value.text)
            _refused(row, column, error)
            value = None
        elif isinstance(value, str) and len(value) > column.max_length:
            length = len(value.strip())  # the text rule counts the text without its blanks
            if length > column.max_length:
                message = input_message(TOO_LONG, label=column.header, max=column.max_length, length=length)
                _add_error(row, column, FIELD_INVALID, message)
                value = None
        cells[key] = value
    return cells


def _text(row: _Row, column: BatchColumn, value: Any) -> str:
    """A fixed cell by the text rule (a date or a number as text); refused when it is not
    text (a yes/no cell), reading as empty."""
    try:
        return parse_text(value, max_length=column.max_length)
    except PydanticCustomError as exc:
        message = input_message(exc.type, label=column.header, **(exc.context or {}))
        _add_error(row, column, family(exc.type), message)
        return ""


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
        _refused(row, column, channel_error("MATERIAL_VALUE_UNKNOWN", value=shown(sheet.cell_text(raw))))


def _read_row(layout: _Layout, number: int, values: list[Any]) -> _Row:
    """One row as an application's input; every cell the rules refuse is an error of the row.

    Needs only the layout and the row: rows are read one at a time, in any chunks."""
    row = _Row(number=number)
    cells = _read_cells(layout, row, values)
    columns = layout.columns

    def refused(error: CaseError | OrgError) -> None:
        _refused(row, layout.column_of(error.field), error)

    row.name = _text(row, columns["name"], cells.get("name"))
    if not row.name:
        refused(case_error("FIELD_REQUIRED", field="name", label=columns["name"].header))
    _read_identity(row, columns["id_number"], _text(row, columns["id_number"], cells.get("id_number")))
    try:
        row.mobile = org_services.clean_mobile(_text(row, columns["mobile"], cells.get("mobile")))
    except OrgError as exc:
        refused(exc)
    method_text = _text(row, columns["delivery_method"], cells.get("delivery_method"))
    method = sheet.delivery_method(method_text)
    row.delivery_address = _text(row, columns["delivery_address"], cells.get("delivery_address"))
    if method is None:
        refused(channel_error("DELIVERY_METHOD_UNKNOWN", field="delivery_method", value=shown(method_text)))
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
    answers = {f.key: cells.get(layout.form_columns[f.key]) for f in fields}
    row.form_data, errors = form_check(fields, answers, path="form_data")
    for error in errors:
        _add_error(row, layout.column_of(error["field"]), family(error["code"]), error["message"])
    answered = True
    for q in layout.plan.questions:
        column = columns[f"situation:{q.code}"]
        text = sheet.cell_text(cells.get(f"situation:{q.code}"))
        code = next(
            (c for c, label in q.choices if sheet.norm(text) in (sheet.norm(c), sheet.norm(label))), ""
        )
        if not text or not code:
            answered = False
            error = "SITUATION_ANSWER_INVALID" if text else "SITUATION_ANSWER_REQUIRED"
            _refused(
                row,
                column,
                case_error(error, field=f"situation.{q.code}", question=q.text, value=shown(text)),
            )
        else:
            row.answers[q.code] = code
    # Only the materials that apply under the row's answers are read (the others' cells are ignored).
    for m in layout.plan.materials_for(row.answers) if answered else layout.plan.materials:
        _read_material(row, columns[f"material:{m.code}"], cells.get(f"material:{m.code}"))
    if row.more_errors:
        row.errors.append(
            BatchError(
                row=number,
                column="",
                code="ROW_MORE_ERRORS",
                message=channel_error("ROW_MORE_ERRORS", count=row.more_errors).message,
            )
        )
    return row


def read_rows(item: ServiceItem, xlsx: bytes) -> tuple[_Layout, list[_Row]]:
    """The sheet's rows for `item`, each read and checked (`_read_row`), blank rows left out and
    an ID number repeated in the sheet refused on its later row: the one place a batch run
    reads a sheet. The whole file is refused (CaseError) when it is over a bound of
    `sheet.read_sheet` (size, zip and XML bombs, more rows than `sheet.max_rows()`), is not
    an xlsx or is damaged, a required column is missing or named twice, or no row is filled
    in; every row is read before this returns, so such a sheet takes nothing in."""
    plan = sheet.published_plan(item)
    columns = sheet.columns_of(plan)
    cells = sheet.read_sheet(xlsx, width=len(columns) + sheet.EXTRA_COLUMNS)
    header = next(cells, None)
    if header is None:
        raise channel_error("BATCH_EMPTY", field="xlsx")
    layout = _Layout(
        plan=plan,
        columns={c.key: c for c in columns},
        index=sheet.map_headers(header[1], columns),
    )
    rows: list[_Row] = []
    first_row_of: dict[str, int] = {}
    for number, values in cells:
        if all(is_blank(v) for v in values):
            continue
        row = _read_row(layout, number, values)
        if row.identity:
            first = first_row_of.setdefault(row.identity, number)
            if first != number:
                _refused(row, layout.columns["id_number"], channel_error("DUPLICATE_IN_SHEET", row=first))
        rows.append(row)
    if not rows:
        raise channel_error("BATCH_EMPTY", field="xlsx")
    return layout, rows


def _row_key(item: ServiceItem, row: _Row, day: dt.date) -> str:
    """The idempotency key of a row: the same row of the same item on the same day (the day
    the run was started, so a resumed run keeps its keys) imports once, so a corrected sheet
    can be run again in full (rows already imported are skipped)."""
    content = "|".join(
        [
            str(item.pk),
            day.isoformat(),
            row.identity,
            row.name,
            row.mobile,
            row.delivery_method,
            row.delivery_address,
            repr(sorted(row.form_data.items())),
            ",".join(sorted(row.received)),
            repr(sorted(row.answers.items())),
        ]
    )
    return "batch:" + hashlib.sha256(content.encode()).hexdigest()[:48]
