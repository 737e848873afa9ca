"""Issue 8, "Nothing breaks, nothing leaks": the batch sheet reader under hostile files.

One regression test per finding reproduced on the demo county: a file is bounded before it
is read and while it is read (size, zip and XML bombs, rows, the declared dimension), every
cell within its column's limit, formulas by their cached value; every refusal names the row
and column header (or, for the whole file, says what is wrong), and a file refused as a
whole creates nothing."""

import random
import tracemalloc

import pytest
from django.core.management import CommandError, call_command

from onewindow.cases import channels
from onewindow.cases.channels import sheet
from onewindow.cases.documents.render import render_notice
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Application, Case
from onewindow.cases.notices import case_notice
from onewindow.org.models import Applicant
from tests.cases.channels.sheets import good_row, headers, xlsx
from tests.catalog.rawxlsx import Raw, sheet_xml, workbook
from tests.factories.cases import item_with_procedure

pytestmark = pytest.mark.django_db


def intake(world, item, content):
    return channels.batch_intake(center=world.center, item=item, actor=world.clerk, xlsx=content)


def refused(world, item, content):
    with pytest.raises(CaseError) as exc:
        intake(world, item, content)
    assert not Application.objects.exists() and not Applicant.objects.exclude(pk=world.applicant.pk).exists()
    return exc.value


def raw_sheet(item, rows, **kwargs):
    """The item's sheet written by hand (rawxlsx): header row and `rows`, cells as given."""
    return workbook({"申请人": sheet_xml([headers(item), *rows], **kwargs)})


def cells(report):
    return [(e.row, e.column, e.code) for e in report.errors]


# ---------------------------------------------------------------- the whole file


def test_the_default_limits_are_ten_megabytes_and_five_thousand_rows(settings):
    del settings.ONEWINDOW_BATCH_MAX_BYTES, settings.ONEWINDOW_BATCH_MAX_ROWS
    assert (sheet.max_bytes(), sheet.max_rows()) == (10 * 1024 * 1024, 5000)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    world, nurse, settings, tmp_path, monkeypatch
):
    settings.ONEWINDOW_BATCH_MAX_BYTES = 1000
    content = xlsx(headers(nurse), [good_row(n) for n in range(20)])
    assert len(content) > 1000
    assert refused(world, nurse, content).code == "BATCH_FILE_TOO_LARGE"
    path = tmp_path / "big.xlsx"
    path.write_bytes(content)

    def unread(self):
        raise AssertionError("the file was read")

    monkeypatch.setattr(type(path), "read_bytes", unread)
    with pytest.raises(CommandError, match="批量受理表最大为0.0 MiB"):
        call_command("batch_intake", str(path), item=nurse.code, clerk=world.clerk.user.username)


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(world, nurse, monkeypatch):
    bomb = workbook(
        {"申请人": sheet_xml([headers(nurse)])}, extra={"xl/worksheets/pad.xml": b" " * 50_000_000}
    )
    assert len(bomb) < 100_000

    def unopened(content):
        raise AssertionError("openpyxl opened the bomb")

    monkeypatch.setattr("onewindow.core.xlsx.open_workbook", unopened)
    error = refused(world, nurse, bomb)
    assert error.code == "BATCH_FILE_TOO_LARGE" and "未读取即拒绝" in error.message


def test_an_xml_entity_bomb_is_refused_unread(world, nurse, monkeypatch):
    lol = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )
    bomb = workbook({"申请人": lol + sheet_xml([headers(nurse), ["&lol3;"]])})
    monkeypatch.setattr("onewindow.core.xlsx.open_workbook", lambda content: pytest.fail("opened"))
    error = refused(world, nurse, bomb)
    assert error.code == "BATCH_FILE_INVALID" and "DOCTYPE" in error.message


def test_a_declared_dimension_of_xfd200000_allocates_nothing(world, nurse):
    content = raw_sheet(nurse, [good_row(1), good_row(2)], dimension="A1:XFD200000")
    assert len(content) < 8000
    tracemalloc.start()
    report = intake(world, nurse, content)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert (report.rows, len(report.created)) == (2, 2)
    assert peak < 30 * 1024 * 1024  # 200,000 rows of 16,384 cells would be tens of gigabytes


def test_a_sheet_over_the_row_limit_is_refused_at_the_limit_without_reading_on(world, nurse, settings):
    settings.ONEWINDOW_BATCH_MAX_ROWS = 5
    rows = [good_row(n) for n in range(8)]
    rows[7] = [Raw("<v>99</v>", 't="s"')]  # row 9 cannot be read: the reader never gets there
    error = refused(world, nurse, raw_sheet(nurse, rows))
    assert error.code == "BATCH_TOO_MANY_ROWS"
    assert error.message == "表中申请人超过5行（读到第7行停止），请拆分为多个表。"
    far = raw_sheet(nurse, [good_row(1)], first_row=1_048_575)
    assert "第1048575行" in refused(world, nurse, far).message


