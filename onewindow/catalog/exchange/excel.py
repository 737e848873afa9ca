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
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic_core import PydanticCustomError

from onewindow.catalog.errors import ImportProblem, ImportReport, Location
from onewindow.catalog.exchange.schema import (
    FORM_FIELD_FIELDS,
    FORMAT,
    ITEM_FIELDS,
    MATERIAL_FIELDS,
    TASK_FIELDS,
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
    OPTIONS,
    SHEETS,
    TEXT,
    Column,
)
from onewindow.core.inputs import allowed_values, is_blank, parse_text


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
    for item in data.get("items", []):
        version = item.get("version", {})
        rows["items"].append({**version, **{k: item.get(k) for k in ITEM_FIELDS}})
        for m in version.get("materials", []):
            rows["materials"].append({"item": item["code"], **m})
        for f in version.get("form_fields", []):
            rows["form_fields"].append({"item": item["code"], **f})
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
                "Enumerations accept the Chinese label or the code in brackets; yes/no columns accept 是 or 否. Departments and sectors are given by their codes and must already exist in the center."
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


class _Reader:
    def __init__(self) -> None:
        self.report = ImportReport()
        self.locations: dict[str, Location] = {}
        self._title: dict[str, str] = {}

    def problem(self, sheet: str, row: int | None, column: str, message: str, code: str) -> None:
        self.report.problems.append(
            ImportProblem(message=message, code=code, sheet=sheet, row=row, column=column)
        )

    def value(self, column: Column, raw: Any) -> Any:
        """The JSON value of a cell, read with its field's rule; what the rule refuses is
        kept as it is for the schema to name."""
        if is_blank(raw):
            if column.kind in (MULTI, OPTIONS):
                return []
            return None if column.kind in (INT, BOOL) else ""
        if column.kind == OPTIONS:
            return [p.strip() for p in OPTION_SPLIT.split(_text(raw)) if p.strip()]
        try:
            value = column.rule.parse(raw)
        except PydanticCustomError:
            return raw
        return value.isoformat() if column.kind == DATE else value

    def sheet(self, wb: Any, key: str) -> list[tuple[int, dict[str, Any], dict[str, str]]]:
        """Rows of one sheet as (excel row number, {key: value}, {key: column label})."""
        title, columns = SHEETS[key]
        names = {_zh(title), _en(title), key}
        ws = next((wb[n] for n in wb.sheetnames if n.strip() in names), None)
        if ws is None:
            if key in ("form_fields", "lists", "bundles"):  # optional tables
                return []
            self.problem(
                _zh(title),
                None,
                "",
                _("The sheet “%(sheet)s” is missing.") % {"sheet": _zh(title)},
                "MISSING_SHEET",
            )
            return []
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None) or ()
        by_header = {}
        for c in columns:
            for name in (_zh(c.header), _en(c.header), c.key):
                by_header[name.strip().lower()] = c
        index: dict[int, Column] = {}
        for i, h in enumerate(header):
            column = by_header.get(_text(h).lower())
            if column is not None and column not in index.values():
                index[i] = column
        missing = [c for c in columns if c.required and c not in index.values()]
        for c in missing:
            self.problem(
                ws.title,
                1,
                "",
                _("The column “%(column)s” is missing.") % {"column": _zh(c.header)},
                "MISSING_COLUMN",
            )
        labels = {c.key: f"{get_column_letter(i + 1)}（{_zh(c.header)}）" for i, c in index.items()}
        out = []
        for n, values in enumerate(rows, start=2):
            if not values or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            row = {c.key: self.value(c, None) for c in columns}
            for i, column in index.items():
                row[column.key] = self.value(column, values[i] if i < len(values) else None)
            out.append((n, row, labels))
        self._title[key] = ws.title
        return out

    def at(self, path: str, key: str, n: int, column: str = "") -> None:
        self.locations[path] = Location(self._title[key], n, column)


