"""catalog_import: all or nothing, idempotent, versioned; every problem named by its path."""

import pytest

from onewindow.catalog.errors import CatalogImportError
from onewindow.catalog.exchange.json import catalog_to_data
from onewindow.catalog.models import Bundle, CatalogList, ServiceItem, ServiceItemVersion
from onewindow.catalog.services import catalog_import
from tests.factories.catalog import catalog_document as document
from tests.factories.org import DepartmentFactory, SectorFactory


def problems(exc):
    return exc.value.report.problems


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
def test_an_unreadable_item_does_not_hide_the_problems_of_the_others(org):
    data = document(3)
    data["items"][0]["version"]["materials"][0]["required"] = "也许"
    data["items"][2]["version"]["promised_limit_days"] = 30
    with pytest.raises(CatalogImportError) as exc:
        catalog_import(center=org, data=data)
    assert {(p.path, p.code) for p in problems(exc)} == {
        ("items[0].version.materials[0].required", "INVALID_BOOLEAN"),
        ("items[2].version.promised_limit_days", "PROMISED_EXCEEDS_LEGAL"),
    }  # and the list and bundle naming item 0 are not said to name an unknown item


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
def test_import_refuses_another_format_and_another_center(org):
    data = document(1)
    data.update(format="onewindow-catalog/2", center="ELSEWHERE")
    with pytest.raises(CatalogImportError) as exc:
        catalog_import(center=org, data=data)
    assert {(p.path, p.code) for p in problems(exc)} == {
        ("format", "UNKNOWN_FORMAT"),
        ("center", "WRONG_CENTER"),
    }


@pytest.mark.django_db
def test_dry_run_saves_nothing(org):
    report = catalog_import(center=org, data=document(), dry_run=True)
    assert report.items_created == 3 and report.dry_run
    assert ServiceItem.objects.count() == 0