def test_five_thousand_rows_are_read_and_the_next_one_is_refused(world, nurse):
    """The default bound, on its edge: 5,000 applicant rows read (all refused here, so the
    test takes no intake), row 5,002 is one too many."""
    bad = ["", "123"] + good_row(0)[2:]
    report = intake(world, nurse, raw_sheet(nurse, [bad] * 5000))
    assert (report.rows, len(report.errors), report.created) == (5000, 10_000, [])
    assert refused(world, nurse, raw_sheet(nurse, [bad] * 5001)).message.endswith(
        "（读到第5002行停止），请拆分为多个表。"
    )


def test_a_damaged_sheet_is_refused_whole_after_good_rows_nothing_half_written(world, nurse):
    content = raw_sheet(nurse, [good_row(1), good_row(2), [Raw("<v>99</v>", 't="s"')]])  # no shared string 99
    error = refused(world, nurse, content)
    assert error.code == "BATCH_FILE_DAMAGED"
    assert error.message == "第3行之后的内容无法读取：文件已损坏或不是Excel工作簿。"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "BATCH_FILE_EMPTY"),
        (b"name,id\n", "BATCH_FILE_INVALID"),
        (b"PK\x03\x04" + b"\0" * 100, "BATCH_FILE_INVALID"),
        (workbook({}), "BATCH_FILE_INVALID"),
    ],
    ids=["empty", "csv", "broken zip", "no sheet"],
)
def test_bytes_that_are_not_a_workbook_are_refused(world, nurse, content, code):
    assert refused(world, nurse, content).code == code


@pytest.mark.parametrize("keep", [0.5, -22, -1], ids=["half", "directory-end", "last-byte"])
def test_a_sheet_cut_off_while_uploading_is_refused_as_not_whole_and_creates_nothing(world, nurse, keep):
    content = xlsx(headers(nurse), [good_row(n) for n in range(5)])
    cut = content[: int(len(content) * keep)] if isinstance(keep, float) else content[:keep]
    error = refused(world, nurse, cut)
    assert error.code == "BATCH_FILE_INVALID" and error.field == "xlsx"
    assert error.message.startswith("工作簿不完整或已损坏（可能在上传或复制时中断）")


def test_header_cells_that_hold_no_text_name_no_column(world, nurse):
    h = headers(nurse)
    header = [Raw("<f>A1</f>"), Raw("<v>#REF!</v>", 't="e"'), "长" * 100_000, True, *h[3:]]
    content = workbook({"申请人": sheet_xml([header, good_row(1)])})
    error = refused(world, nurse, content)
    assert (error.code, error.message) == ("BATCH_COLUMN_MISSING", "工作表中没有“申请人名称”列。")


# ---------------------------------------------------------------- every cell within its limit


def noise(length: int, seed: int = 0) -> str:
    """Chinese text that does not compress: a cell as large as the file allows."""
    rng = random.Random(seed)
    return "".join(map(chr, rng.choices(range(0x4E00, 0x9FA5), k=length)))


def test_a_name_of_millions_of_characters_is_refused_by_its_cell_or_unread(world, nurse):
    """A 28 KB sheet stored a 3.5-million-character name, whose notice then failed with a 500.
    Such a sheet is refused unread now (its part compresses 375 times); a name of a million
    characters that do not compress is refused by its cell, at the org model's limit."""
    row = good_row(1)
    row[0] = "长" * 3_500_000
    content = raw_sheet(nurse, [row])
    assert len(content) < 30_000
    assert refused(world, nurse, content).code == "BATCH_FILE_TOO_LARGE"
    row[0] = noise(1_000_000)
    report = intake(world, nurse, raw_sheet(nurse, [row]))
    assert cells(report) == [(2, "申请人名称", "FIELD_INVALID")]
    assert report.errors[0].message == "“申请人名称”最多200个字，现为1000000个字。"
    assert not Application.objects.exists()


def test_the_longest_name_the_sheet_accepts_prints_its_notice(world, nurse):
    limit = Applicant._meta.get_field("name").max_length
    row = good_row(1)
    row[0] = "长" * limit
    report = intake(world, nurse, raw_sheet(nurse, [row]))
    assert report.errors == [] and Applicant.objects.get(name=row[0])
    case = Case.objects.get(number=report.created[0].case_number)
    assert render_notice(case_notice(case=case, kind="acceptance")).startswith(b"%PDF")


