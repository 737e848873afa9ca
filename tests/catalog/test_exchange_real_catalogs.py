"""Issue 8, "Real catalogs, imported as published": 实施编码 of 50–60 characters, main items
and sub-items, departments the center lacks, form fields marked as personal data."""

import io
import json

import pytest
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from onewindow.catalog.errors import CatalogError, CatalogImportError
from onewindow.catalog.exchange.excel import data_to_xlsx, xlsx_to_data
from onewindow.catalog.exchange.json import catalog_to_data
from onewindow.catalog.exchange.load import catalog_import_file
from onewindow.catalog.models import Bundle, FormField, MainItem, ServiceItem
from onewindow.catalog.services import bundle_create, catalog_import, item_create
from onewindow.org.models import Department
from tests.factories.catalog import ServiceItemFactory, guide_data, item_data
from tests.factories.catalog import catalog_document as document
from tests.factories.org import DepartmentFactory, ServiceCenterFactory

# A Sichuan district's 实施编码: 55 characters with hyphens.
CODE = "11510104MB1C62148N-XK-0100-0001-00-00000000000000001-01"


def problems(exc):
    return exc.value.report.problems


def found(exc):
    return {(p.path, p.code) for p in problems(exc)}


def one_item(code, **kwargs):
    data = document(1)
    data["items"] = [item_data(code, "SCJG", sector="SSFW", **kwargs)]
    data["lists"][0]["items"] = [code]
    data["bundles"][0]["items"] = [code]
    return data


# ---------------------------------------------------------------- codes


@pytest.mark.django_db
def test_an_implementation_code_of_55_characters_with_hyphens_imports_as_published(org):
    assert len(CODE) == 55
    catalog_import(center=org, data=one_item(CODE))
    assert ServiceItem.objects.get().code == CODE
    assert catalog_to_data(org)["items"][0]["code"] == CODE


@pytest.mark.django_db
def test_codes_take_up_to_64_letters_digits_and_hyphens_in_either_case(org):
    longest = "a" + "B-9" * 21
    assert len(longest) == 64
    catalog_import(center=org, data=one_item(longest))
    for bad in (longest + "x", "XK_0001", "-XK-0001", "事项-0001", "XK 0001"):
        with pytest.raises(CatalogImportError) as exc:
            catalog_import(center=org, data=one_item(bad))
        assert ("items[0].code", "TOO_LONG" if len(bad) > 64 else "INVALID_CODE") in found(exc), bad


@pytest.mark.django_db
def test_codes_that_differ_only_in_case_are_one_code_in_the_file(org):
    data = document(2)
    data["items"][1]["code"] = data["items"][0]["code"].lower()
    data["lists"][0]["items"] = data["bundles"][0]["items"] = [data["items"][0]["code"]]
    data["bundles"].append({"code": "bundle-kdcy", "name": "另一件事", "items": []})
    with pytest.raises(CatalogImportError) as exc:
        catalog_import(center=org, data=data)
    assert found(exc) == {("items[1].code", "DUPLICATE_CODE"), ("bundles[1].code", "DUPLICATE_CODE")}


@pytest.mark.django_db
def test_a_code_of_another_center_in_another_case_is_taken(org):
    ServiceItemFactory(code=CODE.lower())
    with pytest.raises(CatalogImportError) as exc:
        catalog_import(center=org, data=one_item(CODE))
    assert ("items[0].code", "ITEM_CODE_TAKEN") in found(exc)


@pytest.mark.django_db
def test_importing_again_with_a_code_in_another_case_updates_the_same_item(org):
    catalog_import(center=org, data=one_item(CODE))
    report = catalog_import(center=org, data=one_item(CODE.lower()))
    assert (report.items_created, report.items_updated, report.versions_published) == (0, 1, 0)
    assert ServiceItem.objects.get().code == CODE.lower()
    assert report.lists_written == report.bundles_written == 0  # the same members


@pytest.mark.django_db
def test_item_create_and_bundle_create_refuse_a_code_in_another_case_by_its_field(org, department):
    item_create(
        center=org,
        code=CODE,
        name="事项",
        category="licensing",
        department=department,
        guide=guide_data("SCJG"),
    )
    with pytest.raises(CatalogError) as exc:
        item_create(
            center=org,
            code=CODE.lower(),
            name="事项",
            category="licensing",
            department=department,
            guide=guide_data("SCJG"),
        )
    assert [(e["field"], e["code"]) for e in exc.value.errors] == [("code", "ITEM_CODE_TAKEN")]
    bundle_create(center=org, code="BUNDLE-KDCY", name="一件事")
    with pytest.raises(CatalogError) as exc:
        bundle_create(center=org, code="Bundle-Kdcy", name="一件事")
    assert [(e["field"], e["code"]) for e in exc.value.errors] == [("code", "BUNDLE_CODE_TAKEN")]


