"""Reading an uploaded workbook within bounds (`core.xlsx`), whatever the catalog or the batch
sheet does with its rows: parts that would build objects without bound are refused unread,
sheets are read streaming, row by row, and nothing of a row is kept once it is read."""

import random
import tracemalloc

import pytest

from onewindow.core import xlsx
from tests.catalog.rawxlsx import MAIN, Raw, sheet_xml, workbook


def rows_of(content, **bounds):
    wb = xlsx.open_workbook(content)
    return list(xlsx.sheet_rows(wb.worksheets[0], **{"max_rows": 100, "max_col": 3, **bounds}))


def numbers(count: int) -> str:
    """Digits that do not compress much, so a part passes the ratio check as a real one would."""
    rng = random.Random(count)
    return "".join(str(rng.randrange(10**9)) for _ in range(count))


def test_a_styles_part_larger_than_a_workbook_needs_is_refused_before_openpyxl_builds_it(monkeypatch):
    """A 1 MB file whose styles unpack to 19 MB took openpyxl 13 s and 330 MB to open."""
    xfs = "".join(f'<xf numFmtId="{n % 200}" fontId="0" xfId="{n}"/>' for n in range(100_000))
    styles = f'<styleSheet xmlns="{MAIN}"><cellXfs count="100000">{xfs}</cellXfs></styleSheet>'
    content = workbook({"a": sheet_xml([["x"]])}, extra={"xl/styles.xml": styles})
    xlsx.check_archive(content)  # within the ratio and the total
    monkeypatch.setattr(
        "openpyxl.styles.stylesheet.Stylesheet.from_tree", lambda node: pytest.fail("styles were built")
    )
    with pytest.raises(xlsx.WorkbookRefused) as exc:
        xlsx.open_workbook(content)
    assert exc.value.code == "ZIP_TOO_LARGE" and "xl/styles.xml" in exc.value.message


def test_worksheets_of_any_size_are_streamed_not_bounded_by_the_part_limit():
    rows = [[numbers(50)] for _ in range(xlsx.MAX_PART_BYTES // 400)]
    content = workbook({"a": sheet_xml(rows)})
    assert len(content) < xlsx.MAX_PART_BYTES
    assert len(rows_of(content, max_rows=10**6)) == len(rows)


def test_a_row_of_more_cells_than_a_sheet_has_is_unreadable_in_bounded_memory():
    cells = "".join(f"<c><v>{n}</v></c>" for n in range(150_000))
    content = workbook(
        {"a": f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{cells}</row></sheetData></worksheet>'}
    )
    wb = xlsx.open_workbook(content)
    tracemalloc.start()
    with pytest.raises(xlsx.UnreadableSheet):
        list(xlsx.sheet_rows(wb.worksheets[0], max_rows=10, max_col=3))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 40 * 1024 * 1024  # the whole row as elements and cells would be ~130 MB


def test_a_sheet_without_a_dimension_is_not_read_when_the_workbook_opens(monkeypatch):
    content = workbook({"a": sheet_xml([["x"]] * 10), "b": sheet_xml([["y"]])})
    monkeypatch.setattr(
        "openpyxl.worksheet._reader.WorkSheetParser.parse_dimensions",
        lambda self: pytest.fail("a sheet was read to find its size"),
    )
    wb = xlsx.open_workbook(content)
    assert wb.sheetnames == ["a", "b"]
    assert [n for n, _values in rows_of(content)] == list(range(1, 11))


def test_rows_are_dropped_from_memory_once_read():
    def peak(count):
        content = workbook({"a": sheet_xml([[n, "文字"] for n in range(count)])})
        wb = xlsx.open_workbook(content)
        tracemalloc.start()
        for _row in xlsx.sheet_rows(wb.worksheets[0], max_rows=10**6, max_col=2):
            pass
        high = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return high

    assert peak(5_000) < peak(500) + 1024 * 1024  # kept, 5,000 rows would be ~10 MB


def test_only_the_rows_of_a_sheet_are_read(monkeypatch):
    """Validations, merged ranges and the rest would be built as objects; they are skipped."""
    monkeypatch.setattr(
        "openpyxl.worksheet.datavalidation.DataValidationList.from_tree",
        lambda node: pytest.fail("validations were built"),
    )
    validations = "".join(f'<dataValidation sqref="A{n}"/>' for n in range(1, 1000))
    sheet = sheet_xml([["x"], ["y"]]).replace(
        "</sheetData>", f'</sheetData><dataValidations count="999">{validations}</dataValidations>'
    )
    assert [values[0] for _n, values in rows_of(workbook({"a": sheet}))] == ["x", "y"]


@pytest.mark.parametrize("number", ["0", "-3", "1.5", "nan", "x"])
def test_a_row_not_numbered_from_one_is_unreadable(number):
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData><row r="{number}"><c><v>1</v></c></row></sheetData></worksheet>'
    with pytest.raises(xlsx.UnreadableSheet):
        rows_of(workbook({"a": sheet}))


def test_formulas_read_by_their_cached_value_else_marked_and_error_values_kept_short():
    cells = [Raw("<f>1+1</f><v>2</v>"), Raw("<f>1+1</f>"), Raw(f"<v>#{'X' * 10_000}</v>", 't="e"')]
    [(number, values)] = rows_of(workbook({"a": sheet_xml([cells])}))
    assert values[:2] == [2, xlsx.FORMULA_WITHOUT_VALUE]
    assert isinstance(values[2], xlsx.CellError) and len(values[2].text) == 50


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be"])
def test_a_part_declaring_a_document_type_is_refused_unread_in_any_encoding(encoding):
    part = f'<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE x [<!ENTITY e "e">]>' + sheet_xml([["&e;"]])
    content = workbook({"a": "x"}, extra={"xl/worksheets/sheet9.xml": part.encode(encoding)})
    with pytest.raises(xlsx.WorkbookRefused) as exc:
        xlsx.check_archive(content)
    assert exc.value.code == "NOT_XLSX" and "sheet9.xml" in exc.value.message


def test_an_archive_of_too_many_parts_is_refused():
    content = workbook(
        {"a": sheet_xml([["x"]])}, extra={f"x/{n}.xml": b"" for n in range(xlsx.MAX_ZIP_MEMBERS)}
    )
    with pytest.raises(xlsx.WorkbookRefused) as exc:
        xlsx.check_archive(content)
    assert exc.value.code == "ZIP_TOO_LARGE"


@pytest.mark.parametrize("keep", [0.5, 0.99, -22, -1], ids=["half", "most", "directory-end", "last-byte"])
def test_a_workbook_cut_off_is_refused_saying_it_is_not_whole(keep):
    content = workbook({"事项": sheet_xml([["编码", "名称"], ["A", "甲"]])})
    cut = content[: int(len(content) * keep)] if isinstance(keep, float) else content[:keep]
    with pytest.raises(xlsx.WorkbookRefused) as exc:
        xlsx.check_archive(cut)
    assert exc.value.code == "NOT_XLSX"
    assert (
        exc.value.message == "工作簿不完整或已损坏（可能在上传或复制时中断）：请在Excel中重新保存后再上传。"
    )
    xlsx.check_archive(content)  # the whole file passes
    xlsx.check_archive(b"name,id\n")  # not a zip at all: left to openpyxl's own refusal