@pytest.mark.parametrize("column", [1, 2, 3, 4, 5, 6, 7, 8])
def test_every_cell_is_refused_past_its_column_limit_and_quoted_short(world, nurse, column):
    """A cell of any column with 2,001 characters (where the field sets no limit of its own) is
    refused by its cell, and the report never repeats it."""
    row = good_row(1)
    row[column] = "字" * 2001
    report = intake(world, nurse, raw_sheet(nurse, [row]))
    assert cells(report) == [(2, headers(nurse)[column], "FIELD_INVALID")]
    assert "最多2000个字，现为2001个字" in report.errors[0].message
    row[column] = "字" * 2000
    report = intake(world, nurse, raw_sheet(nurse, [row]))
    assert all(len(e.message) < 200 for e in report.errors)


def test_a_sheet_of_huge_cells_stores_nothing_huge(world, nurse):
    """An 18 KB sheet made a 20 MB row: such a sheet is refused unread now, and cells of
    100,000 characters that do not compress, in every column, are each refused by their
    cell; the report stays small and nothing is stored."""
    assert refused(world, nurse, raw_sheet(nurse, [["长" * 2_000_000] * 12])).code == "BATCH_FILE_TOO_LARGE"
    row = [noise(100_000, seed) for seed in range(len(headers(nurse)))]
    report = intake(world, nurse, raw_sheet(nurse, [row]))
    assert [e.column for e in report.errors] == headers(nurse)
    assert {e.code for e in report.errors} == {"FIELD_INVALID"}
    assert len(report.as_text()) < 5000
    assert not Application.objects.exists()


def test_cells_of_odd_types_are_refused_by_their_cell(world, nurse):
    row = good_row(1)
    row[0], row[4], row[9] = True, Raw("<v>1e308</v>"), Raw("<v>2026-01-05T00:00:00</v>", 't="d"')
    row[3] = "邮寄"
    report = intake(world, nurse, raw_sheet(nurse, [row]))
    assert cells(report) == [
        (2, "申请人名称", "FIELD_INVALID"),
        (2, "护理专业毕业证书", "MATERIAL_VALUE_UNKNOWN"),
    ]
    assert report.errors[0].message == "“申请人名称”应为文字，不能是“True”。"


def test_a_row_wrong_in_every_cell_reports_twenty_cells_and_counts_the_rest(world):
    item, _v = item_with_procedure(
        center=world.center,
        department=world.department,
        materials=[{"code": f"m{n}", "name": f"材料{n}"} for n in range(30)],
    )
    row = ["", "123"] + [""] * 3 + ["也许"] * 30
    report = intake(world, item, raw_sheet(item, [row]))
    assert len(report.errors) == 21
    assert report.errors[-1].code == "ROW_MORE_ERRORS"
    assert report.errors[-1].message == "本行另有12个单元格也被拒绝：请先更正以上各项，再重新上传。"


# ---------------------------------------------------------------- formulas


def test_a_formula_is_read_by_its_cached_value_and_refused_naming_the_cell_without_one(world, nurse):
    """Formulas without a cached value read as blank, so a received material silently
    counted as missing: now the cell is named."""
    with_value, without = good_row(1), good_row(2)
    with_value[8] = Raw('<f>"已"&amp;"收"</f><v>已收</v>', 't="str"')
    without[8] = Raw('<f>"已"&amp;"收"</f>', 't="str"')
    report = intake(world, nurse, raw_sheet(nurse, [with_value, without]))
    assert cells(report) == [(3, "身份证复印件", "FORMULA_WITHOUT_VALUE")]
    assert (
        report.errors[0].message
        == "单元格I3是没有计算结果的公式：请在Excel中打开并保存该文件，或直接填写数值。"
    )
    application = Application.objects.get(number=report.created[0].application_number)
    assert application.materials.get(code="id_card").status == "received"


def test_a_cell_showing_an_error_is_refused_naming_the_cell(world, nurse):
    row = good_row(1)
    row[5] = Raw("<f>1/0</f><v>#DIV/0!</v>", 't="e"')
    report = intake(world, nurse, raw_sheet(nurse, [row]))
    assert cells(report) == [(2, "执业机构", "CELL_ERROR")]
    assert report.errors[0].message == "单元格F2显示错误值#DIV/0!，而不是数值。"


# ---------------------------------------------------------------- what the report renders


def test_the_command_prints_the_first_thousand_refused_cells_and_counts_the_rest(
    world, nurse, tmp_path, capsys
):
    bad = ["", "123"] + good_row(0)[2:]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(raw_sheet(nurse, [bad] * 600))
    with pytest.raises(CommandError):
        call_command("batch_intake", str(path), item=nurse.code, clerk=world.clerk.user.username)
    out = capsys.readouterr().out
    assert out.count("请填写“申请人名称”") == 500 and "还有200个单元格被拒绝" in out
    assert len(out.encode()) < 200_000