@pytest.mark.django_db
def test_the_database_refuses_codes_that_differ_only_in_case(org, department):
    ServiceItemFactory(center=org, department=department, code="XK-0001")
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItemFactory(center=org, department=department, code="xk-0001")
    Bundle.objects.create(center=org, code="B-0001", name="一件事")
    with pytest.raises(IntegrityError), transaction.atomic():
        Bundle.objects.create(center=org, code="b-0001", name="一件事")
    MainItem.objects.create(center=org, code="M-0001", name="主项")
    MainItem.objects.create(center=ServiceCenterFactory(), code="m-0001", name="主项")  # another center
    with pytest.raises(IntegrityError), transaction.atomic():
        MainItem.objects.create(center=org, code="m-0001", name="主项")


# ---------------------------------------------------------------- main items and sub-items


@pytest.mark.django_db
def test_sub_items_belong_to_the_main_item_they_name(org):
    data = document(3)
    for item in data["items"][:2]:
        item.update(main_item_code="510104-XK-0100", main_item_name="食品经营许可")
    report = catalog_import(center=org, data=data)
    assert report.main_items_created == 1
    main = MainItem.objects.get()
    assert (main.center, main.code, main.name) == (org, "510104-XK-0100", "食品经营许可")
    assert sorted(main.sub_items.values_list("code", flat=True)) == [i["code"] for i in data["items"][:2]]
    assert ServiceItem.objects.get(code=data["items"][2]["code"]).main_item is None
    assert catalog_to_data(org) == data
    again = catalog_import(center=org, data=data)
    assert (again.main_items_created, again.items_unchanged) == (0, 3)


@pytest.mark.django_db
def test_a_main_item_is_renamed_by_the_file(org):
    data = document(1)
    data["items"][0].update(main_item_code="M-0001", main_item_name="旧名")
    catalog_import(center=org, data=data)
    data["items"][0].update(main_item_code="m-0001", main_item_name="新名")
    report = catalog_import(center=org, data=data)
    assert (report.main_items_created, report.items_unchanged) == (0, 1)
    assert MainItem.objects.values_list("code", "name").get() == ("m-0001", "新名")


@pytest.mark.django_db
def test_a_main_item_needs_its_code_and_name_and_one_name_across_its_sub_items(org):
    data = document(4)
    data["items"][0].update(main_item_code="M-0001", main_item_name="")
    data["items"][1].update(main_item_code="", main_item_name="主项")
    data["items"][2].update(main_item_code="M-0002", main_item_name="甲")
    data["items"][3].update(main_item_code="m-0002", main_item_name="乙")
    with pytest.raises(CatalogImportError) as exc:
        catalog_import(center=org, data=data)
    assert found(exc) == {
        ("items[0].main_item_name", "FIELD_REQUIRED"),
        ("items[1].main_item_code", "FIELD_REQUIRED"),
        ("items[3].main_item_name", "MAIN_ITEM_MISMATCH"),
    }
    assert MainItem.objects.count() == 0


@pytest.mark.django_db
def test_the_workbook_carries_the_main_item_in_two_columns(org, tmp_path):
    data = document(2)
    data["items"][0].update(main_item_code="M-0001", main_item_name="主项甲")
    content = data_to_xlsx(data)
    ws = load_workbook(io.BytesIO(content))["事项"]
    assert [c.value for c in ws[1]][:4] == ["事项编码", "事项名称", "主项编码", "主项名称"]
    assert [c.value for c in ws[2]][2:4] == ["M-0001", "主项甲"]
    parsed, report = xlsx_to_data(content)
    assert report.ok and parsed == data


# ---------------------------------------------------------------- departments


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [False, True])
def test_the_departments_a_center_lacks_are_created_and_reported(center, sector, dry_run):
    DepartmentFactory(center=center, code="SCJG", name="市场监管局（本中心的名称）")
    data = document(2)
    data["items"][1]["department"] = "ZRZY"
    data["items"][1]["version"]["stages"][0]["tasks"][0]["department"] = "GTJ"
    data["departments"] = [
        {"code": "SCJG", "name": "市场监督管理局"},
        {"code": "ZRZY", "name": "自然资源局"},
        {"code": "GTJ", "name": "规划和自然资源局"},
    ]
    report = catalog_import(center=center, data=data, dry_run=dry_run)
    assert report.departments_created == ["ZRZY", "GTJ"]
    assert "新建部门：ZRZY、GTJ。" in report.summary()
    names = dict(Department.objects.filter(center=center).values_list("code", "name"))
    if dry_run:
        assert names == {"SCJG": "市场监管局（本中心的名称）"}
    else:
        assert names == {
            "SCJG": "市场监管局（本中心的名称）",
            "ZRZY": "自然资源局",
            "GTJ": "规划和自然资源局",
        }
        assert ServiceItem.objects.get(code=data["items"][1]["code"]).department.code == "ZRZY"


