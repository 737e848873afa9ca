"""The catalog document as an Excel workbook: template, export and reading, via openpyxl.

One sheet per table, Chinese headers, an instructions sheet first. The workbook carries
exactly the data of the JSON document (docs/catalog.md), so
`xlsx_to_data(data_to_xlsx(d)) == d`. Reading remembers, for every JSON path, the sheet,
row and column it came from, so an import refused by `catalog_import` names the cell.

The sheets and columns are laid out in `sheets.py`. A cell is read with the very rule of
its column's schema field (是/否, a Chinese label or a code, 5.0 for 5, a date cell); a
cell the rule refuses is kept as it is, for the schema to name with its cell.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic_core import PydanticCustomError

from onewindow.catalog.errors import CatalogImportError, ImportProblem, ImportReport, Location
from onewindow.catalog.exchange.limits import MAX_COLUMNS, check_file_size, check_xlsx_archive, max_rows
from onewindow.catalog.exchange.schema import (
    DEPARTMENT_FIELDS,
    FORM_FIELD_FIELDS,
    FORMAT,
    ITEM_FIELDS,
    MATERIAL_FIELDS,
    MAX_STAGES,
    QUESTION_FIELDS,
    TASK_FIELDS,
    SituationChoices,
    SituationConditions,
    template_data,
)
from onewindow.catalog.exchange.sheets import (
    BOOL,
    CENTER_LABEL,
    CHOICE,
    DATE,
    FORMAT_LABEL,
    INSTRUCTIONS,
    INT,
    MULTI,
    OPTION_SPLIT,
    OPTIONAL_SHEETS,
    OPTIONS,
    SHEETS,
    TEXT,
    Column,
)
from onewindow.core.errors import input_message
from onewindow.core.inputs import allowed_values, is_blank, parse_text
from onewindow.core.xlsx import (
    FORMULA_WITHOUT_VALUE,
    CellError,
    TooManyRows,
    UnreadableSheet,
    WorkbookRefused,
    open_workbook,
    sheet_rows,
)


def _zh(text: Promise | str) -> str:
    with translation.override("zh-hans"):
        return str(text)


def _en(text: Promise | str) -> str:
    with translation.override("en"):
        return str(text)


def _text(value: Any) -> str:
    """A cell as text (5.0 → "5"), whatever its length: for headers and labels."""
    try:
        return parse_text(value, max_length=1 << 20)
    except PydanticCustomError:
        return str(value).strip()


def _label_zh(choices: type[models.TextChoices], value: str) -> str:
    with translation.override("zh-hans"):
        return str(dict(choices.choices).get(value, value))


# ---------------------------------------------------------------- writing


def _cell_value(column: Column, value: Any) -> Any:
    if isinstance(column.rule, SituationChoices | SituationConditions):
        return column.rule.to_text(value)
    if column.kind == BOOL:
        return "是" if value else "否"
    if column.kind == CHOICE and column.choices is not None:
        return _label_zh(column.choices, value) if value else ""
    if column.kind == MULTI and column.choices is not None:
        return "、".join(_label_zh(column.choices, v) for v in value or [])
    if column.kind == OPTIONS:
        return "|".join(value or [])
    if value is None:
        return ""
    return value


def _rows(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {key: [] for key in SHEETS}
    rows["departments"] = [dict(d) for d in data.get("departments", [])]
    for item in data.get("items", []):
        version = item.get("version", {})
        rows["items"].append({**version, **{k: item.get(k) for k in ITEM_FIELDS}})
        for m in version.get("materials", []):
            rows["materials"].append({"item": item["code"], **m})
        for f in version.get("form_fields", []):
            rows["form_fields"].append({"item": item["code"], **f})
        for q in version.get("questions", []):
            rows["questions"].append({"item": item["code"], **q})
        for n, stage in enumerate(version.get("stages", []), start=1):
            for task in stage.get("tasks", []) or [{}]:
                rows["tasks"].append(
                    {"item": item["code"], "stage_order": n, "stage_name": stage["name"], **task}
                )
    for cl in data.get("lists", []):
        base = {"list_kind": cl["kind"], "name": cl["name"], "published_on": cl.get("published_on", "")}
        rows["lists"] += [{**base, "item": code} for code in cl.get("items", [])] or [base]
    for b in data.get("bundles", []):
        base = {k: b.get(k) for k in ("code", "name", "description", "is_active")}
        rows["bundles"] += [{**base, "item": code} for code in b.get("items", [])] or [base]
    return rows


def _allowed(column: Column) -> str:
    if column.kind == BOOL:
        return "是、否"
    return allowed_values(column.choices) if column.choices is not None else ""


def data_to_xlsx(data: dict[str, Any]) -> bytes:
    """A workbook of the catalog document: the instructions sheet, then one sheet per table."""
    with translation.override("zh-hans"):
        wb = Workbook(write_only=True)
        bold = Font(bold=True)
        fill = PatternFill("solid", fgColor="DDEBF7")
        ws = wb.create_sheet(str(INSTRUCTIONS))
        ws.column_dimensions["A"].width = 16
        ws.column_dimensions["B"].width = 26
        ws.column_dimensions["C"].width = 10
        ws.column_dimensions["D"].width = 70
        ws.column_dimensions["E"].width = 60
        title = WriteOnlyCell(ws, _("OneWindow service item catalog"))
        title.font = Font(bold=True, size=14)
        ws.append([title])
        ws.append([str(FORMAT_LABEL), data.get("format", FORMAT)])
        ws.append([str(CENTER_LABEL), data.get("center", "")])
        for line in (
            _(
                "Each sheet is one table; keep the header row as it is. Every row of the file is checked first: if any cell is wrong, nothing is imported and the report lists every problem with its sheet, row and column."
            ),
            _(
                "Importing the same file again changes nothing. An item whose guide changed gets a new published version; the previous version is retired and cases keep the version they were accepted under. Items not in the file are left as they are."
            ),
            _(
                "Enumerations accept the Chinese label or the code in brackets; yes/no columns accept 是 or 否. Departments and sectors are given by their codes; a department the center lacks is created from the departments sheet, a sector must already exist in the center."
            ),
        ):
            ws.append([line])
        ws.append([])
        header = [_("Sheet"), _("Column"), _("Required"), _("Explanation"), _("Allowed values")]
        ws.append([_styled(ws, h, bold, fill) for h in header])
        for _key, (sheet_title, columns) in SHEETS.items():
            for column in columns:
                ws.append(
                    [
                        str(sheet_title),
                        str(column.header),
                        "是" if column.required else "",
                        str(column.help),
                        _allowed(column),
                    ]
                )
        for key, rows in _rows(data).items():
            sheet_title, columns = SHEETS[key]
            ws = wb.create_sheet(str(sheet_title))
            ws.freeze_panes = "A2"
            for n, column in enumerate(columns, start=1):
                ws.column_dimensions[get_column_letter(n)].width = 14 if column.kind != TEXT else 22
            _dropdowns(ws, columns)
            ws.append([_styled(ws, str(c.header), bold, fill) for c in columns])
            for row in rows:
                ws.append([_safe_cell(ws, _cell_value(c, row.get(c.key))) for c in columns])
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()


def _dropdowns(ws: Any, columns: list[Column]) -> None:
    """A drop-down of the Chinese labels on yes/no and single-choice columns. Other values
    stay allowed (codes are accepted too); the import is what checks them."""
    for n, column in enumerate(columns, start=1):
        if column.kind == BOOL:
            options = ["是", "否"]
        elif column.kind == CHOICE and column.choices is not None:
            options = [_label_zh(column.choices, v) for v in column.choices.values]
        else:
            continue
        formula = '"' + ",".join(options) + '"'
        if len(formula) > 255 or any("," in o for o in options):
            continue  # Excel's limit for an inline list
        validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=False)
        letter = get_column_letter(n)
        validation.add(f"{letter}2:{letter}1048576")
        ws.data_validations.append(validation)


def _safe_cell(ws: Any, value: Any) -> Any:
    """Text goes in as text: a value starting with '=' must not become a formula (it would
    read back empty, and a crafted one would run in the clerk's Excel), and characters XML
    cannot carry are dropped."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith("="):
        cell = WriteOnlyCell(ws, value)
        cell.data_type = "s"
        return cell
    return value


def _styled(ws: Any, value: str, font: Font, fill: PatternFill) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value)
    cell.font, cell.fill = font, fill
    cell.alignment = Alignment(vertical="center")
    return cell


