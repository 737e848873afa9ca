"""The catalog document is read with the input layer's rules and codes, like a form is."""

import datetime as dt

import pytest
from django.utils import translation

from onewindow.catalog.errors import CatalogError, CatalogImportError
from onewindow.catalog.exchange.json import catalog_to_data
from onewindow.catalog.exchange.schema import GuideIn, ItemHead, ListIn
from onewindow.catalog.models import CatalogList, ServiceItemVersion
from onewindow.catalog.services import catalog_import, item_create
from onewindow.core.inputs import input_check
from tests.factories.catalog import catalog_document as document
from tests.factories.catalog import guide_data


def problems(exc):
    return exc.value.report.problems


@pytest.mark.django_db
def test_json_accepts_chinese_labels_for_enumerations(org):
    data = document(1)
    data["items"][0]["category"] = "行政许可"
    data["items"][0]["version"]["case_kind"] = "承诺件"
    data["items"][0]["version"]["delivery_methods"] = "窗口领取、邮寄"
    catalog_import(center=org, data=data)
    assert catalog_to_data(org)["items"][0] == document(1)["items"][0]


@pytest.mark.django_db
def test_yes_no_words_dates_and_spreadsheet_numbers_are_read_as_a_form_reads_them(org):
    data = document(1)
    version = data["items"][0]["version"]
    version.update(is_free="是", online_available="×", legal_limit_days=20.0, promised_limit_days="5")
    version["materials"][1].update(required="有", tolerable="无", copies=" 2 ")
    data["lists"][0]["published_on"] = "2026年1月5日"
    catalog_import(center=org, data=data)
    stored = ServiceItemVersion.objects.get()
    assert (stored.is_free, stored.online_available, stored.legal_limit_days) == (True, False, 20)
    material = stored.materials.get(code="application_form")
    assert (material.required, material.tolerable, material.copies) == (True, False, 2)
    assert CatalogList.objects.get().published_on == dt.date(2026, 1, 5)


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
def test_values_of_the_wrong_type_get_the_input_codes_naming_the_field(org):
    data = document(1)
    version = data["items"][0]["version"]
    version.update(legal_basis="", legal_limit_days=-1, max_visits=True, notes=["a", "b"])
    data["lists"][0]["published_on"] = "2026-02-30"
    with translation.override("zh-hans"), pytest.raises(CatalogImportError) as exc:
        catalog_import(center=org, data=data)
    by_path = {p.path: p for p in problems(exc)}
    assert {path: p.code for path, p in by_path.items()} == {
        "items[0].version.legal_basis": "FIELD_REQUIRED",
        "items[0].version.legal_limit_days": "OUT_OF_RANGE",
        "items[0].version.max_visits": "INVALID_NUMBER",
        "items[0].version.notes": "INVALID_TEXT",
        "lists[0].published_on": "INVALID_DATE",
    }
    assert by_path["items[0].version.legal_basis"].message == "请填写“设定依据”。"
    assert "法定时限" in by_path["items[0].version.legal_limit_days"].message


def test_a_guide_needs_its_required_fields_and_keeps_the_defaults_of_the_others():
    guide, errors = input_check(GuideIn, {"case_kind": "immediate", "materials": [{"code": "id_card"}]})
    assert guide is None
    assert {(e["field"], e["code"]) for e in errors} == {
        ("legal_basis", "FIELD_REQUIRED"),
        ("conditions", "FIELD_REQUIRED"),
        ("legal_limit_days", "FIELD_REQUIRED"),
        ("promised_limit_days", "FIELD_REQUIRED"),
        ("materials[0].name", "FIELD_REQUIRED"),
    }
    guide, errors = input_check(GuideIn, guide_data("SCJG", fee_basis="  ", online_available=None))
    assert errors == [] and (guide.fee_basis, guide.online_available) == ("", False)


def test_item_codes_and_list_kinds_are_checked_where_item_create_checks_them():
    head, errors = input_check(ItemHead, {"code": "abc", "name": "x", "category": "许可"})
    assert head is None and {(e["field"], e["code"]) for e in errors} == {
        ("code", "INVALID_CODE"),
        ("category", "INVALID_CHOICE"),
    }
    catalog_list, errors = input_check(
        ListIn, {"kind": "一次办好", "name": "清单", "items": "A-0001、A-0002"}
    )
    assert [e["code"] for e in errors] == ["INVALID_CHOICE"]


@pytest.mark.django_db
def test_item_create_and_the_import_refuse_the_same_item_with_the_same_codes(org, department):
    guide = guide_data(department.code, promised_limit_days="五", delivery_methods="传真")
    with pytest.raises(CatalogError) as created:
        item_create(
            center=org,
            code="371082-XK-0001",
            name="事" * 201,
            category="licensing",
            department=department,
            guide=guide,
        )
    data = document(1)
    data["items"][0].update(name="事" * 201, version=guide)
    with pytest.raises(CatalogImportError) as imported:
        catalog_import(center=org, data=data)
    assert {(e["field"], e["code"]) for e in created.value.errors} == {
        ("name", "TOO_LONG"),
        ("guide.promised_limit_days", "INVALID_NUMBER"),
        ("guide.delivery_methods", "INVALID_CHOICE"),
    }
    assert {(p.path, p.code) for p in problems(imported)} == {
        ("items[0].name", "TOO_LONG"),
        ("items[0].version.promised_limit_days", "INVALID_NUMBER"),
        ("items[0].version.delivery_methods", "INVALID_CHOICE"),
    }
