"""Issue 8, "Catalog import crashes or accepts nonsense": one regression test per finding.

Every value is checked for type and range before anything is written, and a file is
bounded before it is read; each refusal is a report naming the cell or JSON path, in the
command, the admin and a dry run alike — never a traceback or a 500."""

import io
import json
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db.backends.base.operations import BaseDatabaseOperations
from django.urls import reverse
from openpyxl import load_workbook

from onewindow.catalog.errors import CatalogImportError
from onewindow.catalog.exchange.excel import data_to_xlsx, xlsx_to_data
from onewindow.catalog.exchange.limits import MAX_JSON_DEPTH, json_depth
from onewindow.catalog.exchange.load import catalog_import_file
from onewindow.catalog.exchange.schema import GuideIn, MaterialIn, TaskIn
from onewindow.catalog.models import (
    CatalogList,
    MaterialRequirement,
    ServiceItem,
    ServiceItemVersion,
    StageTask,
)
from onewindow.catalog.services import catalog_import
from onewindow.core import xlsx as workbook_module
from onewindow.core.inputs import Integer, rule_of
from onewindow.core.jobs import job_run
from onewindow.core.models import Job
from tests.catalog.rawxlsx import Raw, sheet_xml, workbook
from tests.factories.catalog import catalog_document as document


def problems(exc):
    return exc.value.report.problems


def found(exc):
    return {(p.path, p.code) for p in problems(exc)}


def located(exc):
    return {(p.sheet, p.row, p.column, p.code) for p in problems(exc)}


def xlsx(tmp_path, data, edit=None):
    """The workbook of `data`, optionally edited with openpyxl, as bytes."""
    path = tmp_path / "catalog.xlsx"
    path.write_bytes(data_to_xlsx(data))
    if edit:
        wb = load_workbook(path)
        edit(wb)
        wb.save(path)
    return path.read_bytes()


def column(ws, header):
    return next(c.column for c in ws[1] if c.value == header)


def import_json(center, data, dry_run=False):
    return catalog_import_file(
        center=center, content=json.dumps(data).encode(), filename="catalog.json", dry_run=dry_run
    )


def import_xlsx(center, content, dry_run=False):
    return catalog_import_file(center=center, content=content, filename="catalog.xlsx", dry_run=dry_run)


# ---------------------------------------------------------------- integers


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [False, True])
def test_a_task_limit_of_minus_one_is_out_of_range_not_an_integrity_error(org, tmp_path, dry_run):
    data = document(2)
    data["items"][1]["version"]["stages"][0]["tasks"][0]["limit_days"] = -1
    with pytest.raises(CatalogImportError) as exc:
        import_json(org, data, dry_run)
    assert found(exc) == {("items[1].version.stages[0].tasks[0].limit_days", "OUT_OF_RANGE")}

    def edit(wb):
        ws = wb["办理环节"]
        ws.cell(row=2, column=column(ws, "任务时限（工作日）"), value=-1)

    with pytest.raises(CatalogImportError) as exc:
        import_xlsx(org, xlsx(tmp_path, document(2), edit), dry_run)
    assert ("办理环节", 2, "H（任务时限（工作日））", "OUT_OF_RANGE") in located(exc)
    assert StageTask.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [False, True])
def test_copies_of_ten_to_the_twentieth_are_out_of_range_not_an_overflow(org, tmp_path, dry_run):
    data = document(1)
    data["items"][0]["version"]["materials"][0]["copies"] = 10**20
    with pytest.raises(CatalogImportError) as exc:
        import_json(org, data, dry_run)
    assert found(exc) == {("items[0].version.materials[0].copies", "OUT_OF_RANGE")}

    def edit(wb):
        ws = wb["申请材料"]
        ws.cell(row=2, column=column(ws, "份数"), value=10**20)

    with pytest.raises(CatalogImportError) as exc:
        import_xlsx(org, xlsx(tmp_path, document(1), edit), dry_run)
    assert {p.code for p in problems(exc)} == {"OUT_OF_RANGE"}
    assert MaterialRequirement.objects.count() == 0


