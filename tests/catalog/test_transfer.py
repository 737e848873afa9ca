import copy
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from onewindow.catalog.errors import CatalogImportError
from onewindow.catalog.importer import catalog_to_data
from onewindow.catalog.models import Bundle, CatalogList, ServiceItem, ServiceItemVersion
from onewindow.catalog.services import catalog_import
from onewindow.catalog.transfer import catalog_import_file, data_to_xlsx, template_data, xlsx_to_data
from tests.factories.catalog import item_data
from tests.factories.org import DepartmentFactory, SectorFactory


def document(n=3, department="SCJG", sector="SSFW"):
    items = [item_data(f"371082-XK-{k:04d}", department, name=f"事项{k}", sector=sector) for k in range(n)]
    codes = [i["code"] for i in items]
    return {
        "format": "onewindow-catalog/1",
        "center": "XTX",
        "items": items,
        "lists": [
            {"kind": "licensing", "name": "行政许可事项清单", "published_on": "2026-01-01", "items": codes}
        ],
        "bundles": [
            {
                "code": "BUNDLE-KDCY",
                "name": "我要开餐馆",
                "description": "一次办好",
                "is_active": True,
                "items": codes[:2],
            }
        ],
    }


@pytest.fixture
def org(center, department, other_department, sector):
    return center


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
def test_json_import_creates_published_items_lists_and_bundles(org, clerk):
    report = catalog_import(center=org, data=document(), actor=clerk)
    assert (
        report.items_created,
        report.versions_published,
        report.lists_written,
        report.bundles_written,
    ) == (
        3,
        3,
        1,
        1,
    )
    version = ServiceItemVersion.objects.get(item__code="371082-XK-0001")
    assert version.status == "published" and version.published_by == clerk
    assert [s.name for s in version.procedure.stages.all()] == ["审查", "决定"]
    assert CatalogList.objects.get().items.count() == 3
    assert [bi.item.code for bi in Bundle.objects.get().bundle_items.all()] == [
        "371082-XK-0000",
        "371082-XK-0001",
    ]
    assert catalog_to_data(org) == document()


@pytest.mark.django_db
def test_import_is_idempotent(org):
    catalog_import(center=org, data=document())
    report = catalog_import(center=org, data=document())
    assert (report.items_created, report.versions_published, report.items_unchanged) == (0, 0, 3)
    assert (report.lists_written, report.bundles_written) == (0, 0)
    assert ServiceItemVersion.objects.count() == 3


@pytest.mark.django_db
def test_a_changed_guide_publishes_a_new_version_and_retires_the_old(org):
    catalog_import(center=org, data=document())
    changed = document()
    changed["items"][1]["version"]["promised_limit_days"] = 4
    changed["items"][2]["name"] = "改名的事项"
    report = catalog_import(center=org, data=changed)
    assert (report.versions_published, report.items_updated, report.items_unchanged) == (1, 1, 1)
    versions = ServiceItemVersion.objects.filter(item__code="371082-XK-0001").order_by("number")
    assert [(v.number, v.status) for v in versions] == [(1, "retired"), (2, "published")]
    assert versions[1].promised_limit_days == 4
    assert ServiceItem.objects.get(code="371082-XK-0002").name == "改名的事项"


@pytest.mark.django_db
def test_json_problems_name_the_path_and_nothing_is_saved(org):
    data = document(5)
    data["items"][3]["version"]["promised_limit_days"] = 30
    data["items"][4]["department"] = "NOPE"
    data["items"][2]["code"] = data["items"][0]["code"]
    with pytest.raises(CatalogImportError) as exc:
        catalog_import(center=org, data=data)
    found = {(p.path, p.code) for p in problems(exc)}
    assert ("items[3].version.promised_limit_days", "PROMISED_EXCEEDS_LEGAL") in found
    assert ("items[4].department", "UNKNOWN_DEPARTMENT") in found
    assert ("items[2].code", "DUPLICATE_CODE") in found
    assert ServiceItem.objects.count() == 0 and CatalogList.objects.count() == 0
    assert "承诺时限" in exc.value.report.as_text()


@pytest.mark.django_db
def test_import_refuses_an_item_code_of_another_center(org):
    other = DepartmentFactory(code="SCJG")
    SectorFactory(center=other.center, code="SSFW")
    data = document(1)
    data["center"] = other.center.code
    catalog_import(center=other.center, data=data)
    with pytest.raises(CatalogImportError) as exc:
        catalog_import(center=org, data=document(1))
    assert {p.code for p in problems(exc)} == {"ITEM_CODE_TAKEN", "BUNDLE_CODE_TAKEN"}


