"""The batch sheet as a file format: its columns and headers, the template workbook, reading cells.

The sheet is an exchange format the center hands out: headers are written in Chinese and
read in Chinese or English (ignoring blanks and '*'). Cells are read by the one input
layer (`core.inputs`): text as its text rule reads it, yes/no words and delivery methods by
its yes/no and choice rules, with the sheet's own few words on top (已收 / 容缺 / 缺 for a
material, 领取 / 邮政寄递 / 电子送达 for a delivery method). Whether a value is allowed is
decided in `batch`, by the engine's and org's rules.

Headers are unambiguous by construction (`columns_of`): a form field labelled like a fixed
column (申请人名称 in every demo item) *is* that column when it is a text field — one
cell answers both — and any other label or material name already taken gets its key or
code added (`营业执照（licence_copy）`), so no two columns share a header in either language.

The file is bounded before and while it is read (`core.xlsx`, the same reader as the
catalog import): at most `max_bytes()` (setting `ONEWINDOW_BATCH_MAX_BYTES`, 10 MiB), its
archive checked for zip and XML bombs before openpyxl opens it, its first sheet read
streaming, at most `max_rows()` applicant rows (setting `ONEWINDOW_BATCH_MAX_ROWS`,
5,000) whatever dimension it declares; a file refused as a whole is a `CaseError`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic_core import PydanticCustomError

from onewindow.cases.channels.errors import channel_error
from onewindow.cases.errors import CaseError, case_error
from onewindow.cases.models import ApplicationMaterial
from onewindow.cases.plans import VersionPlan, version_plan
from onewindow.catalog.models import DeliveryMethod, FormField, ServiceItem
from onewindow.catalog.selectors import item_published_version
from onewindow.core import xlsx as workbook
from onewindow.core.inputs import TEXT_MAX_LENGTH, is_blank, parse_choice, parse_text, parse_yes_no
from onewindow.org.models import Applicant

MAX_BYTES = 10 * 1024 * 1024
"""The largest file read (a sheet of 5,000 applicants is well under 1 MiB)."""
MAX_ROWS = 5_000
"""Applicant rows per sheet (the header not counted): a larger batch is several sheets."""
EXTRA_COLUMNS = 50
"""Columns read past the template's own (a clerk's notes, a row number): the rest are not read."""
MAX_HEADER_LENGTH = 300
"""A header cell longer than this names no column (a label is at most 100 characters)."""


def max_bytes() -> int:
    return workbook.bound("ONEWINDOW_BATCH_MAX_BYTES", MAX_BYTES)


def max_rows() -> int:
    return workbook.bound("ONEWINDOW_BATCH_MAX_ROWS", MAX_ROWS)


@dataclass(frozen=True)
class BatchColumn:
    """One column of the batch sheet. `kind`: fixed (applicant data), field (a form field of the
    item's published version, header = its Chinese label) or material (header = its name).
    `form_key`: the form field a fixed column answers too (a text field of the same label).
    `max_length`: the most characters a cell may hold (the model's limit, or the text rule's)."""

    key: str
    header: str
    kind: str
    required: bool
    help: str = ""
    field_kind: str = ""
    choices: tuple[str, ...] = ()
    tolerable: bool = False
    form_key: str = ""
    max_length: int = TEXT_MAX_LENGTH


# The fixed columns: key, header, required, what to fill in.
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

# The sheet's own words for a material, besides every yes/no word (yes: received, no:
# missing); Chinese or English.
MATERIAL_RECEIVED = ("已收", "received")
MATERIAL_TOLERATED = ("容缺", "tolerated", "pending")
MATERIAL_MISSING = ("缺", "missing")
# The sheet's own words for a delivery method, besides its code and its label in Chinese or
# English (窗口领取, 邮寄, 电子).
DELIVERY_WORDS = {
    "领取": DeliveryMethod.PICKUP,
    "邮政寄递": DeliveryMethod.MAIL,
    "电子送达": DeliveryMethod.ELECTRONIC,
}


def norm(value: str) -> str:
    """A header or word as compared: no blanks or '*', lower case."""
    return re.sub(r"[\s*＊]+", "", value or "").lower()


def _both_languages(text: Any) -> set[str]:
    out = set()
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            out.add(norm(str(text)))
    return out


def cell_text(value: Any) -> str:
    """A cell as the text rule reads it (5.0 → "5", a date → 2026-01-05); a cell that is not
    text (a yes/no cell) as it prints."""
    try:
        return parse_text(value, max_length=1 << 20)
    except PydanticCustomError:
        return str(value).strip()


def delivery_method(value: Any) -> str | None:
    """The delivery method a cell names (a sheet word, a code or a label); "" when blank,
    None when it names none."""
    if is_blank(value):
        return ""
    text = cell_text(value)
    word = DELIVERY_WORDS.get(norm(text))
    if word is not None:
        return str(word)
    try:
        return parse_choice(text, DeliveryMethod)
    except PydanticCustomError:
        return None


def material_mark(raw: Any) -> str | None:
    """A material cell as the material's status: received (已收 or any yes word), pending
    (容缺: follows later), missing (缺, any no word, or empty); None for anything else."""
    word = cell_text(raw).lower()
    if word in MATERIAL_RECEIVED:
        return ApplicationMaterial.Status.RECEIVED
    if word in MATERIAL_TOLERATED:
        return ApplicationMaterial.Status.PENDING
    if not word or word in MATERIAL_MISSING:
        return ApplicationMaterial.Status.MISSING
    try:
        received = parse_yes_no(raw)
    except PydanticCustomError:
        return None
    return ApplicationMaterial.Status.RECEIVED if received else ApplicationMaterial.Status.MISSING


def _fixed_max_length(key: str) -> int:
    """A fixed cell's limit: the applicant's name as the org model stores it, the rest the
    text rule's (ID numbers, mobiles and words are checked by their own rules after)."""
    if key == "name":
        return int(Applicant._meta.get_field("name").max_length or TEXT_MAX_LENGTH)
    return TEXT_MAX_LENGTH


def _unique_header(label: str, key: str, taken: set[str]) -> str:
    """`label`, or when a column is already read by that name `label（key）` (then with a
    number): every header of a sheet names one column, in either language."""
    candidates = [label, f"{label}（{key}）"]
    n = 2
    while True:
        for header in candidates:
            name = norm(header)
            if name and name not in taken:
                taken.add(name)
                return header
        candidates = [f"{label}（{key}）{n}"]
        n += 1


def published_plan(item: ServiceItem) -> VersionPlan:
    """The plan of the item's published version, the one a batch applies for."""
    version = item_published_version(item)
    if version is None:
        raise case_error("NO_PUBLISHED_VERSION", field="item", item=item.name)
    return version_plan(version.pk)


def columns_of(plan: VersionPlan) -> list[BatchColumn]:
    """The sheet's columns for a version's plan, in order: fixed, form fields, 情形
    questions, materials (only those that apply under a row's answers are read).

    No two columns are read by the same header (Chinese or English, blanks and '*' aside):
    a text field labelled like a fixed column is answered by that column (required if
    either is), any other clashing label or name gets its key or code added."""
    with translation.override("zh-hans"):
        columns = [
            BatchColumn(key, str(header), "fixed", req, str(help), max_length=_fixed_max_length(key))
            for key, header, req, help in FIXED_COLUMNS
        ]
        taken: set[str] = set()
        fixed_by_name: dict[str, int] = {}
        for i, (_key, label, _req, _help) in enumerate(FIXED_COLUMNS):
            for name in _both_languages(label):
                taken.add(name)
                fixed_by_name[name] = i
        for f in plan.form_fields:
            same = fixed_by_name.get(norm(f.label))
            if same is not None and f.kind == FormField.Kind.TEXT and not columns[same].form_key:
                fixed = columns[same]
                columns[same] = replace(fixed, form_key=f.key, required=fixed.required or f.required)
                continue
            columns.append(
                BatchColumn(
                    f"form:{f.key}",
                    _unique_header(f.label, f.key, taken),
                    "field",
                    f.required,
                    str(FormField.Kind(f.kind).label),
                    field_kind=f.kind,
                    choices=f.choices,
                )
            )
        for q in plan.questions:  # 情形: the answer picks which material columns are read
            labels = tuple(label for _code, label in q.choices)
            columns.append(
                BatchColumn(
                    f"situation:{q.code}",
                    _unique_header(q.text, q.code, taken),
                    "situation",
                    True,
                    " / ".join(labels),
                    choices=labels,
                )
            )
        for m in plan.materials:
            columns.append(
                BatchColumn(
                    f"material:{m.code}",
                    _unique_header(m.name, m.code, taken),
                    "material",
                    m.required,
                    "已收 / 容缺 / 缺" if m.tolerable else "已收 / 缺",
                    tolerable=m.tolerable,
                )
            )
    return columns


def batch_columns(*, item: ServiceItem) -> list[BatchColumn]:
    """The sheet's columns for the item's published version, in order (one query once the
    version's plan is read)."""
    return columns_of(published_plan(item))


def _choices(col: BatchColumn) -> list[str]:
    """The values a template column offers in its drop-down list."""
    if col.key == "delivery_method":
        return ["窗口领取", "邮寄", "电子送达"]
    if col.kind == "material":
        return ["已收", "容缺", "缺"] if col.tolerable else ["已收", "缺"]
    if col.kind == "situation":
        return list(col.choices)
    if col.field_kind == FormField.Kind.CHOICE and col.choices:
        return list(col.choices)
    if col.field_kind == FormField.Kind.BOOLEAN:
        return ["是", "否"]
    return []


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
            choices = _choices(col)
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
            if col.form_key:
                what += " " + _("Also the answer to the form question of the same name.")
            if col.choices:
                what = f"{what}: {'、'.join(col.choices)}"
            info.append([col.header, _("yes") if col.required else _("no"), what])
        info.column_dimensions["A"].width = 30
        info.column_dimensions["B"].width = 10
        info.column_dimensions["C"].width = 80
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def batch_check_size(size: int) -> None:
    """Refuse a file larger than `max_bytes()` (BATCH_FILE_TOO_LARGE): the page and the
    command call it with the upload's or the file's size before reading it."""
    limit = max_bytes()
    if size > limit:
        raise channel_error(
            "BATCH_FILE_TOO_LARGE", field="xlsx", size=workbook.mib(size), max=workbook.mib(limit)
        )


def read_sheet(xlsx: bytes, *, width: int) -> Iterator[tuple[int, list[Any]]]:
    """The first sheet's rows, streaming: (row number as Excel shows it, the first `width`
    cell values) for each row the sheet stores, the header first.

    Checked before anything is parsed, raising a `CaseError` at once: the size
    (BATCH_FILE_TOO_LARGE), the archive (zip and XML bombs: BATCH_FILE_TOO_LARGE,
    BATCH_FILE_INVALID), and that it opens as a workbook (BATCH_FILE_INVALID). While the
    rows are read: more than `max_rows()` applicant rows, or a row numbered past them,
    stops the reading (BATCH_TOO_MANY_ROWS, naming the row), and a part openpyxl cannot
    read is BATCH_FILE_DAMAGED. A cell holds a value, `FORMULA_WITHOUT_VALUE` or a
    `CellError` (`core.xlsx`); a formula is read by the value Excel calculated."""
    batch_check_size(len(xlsx))
    try:
        workbook.check_archive(xlsx)
        wb = workbook.open_workbook(xlsx)
        ws = wb.worksheets[0]
    except workbook.WorkbookRefused as exc:
        code = "BATCH_FILE_TOO_LARGE" if exc.code == "ZIP_TOO_LARGE" else "BATCH_FILE_INVALID"
        raise CaseError(code, exc.message, "xlsx") from None
    except Exception as exc:  # openpyxl raises zipfile, KeyError, InvalidFileException…
        raise channel_error("BATCH_FILE_INVALID", field="xlsx") from exc
    return _rows(wb, ws, width)


def _rows(wb: Any, ws: Any, width: int) -> Iterator[tuple[int, list[Any]]]:
    limit = max_rows()
    try:
        yield from workbook.sheet_rows(ws, max_rows=limit + 1, max_col=width)  # + the header
    except workbook.TooManyRows as exc:
        raise channel_error("BATCH_TOO_MANY_ROWS", field="xlsx", max=limit, row=exc.row) from None
    except workbook.UnreadableSheet as exc:
        raise channel_error("BATCH_FILE_DAMAGED", field="xlsx", row=exc.row) from None
    finally:
        wb.close()


def column_letter(index: int) -> str:
    """A column as Excel names it (C) from its index in the row (0 for A)."""
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def cell_name(index: int, row: int) -> str:
    """A cell as Excel names it (C7)."""
    return f"{column_letter(index)}{row}"


def _header_name(cell: Any) -> str:
    """A header cell as compared; "" for a cell that names no column (no text, or longer
    than any header)."""
    if isinstance(cell, str) and len(cell) > MAX_HEADER_LENGTH:
        return ""
    if cell is None or isinstance(cell, bool | workbook.CellError) or cell is workbook.FORMULA_WITHOUT_VALUE:
        return ""
    return norm(cell_text(cell))


def map_headers(header: Iterable[Any], columns: list[BatchColumn]) -> dict[str, int]:
    """Column key → index in the sheet. A header cell names a column by its header, in
    Chinese or English, ignoring blanks and '*'; else by the field key / material code (or
    a fixed column's form field key) when that alias belongs to one column only.
    BATCH_COLUMN_TWICE when two cells name one column, BATCH_COLUMN_MISSING naming a
    required column the sheet lacks."""
    fixed_labels = {key: label for key, label, _r, _h in FIXED_COLUMNS}
    headers = {norm(col.header): col.key for col in columns}
    owners: dict[str, set[str]] = {}
    for col in columns:
        names = set()
        if col.kind == "fixed":
            names |= _both_languages(fixed_labels[col.key])
            if col.form_key:
                names.add(norm(col.form_key))
        else:
            names.add(norm(col.key.split(":", 1)[1]))
        for name in names:
            owners.setdefault(name, set()).add(col.key)
    aliases = {
        name: next(iter(keys)) for name, keys in owners.items() if len(keys) == 1 and name not in headers
    }
    by_key = {col.key: col for col in columns}
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = _header_name(cell)
        key = headers.get(name) or aliases.get(name)
        if key is None:
            continue
        if key in found:
            raise channel_error(
                "BATCH_COLUMN_TWICE",
                field="xlsx",
                column=by_key[key].header,
                first=column_letter(found[key]),
                second=column_letter(i),
            )
        found[key] = i
    for col in columns:
        if col.required and col.key not in found:
            raise channel_error("BATCH_COLUMN_MISSING", field="xlsx", column=col.header)
    return found
