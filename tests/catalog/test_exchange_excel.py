"""The catalog workbook: round trip, cell-located problems, template, optional sheets."""

import copy
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from onewindow.catalog.errors import CatalogImportError
from onewindow.catalog.exchange.excel import data_to_xlsx, xlsx_to_data
from onewindow.catalog.exchange.json import catalog_to_data
from onewindow.catalog.exchange.load import catalog_import_file
from onewindow.catalog.exchange.schema import template_data
from onewindow.catalog.models import ServiceItem
from onewindow.catalog.services import catalog_import
from tests.factories.catalog import catalog_document as document
from tests.factories.org import SectorFactory


def problems(exc):
    return exc.value.report.problems


def workbook_file(tmp_path, data, edit=None, name="catalog.xlsx"):
    """Write the catalog workbook to disk, optionally edit it with openpyxl, return its bytes."""
    path = tmp_path / name
    path.write_bytes(data_to_xlsx(data))
    if edit:
        wb = load_workbook(path)
        edit(wb)
        wb.save(path)
    return path


def header_column(ws, header):
    return next(c.column for c in ws[1] if c.value == header)


@pytest.mark.django_db
def test_xlsx_round_trip_is_identical(org, tmp_path):
    catalog_import(center=org, data=document(4))
    exported = catalog_to_data(org)
    path = workbook_file(tmp_path, exported)
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "填写说明",
        "部门",
        "事项",
        "申请材料",
        "表单字段",
        "情形",
        "办理环节",
        "清单",
        "一件事",
    ]
    assert wb["事项"]["E2"].value == "行政许可"  # enumerations are written in Chinese
    data, report = xlsx_to_data(path.read_bytes())
    assert report.ok
    assert data == exported
    again = catalog_import_file(center=org, content=path.read_bytes(), filename="catalog.xlsx")
    assert (again.items_unchanged, again.versions_published) == (4, 0)


@pytest.mark.django_db
def test_one_bad_cell_among_many_rows_imports_nothing_and_names_the_cell(org, tmp_path):
    def edit(wb):
        ws = wb["事项"]
        ws.cell(row=41, column=header_column(ws, "承诺时限（天）"), value=25)
        ws = wb["申请材料"]
        ws.cell(row=61, column=header_column(ws, "是否必需"), value="否")  # still tolerable: refused

    path = workbook_file(tmp_path, document(120), edit)
    with pytest.raises(CatalogImportError) as exc:
        catalog_import_file(center=org, content=path.read_bytes(), filename=path.name)
    assert ServiceItem.objects.count() == 0
    located = {(p.sheet, p.row, p.column, p.code) for p in problems(exc)}
    assert ("事项", 41, "O（承诺时限（天））", "PROMISED_EXCEEDS_LEGAL") in located
    assert ("申请材料", 61, "H（是否容缺）", "TOLERABLE_NOT_REQUIRED") in located
    text = exc.value.report.as_text()
    assert "工作表“事项”，第41行，O（承诺时限（天））列" in text
    assert "不能超过" in text


@pytest.mark.django_db
def test_xlsx_unknown_department_and_duplicate_codes(org, tmp_path):
    def edit(wb):
        ws = wb["办理环节"]
        ws.cell(row=3, column=header_column(ws, "承办部门编码"), value="GHOST")
        ws = wb["事项"]
        ws.cell(row=4, column=1, value="371082-XK-0000")

    path = workbook_file(tmp_path, document(3), edit)
    with pytest.raises(CatalogImportError) as exc:
        catalog_import_file(center=org, content=path.read_bytes(), filename=path.name)
    located = {(p.sheet, p.row, p.code) for p in problems(exc)}
    assert ("办理环节", 3, "DEPARTMENT_NOT_IN_CENTER") in located
    assert ("事项", 4, "DUPLICATE_CODE") in located
    assert ServiceItem.objects.count() == 0


@pytest.mark.django_db
def test_xlsx_bad_enumeration_and_number_are_reported_with_allowed_values(org, tmp_path):
    def edit(wb):
        ws = wb["事项"]
        ws.cell(row=2, column=header_column(ws, "事项类型"), value="许可")
        ws.cell(row=3, column=header_column(ws, "法定时限（天）"), value="二十")

    path = workbook_file(tmp_path, document(2), edit)
    with pytest.raises(CatalogImportError) as exc:
        catalog_import_file(center=org, content=path.read_bytes(), filename=path.name)
    by_code = {p.code: p for p in problems(exc)}
    assert by_code["INVALID_CHOICE"].row == 2
    assert by_code["INVALID_NUMBER"].row == 3 and by_code["INVALID_NUMBER"].sheet == "事项"


@pytest.mark.django_db
def test_xlsx_material_for_an_unknown_item_is_reported(org, tmp_path):
    def edit(wb):
        wb["申请材料"].cell(row=2, column=1, value="NO-SUCH-ITEM")

    path = workbook_file(tmp_path, document(1), edit)
    with pytest.raises(CatalogImportError) as exc:
        catalog_import_file(center=org, content=path.read_bytes(), filename=path.name)
    assert [(p.sheet, p.row, p.code) for p in problems(exc)][0] == ("申请材料", 2, "UNKNOWN_ITEM")


@pytest.mark.django_db
def test_not_an_excel_file(org):
    with pytest.raises(CatalogImportError) as exc:
        catalog_import_file(center=org, content=b"hello", filename="x.xlsx")
    assert problems(exc)[0].code == "NOT_XLSX"


@pytest.mark.django_db
def test_template_has_instructions_and_imports_as_is(tmp_path):
    sector = SectorFactory(code="SSFW")  # the template's department is created by the import
    path = tmp_path / "template.xlsx"
    call_command("catalog_template", "-o", str(path))
    wb = load_workbook(path)
    instructions = list(wb["填写说明"].iter_rows(values_only=True))
    assert any(row[1] == "承诺时限（天）" for row in instructions if len(row) > 1)
    assert wb["事项"].max_row == 2
    dropdowns = {str(dv.sqref): dv.formula1 for dv in wb["事项"].data_validations.dataValidation}
    assert "行政许可" in dropdowns["E2:E1048576"]
    report = catalog_import_file(center=sector.center, content=path.read_bytes(), filename="template.xlsx")
    assert (report.items_created, report.main_items_created, report.departments_created) == (1, 1, ["SCJG"])
    expected = copy.deepcopy(template_data())
    expected["center"] = sector.center.code
    assert catalog_to_data(sector.center) == expected


def test_xlsx_to_data_reads_bytes_from_openpyxl_workbook():
    data = copy.deepcopy(template_data())
    parsed, report = xlsx_to_data(io.BytesIO(data_to_xlsx(data)).getvalue())
    assert report.ok and parsed == data


@pytest.mark.django_db
def test_a_workbook_without_the_optional_sheets_imports(org, tmp_path):
    data = document(1)
    data["items"][0]["version"]["form_fields"] = []

    def edit(wb):
        for title in ("表单字段", "清单", "一件事"):
            del wb[title]

    path = workbook_file(tmp_path, data, edit)
    report = catalog_import_file(center=org, content=path.read_bytes(), filename=path.name)
    assert report.items_created == 1


@pytest.mark.django_db
def test_a_workbook_without_the_materials_sheet_is_refused(org, tmp_path):
    path = workbook_file(tmp_path, document(1), lambda wb: wb.remove(wb["申请材料"]))
    with pytest.raises(CatalogImportError) as exc:
        catalog_import_file(center=org, content=path.read_bytes(), filename=path.name)
    assert "MISSING_SHEET" in {p.code for p in problems(exc)}
    assert ServiceItem.objects.count() == 0