@pytest.mark.django_db
def test_dry_run_saves_nothing(org):
    report = catalog_import(center=org, data=document(), dry_run=True)
    assert report.items_created == 3 and report.dry_run
    assert ServiceItem.objects.count() == 0


@pytest.mark.django_db
def test_json_accepts_chinese_labels_for_enumerations(org):
    data = document(1)
    data["items"][0]["category"] = "行政许可"
    data["items"][0]["version"]["case_kind"] = "承诺件"
    data["items"][0]["version"]["delivery_methods"] = "窗口领取、邮寄"
    catalog_import(center=org, data=data)
    assert catalog_to_data(org)["items"][0] == document(1)["items"][0]


@pytest.mark.django_db
def test_xlsx_round_trip_is_identical(org, tmp_path):
    catalog_import(center=org, data=document(4))
    exported = catalog_to_data(org)
    path = workbook_file(tmp_path, exported)
    wb = load_workbook(path)
    assert wb.sheetnames == ["填写说明", "事项", "申请材料", "表单字段", "办理环节", "清单", "一件事"]
    assert wb["事项"]["C2"].value == "行政许可"  # enumerations are written in Chinese
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
    assert ("事项", 41, "M（承诺时限（天））", "PROMISED_EXCEEDS_LEGAL") in located
    assert ("申请材料", 61, "H（是否容缺）", "TOLERABLE_NOT_REQUIRED") in located
    text = exc.value.report.as_text()
    assert "工作表“事项”，第41行，M（承诺时限（天））列" in text
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
def test_import_command_reads_json_and_xlsx(org, tmp_path, capsys):
    json_path = tmp_path / "catalog.json"
    json_path.write_text(json.dumps(document(2), ensure_ascii=False), encoding="utf-8")
    call_command("import_catalog", str(json_path), "--center", "XTX", "--dry-run")
    assert ServiceItem.objects.count() == 0
    call_command("import_catalog", str(json_path), "--center", "XTX")
    assert ServiceItem.objects.count() == 2
    out = tmp_path / "out.xlsx"
    call_command("export_catalog", "--center", "XTX", "-o", str(out))
    call_command("import_catalog", str(out), "--center", "XTX")
    assert "未变化事项2项" in capsys.readouterr().out


@pytest.mark.django_db
def test_import_command_prints_the_report_and_fails(org, tmp_path, capsys):
    bad = document(2)
    bad["items"][1]["version"]["promised_limit_days"] = 99
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_catalog", str(path), "--center", "XTX")
    err = capsys.readouterr().err
    assert "items[1].version.promised_limit_days" in err and "承诺时限" in err
    assert ServiceItem.objects.count() == 0


@pytest.mark.django_db
def test_template_has_instructions_and_imports_as_is(tmp_path):
    sector = SectorFactory(code="SSFW")
    DepartmentFactory(center=sector.center, code="SCJG")
    path = tmp_path / "template.xlsx"
    call_command("catalog_template", "-o", str(path))
    wb = load_workbook(path)
    instructions = list(wb["填写说明"].iter_rows(values_only=True))
    assert any(row[1] == "承诺时限（天）" for row in instructions if len(row) > 1)
    assert wb["事项"].max_row == 2
    dropdowns = {str(dv.sqref): dv.formula1 for dv in wb["事项"].data_validations.dataValidation}
    assert "行政许可" in dropdowns["C2:C1048576"]
    report = catalog_import_file(center=sector.center, content=path.read_bytes(), filename="template.xlsx")
    assert report.items_created == 1
    expected = copy.deepcopy(template_data())
    expected["center"] = sector.center.code
    assert catalog_to_data(sector.center) == expected


@pytest.mark.django_db
def test_export_json_command(org, tmp_path):
    catalog_import(center=org, data=document(2))
    path = tmp_path / "out.json"
    call_command("export_catalog", "--center", "XTX", "-o", str(path))
    assert json.loads(path.read_text(encoding="utf-8")) == document(2)


def test_xlsx_to_data_reads_bytes_from_openpyxl_workbook():
    data = copy.deepcopy(template_data())
    parsed, report = xlsx_to_data(io.BytesIO(data_to_xlsx(data)).getvalue())
    assert report.ok and parsed == data


@pytest.mark.django_db
def test_over_long_list_and_bundle_names_are_reported_not_crashed(org):
    data = document(1)
    data["lists"][0]["name"] = "清" * 201
    data["bundles"][0]["name"] = "事" * 201
    with pytest.raises(CatalogImportError) as exc:
        catalog_import(center=org, data=data)
    assert {(p.path, p.code) for p in problems(exc)} == {
        ("lists[0].name", "TOO_LONG"),
        ("bundles[0].name", "TOO_LONG"),
    }


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
