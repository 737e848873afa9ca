import pytest

from onewindow.catalog.selectors import (
    bundle_materials,
    bundle_unified_form,
    item_get,
    item_list,
    item_published_version,
    version_guide,
)
from onewindow.catalog.services import bundle_create, item_create, version_draft_create, version_publish
from tests.factories.catalog import guide_data
from tests.factories.org import SectorFactory


def published_item(center, department, code, **guide_overrides):
    item = item_create(
        center=center,
        code=code,
        name=f"事项{code}",
        category="licensing",
        department=department,
        guide=guide_data(department.code, **guide_overrides),
    )
    version_publish(version=item.versions.get(), actor=None)
    return item


@pytest.mark.django_db
def test_item_list_costs_one_query_whatever_the_number_of_items(
    center, department, sector, django_assert_num_queries
):
    for n in range(5):
        published_item(center, department, f"ITEM-{n:04d}")
    with django_assert_num_queries(1):
        rows = list(item_list(center=center, filters={}))
        summary = [(i.code, i.department.name, i.sector, i.center.code, i.published_number) for i in rows]
    assert [s[0] for s in summary] == [f"ITEM-{n:04d}" for n in range(5)]
    assert {s[4] for s in summary} == {1}


@pytest.mark.django_db
def test_item_list_filters(center, department, other_department, sector):
    a = published_item(center, department, "ITEM-0001")
    b = published_item(center, other_department, "ITEM-0002")
    b.sector = sector
    b.save()
    assert [i.code for i in item_list(center=center, filters={"department": "SCJG"})] == [a.code]
    assert [i.code for i in item_list(center=center, filters={"department": department})] == [a.code]
    assert [i.code for i in item_list(center=center, filters={"department": other_department.pk})] == [b.code]
    assert [i.code for i in item_list(center=center, filters={"sector": sector.code})] == [b.code]
    assert [i.code for i in item_list(center=center, filters={"q": "0002"})] == [b.code]
    other_center_sector = SectorFactory()
    assert list(item_list(center=other_center_sector.center, filters={})) == []


@pytest.mark.django_db
def test_item_published_version_ignores_drafts(center, department):
    item = published_item(center, department, "ITEM-0001")
    version_draft_create(item=item, actor=None)
    assert item_published_version(item).number == 1


@pytest.mark.django_db
def test_version_guide_loads_everything_in_six_queries(
    center, department, other_department, django_assert_num_queries
):
    stages = [
        {
            "name": "并联审查",
            "tasks": [
                {"name": "甲", "department": department.code, "limit_days": 2},
                {"name": "乙", "department": other_department.code, "limit_days": 2},
            ],
        },
        {"name": "决定", "tasks": [{"name": "丙", "department": department.code, "limit_days": 1}]},
    ]
    version = published_item(center, department, "ITEM-0001", stages=stages).versions.get()
    with django_assert_num_queries(6):  # the version, materials, form fields, questions, stages, tasks
        guide = version_guide(version)
        shown = (
            guide.item.center.name,
            guide.item.department.name,
            [m.name for m in guide.materials.all()],
            [f.label for f in guide.form_fields.all()],
            [[(t.name, t.department.name) for t in s.tasks.all()] for s in guide.procedure.stages.all()],
        )
    assert shown[4] == [[("甲", "市场监督管理局"), ("乙", "自然资源局")], [("丙", "市场监督管理局")]]


@pytest.mark.django_db
def test_bundle_unified_form_asks_each_key_once(center, department, django_assert_num_queries):
    fields_a = [
        {"key": "applicant_name", "label": "申请人姓名", "required": False},
        {"key": "shop_name", "label": "店名", "required": True},
        {"key": "size", "label": "面积", "kind": "choice", "choices": ["小", "中"], "required": False},
    ]
    fields_b = [
        {"key": "applicant_name", "label": "姓名", "required": True},
        {"key": "size", "label": "面积", "kind": "choice", "choices": ["中", "大"], "required": False},
    ]
    a = published_item(center, department, "ITEM-000A", form_fields=fields_a)
    b = published_item(center, department, "ITEM-000B", form_fields=fields_b)
    draft_only = item_create(
        center=center,
        code="ITEM-000C",
        name="未发布",
        category="licensing",
        department=department,
        guide=guide_data(department.code),
    )
    bundle = bundle_create(center=center, code="BUNDLE-KDCY", name="我要开餐馆", items=[a, b, draft_only])
    with django_assert_num_queries(3):
        form = bundle_unified_form(bundle=bundle)
    by_key = {f["key"]: f for f in form}
    assert [f["key"] for f in form] == ["applicant_name", "shop_name", "size"]
    assert by_key["applicant_name"]["required"] is True
    assert by_key["applicant_name"]["label"] == "申请人姓名"
    assert by_key["applicant_name"]["items"] == ["ITEM-000A", "ITEM-000B"]
    assert by_key["applicant_name"]["required_by"] == ["ITEM-000B"]
    assert by_key["shop_name"]["items"] == ["ITEM-000A"]
    assert by_key["size"]["required"] is False
    assert by_key["size"]["choices"] == ["小", "中", "大"]


@pytest.mark.django_db
def test_bundle_materials_lists_a_shared_material_once(center, department, django_assert_num_queries):
    shared = {"code": "id_card", "name": "身份证", "required": True, "tolerable": False, "copies": 1}
    a = published_item(
        center,
        department,
        "ITEM-000A",
        materials=[shared, {"code": "lease", "name": "租赁合同", "required": True, "tolerable": True}],
    )
    b = published_item(
        center,
        department,
        "ITEM-000B",
        materials=[{**shared, "copies": 2}, {"code": "lease", "name": "租赁合同", "required": True}],
    )
    bundle = bundle_create(center=center, code="BUNDLE-KDCY", name="我要开餐馆", items=[a, b])
    with django_assert_num_queries(3):
        materials = bundle_materials(bundle=bundle)
    assert [m["code"] for m in materials] == ["id_card", "lease"]
    assert materials[0]["items"] == ["ITEM-000A", "ITEM-000B"]
    assert materials[0]["copies"] == 2
    assert materials[1]["tolerable"] is False  # item B does not tolerate it


@pytest.mark.django_db
def test_item_get_finds_a_code_only_in_its_center(center, department):
    from tests.factories.org import ServiceCenterFactory

    item = published_item(center, department, "ITEM-0001")
    assert item_get(center=center, code="ITEM-0001") == item
    assert item_get(center=ServiceCenterFactory(), code="ITEM-0001") is None
    assert item_get(center=center, code="ITEM-0002") is None