def template_xlsx() -> bytes:
    return data_to_xlsx(template_data())


# ---------------------------------------------------------------- reading


@dataclass
class _Row:
    """One row of a sheet: its Excel number, the JSON value of each column, the label of
    each column found (`B（事项名称）`) and the refusal of each cell its rule refused."""

    n: int
    values: dict[str, Any]
    labels: dict[str, str]
    refused: dict[str, PydanticCustomError] = field(default_factory=dict)


def _key(code: Any) -> Any:
    """Codes are the same code whatever their case."""
    return code.lower() if isinstance(code, str) else code


def _refusal(exc: PydanticCustomError, label: str) -> str:
    return input_message(exc.type, label=label, **(exc.context or {}))


class _Reader:
    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.report = ImportReport()
        self.locations: dict[str, Location] = {}
        self._title: dict[str, str] = {}
        self.max_rows = max_rows()

    def problem(self, sheet: str, row: int | None, column: str, message: str, code: str) -> None:
        self.report.problems.append(
            ImportProblem(message=message, code=code, sheet=sheet, row=row, column=column)
        )

    def cell(self, column: Column, raw: Any) -> tuple[Any, PydanticCustomError | None]:
        """The JSON value of a cell, read with its field's rule, and the rule's refusal:
        a refused value is kept as it is for the schema to name."""
        if is_blank(raw):
            if isinstance(column.rule, SituationConditions):
                return {}, None
            if column.kind in (MULTI, OPTIONS) or isinstance(column.rule, SituationChoices):
                return [], None
            return (None if column.kind in (INT, BOOL) else ""), None
        if column.kind == OPTIONS:
            return [p.strip() for p in OPTION_SPLIT.split(_text(raw)) if p.strip()], None
        try:
            value = column.rule.parse(raw)
        except PydanticCustomError as exc:
            return raw, exc
        return (value.isoformat() if column.kind == DATE else value), None

    def _marker(self, title: str, n: int, label: str, raw: Any) -> bool:
        """Report a cell that holds no value to read (a formula never calculated, an error)."""
        if raw is FORMULA_WITHOUT_VALUE:
            self.problem(
                title,
                n,
                label,
                _(
                    "The cell holds a formula without a calculated value: open the file in Excel and save it, or type the value itself."
                ),
                "FORMULA_WITHOUT_VALUE",
            )
            return True
        if isinstance(raw, CellError):
            self.problem(
                title,
                n,
                label,
                _("The cell shows the error %(error)s instead of a value.") % {"error": raw.text},
                "CELL_ERROR",
            )
            return True
        return False

    def sheet(self, key: str) -> list[_Row]:
        """The rows of one sheet with a value in any cell; problems of the sheet itself
        (missing, a missing column, too many rows, unreadable) go to the report."""
        title, columns = SHEETS[key]
        names = {_zh(title), _en(title), key}
        ws = next((self.wb[n] for n in self.wb.sheetnames if n.strip() in names), None)
        if ws is None:
            if key not in OPTIONAL_SHEETS:
                self.problem(
                    _zh(title),
                    None,
                    "",
                    _("The sheet “%(sheet)s” is missing.") % {"sheet": _zh(title)},
                    "MISSING_SHEET",
                )
            return []
        self._title[key] = ws.title
        by_header = {}
        for c in columns:
            for name in (_zh(c.header), _en(c.header), c.key):
                by_header[name.strip().lower()] = c
        index: dict[int, Column] = {}
        labels: dict[str, str] = {}
        out: list[_Row] = []
        header_seen = False
        n = 0
        try:
            for n, values in sheet_rows(ws, max_rows=self.max_rows + 1, max_col=MAX_COLUMNS):
                if not header_seen:
                    header_seen = True
                    for i, h in enumerate(values):
                        column = by_header.get(_text(h).lower()) if h is not None else None
                        if column is not None and column not in index.values():
                            index[i] = column
                    for c in columns:
                        if c.required and c not in index.values():
                            self.problem(
                                ws.title,
                                n,
                                "",
                                _("The column “%(column)s” is missing.") % {"column": _zh(c.header)},
                                "MISSING_COLUMN",
                            )
                    labels = {
                        c.key: f"{get_column_letter(i + 1)}（{_zh(c.header)}）" for i, c in index.items()
                    }
                    continue
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                    continue
                row = _Row(n, {c.key: self.cell(c, None)[0] for c in columns}, labels)
                for i, column in index.items():
                    raw = values[i]
                    if self._marker(ws.title, n, labels[column.key], raw):
                        continue
                    row.values[column.key], refusal = self.cell(column, raw)
                    if refusal is not None:
                        row.refused[column.key] = refusal
                out.append(row)
        except TooManyRows as exc:
            self.problem(
                ws.title,
                exc.row,
                "",
                _("The sheet has more than %(max)d rows (or rows numbered past them); split the catalog.")
                % {"max": self.max_rows},
                "TOO_MANY_ROWS",
            )
        except UnreadableSheet as exc:
            self.problem(
                ws.title,
                exc.row or None,
                "",
                _("The sheet cannot be read after row %(row)d: the file is damaged or not an Excel workbook.")
                % {"row": exc.row},
                "NOT_XLSX",
            )
        if not header_seen:
            for c in columns:
                if c.required:
                    self.problem(
                        ws.title,
                        1,
                        "",
                        _("The column “%(column)s” is missing.") % {"column": _zh(c.header)},
                        "MISSING_COLUMN",
                    )
        return out

    def at(self, path: str, key: str, n: int, column: str = "") -> None:
        self.locations[path] = Location(self._title[key], n, column)

    def info(self, data: dict[str, Any]) -> None:
        """The format and the center from the first rows of the instructions sheet."""
        info_names = {_zh(INSTRUCTIONS), _en(INSTRUCTIONS)}
        ws = next((self.wb[n] for n in self.wb.sheetnames if n in info_names), None)
        if ws is None:
            return
        try:
            for _n, values in sheet_rows(ws, max_rows=5, max_col=2):
                if any(isinstance(v, CellError) or v is FORMULA_WITHOUT_VALUE for v in values):
                    continue
                label = _text(values[0] or "")
                if label in (_zh(FORMAT_LABEL), _en(FORMAT_LABEL)):
                    data["format"] = _text(values[1] or "") or FORMAT
                if label in (_zh(CENTER_LABEL), _en(CENTER_LABEL)):
                    data["center"] = _text(values[1] or "")
        except TooManyRows:
            pass  # only the first five rows are read
        except UnreadableSheet:
            self.problem(ws.title, None, "", _("The file is not an Excel workbook (.xlsx)."), "NOT_XLSX")

    def group_rows(self, key: str, group_key: str, shared: tuple[str, ...], data: dict[str, Any]) -> None:
        """The 清单 / 一件事 sheets: rows with the same name (code) form one list (bundle).
        Every row is read: a shared column filled on several rows must say the same on each
        (`ROW_MISMATCH`), and a value its rule refuses is named on its own row."""
        groups: dict[Any, tuple[int, dict[str, Any], dict[str, int]]] = {}
        headers = {c.key: _zh(c.header) for c in SHEETS[key][1]}
        for row in self.sheet(key):
            name = row.values[group_key]
            found = groups.get(_key(name))
            if found is None:
                j = len(data[key])
                group = {("kind" if k == "list_kind" else k): row.values[k] for k in (group_key, *shared)}
                group["items"] = []
                data[key].append(group)
                groups[_key(name)] = found = (j, group, dict.fromkeys(shared, row.n))
                self.at(f"{key}[{j}]", key, row.n, row.labels.get(group_key, ""))
                for k, label in row.labels.items():
                    self.at(f"{key}[{j}].{'kind' if k == 'list_kind' else k}", key, row.n, label)
            else:
                j, group, first = found
                for k in shared:
                    gk = "kind" if k == "list_kind" else k
                    value, label = row.values[k], row.labels.get(k, "")
                    if is_blank(value):
                        continue
                    if k in row.refused:
                        self.problem(
                            self._title[key],
                            row.n,
                            label,
                            _refusal(row.refused[k], label),
                            row.refused[k].type,
                        )
                    elif is_blank(group[gk]):
                        group[gk], first[k] = value, row.n
                        self.at(f"{key}[{j}].{gk}", key, row.n, label)
                    elif value != group[gk]:
                        self.problem(
                            self._title[key],
                            row.n,
                            label,
                            _(
                                "“%(column)s” of “%(group)s” is “%(first)s” on row %(row)d and “%(other)s” here."
                            )
                            % {
                                "column": headers[k],
                                "group": name,
                                "first": group[gk],
                                "row": first[k],
                                "other": value,
                            },
                            "ROW_MISMATCH",
                        )
            if row.values["item"]:
                self.at(f"{key}[{j}].items[{len(group['items'])}]", key, row.n, row.labels.get("item", ""))
                group["items"].append(row.values["item"])