@pytest.mark.parametrize(
    ("schema", "name", "model_field"),
    [
        (GuideIn, "legal_limit_days", ServiceItemVersion._meta.get_field("legal_limit_days")),
        (GuideIn, "promised_limit_days", ServiceItemVersion._meta.get_field("promised_limit_days")),
        (GuideIn, "max_visits", ServiceItemVersion._meta.get_field("max_visits")),
        (MaterialIn, "copies", MaterialRequirement._meta.get_field("copies")),
        (MaterialIn, "tolerance_days", MaterialRequirement._meta.get_field("tolerance_days")),
        (TaskIn, "limit_days", StageTask._meta.get_field("limit_days")),
    ],
)
def test_every_integer_of_the_document_has_the_range_of_its_database_column(schema, name, model_field):
    rule = rule_of(schema.model_fields[name])
    assert isinstance(rule, Integer)
    assert (rule.ge, rule.le) == BaseDatabaseOperations.integer_field_ranges[model_field.get_internal_type()]


@pytest.mark.django_db
def test_stage_numbers_past_the_stages_an_item_may_have_are_refused_by_cell(org, tmp_path):
    def edit(wb):
        ws = wb["办理环节"]
        ws.cell(row=3, column=column(ws, "环节序号"), value=10**20)

    with pytest.raises(CatalogImportError) as exc:
        import_xlsx(org, xlsx(tmp_path, document(1), edit))
    assert ("办理环节", 3, "B（环节序号）", "INVALID_NUMBER") in located(exc)


# ---------------------------------------------------------------- JSON structure


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [False, True])
def test_deeply_nested_json_is_refused_before_parsing_not_a_recursion_error(org, dry_run):
    deep = b'{"items": [{"code": "A-0001", "version": {"notes": ' + b"[" * 200_000 + b"]" * 200_000 + b"}}]}"
    with pytest.raises(CatalogImportError) as exc:
        catalog_import_file(center=org, content=deep, filename="catalog.json", dry_run=dry_run)
    assert [p.code for p in problems(exc)] == ["TOO_DEEP"]


def test_json_depth_is_measured_without_recursion_and_ignores_brackets_in_strings():
    assert json_depth(b"[" * 5_000_000) == 5_000_000  # no RecursionError, no deep stack
    assert json_depth(b'{"a": "[[[[{{{{", "b": [1, {"c": "\\"]]]"}]}') == 3
    assert json_depth(b'["unclosed \\" string [[[[') == 1
    shallow = json.dumps(document(2)).encode()
    assert json_depth(shallow) <= 8 < MAX_JSON_DEPTH


@pytest.mark.django_db
def test_a_number_of_five_thousand_digits_is_not_json_not_a_value_error(org):
    content = b'{"items": [{"code": "A-0001", "version": {"legal_limit_days": ' + b"9" * 5000 + b"}}]}"
    with pytest.raises(CatalogImportError) as exc:
        catalog_import_file(center=org, content=content, filename="catalog.json")
    assert [p.code for p in problems(exc)] == ["NOT_JSON"]


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_the_command_reports_a_nested_document_without_a_traceback(org, tmp_path, dry_run):
    path = tmp_path / "deep.json"
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1"):
        call_command("import_catalog", str(path), "--center", "XTX", *dry_run, stderr=err)
    assert "嵌套超过20层" in err.getvalue() and "Traceback" not in err.getvalue()


@pytest.mark.django_db
def test_the_admin_shows_the_report_of_a_nested_document_not_a_500(admin_client, org):
    upload = io.BytesIO(b'{"items": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    upload.name = "catalog.json"
    response = admin_client.post(
        reverse("admin:catalog_transfer"), {"center": org.pk, "file": upload, "dry_run": "on"}
    )
    assert response.status_code == 302  # queued; the import's page shows what the worker found
    job = Job.objects.get()
    job_run(job.pk, job.attempt)
    page = admin_client.get(response["Location"])
    assert page.status_code == 200
    assert "TOO_DEEP" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "limit"), [("materials", 200), ("form_fields", 200), ("stages", 50)])
def test_an_item_with_more_rows_than_its_cap_is_refused_before_they_are_read(org, key, limit):
    data = document(1)
    rows = data["items"][0]["version"][key]
    data["items"][0]["version"][key] = [rows[0]] * (limit + 1)
    with pytest.raises(CatalogImportError) as exc:
        catalog_import(center=org, data=data)
    assert found(exc) == {(f"items[0].version.{key}", "TOO_MANY_ROWS")}


@pytest.mark.django_db
def test_a_document_list_longer_than_the_row_bound_is_refused(org, settings):
    settings.ONEWINDOW_IMPORT_MAX_ROWS = 3
    with pytest.raises(CatalogImportError) as exc:
        catalog_import(center=org, data=document(4))
    assert found(exc) == {("items", "TOO_MANY_ROWS")}


# ---------------------------------------------------------------- duplicates


