"""The batch sheet as a file format: its columns and headers, the template workbook, reading cells.

The sheet is an exchange format the center hands out: headers are written in Chinese and
read in Chinese or English (ignoring blanks and '*'). Cells are read by the one input
layer (`core.inputs`): text as its text rule reads it, yes/no words and delivery methods by
its yes/no and choice rules, with the sheet's own few words on top (已收 / 容缺 / 缺 for a
material, 领取 / 邮政寄递 / 电子送达 for a delivery method). Whether a value is allowed is
decided in `batch`, by the engine's and org's rules.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic_core import PydanticCustomError

from onewindow.cases.channels.errors import channel_error
from onewindow.cases.errors import case_error
from onewindow.cases.models import ApplicationMaterial
from onewindow.cases.selectors import VersionPlan, version_plan
from onewindow.catalog.models import DeliveryMethod, FormField, ServiceItem
from onewindow.catalog.selectors import item_published_version
from onewindow.core.inputs import is_blank, parse_choice, parse_text, parse_yes_no


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


def published_plan(item: ServiceItem) -> VersionPlan:
    """The plan of the item's published version, the one a batch applies for."""
    version = item_published_version(item)
    if version is None:
        raise case_error("NO_PUBLISHED_VERSION", field="item", item=item.name)
    return version_plan(version.pk)


def columns_of(plan: VersionPlan) -> list[BatchColumn]:
    """The sheet's columns for a version's plan, in order: fixed, form fields, materials."""
    with translation.override("zh-hans"):
        columns = [
            BatchColumn(key, str(header), "fixed", req, str(help)) for key, header, req, help in FIXED_COLUMNS
        ]
        for f in plan.form_fields:
            columns.append(
                BatchColumn(
                    f"form:{f.key}",
                    f.label,
                    "field",
                    f.required,
                    str(FormField.Kind(f.kind).label),
                    field_kind=f.kind,
                    choices=f.choices,
                )
            )
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
            if col.choices:
                what = f"{what}: {'、'.join(col.choices)}"
            info.append([col.header, _("yes") if col.required else _("no"), what])
        info.column_dimensions["A"].width = 30
        info.column_dimensions["B"].width = 10
        info.column_dimensions["C"].width = 80
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def read_sheet(xlsx: bytes) -> list[tuple[int, list[Any]]]:
    """The first sheet's rows as (row number as Excel shows it, cell values); BATCH_FILE_INVALID
    when the bytes are not an xlsx workbook."""
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


def map_headers(header: Iterable[Any], columns: list[BatchColumn]) -> dict[str, int]:
    """Column key → index in the sheet. Headers match in Chinese or English, ignoring blanks and
    '*', or by the field key / material code; BATCH_COLUMN_MISSING names a required column
    the sheet lacks."""
    aliases: dict[str, str] = {}
    fixed_labels = {key: label for key, label, _r, _h in FIXED_COLUMNS}
    for col in columns:
        names = {norm(col.header)}
        if col.kind == "fixed":
            names |= _both_languages(fixed_labels[col.key])
        else:
            names.add(norm(col.key.split(":", 1)[1]))
        for name in names:
            aliases.setdefault(name, col.key)
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = aliases.get(norm(cell_text(cell)))
        if key is not None and key not in found:
            found[key] = i
    for col in columns:
        if col.required and col.key not in found:
            raise channel_error("BATCH_COLUMN_MISSING", field="xlsx", column=col.header)
    return found
