"""A draft's parts edited row by row (onewindow.catalog.drafts): the guide's rules, the row's
own field names, and never a frozen version."""

import pytest

from onewindow.catalog.drafts import (
    form_field_create,
    material_create,
    material_delete,
    material_update,
    stage_create,
    stage_delete,
    stage_task_create,
    stage_task_update,
)
from onewindow.catalog.errors import CatalogError
from onewindow.catalog.models import MaterialRequirement, Stage
from onewindow.catalog.services import (
    bundle_create,
    bundle_update,
    catalog_list_create,
    catalog_list_update,
    item_create,
    item_update,
    version_publish,
)
from tests.factories.catalog import guide_data
from tests.factories.org import DepartmentFactory, SectorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(center, department):
    item = item_create(
        center=center,
        code="ITEM-0001",
        name="食品经营许可",
        category="licensing",
        department=department,
        guide=guide_data("SCJG"),
    )
    return item.versions.get()


def refused(call) -> list[tuple[str, str]]:
    with pytest.raises(CatalogError) as exc:
        call()
    return [(e["field"], e["code"]) for e in exc.value.errors] or [("", exc.value.code)]


def test_a_material_added_to_a_draft_is_normalised_like_the_guide(draft):
    material = material_create(version=draft, code="licence", name=" 营业执照 ", required="是", copies=2.0)
    material.refresh_from_db()
    assert (material.name, material.required, material.copies, material.order) == ("营业执照", True, 2, 2)


def test_a_materials_problems_name_its_own_fields(draft):
    material = draft.materials.get(code="id_card")
    assert refused(lambda: material_update(material=material, required=False, tolerable=True)) == [
        ("tolerable", "TOLERABLE_NOT_REQUIRED")
    ]
    assert refused(lambda: material_update(material=material, source="licence")) == [
        ("licence_type", "LICENCE_TYPE_REQUIRED")
    ]
    material.refresh_from_db()
    assert material.required and material.source == "applicant"


@pytest.mark.parametrize("code", ["id_card", "application_form"])
def test_a_material_code_used_by_another_row_is_refused_wherever_the_row_stands(draft, code):
    assert refused(lambda: material_create(version=draft, code=code, name="重复")) == [
        ("code", "DUPLICATE_CODE")
    ]
    other = draft.materials.exclude(code=code).get()
    assert refused(lambda: material_update(material=other, code=code)) == [("code", "DUPLICATE_CODE")]
    assert draft.materials.count() == 2


def test_a_choice_field_needs_its_choices(draft):
    assert refused(lambda: form_field_create(version=draft, key="use", label="用途", kind="choice")) == [
        ("choices", "CHOICES_REQUIRED")
    ]


def test_unknown_fields_are_refused(draft):
    assert refused(lambda: material_create(version=draft, code="x1", name="x", colour="red")) == [
        ("", "UNKNOWN_FIELD")
    ]


def test_a_published_version_is_not_edited_part_by_part(draft):
    version_publish(version=draft, actor=None)
    material = draft.materials.first()
    stage = draft.procedure.stages.first()
    for call in (
        lambda: material_create(version=draft, code="x1", name="新材料"),
        lambda: material_update(material=material, name="改名"),
        lambda: material_delete(material=material),
        lambda: stage_create(procedure=draft.procedure, name="新环节", order=9),
        lambda: stage_delete(stage=stage),
    ):
        assert refused(call) == [("", "VERSION_FROZEN")]
    assert MaterialRequirement.objects.filter(pk=material.pk, name=material.name).exists()
    assert Stage.objects.filter(pk=stage.pk).exists()


def test_a_stage_number_is_unique_in_its_procedure(draft):
    taken = draft.procedure.stages.first().order
    assert refused(lambda: stage_create(procedure=draft.procedure, name="新环节", order=taken)) == [
        ("order", "STAGE_ORDER_TAKEN")
    ]
    assert stage_create(procedure=draft.procedure, name="新环节", order=9).order == 9


def test_a_task_takes_a_department_of_the_items_center(draft, center, other_department):
    stage = draft.procedure.stages.first()
    task = stage_task_create(stage=stage, name="现场核查", action="inspect", department="ZRZY", limit_days=1)
    assert task.department == other_department
    foreign = DepartmentFactory(code="ZRZY")  # same code, another center
    assert refused(lambda: stage_task_update(task=task, department=foreign)) == [
        ("department", "DEPARTMENT_NOT_IN_CENTER")
    ]
    assert refused(lambda: stage_task_update(task=task, limit_days=400)) == [("limit_days", "LIMIT_TOO_LONG")]
    task.refresh_from_db()
    assert (task.department, task.limit_days) == (other_department, 1)


def test_item_update_keeps_the_identity_in_the_center(draft):
    item = draft.item
    assert refused(
        lambda: item_update(item=item, name="", category="licensing", department=item.department, sector=None)
    ) == [("name", "FIELD_REQUIRED")]
    assert refused(
        lambda: item_update(
            item=item, name="改名", category="licensing", department=item.department, sector=SectorFactory()
        )
    ) == [("sector", "SECTOR_NOT_IN_CENTER")]
    updated = item_update(item=item, name=" 改名 ", category="confirmation", department=item.department)
    assert (updated.name, updated.category) == ("改名", "confirmation")


def test_list_and_bundle_updates_check_their_names(center):
    first = catalog_list_create(center=center, kind="licensing", name="许可清单")
    second = catalog_list_create(center=center, kind="power", name="权力清单")
    assert refused(lambda: catalog_list_update(catalog_list=second, kind="power", name="许可清单")) == [
        ("name", "LIST_NAME_TAKEN")
    ]
    assert refused(lambda: catalog_list_update(catalog_list=first, kind="menu", name="许可清单")) == [
        ("kind", "INVALID_CHOICE")
    ]
    bundle = bundle_create(center=center, code="BUNDLE-0001", name="一件事")
    assert refused(lambda: bundle_update(bundle=bundle, name=" ")) == [("name", "FIELD_REQUIRED")]
    assert bundle_update(bundle=bundle, name="我要开餐馆", is_active=False).is_active is False
