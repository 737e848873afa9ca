import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from onewindow.catalog.exchange.excel import data_to_xlsx
from onewindow.catalog.models import ServiceItem, ServiceItemVersion
from onewindow.catalog.services import bundle_create, catalog_import, item_create, version_publish
from tests.factories.catalog import guide_data, item_data

MODELS = [
    "serviceitem",
    "serviceitemversion",
    "materialrequirement",
    "formfield",
    "procedure",
    "stage",
    "stagetask",
    "cataloglist",
    "bundle",
    "bundleitem",
]


def fill(center, n, start=0):
    items = [item_data(f"ITEM-{k:04d}", "SCJG", sector="SSFW") for k in range(start, start + n)]
    catalog_import(
        center=center,
        data={
            "items": items,
            "lists": [{"kind": "licensing", "name": f"清单{start}", "items": [i["code"] for i in items]}],
            "bundles": [
                {"code": f"BUNDLE-{start:04d}", "name": "一件事", "items": [i["code"] for i in items]}
            ],
        },
    )


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def org(center, department, sector):
    return center


@pytest.mark.django_db
def test_every_changelist_loads_with_a_bounded_number_of_queries(admin_client, org):
    fill(org, 2)
    small = {m: count_queries(admin_client, reverse(f"admin:catalog_{m}_changelist")) for m in MODELS}
    fill(org, 8, start=2)
    large = {m: count_queries(admin_client, reverse(f"admin:catalog_{m}_changelist")) for m in MODELS}
    assert large == small, large
    assert max(large.values()) <= 12


@pytest.mark.django_db
def test_change_pages_load(admin_client, org):
    fill(org, 1)
    version = ServiceItemVersion.objects.get()
    item = version.item
    for url in (
        reverse("admin:catalog_serviceitem_change", args=[item.pk]),
        reverse("admin:catalog_serviceitemversion_change", args=[version.pk]),
        reverse("admin:catalog_procedure_change", args=[version.procedure.pk]),
        reverse("admin:catalog_stage_change", args=[version.procedure.stages.first().pk]),
    ):
        assert admin_client.get(url).status_code == 200


@pytest.mark.django_db
def test_item_changelist_links_to_the_import_export_page(admin_client, org):
    page = admin_client.get(reverse("admin:catalog_serviceitem_changelist")).content.decode()
    assert reverse("admin:catalog_transfer") in page


@pytest.mark.django_db
def test_a_published_version_is_read_only(admin_client, org):
    fill(org, 1)
    version = ServiceItemVersion.objects.get()
    url = reverse("admin:catalog_serviceitemversion_change", args=[version.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="_save"' not in page
    response = admin_client.post(url, {"legal_basis": "改了"})
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.legal_basis != "改了"


@pytest.mark.django_db
def test_a_draft_is_editable(admin_client, org, department):
    item = item_create(
        center=org,
        code="ITEM-9999",
        name="草稿事项",
        category="licensing",
        department=department,
        guide=guide_data("SCJG"),
    )
    url = reverse("admin:catalog_serviceitemversion_change", args=[item.versions.get().pk])
    assert 'name="_save"' in admin_client.get(url).content.decode()


@pytest.mark.django_db
def test_publish_action_publishes_a_valid_draft_and_names_the_fields_of_an_invalid_one(
    admin_client, org, department
):
    good = item_create(
        center=org,
        code="ITEM-0001",
        name="好事项",
        category="licensing",
        department=department,
        guide=guide_data("SCJG"),
    )
    bad = item_create(
        center=org,
        code="ITEM-0002",
        name="坏事项",
        category="licensing",
        department=department,
        guide=guide_data("SCJG", materials=[], promised_limit_days=2),
    )
    ids = [good.versions.get().pk, bad.versions.get().pk]
    response = admin_client.post(
        reverse("admin:catalog_serviceitemversion_changelist"),
        {"action": "publish", "_selected_action": ids},
        follow=True,
    )
    page = response.content.decode()
    assert good.versions.get().status == "published"
    assert bad.versions.get().status == "draft"
    assert "事项至少要有一项申请材料" in page
    assert "承诺时限" in page


@pytest.mark.django_db
def test_create_draft_action_copies_the_published_version(admin_client, org):
    fill(org, 1)
    version = ServiceItemVersion.objects.get()
    admin_client.post(
        reverse("admin:catalog_serviceitemversion_changelist"),
        {"action": "create_drafts", "_selected_action": [version.pk]},
    )
    draft = ServiceItemVersion.objects.get(status="draft")
    assert draft.number == 2 and draft.materials.count() == 2


@pytest.mark.django_db
def test_upload_imports_an_excel_catalog(admin_client, org):
    data = {"format": "onewindow-catalog/1", "center": "XTX", "items": [item_data("ITEM-0001", "SCJG")]}
    upload = io.BytesIO(data_to_xlsx(data))
    upload.name = "catalog.xlsx"
    response = admin_client.post(reverse("admin:catalog_transfer"), {"center": org.pk, "file": upload})
    assert response.status_code == 200
    assert ServiceItem.objects.filter(code="ITEM-0001").exists()
    assert "新建事项1项" in response.content.decode()


@pytest.mark.django_db
def test_upload_with_errors_shows_the_report_and_saves_nothing(admin_client, org):
    items = [item_data(f"ITEM-{k:04d}", "SCJG") for k in range(3)]
    items[2]["version"]["promised_limit_days"] = 40
    upload = io.BytesIO(data_to_xlsx({"items": items}))
    upload.name = "catalog.xlsx"
    page = admin_client.post(
        reverse("admin:catalog_transfer"), {"center": org.pk, "file": upload}
    ).content.decode()
    assert ServiceItem.objects.count() == 0
    assert 'id="import-problems"' in page
    assert "事项" in page and "M（承诺时限（天））" in page and "PROMISED_EXCEEDS_LEGAL" in page


@pytest.mark.django_db
def test_upload_of_json_works(admin_client, org):
    upload = io.BytesIO(json.dumps({"items": [item_data("ITEM-0001", "SCJG")]}).encode())
    upload.name = "catalog.json"
    admin_client.post(reverse("admin:catalog_transfer"), {"center": org.pk, "file": upload})
    assert ServiceItem.objects.count() == 1


@pytest.mark.django_db
def test_export_and_template_downloads(admin_client, org, department):
    fill(org, 2)
    bundle_create(center=org, code="BUNDLE-EXTRA", name="另一件事", items=list(ServiceItem.objects.all()))
    response = admin_client.get(reverse("admin:catalog_export"), {"center": org.pk})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb["事项"].max_row == 3
    template = admin_client.get(reverse("admin:catalog_template"))
    assert "填写说明" in load_workbook(io.BytesIO(template.content)).sheetnames


@pytest.mark.django_db
def test_publish_through_service_then_admin_shows_retired_versions_read_only(admin_client, org, department):
    fill(org, 1)
    item = ServiceItem.objects.get()
    admin_client.post(
        reverse("admin:catalog_serviceitem_changelist"),
        {"action": "create_drafts", "_selected_action": [item.pk]},
    )
    draft = item.versions.get(status="draft")
    version_publish(version=draft, actor=None)
    retired = item.versions.get(status="retired")
    url = reverse("admin:catalog_serviceitemversion_change", args=[retired.pk])
    assert admin_client.post(url, {}).status_code == 403
