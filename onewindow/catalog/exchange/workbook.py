"""Reading a workbook's rows within bounds: the low-level I/O of the catalog's Excel reader.

openpyxl opens the workbook in read-only mode (with defusedxml installed it parses every
part with it: no entity expansion, no external entities), after `limits.check_xlsx_archive`
has refused an archive that would inflate past its bounds. Rows are then read streaming,
through openpyxl's own sheet parser, at most `limits.max_rows()` rows and `MAX_COLUMNS`
columns whatever the sheet declares (a dimension of A1:XFD1048576 allocates nothing), and
each row comes with its Excel number.

A cell holds what openpyxl reads (text, a number, a bool, a date) or one of two markers the
reader reports with the cell's name: `FORMULA_WITHOUT_VALUE` (a formula the file keeps no
calculated value of; a formula with one is read by that value) and a `CellError` (the cell
shows #DIV/0!, #REF! …). Whatever else goes wrong inside openpyxl is `UnreadableSheet`.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook

# The sheet parser is openpyxl's own, subclassed for one method (pinned in requirements.lock).
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from onewindow.catalog.exchange.limits import MAX_COLUMNS


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


class _CellParser(WorkSheetParser):  # type: ignore[misc]
    """openpyxl's parser with `data_only`: a formula is read by the value it keeps, and
    marked when it keeps none instead of reading as an empty cell."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell: dict[str, Any] = super().parse_cell(element)
        if cell["data_type"] == "e":
            cell["value"] = CellError(str(cell["value"]))
        elif cell["value"] is None and element.find(FORMULA_TAG) is not None:
            cell["value"] = FORMULA_WITHOUT_VALUE
        return cell


def open_workbook(content: bytes) -> Any:
    """The workbook in read-only mode, without calculated formulas; raises whatever openpyxl
    raises for a file that is not a workbook."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)


def sheet_rows(ws: Any, *, max_rows: int, max_col: int = MAX_COLUMNS) -> Iterator[tuple[int, list[Any]]]:
    """(Excel row number, the first `max_col` values) for each row the sheet stores, in
    file order; rows it does not store (empty ones) are not yielded. Raises `TooManyRows`
    past `max_rows` rows (or a row number past it) and `UnreadableSheet` when openpyxl fails.
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
                for row, cells in parser.parse():
                    count += 1
                    if count > max_rows or row > max_rows:
                        raise TooManyRows(row)
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