@pytest.mark.django_db
def test_a_duplicated_task_row_is_refused_with_its_row_not_published_as_a_new_version(org, tmp_path):
    catalog_import(center=org, data=document(2))

    def edit(wb):
        ws = wb["办理环节"]
        ws.append([c.value for c in ws[2]])  # the first task of item 0 once more

    with pytest.raises(CatalogImportError) as exc:
        import_xlsx(org, xlsx(tmp_path, document(2), edit))
    assert ("办理环节", 6, "D（任务名称）", "DUPLICATE_ROW") in located(exc)
    assert ServiceItemVersion.objects.count() == 2  # no new version


@pytest.mark.django_db
def test_a_duplicated_material_row_is_refused_with_its_row(org, tmp_path):
    def edit(wb):
        ws = wb["申请材料"]
        ws.append([c.value for c in ws[2]])

    with pytest.raises(CatalogImportError) as exc:
        import_xlsx(org, xlsx(tmp_path, document(1), edit))
    assert ("申请材料", 4, "B（材料编码）", "DUPLICATE_CODE") in located(exc)
    assert "首次出现在第1项材料" in exc.value.report.as_text()


@pytest.mark.django_db
def test_a_stage_named_twice_in_one_procedure_is_refused(org, tmp_path):
    data = document(1)
    stages = data["items"][0]["version"]["stages"]
    stages[1]["name"] = stages[0]["name"]
    with pytest.raises(CatalogImportError) as exc:
        catalog_import(center=org, data=data)
    assert found(exc) == {("items[0].version.stages[1].name", "DUPLICATE_ROW")}

    def edit(wb):
        ws = wb["办理环节"]
        ws.cell(
            row=3, column=column(ws, "环节名称"), value=ws.cell(row=2, column=column(ws, "环节名称")).value
        )

    with pytest.raises(CatalogImportError) as exc:
        import_xlsx(org, xlsx(tmp_path, document(1), edit))
    assert ("办理环节", 3, "C（环节名称）", "DUPLICATE_ROW") in located(exc)


# ---------------------------------------------------------------- every row of a group


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("明年", "INVALID_DATE"),
        (1999, "INVALID_DATE"),
        ("2026-02-30", "INVALID_DATE"),
        ("2025-01-01", "ROW_MISMATCH"),
    ],
)
def test_every_row_of_a_list_is_checked_for_its_date_not_only_the_first(org, tmp_path, value, code):
    def edit(wb):
        ws = wb["清单"]
        ws.cell(row=3, column=column(ws, "发布日期"), value=value)

    with pytest.raises(CatalogImportError) as exc:
        import_xlsx(org, xlsx(tmp_path, document(3), edit))
    assert located(exc) == {("清单", 3, "C（发布日期）", code)}
    assert CatalogList.objects.count() == 0


@pytest.mark.django_db
def test_every_row_of_a_list_is_checked_for_its_kind_and_a_bundle_for_its_name(org, tmp_path):
    def edit(wb):
        ws = wb["清单"]
        ws.cell(row=4, column=column(ws, "清单类型"), value="公共服务事项清单")
        ws = wb["一件事"]
        ws.cell(row=3, column=column(ws, "一件事名称"), value="另一个名字")
        ws.cell(row=3, column=column(ws, "是否启用"), value="也许")

    with pytest.raises(CatalogImportError) as exc:
        import_xlsx(org, xlsx(tmp_path, document(3), edit))
    assert located(exc) == {
        ("清单", 4, "A（清单类型）", "ROW_MISMATCH"),
        ("一件事", 3, "B（一件事名称）", "ROW_MISMATCH"),
        ("一件事", 3, "D（是否启用）", "INVALID_BOOLEAN"),
    }


@pytest.mark.django_db
def test_a_list_row_left_blank_where_the_first_says_it_is_the_same_list(org, tmp_path):
    def edit(wb):
        ws = wb["清单"]
        ws.cell(row=3, column=column(ws, "发布日期"), value=None)
        ws.cell(row=4, column=column(ws, "清单类型"), value=None)

    report = import_xlsx(org, xlsx(tmp_path, document(3), edit))
    assert report.lists_written == 1 and CatalogList.objects.get().items.count() == 3


