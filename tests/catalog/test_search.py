"""The intake search: pinyin initials stored with the name, one indexed query per search."""

import importlib

import pytest
from django.apps import apps as django_apps

from onewindow.catalog.models import ServiceItem
from onewindow.catalog.pinyin import pinyin_initials
from onewindow.catalog.selectors import bundle_search, item_search
from onewindow.catalog.services import bundle_create, item_create, item_update, version_publish
from tests.factories.catalog import guide_data
from tests.factories.org import ServiceCenterFactory


def published(center, department, code, name, *, publish=True):
    item = item_create(
        center=center,
        code=code,
        name=name,
        category="licensing",
        department=department,
        guide=guide_data(department.code),
    )
    if publish:
        version_publish(version=item.versions.get(), actor=None)
    return item


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("食品经营许可（新办）", "spjyxkxb"),
        ("银行开户许可", "yhkhxk"),  # 行 read as háng in 银行
        ("ICP备案 2号", "icpba2h"),
        ("", ""),
        ("😀　　", ""),
    ],
)
def test_pinyin_initials(name, initials):
    assert pinyin_initials(name) == initials


def test_a_long_name_is_cut_to_the_column():
    assert len(pinyin_initials("许" * 500)) == 200


@pytest.mark.django_db
def test_items_are_found_by_initials_code_or_name_initials_first(
    center, department, django_assert_num_queries
):
    food = published(center, department, "SCJG-0001", "食品经营许可（新办）")
    shop = published(center, department, "SPJY-0002", "商品房预售许可")  # its code starts like the initials
    with django_assert_num_queries(1):
        found = item_search(center=center, q="spjy")
    assert found[:2] == [food, shop]
    assert item_search(center=center, q="经营") == [food]
    assert item_search(center=center, q="scjg-0001") == [food]
    assert item_search(center=center, q="  ") == []
    assert item_search(center=center, q="x" * 5000) == []
    assert item_search(center=center, q="%") == []  # LIKE wildcards are matched literally


@pytest.mark.django_db
def test_drafts_inactive_items_and_other_centers_are_not_offered(center, department):
    draft = published(center, department, "DRAFT-1", "食品药品", publish=False)
    gone = published(center, department, "GONE-1", "食品摊贩")
    item_update(item=gone, name=gone.name, category="licensing", department=department, is_active=False)
    elsewhere = ServiceCenterFactory()
    assert item_search(center=center, q="sp") == []
    assert item_search(center=elsewhere, q="sp") == []
    assert draft.pinyin_initials == "spyp"


@pytest.mark.django_db
def test_renaming_an_item_renews_its_initials(center, department):
    item = published(center, department, "RENAME-1", "旧名称")
    item = item_update(item=item, name="餐饮服务许可", category="licensing", department=department)
    assert ServiceItem.objects.get(pk=item.pk).pinyin_initials == "cyfwxk"
    assert item_search(center=center, q="cyfw") == [item]


@pytest.mark.django_db
def test_the_migration_fills_existing_rows(center, department):
    item = published(center, department, "MIGR-1", "建筑工程施工许可")
    ServiceItem.objects.filter(pk=item.pk).update(pinyin_initials="")
    migration = importlib.import_module("onewindow.catalog.migrations.0003_item_pinyin_initials")
    migration.fill(django_apps, None)
    assert ServiceItem.objects.get(pk=item.pk).pinyin_initials == "jzgcsgxk"


@pytest.mark.django_db
def test_bundles_by_name_or_code(center, department):
    item = published(center, department, "BUND-1", "个体工商户登记")
    bundle = bundle_create(center=center, code="KCG-1", name="开餐馆一件事", items=[item])
    assert bundle_search(center=center, q="餐馆") == [bundle]
    assert bundle_search(center=center, q="kcg") == [bundle]
    assert bundle_search(center=center, q="") == []