def xlsx_to_data(content: bytes) -> tuple[dict[str, Any], ImportReport]:
    """Read a catalog workbook into the JSON shape. The report lists the problems of the
    file itself (too large, not a workbook, a missing sheet or column, too many rows, a
    formula without a value, rows of one list that disagree, a row for an unknown item)
    and carries the cell of every JSON path in `report.locations` for `catalog_import`."""
    try:
        check_file_size(len(content))
        check_xlsx_archive(content)
    except CatalogImportError as exc:
        return {}, exc.report
    try:
        wb = open_workbook(content)
    except WorkbookRefused as exc:  # a part openpyxl would build objects of whole is too large
        return {}, ImportReport(problems=[ImportProblem(message=exc.message, code=exc.code)])
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        report = ImportReport()
        report.problems.append(
            ImportProblem(message=_("The file is not an Excel workbook (.xlsx)."), code="NOT_XLSX")
        )
        return {}, report
    try:
        return _read(_Reader(wb))
    finally:
        wb.close()


def _read(r: _Reader) -> tuple[dict[str, Any], ImportReport]:
    data: dict[str, Any] = {
        "format": FORMAT,
        "center": "",
        "departments": [],
        "items": [],
        "lists": [],
        "bundles": [],
    }
    r.info(data)

    for row in r.sheet("departments"):
        j = len(data["departments"])
        data["departments"].append({k: row.values[k] for k in DEPARTMENT_FIELDS})
        r.at(f"departments[{j}]", "departments", row.n, row.labels.get("code", ""))
        for key, label in row.labels.items():
            r.at(f"departments[{j}].{key}", "departments", row.n, label)

    items: dict[Any, int] = {}
    for row in r.sheet("items"):
        i = len(data["items"])
        values = row.values
        version = {k: values[k] for k in values if k not in ITEM_FIELDS}
        version.update(materials=[], form_fields=[], stages=[], questions=[])
        item = {k: values[k] for k in ITEM_FIELDS}
        item["version"] = version
        data["items"].append(item)
        if values["code"]:
            items.setdefault(_key(values["code"]), i)
        r.at(f"items[{i}]", "items", row.n)
        r.at(f"items[{i}].version", "items", row.n)
        for key, label in row.labels.items():
            prefix = f"items[{i}]" if key in ITEM_FIELDS else f"items[{i}].version"
            r.at(f"{prefix}.{key}", "items", row.n, label)
        r.at(f"items[{i}].version.stages", "items", row.n, row.labels.get("promised_limit_days", ""))

    def owner(key: str, row: _Row) -> int | None:
        code = row.values.pop("item")
        label = row.labels.get("item", "")
        if is_blank(code):
            r.problem(r._title[key], row.n, label, _("Fill in the item code."), "FIELD_REQUIRED")
            return None
        if _key(code) not in items:
            r.problem(
                r._title[key],
                row.n,
                label,
                _("Item code “%(code)s” is not on the items sheet.") % {"code": code},
                "UNKNOWN_ITEM",
            )
            return None
        return items[_key(code)]

    for sheet_key, spec in (
        ("materials", MATERIAL_FIELDS),
        ("form_fields", FORM_FIELD_FIELDS),
        ("questions", QUESTION_FIELDS),
    ):
        for row in r.sheet(sheet_key):
            i = owner(sheet_key, row)
            if i is None:
                continue
            rows = data["items"][i]["version"][sheet_key]
            m = len(rows)
            rows.append({k: row.values[k] for k in spec})
            r.at(f"items[{i}].version.{sheet_key}[{m}]", sheet_key, row.n)
            for key, label in row.labels.items():
                r.at(f"items[{i}].version.{sheet_key}[{m}].{key}", sheet_key, row.n, label)

    stage_rows: dict[tuple[int, int], tuple[int, dict[str, Any], list[_Row]]] = {}
    for row in r.sheet("tasks"):
        i = owner("tasks", row)
        if i is None:
            continue
        order = row.values["stage_order"]
        if type(order) is not int or not 1 <= order <= MAX_STAGES:
            r.problem(
                r._title["tasks"],
                row.n,
                row.labels.get("stage_order", ""),
                _("The stage number must be a whole number from 1 to %(max)d, not “%(value)s”.")
                % {"max": MAX_STAGES, "value": "" if order is None else order},
                "INVALID_NUMBER",
            )
            continue
        name = row.values["stage_name"]
        entry = stage_rows.setdefault((i, order), (row.n, {"name": name}, []))
        if name and entry[1]["name"] and name != entry[1]["name"]:
            r.problem(
                r._title["tasks"],
                row.n,
                row.labels.get("stage_name", ""),
                _("Stage %(order)d is named “%(first)s” on row %(row)d and “%(other)s” here.")
                % {"order": order, "first": entry[1]["name"], "row": entry[0], "other": name},
                "STAGE_NAME_MISMATCH",
            )
        entry[2].append(row)
    for (i, _order), (n, stage, task_rows) in sorted(stage_rows.items()):
        version = data["items"][i]["version"]
        s = len(version["stages"])
        stage_labels = task_rows[0].labels
        tasks = []
        for t, row in enumerate(task_rows):
            if not row.values["name"] and len(task_rows) == 1:
                break  # a stage row without a task
            tasks.append({k: row.values[k] for k in TASK_FIELDS})
            r.at(f"items[{i}].version.stages[{s}].tasks[{t}]", "tasks", row.n)
            for key, label in row.labels.items():
                r.at(f"items[{i}].version.stages[{s}].tasks[{t}].{key}", "tasks", row.n, label)
        version["stages"].append({"name": stage["name"], "tasks": tasks})
        r.at(f"items[{i}].version.stages[{s}]", "tasks", n, stage_labels.get("stage_name", ""))
        r.at(f"items[{i}].version.stages[{s}].name", "tasks", n, stage_labels.get("stage_name", ""))

    r.group_rows("lists", "name", ("list_kind", "published_on"), data)
    r.group_rows("bundles", "code", ("name", "description", "is_active"), data)
    for bundle in data["bundles"]:
        if bundle["is_active"] is None:
            bundle["is_active"] = True
    r.report.locations = r.locations
    return data, r.report