@pytest.mark.django_db
def test_departments_are_checked_before_anything_is_written(center, sector):
    data = document(1)
    data["items"][0]["department"] = "NOPE"
    data["departments"] = [
        {"code": "scjg", "name": "小写编码"},
        {"code": "SCJG", "name": "市场监督管理局"},
        {"code": "SCJG", "name": "又一次"},
        {"code": "FGW", "name": ""},
    ]
    with pytest.raises(CatalogImportError) as exc:
        catalog_import(center=center, data=data)
    assert found(exc) == {
        ("departments[0].code", "INVALID_CODE"),
        ("departments[2].code", "DUPLICATE_CODE"),
        ("departments[3].name", "FIELD_REQUIRED"),
        ("items[0].department", "UNKNOWN_DEPARTMENT"),
    }
    assert Department.objects.count() == 0


@pytest.mark.django_db
def test_the_departments_sheet_creates_departments_from_excel(center, sector, tmp_path):
    data = document(1)
    content = data_to_xlsx(data)
    assert load_workbook(io.BytesIO(content))["部门"]["A2"].value == "SCJG"
    report = catalog_import_file(center=center, content=content, filename="catalog.xlsx")
    assert report.departments_created == ["SCJG"]
    assert Department.objects.get().name == "市场监督管理局"
    assert catalog_to_data(center) == data


# ---------------------------------------------------------------- personal data


@pytest.mark.django_db
def test_form_fields_carry_the_personal_data_flag_through_json_and_excel(org):
    data = document(1)
    fields = data["items"][0]["version"]["form_fields"]
    fields[1]["personal"] = "否"
    fields.append(
        {"key": "business_scope", "label": "经营范围", "kind": "text", "required": False, "choices": []}
    )
    catalog_import(center=org, data=data)
    assert dict(FormField.objects.values_list("key", "personal")) == {
        "applicant_name": True,
        "phone": False,
        "business_scope": False,
    }
    exported = catalog_to_data(org)
    assert [f["personal"] for f in exported["items"][0]["version"]["form_fields"]] == [True, False, False]
    content = data_to_xlsx(exported)
    ws = load_workbook(io.BytesIO(content))["表单字段"]
    assert ws["G1"].value == "是否个人信息" and [ws[f"G{n}"].value for n in (2, 3, 4)] == ["是", "否", "否"]
    parsed, report = xlsx_to_data(content)
    assert report.ok and parsed == exported


# ---------------------------------------------------------------- a real-sized catalog


def provincial_catalog(n=1200, departments=12):
    """A catalog as a district publishes it: `n` sub-items with 55-character codes, four
    to a main item, spread over departments the importing center does not have yet."""
    items = []
    for k in range(n):
        code = f"11510104MB1C{k:05d}N-XK-0100-0001-00-00000000000000001-01"
        dept = f"BM{k % departments:02d}"
        item = item_data(code, dept, name=f"子项{k}", main_item=(f"510104-XK-{k // 4:04d}", f"主项{k // 4}"))
        version = item["version"]
        version["materials"] = version["materials"][:1]
        version["form_fields"] = version["form_fields"][:1]
        version["stages"] = version["stages"][:1]
        items.append(item)
    return {
        "format": "onewindow-catalog/1",
        "center": "",
        "departments": [{"code": f"BM{d:02d}", "name": f"部门{d}"} for d in range(departments)],
        "items": items,
        "lists": [
            {
                "kind": "power",
                "name": "权力清单",
                "published_on": "2026-01-01",
                "items": [i["code"] for i in items],
            }
        ],
        "bundles": [],
    }


@pytest.mark.django_db
def test_a_district_catalog_of_1200_sub_items_imports_through_the_excel_path(center):
    data = provincial_catalog()
    assert {len(i["code"]) for i in data["items"]} == {55}
    report = catalog_import_file(center=center, content=data_to_xlsx(data), filename="目录.xlsx")
    assert (report.items_created, report.versions_published, report.main_items_created) == (1200, 1200, 300)
    assert report.departments_created == [f"BM{d:02d}" for d in range(12)]
    assert ServiceItem.objects.filter(center=center).count() == 1200
    assert MainItem.objects.filter(center=center).count() == 300
    by_code = dict(ServiceItem.objects.values_list("code", "main_item__code"))
    assert all(by_code[i["code"]] == i["main_item_code"] for i in data["items"])
    assert Department.objects.filter(center=center).count() == 12
    data["center"] = center.code
    assert catalog_to_data(center) == data
    again = catalog_import_file(center=center, content=json.dumps(data).encode(), filename="目录.json")
    assert (again.items_unchanged, again.departments_created, again.main_items_created) == (1200, [], 0)
