import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from onewindow.catalog.exchange.excel import data_to_xlsx
from onewindow.catalog.models import MainItem, ServiceItem, ServiceItemVersion
from onewindow.catalog.services import bundle_create, catalog_import, item_create, version_publish
from onewindow.core.jobs import job_run
from onewindow.core.models import Job
from tests.factories.catalog import guide_data, item_data

MODELS = [
    "mainitem",
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
    items = [
        item_data(f"ITEM-{k:04d}", "SCJG", sector="SSFW", main_item=(f"MAIN-{k // 2:04d}", f"主项{k // 2}"))
        for k in range(start, start + n)
    ]
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


def imported(client, response):
    """The job an upload queued, run (by the worker's function), and its page afterwards."""
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    job = Job.objects.get(uuid=response["Location"].rstrip("/").rsplit("/", 1)[1])
    job_run(job.pk, job.attempt)
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.content.decode()


@pytest.mark.django_db
def test_upload_imports_an_excel_catalog(admin_client, org):
    data = {"format": "onewindow-catalog/1", "center": "XTX", "items": [item_data("ITEM-0001", "SCJG")]}
    upload = io.BytesIO(data_to_xlsx(data))
    upload.name = "catalog.xlsx"
    response = admin_client.post(reverse("admin:catalog_transfer"), {"center": org.pk, "file": upload})
    page = imported(admin_client, response)
    assert ServiceItem.objects.filter(code="ITEM-0001").exists()
    assert "新建事项1项" in page


@pytest.mark.django_db
def test_upload_with_errors_shows_the_report_and_saves_nothing(admin_client, org):
    items = [item_data(f"ITEM-{k:04d}", "SCJG") for k in range(3)]
    items[2]["version"]["promised_limit_days"] = 40
    upload = io.BytesIO(data_to_xlsx({"items": items}))
    upload.name = "catalog.xlsx"
    page = imported(
        admin_client, admin_client.post(reverse("admin:catalog_transfer"), {"center": org.pk, "file": upload})
    )
    assert ServiceItem.objects.count() == 0
    assert 'id="import-problems"' in page
    assert "事项" in page and "O（承诺时限（天））" in page and "PROMISED_EXCEEDS_LEGAL" in page


@pytest.mark.django_db
def test_upload_of_json_works(admin_client, org):
    upload = io.BytesIO(json.dumps({"items": [item_data("ITEM-0001", "SCJG")]}).encode())
    upload.name = "catalog.json"
    imported(
        admin_client, admin_client.post(reverse("admin:catalog_transfer"), {"center": org.pk, "file": upload})
    )
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


# ---------------------------------------------------------------- writes through the services


def inline(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    """POST data of an inline formset: the management form and its rows."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data.update({f"{prefix}-{n}-{key}": value for key, value in row.items()})
    return data


def draft_of(center, department, code="ITEM-0001", **guide):
    item = item_create(
        center=center,
        code=code,
        name="草稿事项",
        category="licensing",
        department=department,
        guide=guide_data("SCJG", **guide),
    )
    return item.versions.get()


def version_form(version) -> dict:
    """The change form of a draft as the admin renders it, with its inlines unchanged."""
    data = {
        "case_kind": version.case_kind,
        "applicant_kinds": version.applicant_kinds,
        "legal_basis": version.legal_basis,
        "conditions": version.conditions,
        "limit_unit": version.limit_unit,
        "legal_limit_days": version.legal_limit_days,
        "promised_limit_days": version.promised_limit_days,
        "is_free": "on" if version.is_free else "",
        "fee": version.fee,
        "max_visits": version.max_visits,
        "delivery_methods": json.dumps(version.delivery_methods),
        "online_available": "on" if version.online_available else "",
    }
    materials = [
        {
            "id": m.pk,
            "version": version.pk,
            "order": m.order,
            "code": m.code,
            "name": m.name,
            "form": m.form,
            "copies": m.copies,
            "medium": m.medium,
            "required": "on" if m.required else "",
            "tolerable": "on" if m.tolerable else "",
            "tolerance_days": m.tolerance_days,
            "source": m.source,
            "licence_type": m.licence_type,
            "applies_when": json.dumps(m.applies_when),
            "commitment_allowed": "on" if m.commitment_allowed else "",
        }
        for m in version.materials.all()
    ]
    questions = [
        {
            "id": q.pk,
            "version": version.pk,
            "order": q.order,
            "code": q.code,
            "text": q.text,
            "choices": json.dumps(q.choices, ensure_ascii=False),
        }
        for q in version.questions.all()
    ]
    fields = [
        {
            "id": f.pk,
            "version": version.pk,
            "order": f.order,
            "key": f.key,
            "label": f.label,
            "kind": f.kind,
            "required": "on" if f.required else "",
            "choices": json.dumps(f.choices),
        }
        for f in version.form_fields.all()
    ]
    return (
        data
        | inline("questions", questions, initial=len(questions))
        | inline("materials", materials, initial=len(materials))
        | inline("form_fields", fields, initial=len(fields))
    )


@pytest.mark.django_db
def test_an_item_added_in_the_admin_gets_its_first_draft_from_item_create(admin_client, org, department):
    response = admin_client.post(
        reverse("admin:catalog_serviceitem_add"),
        {
            "center": org.pk,
            "code": "ITEM-0100",
            "name": " 新事项 ",
            "category": "licensing",
            "department": department.pk,
            "is_active": "on",
            "case_kind": "promised",
            "legal_basis": "《行政许可法》",
            "conditions": "符合条件的申请人",
            "limit_unit": "working_days",
            "legal_limit_days": 20,
            "promised_limit_days": 5,
        },
    )
    assert response.status_code == 302
    item = ServiceItem.objects.get(code="ITEM-0100")
    assert item.name == "新事项"
    draft = item.versions.get()
    assert (draft.number, draft.status, draft.promised_limit_days) == (1, "draft", 5)


@pytest.mark.django_db
def test_an_item_the_service_refuses_shows_its_message_on_the_field_and_is_not_stored(
    admin_client, org, department
):
    response = admin_client.post(
        reverse("admin:catalog_serviceitem_add"),
        {
            "center": org.pk,
            "code": "ITEM-0100",
            "name": "新事项",
            "category": "licensing",
            "department": department.pk,
            "case_kind": "promised",
            "legal_basis": "《行政许可法》",
            "conditions": "符合条件的申请人",
            "limit_unit": "working_days",
            "legal_limit_days": 5,
            "promised_limit_days": 20,
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "承诺时限" in errors["promised_limit_days"][0]
    assert not ServiceItem.objects.exists()


@pytest.mark.django_db
def test_an_items_sector_must_be_its_centers(admin_client, org, department):
    from tests.factories.org import SectorFactory

    item = draft_of(org, department).item
    response = admin_client.post(
        reverse("admin:catalog_serviceitem_change", args=[item.pk]),
        {
            "name": "改名",
            "category": "licensing",
            "department": department.pk,
            "sector": SectorFactory().pk,
            "is_active": "on",
        }
        | inline("versions", []),
    )
    assert response.status_code == 200
    assert "sector" in response.context["adminform"].form.errors
    item.refresh_from_db()
    assert (item.name, item.sector) == ("草稿事项", None)


@pytest.mark.django_db
def test_items_and_versions_are_not_added_or_deleted_by_hand(admin_client, org, department):
    version = draft_of(org, department)
    assert admin_client.get(reverse("admin:catalog_serviceitemversion_add")).status_code == 403
    for url in (
        reverse("admin:catalog_serviceitemversion_delete", args=[version.pk]),
        reverse("admin:catalog_serviceitem_delete", args=[version.item.pk]),
    ):
        assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert ServiceItemVersion.objects.filter(pk=version.pk).exists()


@pytest.mark.django_db
def test_a_draft_saved_in_the_admin_goes_through_version_update(admin_client, org, department):
    version = draft_of(org, department)
    url = reverse("admin:catalog_serviceitemversion_change", args=[version.pk])
    refused = admin_client.post(
        url, version_form(version) | {"is_free": "", "fee": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert refused.status_code == 200
    assert "收费标准" in refused.context["adminform"].form.errors["fee"][0]
    version.refresh_from_db()
    assert version.is_free
    saved = admin_client.post(url, version_form(version) | {"is_free": "", "fee": "每件10元"})
    assert saved.status_code == 302
    version.refresh_from_db()
    assert (version.is_free, version.fee) == (False, "每件10元")


@pytest.mark.django_db
def test_a_drafts_materials_are_added_and_removed_through_the_draft_services(admin_client, org, department):
    version = draft_of(org, department)
    data = version_form(version)
    first = version.materials.order_by("order").first()
    data["materials-0-DELETE"] = "on"
    data.update(
        {
            k.replace("materials-1-", "materials-2-"): v
            for k, v in data.items()
            if k.startswith("materials-1-") and not k.endswith("-id")
        }
    )
    data.update({"materials-TOTAL_FORMS": "3", "materials-2-code": "licence", "materials-2-name": "营业执照"})
    response = admin_client.post(reverse("admin:catalog_serviceitemversion_change", args=[version.pk]), data)
    assert response.status_code == 302, response.context["errors"]
    assert sorted(version.materials.values_list("code", flat=True)) == ["application_form", "licence"]
    assert not version.materials.filter(pk=first.pk).exists()


@pytest.mark.django_db
def test_a_task_of_another_centers_department_is_refused_on_its_row(admin_client, org, department):
    from tests.factories.org import DepartmentFactory

    version = draft_of(org, department)
    stage = version.procedure.stages.order_by("order").first()
    task = stage.tasks.get()
    foreign = DepartmentFactory(name="外县局")
    row = {"id": task.pk, "stage": stage.pk, "name": task.name, "action": task.action, "role": task.role}
    response = admin_client.post(
        reverse("admin:catalog_stage_change", args=[stage.pk]),
        {"order": stage.order, "name": stage.name}
        | inline("tasks", [row | {"department": foreign.pk, "limit_days": 2}], initial=1),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert "外县局" in form.errors["department"][0]
    task.refresh_from_db()
    assert task.department == department


@pytest.mark.django_db
def test_a_published_versions_stage_is_read_only(admin_client, org):
    fill(org, 1)
    stage = ServiceItemVersion.objects.get().procedure.stages.first()
    url = reverse("admin:catalog_stage_change", args=[stage.pk])
    assert admin_client.post(url, {"order": 9, "name": "改了"}).status_code == 403
    stage.refresh_from_db()
    assert stage.name != "改了"


@pytest.mark.django_db
def test_a_list_or_bundle_refuses_another_centers_items(admin_client, org, department):
    from tests.factories.catalog import ServiceItemFactory

    mine = draft_of(org, department).item
    foreign = ServiceItemFactory()
    list_response = admin_client.post(
        reverse("admin:catalog_cataloglist_add"),
        {"center": org.pk, "kind": "licensing", "name": "许可清单", "items": [mine.pk, foreign.pk]},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert list_response.status_code == 200
    assert foreign.name in list_response.context["adminform"].form.non_field_errors()[0]
    bundle = bundle_create(center=org, code="BUNDLE-0001", name="一件事", items=[mine])
    response = admin_client.post(
        reverse("admin:catalog_bundle_change", args=[bundle.pk]),
        {"name": "一件事（改）", "is_active": "on"}
        | inline(
            "bundle_items",
            [
                {"id": bundle.bundle_items.get().pk, "bundle": bundle.pk, "item": mine.pk, "order": 0},
                {"bundle": bundle.pk, "item": foreign.pk, "order": 1},
            ],
            initial=1,
        ),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert foreign.name in response.context["adminform"].form.non_field_errors()[0]
    bundle.refresh_from_db()
    assert bundle.name == "一件事"
    assert list(bundle.bundle_items.values_list("item", flat=True)) == [mine.pk]


@pytest.mark.django_db
def test_a_bundles_items_are_set_in_the_order_given(admin_client, org, department):
    first = draft_of(org, department, code="ITEM-0001").item
    second = draft_of(org, department, code="ITEM-0002").item
    bundle = bundle_create(center=org, code="BUNDLE-0001", name="一件事", items=[first])
    response = admin_client.post(
        reverse("admin:catalog_bundle_change", args=[bundle.pk]),
        {"name": "一件事", "is_active": "on"}
        | inline(
            "bundle_items",
            [
                {"id": bundle.bundle_items.get().pk, "bundle": bundle.pk, "item": first.pk, "order": 5},
                {"bundle": bundle.pk, "item": second.pk, "order": 1},
            ],
            initial=1,
        ),
    )
    assert response.status_code == 302
    assert list(bundle.bundle_items.order_by("order").values_list("item", flat=True)) == [second.pk, first.pk]


@pytest.mark.django_db
def test_the_item_list_shows_each_items_main_item_and_filters_by_level(admin_client, org):
    items = [
        item_data("SUB-0001", "SCJG", main_item=("MAIN-0001", "食品经营许可")),
        item_data("SUB-0002", "SCJG", main_item=("MAIN-0001", "食品经营许可")),
        item_data("ALONE-0001", "SCJG"),
    ]
    catalog_import(center=org, data={"items": items})
    url = reverse("admin:catalog_serviceitem_changelist")
    page = admin_client.get(url).content.decode()
    assert "主项" in page and "食品经营许可（MAIN-0001）" in page
    subs = admin_client.get(url, {"level": "sub"}).context["cl"].result_list
    singles = admin_client.get(url, {"level": "single"}).context["cl"].result_list
    assert sorted(i.code for i in subs) == ["SUB-0001", "SUB-0002"]
    assert [i.code for i in singles] == ["ALONE-0001"]
    assert "食品经营许可" in admin_client.get(url, {"q": "食品经营许可"}).content.decode()


@pytest.mark.django_db
def test_main_items_are_listed_with_their_sub_items_and_not_edited_by_hand(admin_client, org):
    items = [item_data(f"SUB-{k:04d}", "SCJG", main_item=("MAIN-0001", "主项")) for k in range(3)]
    catalog_import(center=org, data={"items": items})
    main = MainItem.objects.get()
    page = admin_client.get(reverse("admin:catalog_mainitem_changelist")).content.decode()
    assert f"?main_item__id__exact={main.pk}" in page and ">3</a>" in page
    assert admin_client.get(reverse("admin:catalog_mainitem_add")).status_code == 403
    sub_items = admin_client.get(
        reverse("admin:catalog_serviceitem_changelist"), {"main_item__id__exact": main.pk}
    )
    assert len(sub_items.context["cl"].result_list) == 3
    item = ServiceItem.objects.first()
    change = admin_client.get(reverse("admin:catalog_serviceitem_change", args=[item.pk]))
    assert "main_item" not in change.context["adminform"].form.fields  # shown, not edited


@pytest.mark.django_db
def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(admin_client, org, settings):
    settings.ONEWINDOW_IMPORT_MAX_BYTES = 100
    upload = io.BytesIO(json.dumps({"items": [item_data("ITEM-0001", "SCJG")]}).encode())
    upload.name = "catalog.json"
    page = admin_client.post(reverse("admin:catalog_transfer"), {"center": org.pk, "file": upload})
    assert page.status_code == 200
    assert "事项目录文件最大为0.0 MiB" in page.content.decode()
    assert not Job.objects.exists()  # nothing stored, nothing queued
    assert ServiceItem.objects.count() == 0


@pytest.mark.django_db
def test_a_report_of_thousands_of_problems_shows_the_first_thousand(admin_client, org):
    items = [item_data(f"ITEM-{k:04d}", "NOPE") for k in range(1200)]
    upload = io.BytesIO(json.dumps({"items": items}).encode())
    upload.name = "catalog.json"
    text = imported(
        admin_client, admin_client.post(reverse("admin:catalog_transfer"), {"center": org.pk, "file": upload})
    )
    assert text.count("</code></td>") == 1000  # one row per problem, 3,600 problems
    assert 'id="import-problems-more"' in text and "2600" in text


# ------------------------------------------------------------------ scoped by the access rules


@pytest.fixture
def net(db):
    from tests.factories.access import county_network

    return county_network()


def signed_in(client, staff):
    client.force_login(staff.user)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_a_village_admin_sees_only_their_stations_catalog(client, net, model):
    from onewindow.org.access import scope_queryset
    from onewindow.org.models import Staff

    signed_in(client, net.village.admin)
    response = client.get(reverse(f"admin:catalog_{model}_changelist"))
    assert response.status_code == 200
    rows = response.context["cl"].result_list
    expected = scope_queryset(rows.model.objects.all(), Staff.objects.get(pk=net.village.admin.pk))
    assert {r.pk for r in rows} == set(expected.values_list("pk", flat=True))
    if model == "serviceitem":
        assert {r.pk for r in rows} == {net.village.item.pk}
        assert net.county.item.code not in response.content.decode()


def test_a_county_item_is_a_404_for_a_village_admin(client, net):
    signed_in(client, net.village.admin)
    item = net.county.item
    version = item.versions.get()
    assert client.get(reverse("admin:catalog_serviceitem_change", args=[item.pk])).status_code == 404
    assert (
        client.get(reverse("admin:catalog_serviceitemversion_change", args=[version.pk])).status_code == 404
    )
    own = net.village.item
    assert client.get(reverse("admin:catalog_serviceitem_change", args=[own.pk])).status_code == 200


def test_a_village_admin_cannot_import_into_the_county_center(client, net):
    signed_in(client, net.village.admin)
    page = client.get(reverse("admin:catalog_transfer"))
    offered = set(page.context["form"].fields["center"].queryset.values_list("code", flat=True))
    assert offered == {"AHX-T01-V01"}
    upload = io.BytesIO(json.dumps({"items": [item_data("ITEM-0001", "D-AHX")]}).encode())
    upload.name = "catalog.json"
    response = client.post(
        reverse("admin:catalog_transfer"), {"center": net.county.center.pk, "file": upload}
    )
    assert response.status_code == 200
    assert "center" in response.context["form"].errors
    assert not ServiceItem.objects.filter(code="ITEM-0001").exists()
    export = client.get(reverse("admin:catalog_export"), {"center": net.county.center.pk})
    assert "export_form" in export.context and export.context["export_form"].errors


def test_the_county_admin_imports_into_a_township_below(client, net):
    signed_in(client, net.county.admin)
    upload = io.BytesIO(json.dumps({"items": [item_data("ITEM-0002", "D-AHX-T01")]}).encode())
    upload.name = "catalog.json"
    response = client.post(
        reverse("admin:catalog_transfer"), {"center": net.township.center.pk, "file": upload}
    )
    imported(client, response)
    assert ServiceItem.objects.get(code="ITEM-0002").center == net.township.center


def test_a_supervisor_may_not_import_anywhere(client, net):
    signed_in(client, net.county.supervisor)
    assert client.get(reverse("admin:catalog_transfer")).status_code == 403


def test_scoped_catalog_lists_cost_the_same_queries_for_more_rows(client, net):
    from tests.factories.cases import item_with_procedure

    signed_in(client, net.village.admin)
    small = {m: count_queries(client, reverse(f"admin:catalog_{m}_changelist")) for m in MODELS}
    for _ in range(4):
        item_with_procedure(center=net.village.center, department=net.village.department)
        item_with_procedure(center=net.county.center, department=net.county.department)
    large = {m: count_queries(client, reverse(f"admin:catalog_{m}_changelist")) for m in MODELS}
    assert large == small, large


@pytest.mark.django_db
def test_a_situation_question_and_a_material_condition_are_added_in_the_admin(admin_client, org, department):
    version = draft_of(org, department)
    data = version_form(version)
    choices = [{"code": "new", "label": "首次申请"}, {"code": "change", "label": "变更"}]
    data.update(
        {
            "questions-TOTAL_FORMS": "1",
            "questions-0-order": "0",
            "questions-0-code": "apply_kind",
            "questions-0-text": "首次申请还是变更？",
            "questions-0-choices": json.dumps(choices, ensure_ascii=False),
            "materials-1-applies_when": json.dumps({"apply_kind": ["change"]}),
            "materials-1-commitment_allowed": "on",
        }
    )
    url = reverse("admin:catalog_serviceitemversion_change", args=[version.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert list(version.questions.values_list("code", flat=True)) == ["apply_kind"]
    material = version.materials.order_by("order", "id")[1]
    assert material.applies_when == {"apply_kind": ["change"]} and material.commitment_allowed
    data = version_form(version)
    data["materials-1-applies_when"] = json.dumps({"apply_kind": ["renew"]})
    refused = admin_client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 200
    assert "没有选项“renew”" in refused.content.decode()