def xlsx_to_data(content: bytes) -> tuple[dict[str, Any], ImportReport]:
    """Read a catalog workbook into the JSON shape. The report lists structural problems
    (missing sheet or column, a row for an unknown item) and carries the cell of every
    JSON path in `report.locations` for `catalog_import`."""
    r = _Reader()
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        r.problem("", None, "", _("The file is not an Excel workbook (.xlsx)."), "NOT_XLSX")
        return {}, r.report
    data: dict[str, Any] = {"format": FORMAT, "center": "", "items": [], "lists": [], "bundles": []}
    info_names = {_zh(INSTRUCTIONS), _en(INSTRUCTIONS)}
    info = next((wb[n] for n in wb.sheetnames if n in info_names), None)
    if info is not None:
        for values in info.iter_rows(min_row=1, max_row=5, max_col=2, values_only=True):
            label = _text(values[0] if values else "")
            if label in (_zh(FORMAT_LABEL), _en(FORMAT_LABEL)):
                data["format"] = _text(values[1]) or FORMAT
            if label in (_zh(CENTER_LABEL), _en(CENTER_LABEL)):
                data["center"] = _text(values[1])

    items: dict[str, dict[str, Any]] = {}
    item_index: dict[str, int] = {}
    for n, row, labels in r.sheet(wb, "items"):
        i = len(data["items"])
        version = {k: row[k] for k in row if k not in ITEM_FIELDS}
        version.update(materials=[], form_fields=[], stages=[])
        item = {k: row[k] for k in ITEM_FIELDS}
        item["version"] = version
        data["items"].append(item)
        if row["code"] and row["code"] not in items:
            items[row["code"]], item_index[row["code"]] = item, i
        r.at(f"items[{i}]", "items", n)
        r.at(f"items[{i}].version", "items", n)
        for key, label in labels.items():
            prefix = f"items[{i}]" if key in ITEM_FIELDS else f"items[{i}].version"
            r.at(f"{prefix}.{key}", "items", n, label)
        r.at(f"items[{i}].version.stages", "items", n, labels.get("promised_limit_days", ""))

    def owner(
        key: str, n: int, row: dict[str, Any], labels: dict[str, str]
    ) -> tuple[int, dict[str, Any]] | None:
        code = row.pop("item")
        if code not in items:
            r.problem(
                r._title[key],
                n,
                labels.get("item", ""),
                _("Item code “%(code)s” is not on the items sheet.") % {"code": code},
                "UNKNOWN_ITEM",
            )
            return None
        return item_index[code], items[code]["version"]

    for sheet_key, list_key, spec in (
        ("materials", "materials", MATERIAL_FIELDS),
        ("form_fields", "form_fields", FORM_FIELD_FIELDS),
    ):
        for n, row, labels in r.sheet(wb, sheet_key):
            found = owner(sheet_key, n, row, labels)
            if found is None:
                continue
            i, version = found
            m = len(version[list_key])
            version[list_key].append({k: row[k] for k in spec})
            r.at(f"items[{i}].version.{list_key}[{m}]", sheet_key, n)
            for key, label in labels.items():
                r.at(f"items[{i}].version.{list_key}[{m}].{key}", sheet_key, n, label)

    stage_rows: dict[
        tuple[int, int], tuple[int, dict[str, Any], list[tuple[int, dict[str, Any], dict[str, str]]]]
    ] = {}
    for n, row, labels in r.sheet(wb, "tasks"):
        found = owner("tasks", n, row, labels)
        if found is None:
            continue
        i, _version = found
        order = row["stage_order"]
        if type(order) is not int or order < 1:
            r.problem(
                r._title["tasks"],
                n,
                labels.get("stage_order", ""),
                _("The stage number must be a whole number from 1, not “%(value)s”.")
                % {"value": order or ""},
                "INVALID_NUMBER",
            )
            continue
        entry = stage_rows.setdefault((i, order), (n, {"name": row["stage_name"]}, []))
        if row["stage_name"] and entry[1]["name"] and row["stage_name"] != entry[1]["name"]:
            r.problem(
                r._title["tasks"],
                n,
                labels.get("stage_name", ""),
                _("Stage %(order)d is named “%(first)s” on row %(row)d and “%(other)s” here.")
                % {"order": order, "first": entry[1]["name"], "row": entry[0], "other": row["stage_name"]},
                "STAGE_NAME_MISMATCH",
            )
        entry[2].append((n, row, labels))
    for (i, _order), (n, stage, task_rows) in sorted(stage_rows.items()):
        version = data["items"][i]["version"]
        s = len(version["stages"])
        stage_labels = task_rows[0][2]
        tasks = []
        for t, (tn, row, labels) in enumerate(task_rows):
            if not row["name"] and len(task_rows) == 1:
                break  # a stage row without a task
            tasks.append({k: row[k] for k in TASK_FIELDS})
            r.at(f"items[{i}].version.stages[{s}].tasks[{t}]", "tasks", tn)
            for key, label in labels.items():
                r.at(f"items[{i}].version.stages[{s}].tasks[{t}].{key}", "tasks", tn, label)
        version["stages"].append({"name": stage["name"], "tasks": tasks})
        r.at(f"items[{i}].version.stages[{s}]", "tasks", n, stage_labels.get("stage_name", ""))
        r.at(f"items[{i}].version.stages[{s}].name", "tasks", n, stage_labels.get("stage_name", ""))

    for key, group_key in (("lists", "name"), ("bundles", "code")):
        groups: dict[str, dict[str, Any]] = {}
        for n, row, labels in r.sheet(wb, key):
            name = row[group_key]
            group = groups.get(name)
            if group is None:
                j = len(data[key])
                if key == "lists":
                    group = {
                        "kind": row["list_kind"],
                        "name": name,
                        "published_on": row["published_on"],
                        "items": [],
                    }
                else:
                    group = {k: row[k] for k in ("code", "name", "description", "is_active")}
                    group["items"] = []
                    if group["is_active"] is None:
                        group["is_active"] = True
                groups[name] = group
                data[key].append(group)
                r.at(f"{key}[{j}]", key, n, labels.get(group_key, ""))
                for k, label in labels.items():
                    r.at(f"{key}[{j}].{'kind' if k == 'list_kind' else k}", key, n, label)
            j = data[key].index(group)
            if row["item"]:
                r.at(f"{key}[{j}].items[{len(group['items'])}]", key, n, labels.get("item", ""))
                group["items"].append(row["item"])
    r.report.locations = r.locations
    return data, r.report