# ---------------------------------------------------------------- texts


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "limit"),
    [
        ("notes", 2000),
        ("fee", 2000),
        ("legal_basis", 10_000),
        ("conditions", 10_000),
        ("where_to_apply", 200),
    ],
)
def test_a_text_longer_than_its_field_is_refused_not_stored(org, key, limit):
    data = document(1)
    data["items"][0]["version"][key] = "字" * (limit + 1)
    with pytest.raises(CatalogImportError) as exc:
        catalog_import(center=org, data=data)
    assert found(exc) == {(f"items[0].version.{key}", "TOO_LONG")}
    data["items"][0]["version"][key] = "字" * limit
    catalog_import(center=org, data=data)
    assert len(getattr(ServiceItemVersion.objects.get(), key)) == limit


@pytest.mark.django_db
def test_a_megabyte_text_cell_is_refused_not_stored(org, tmp_path):
    def edit(wb):
        ws = wb["事项"]
        ws.cell(row=2, column=column(ws, "备注"), value="长" * 1_000_000)

    with pytest.raises(CatalogImportError) as exc:
        import_xlsx(org, xlsx(tmp_path, document(1), edit))
    assert {p.code for p in problems(exc)} == {"TOO_LONG"}
    assert ServiceItem.objects.count() == 0


# ---------------------------------------------------------------- files


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_before_it_is_read(org, tmp_path, settings, monkeypatch):
    settings.ONEWINDOW_IMPORT_MAX_BYTES = 1000
    path = tmp_path / "big.json"
    path.write_bytes(json.dumps(document(3)).encode())

    def unread(self):
        raise AssertionError("the file was read")

    monkeypatch.setattr(type(path), "read_bytes", unread)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_catalog", str(path), "--center", "XTX", stderr=err)
    assert "事项目录文件最大为0.0 MiB" in err.getvalue()
    monkeypatch.undo()
    with pytest.raises(CatalogImportError) as exc:
        catalog_import_file(center=org, content=path.read_bytes(), filename="big.json")
    assert [p.code for p in problems(exc)] == ["FILE_TOO_LARGE"]
    _, report = xlsx_to_data(b"x" * 1001)
    assert [p.code for p in report.problems] == ["FILE_TOO_LARGE"]


def test_the_default_file_limit_is_ten_megabytes(settings):
    del settings.ONEWINDOW_IMPORT_MAX_BYTES
    from onewindow.catalog.exchange.limits import max_bytes

    assert max_bytes() == 10 * 1024 * 1024


def test_a_zip_bomb_is_refused_before_openpyxl_opens_it(monkeypatch):
    bomb = workbook({"事项": sheet_xml([["事项编码"]])}, extra={"xl/worksheets/pad.xml": b" " * 50_000_000})
    assert len(bomb) < 100_000

    def unopened(content):
        raise AssertionError("openpyxl opened the bomb")

    monkeypatch.setattr("onewindow.catalog.exchange.excel.open_workbook", unopened)
    _, report = xlsx_to_data(bomb)
    assert [p.code for p in report.problems] == ["ZIP_TOO_LARGE"]


def test_a_workbook_unpacking_past_the_total_bound_is_refused(settings, tmp_path):
    settings.ONEWINDOW_IMPORT_MAX_UNZIPPED_BYTES = 10_000
    _, report = xlsx_to_data(data_to_xlsx(document(5)))
    assert [p.code for p in report.problems] == ["ZIP_TOO_LARGE"]


def test_openpyxl_parses_workbooks_with_defusedxml_and_an_entity_bomb_is_not_a_workbook():
    assert openpyxl.DEFUSEDXML is True
    lol = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )
    bomb = workbook({"事项": lol + sheet_xml([["&lol3;"]])})
    _, report = xlsx_to_data(bomb)
    assert [p.code for p in report.problems] == ["NOT_XLSX"]


def test_a_declared_dimension_of_xfd200000_allocates_nothing(tmp_path):
    rows = [["事项编码", "事项名称"], ["A-0001", "甲"], ["A-0002", "乙"]]
    content = workbook({"事项": sheet_xml(rows, dimension="A1:XFD200000")})
    tracemalloc.start()
    data, report = xlsx_to_data(content)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [i["code"] for i in data["items"]] == ["A-0001", "A-0002"]
    assert peak < 20 * 1024 * 1024  # 200,000 rows of 16,384 cells would be gigabytes
    assert "TOO_MANY_ROWS" not in {p.code for p in report.problems}


