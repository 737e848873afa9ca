"""Reading an uploaded .xlsx workbook within bounds: shared by the catalog import and batch intake.

A workbook comes from outside — a province's export, a sheet a clerk filled in, or a file
made to hurt — so whatever it holds, reading it costs bounded time and memory and ends in
an error the caller words for its user, never in a traceback:

* `check_archive` looks at the zip archive before openpyxl opens it: each part at most
  `max_ratio()` times its compressed size (setting `ONEWINDOW_IMPORT_MAX_RATIO`, default
  100; parts under `RATIO_FLOOR` are not held to it), all parts together at most
  `max_unzipped_bytes()` (setting `ONEWINDOW_IMPORT_MAX_UNZIPPED_BYTES`, default 100 MiB),
  at most `MAX_ZIP_MEMBERS` parts, and no XML part declaring a document type (`<!DOCTYPE`,
  where entity bombs and external entities live; Excel never writes one). `zipfile` never
  inflates a part past its declared size (it stops and fails the CRC), so the declared sizes
  bound what is read. A file that starts as a zip but whose directory, written at its end,
  cannot be read is truncated (an upload or a copy cut off) and refused saying so. A refusal
  is `WorkbookRefused` (`code` ZIP_TOO_LARGE or NOT_XLSX).
* `open_workbook` opens it with openpyxl in read-only mode; with defusedxml installed (a
  dependency) openpyxl parses every part with it, so an entity the prolog check missed is
  refused as well, never expanded. openpyxl turns some parts into objects whole (the
  styles, the workbook part, properties, relationships): each of those may unpack to at
  most `MAX_PART_BYTES` (ZIP_TOO_LARGE otherwise, checked as the part is opened, whatever
  it is named); only the worksheets (read streaming) and the shared strings (a list of
  text, bounded by the total) may be larger. Sheets are not read at opening (openpyxl
  would read a whole sheet to find a dimension it does not declare), chart sheets and
  external links not at all.
* `sheet_rows` reads a sheet's rows streaming, through openpyxl's own cell parser, at
  most `max_rows` rows and `max_col` columns whatever the sheet declares (a dimension of
  A1:XFD1048576 allocates nothing), each row with its Excel number. Nothing but the rows
  is read (no validations, merged ranges, formatting), every element is dropped once read,
  and a row of more than `MAX_ROW_ELEMENTS` elements is not a sheet's row: memory is that
  of one row.

A cell holds what openpyxl reads (text, a number, a bool, a date) or one of two markers the
caller reports with the cell's name: `FORMULA_WITHOUT_VALUE` (a formula the file keeps no
calculated value of; a formula with one is read by that value) and a `CellError` (the cell
shows #DIV/0!, #REF! …). Whatever else goes wrong inside openpyxl is `UnreadableSheet`.

The settings are Django settings; the defaults below apply when one is absent.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

# openpyxl's own reader and sheet parser, subclassed where they read more than the rows
# (pinned in requirements.lock; tests/catalog/test_exchange_limits.py covers each override).
from openpyxl.reader.excel import ExcelReader
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import FORMULA_TAG, ROW_TAG, WorkSheetParser
from openpyxl.xml.constants import SHARED_STRINGS
from openpyxl.xml.functions import iterparse

ZIP_MAGIC = b"PK\x03\x04"
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100
MAX_ZIP_MEMBERS = 1_000
RATIO_FLOOR = 1024 * 1024
"""Parts smaller than this are not held to the ratio (a tiny XML compresses very well)."""
PROLOG_BYTES = 4096
"""How much of each XML part is read for a `<!DOCTYPE` before openpyxl parses it: the
declaration can only stand before the root element, and Excel's prolog is one line."""
MAX_PART_BYTES = 4 * 1024 * 1024
"""A part openpyxl builds objects of whole (styles, workbook, properties): Excel's are a few
kilobytes; a styles part of 1 MiB is already ~30 MiB of objects and a second of work."""
MAX_ROW_ELEMENTS = 100_000
"""Elements in one row (its cells and their values, inline text runs): a row of 16,384 cells,
Excel's widest, of rich text fits; the elements of a row are held until it ends."""


def bound(name: str, default: int) -> int:
    """An integer bound from the Django setting `name`, `default` when it is absent (the
    bounds of every file reader: this module's, the catalog's, the batch sheet's)."""
    value = getattr(settings, name, None)
    return default if value is None else int(value)


def max_unzipped_bytes() -> int:
    return bound("ONEWINDOW_IMPORT_MAX_UNZIPPED_BYTES", MAX_UNZIPPED_BYTES)


