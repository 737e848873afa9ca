"""Workbooks written by hand, part by part: what openpyxl would never write (a formula
without a cached value, a declared dimension of XFD200000, a zip bomb, a broken cell).
The catalog's and the batch sheet's tests and their property-based run (fuzz_readers) use it.

`workbook({"事项": sheet_xml(rows)})` gives the bytes of an .xlsx whose sheets hold the
given XML. A row is a list of cells; a cell is a value (text, a number, a bool) or a
`Raw` holding the cell's XML as it should be written."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
WB_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


@dataclass(frozen=True)
class Raw:
    """A cell written as it is: `<c r="{ref}" {attrs}>{inner}</c>`."""

    inner: str = ""
    attrs: str = ""


def cell_xml(ref: str, value: object) -> str:
    if isinstance(value, Raw):
        return f'<c r="{ref}" {value.attrs}>{value.inner}</c>'
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def sheet_xml(
    rows: Iterable[Iterable[object]], *, dimension: str = "", first_row: int = 1, merged: Iterable[str] = ()
) -> str:
    """A worksheet of `rows` from row `first_row` on; `merged`: ranges such as "A2:A3"."""
    parts = [f'<worksheet xmlns="{MAIN}">']
    if dimension:
        parts.append(f'<dimension ref="{dimension}"/>')
    parts.append("<sheetData>")
    for n, row in enumerate(rows, start=first_row):
        cells = "".join(cell_xml(f"{get_column_letter(c)}{n}", v) for c, v in enumerate(row, start=1))
        parts.append(f'<row r="{n}">{cells}</row>')
    parts.append("</sheetData>")
    refs = list(merged)
    if refs:
        cells = "".join(f'<mergeCell ref="{ref}"/>' for ref in refs)
        parts.append(f'<mergeCells count="{len(refs)}">{cells}</mergeCells>')
    parts.append("</worksheet>")
    return "".join(parts)


def workbook(
    sheets: Mapping[str, str],
    *,
    extra: Mapping[str, bytes] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """An .xlsx of the given sheets (title → sheet XML), plus any `extra` parts."""
    names = list(sheets)
    content_types = (
        f'<Types xmlns="{CT}">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{WB_TYPE}"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>'
            for i in range(1, len(names) + 1)
        )
        + "</Types>"
    )
    rels = (
        f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
        f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    wb = (
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
        + "".join(
            f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, start=1)
        )
        + "</sheets></workbook>"
    )
    wb_rels = (
        f'<Relationships xmlns="{PKG_REL}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(names) + 1)
        )
        + "</Relationships>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        for i, n in enumerate(names, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", sheets[n])
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()