def test_a_sheet_with_more_rows_than_the_bound_is_refused(settings):
    settings.ONEWINDOW_IMPORT_MAX_ROWS = 5
    many = workbook({"事项": sheet_xml([["事项编码"]] + [[f"A-{n:04d}"] for n in range(10)])})
    _, report = xlsx_to_data(many)
    assert ("事项", 7, "TOO_MANY_ROWS") in {(p.sheet, p.row, p.code) for p in report.problems}
    far = workbook({"事项": sheet_xml([["A-0001"]], first_row=1_048_576)})
    _, report = xlsx_to_data(far)
    assert ("事项", 1_048_576, "TOO_MANY_ROWS") in {(p.sheet, p.row, p.code) for p in report.problems}


def test_the_rows_read_are_bounded_in_rows_and_columns():
    content = workbook({"事项": sheet_xml([["a"] * 300] * 3)})
    wb = workbook_module.open_workbook(content)
    rows = list(workbook_module.sheet_rows(wb["事项"], max_rows=10, max_col=5))
    assert [(n, len(values)) for n, values in rows] == [(1, 5), (2, 5), (3, 5)]
    with pytest.raises(workbook_module.TooManyRows):
        list(workbook_module.sheet_rows(wb["事项"], max_rows=2, max_col=5))


def _items_sheet(data, **cells):
    """The 事项 sheet of `data`'s workbook as raw XML, with `cells` ({"B2": Raw(...)}) replaced."""
    wb = load_workbook(io.BytesIO(data_to_xlsx(data)))
    rows = [[c.value for c in row] for row in wb["事项"].iter_rows()]
    for ref, value in cells.items():
        cell = wb["事项"][ref]
        rows[cell.row - 1][cell.column - 1] = value
    sheets = {ws.title: sheet_xml([[c.value for c in row] for row in ws.iter_rows()]) for ws in wb}
    sheets["事项"] = sheet_xml(rows)
    return workbook(sheets)


@pytest.mark.django_db
def test_formulas_are_read_by_their_cached_value_and_refused_without_one(org):
    # O is 承诺时限（天）, B the name: a formula with its value, then one without.
    content = _items_sheet(
        document(1), O2=Raw("<f>2+3</f><v>5</v>"), B2=Raw('<f>"事项"&amp;"0"</f>', 't="str"')
    )
    with pytest.raises(CatalogImportError) as exc:
        import_xlsx(org, content)
    assert located(exc) == {("事项", 2, "B（事项名称）", "FORMULA_WITHOUT_VALUE")}
    content = _items_sheet(
        document(1), O2=Raw("<f>2+3</f><v>5</v>"), B2=Raw('<f>"事项"&amp;"0"</f><v>事项0</v>', 't="str"')
    )
    assert import_xlsx(org, content).items_created == 1
    assert ServiceItemVersion.objects.get().promised_limit_days == 5


@pytest.mark.django_db
def test_a_cell_showing_an_error_is_refused_by_its_cell(org):
    content = _items_sheet(document(1), N2=Raw("<f>1/0</f><v>#DIV/0!</v>", 't="e"'))
    with pytest.raises(CatalogImportError) as exc:
        import_xlsx(org, content)
    assert located(exc) == {("事项", 2, "N（法定时限（天））", "CELL_ERROR")}


@pytest.mark.django_db
def test_a_damaged_sheet_is_reported_not_raised(org):
    content = _items_sheet(document(1), B2=Raw("<v>99</v>", 't="s"'))  # no shared string 99
    with pytest.raises(CatalogImportError) as exc:
        import_xlsx(org, content)
    assert ("事项", 1, "", "NOT_XLSX") in located(exc)


def test_a_zip_that_is_not_a_workbook_and_a_broken_zip_are_not_xlsx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hello")
    for content in (out.getvalue(), out.getvalue()[:40], b"PK\x03\x04" + b"\0" * 100):
        _, report = xlsx_to_data(content)
        assert [p.code for p in report.problems] == ["NOT_XLSX"]


@pytest.mark.django_db
@pytest.mark.parametrize("keep", [0.5, -22, -1], ids=["half", "directory-end", "last-byte"])
def test_a_catalog_workbook_cut_off_is_refused_as_not_whole_and_imports_nothing(org, keep):
    content = data_to_xlsx(document(2))
    cut = content[: int(len(content) * keep)] if isinstance(keep, float) else content[:keep]
    with pytest.raises(CatalogImportError) as exc:
        catalog_import_file(center=org, content=cut, filename="catalog.xlsx")
    (problem,) = exc.value.report.problems
    assert problem.code == "NOT_XLSX"
    assert problem.message.startswith("工作簿不完整或已损坏（可能在上传或复制时中断）")
    assert not ServiceItem.objects.exists()