def max_ratio() -> int:
    return bound("ONEWINDOW_IMPORT_MAX_RATIO", MAX_RATIO)


def mib(size: int) -> str:
    """A size in MiB as a message shows it (10.0)."""
    return f"{size / (1024 * 1024):.1f}"


class WorkbookRefused(Exception):
    """The archive is refused unread: `code` (ZIP_TOO_LARGE, NOT_XLSX) and a translated message."""

    def __init__(self, code: str, message: str) -> None:
        self.code, self.message = code, message
        super().__init__(message)


def _declares_doctype(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether the XML part declares a document type in its prolog (the first
    `PROLOG_BYTES`, read without inflating the rest)."""
    try:
        with archive.open(member) as part:
            head = part.read(PROLOG_BYTES)
    except Exception:  # zipfile, zlib, lzma… for a damaged part: left to openpyxl's refusal
        return False
    head = head.lower()
    # UTF-8 and UTF-16 (either byte order: the pattern starts at the '<')
    return b"<!doctype" in head or "<!doctype".encode("utf-16-le") in head


def check_archive(content: bytes) -> None:
    """Refuse a workbook whose parts would inflate past the bounds (ZIP_TOO_LARGE) or whose
    XML declares a document type (NOT_XLSX) before openpyxl opens it. A file that starts as a
    zip archive but whose directory (written last) cannot be read is not whole: cut off while
    uploading or copying (NOT_XLSX, saying so). Other bytes are left to openpyxl's refusal."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        if content.startswith(ZIP_MAGIC):
            raise WorkbookRefused(
                "NOT_XLSX",
                _(
                    "The workbook is not whole or is damaged (it was probably cut off while uploading "
                    "or copying): save it again in Excel and upload it again."
                ),
            ) from None
        return
    total, limit, ratio = 0, max_unzipped_bytes(), max_ratio()
    if len(members) > MAX_ZIP_MEMBERS:
        raise WorkbookRefused(
            "ZIP_TOO_LARGE",
            _("The workbook holds %(count)d parts; a workbook of this kind has far fewer.")
            % {"count": len(members)},
        )
    for member in members:
        total += member.file_size
        too_dense = member.file_size > RATIO_FLOOR and member.file_size > ratio * max(member.compress_size, 1)
        if too_dense or total > limit:
            raise WorkbookRefused(
                "ZIP_TOO_LARGE",
                _(
                    "The workbook unpacks to more than %(max)s MiB (or a part of it is compressed "
                    "more than %(ratio)d times): it is refused unread."
                )
                % {"max": mib(limit), "ratio": ratio},
            )
    for member in members:  # any part may be XML openpyxl parses, whatever its name
        if _declares_doctype(archive, member):
            raise WorkbookRefused(
                "NOT_XLSX",
                _(
                    "The part %(part)s of the workbook declares a document type (<!DOCTYPE>), which "
                    "Excel never writes: the file is refused unread."
                )
                % {"part": member.filename[:100]},
            )


class _FormulaWithoutValue:
    def __repr__(self) -> str:
        return "FORMULA_WITHOUT_VALUE"


FORMULA_WITHOUT_VALUE: Any = _FormulaWithoutValue()


@dataclass(frozen=True)
class CellError:
    """An error value a cell shows (#DIV/0!, #N/A, #REF! …)."""

    text: str


class UnreadableSheet(Exception):
    """openpyxl could not read a sheet past `row` (the last row read, 0 for none)."""

    def __init__(self, row: int) -> None:
        self.row = row
        super().__init__(row)


class TooManyRows(Exception):
    """The sheet has more rows than the bound; `row` is the first row past it."""

    def __init__(self, row: int) -> None:
        self.row = row
        super().__init__(row)


class _BoundedArchive(zipfile.ZipFile):
    """The archive openpyxl reads from: a part it opens is at most `MAX_PART_BYTES`
    unpacked, unless it is one the reader streams (`streamed`: the worksheets and shared
    strings, added as openpyxl finds them)."""

    streamed: set[str]

    def open(self, name: Any, mode: Any = "r", pwd: Any = None, *, force_zip64: bool = False) -> Any:
        if mode == "r":
            info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
            if info.filename not in self.streamed and info.file_size > MAX_PART_BYTES:
                raise WorkbookRefused(
                    "ZIP_TOO_LARGE",
                    _(
                        "The part %(part)s of the workbook unpacks to %(size)s MiB, more than the "
                        "%(max)s MiB a workbook needs: copy the cells into a new workbook and upload that."
                    )
                    % {"part": info.filename[:100], "size": mib(info.file_size), "max": mib(MAX_PART_BYTES)},
                )
        return super().open(name, mode, pwd, force_zip64=force_zip64)


class _Sheet(ReadOnlyWorksheet):  # type: ignore[misc]
    """A read-only sheet that reads nothing when it is made: openpyxl would read a whole sheet
    that declares no dimension to find one, and the rows never need it."""

    def _get_size(self) -> None:
        return None


class _Reader(ExcelReader):  # type: ignore[misc]
    """openpyxl's workbook reader, read-only, on a bounded archive; worksheets become `_Sheet`s
    (the parts the archive streams), chart sheets are left out."""

    def __init__(self, content: bytes) -> None:
        super().__init__(io.BytesIO(content), read_only=True, data_only=True, keep_links=False)
        self.archive = _BoundedArchive(io.BytesIO(content))
        self.archive.streamed = set()

    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            self.archive.streamed.add(part.PartName[1:])
        super().read_strings()

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                continue
            self.archive.streamed.add(rel.target)
            ws = _Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
            ws.sheet_state = sheet.state
            self.wb._sheets.append(ws)


class _CellParser(WorkSheetParser):  # type: ignore[misc]
    """openpyxl's cell parser with `data_only`: a formula is read by the value it keeps, and
    marked when it keeps none instead of reading as an empty cell. Only the rows are read."""

    def parse(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        """(row number, its cells) for each row; everything else of the sheet is skipped, and
        every element is dropped from the tree once read."""
        open_elements: list[Any] = []
        in_row = elements = 0
        for event, element in iterparse(self.source, events=("start", "end")):
            if event == "start":
                open_elements.append(element)
                if element.tag == ROW_TAG and not in_row:
                    elements = 0
                if in_row or element.tag == ROW_TAG:
                    elements += 1
                    if elements > MAX_ROW_ELEMENTS:
                        raise ValueError("a row of more elements than a sheet has")
                if element.tag == ROW_TAG:
                    in_row += 1
                continue
            open_elements.pop()
            if element.tag == ROW_TAG:
                in_row -= 1
                if not in_row:
                    yield self.parse_row(element)
            if not in_row and open_elements:
                open_elements[-1].remove(element)

    def parse_row(self, row: Any) -> tuple[int, list[dict[str, Any]]]:
        """openpyxl's, without keeping each row's attributes (its row dimensions)."""
        number = row.get("r")
        if number is not None:
            value = float(number)
            if not value.is_integer():
                raise ValueError(f"{number[:20]} is not a row number")
            self.row_counter = int(value)
        else:
            self.row_counter += 1
        self.col_counter = 0
        return self.row_counter, [self.parse_cell(el) for el in row]

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell: dict[str, Any] = super().parse_cell(element)
        if cell["data_type"] == "e":
            cell["value"] = CellError(str(cell["value"])[:50])
        elif cell["value"] is None and element.find(FORMULA_TAG) is not None:
            cell["value"] = FORMULA_WITHOUT_VALUE
        return cell


def open_workbook(content: bytes) -> Any:
    """The workbook in read-only mode, without calculated formulas. Raises `WorkbookRefused`
    for a part over `MAX_PART_BYTES`, and whatever openpyxl raises for a file that is not a
    workbook. Call `check_archive` first."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops
        reader = _Reader(content)
        reader.read()
        return reader.wb


def sheet_rows(ws: Any, *, max_rows: int, max_col: int) -> Iterator[tuple[int, list[Any]]]:
    """(Excel row number, the first `max_col` values) for each row the sheet stores, in
    file order; rows it does not store (empty ones) are not yielded. Raises `TooManyRows`
    past `max_rows` rows (or a row number past it) and `UnreadableSheet` when openpyxl fails
    (a row numbered below 1 included).
    """
    parent = ws.parent
    row = count = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with ws._get_source() as source:
                parser = _CellParser(
                    source,
                    ws._shared_strings,
                    data_only=True,
                    epoch=parent.epoch,
                    date_formats=parent._date_formats,
                    timedelta_formats=parent._timedelta_formats,
                )
                for number, cells in parser.parse():
                    count += 1
                    if count > max_rows or number > max_rows:
                        raise TooManyRows(number)
                    if number < 1:
                        raise ValueError("a row numbered below 1")
                    row = number
                    values: list[Any] = [None] * max_col
                    for cell in cells:
                        column = cell["column"]
                        if 1 <= column <= max_col:
                            values[column - 1] = cell["value"]
                    yield row, values
    except TooManyRows:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged part; all mean the same
        raise UnreadableSheet(row) from exc
