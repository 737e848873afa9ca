"""The batch sheet as a file format: its columns and headers, the template, reading cells."""

import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from onewindow.cases import channels
from onewindow.cases.channels import sheet
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Application
from tests.cases.channels.sheets import good_row, headers, xlsx

pytestmark = pytest.mark.django_db


def test_template_has_every_column_and_an_instructions_sheet_and_reads_back(world, nurse):
    data = channels.batch_template(item=nurse)
    wb = load_workbook(io.BytesIO(data))
    ws, info = wb.worksheets
    header = [c.value for c in ws[1]]
    assert header == headers(nurse)
    assert {"执业机构", "执业类别", "毕业日期", "身份证复印件", "健康体检证明"} <= set(header)
    text = " ".join(str(c.value) for row in info.iter_rows() for c in row if c.value)
    assert nurse.code in text and "已收" in text
    ws.append(good_row(5))
    buffer = io.BytesIO()
    wb.save(buffer)
    report = channels.batch_intake(center=world.center, item=nurse, actor=world.clerk, xlsx=buffer.getvalue())
    assert [r.outcome for r in report.created] == ["accepted"]


def test_headers_are_written_in_chinese_and_read_in_english_too(world, nurse):
    assert headers(nurse)[:2] == ["申请人名称", "身份证号或统一社会信用代码"]
    with translation.override("en"):
        english = [str(label) for _key, label, _req, _help in channels.FIXED_COLUMNS] + headers(nurse)[5:]
    assert english[:2] == ["Applicant name", "ID number or USCC"]
    report = channels.batch_intake(
        center=world.center, item=nurse, actor=world.clerk, xlsx=xlsx(english, [good_row(3)])
    )
    assert [r.outcome for r in report.created] == ["accepted"]


def test_headers_match_without_blanks_and_stars_or_by_field_key_and_material_code(world, nurse):
    h = headers(nurse)
    marked = [f" {h[0]} *", f"{h[1]}＊", *h[2:5], "employer", "category", "graduated", "id_card", *h[9:]]
    report = channels.batch_intake(
        center=world.center, item=nurse, actor=world.clerk, xlsx=xlsx(marked, [good_row(4)])
    )
    assert [r.outcome for r in report.created] == ["accepted"]


def test_a_sheet_without_a_required_column_is_refused_whole(world, nurse):
    h = headers(nurse)
    sheet_bytes = xlsx(h[:5] + h[6:], [good_row(1)[:5] + good_row(1)[6:]])
    with pytest.raises(CaseError) as exc:
        channels.batch_intake(center=world.center, item=nurse, actor=world.clerk, xlsx=sheet_bytes)
    assert exc.value.code == "BATCH_COLUMN_MISSING"
    assert "执业机构" in exc.value.message
    assert not Application.objects.exists()


def test_not_an_xlsx_is_refused(world, nurse):
    with pytest.raises(CaseError) as exc:
        channels.batch_intake(center=world.center, item=nurse, actor=world.clerk, xlsx=b"name,id\n")
    assert exc.value.code == "BATCH_FILE_INVALID"


def test_a_sheet_with_only_its_header_or_blank_rows_is_refused(world, nurse):
    for rows in ([], [[None] * 12, [""] * 12]):
        with pytest.raises(CaseError) as exc:
            channels.batch_intake(
                center=world.center, item=nurse, actor=world.clerk, xlsx=xlsx(headers(nurse), rows)
            )
        assert exc.value.code == "BATCH_EMPTY"


@pytest.mark.parametrize(
    ("cell", "method"),
    [
        ("窗口领取", "pickup"),  # the label, in Chinese
        ("Mail", "mail"),  # the label, in English
        ("electronic", "electronic"),  # the code
        ("电子送达", "electronic"),  # the sheet's own word
        (None, ""),
        ("飞鸽传书", None),
    ],
)
def test_a_delivery_cell_is_read_as_its_method(cell, method):
    assert sheet.delivery_method(cell) == method


@pytest.mark.parametrize(
    ("cell", "mark"),
    [
        ("已收", "received"),
        ("YES", "received"),
        ("√", "received"),  # every yes/no word of the input layer
        (1, "received"),
        ("容缺", "pending"),
        ("缺", "missing"),
        ("无", "missing"),
        (None, "missing"),
        ("也许", None),  # a word the format does not know
    ],
)
def test_a_material_cell_is_read_as_the_material_status(cell, mark):
    assert sheet.material_mark(cell) == mark
