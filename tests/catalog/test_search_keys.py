"""The portal's search keys (catalog.search): written by the services and the import for the
items the portal shows, and only for them; rewritten when the name, the activity or the
published version changes."""

import pytest
from django.db import connection

from onewindow.catalog import search
from onewindow.catalog.models import SearchKey, ServiceItem
from onewindow.catalog.pinyin import pinyin_initials
from onewindow.catalog.search import (
    MAX_QUERY_KEYS,
    fold,
    keys_for,
    looks_like_code,
    normalise,
    one_edit_part,
    query_keys,
    search_keys_refresh,
    within_one_edit,
)
from onewindow.catalog.services import (
    catalog_import,
    item_create,
    item_update,
    version_draft_create,
    version_publish,
    version_update,
)
from tests.factories.catalog import catalog_document, guide_data


def keys(item):
    return set(SearchKey.objects.filter(item=item).values_list("key", flat=True))


def test_normalise_folds_width_case_punctuation_and_spaces():
    assert normalise(" 营业 执照（新办）！") == "营业执照新办"
    assert normalise("ＹＹＺＺ") == "yyzz"
    assert normalise("%_\\'\"") == ""
    assert normalise("371082-XK-0001") == "371082xk0001"


def test_an_items_keys_cover_name_initials_pinyin_code_and_keywords():
    found = keys_for(name="营业执照", code="XK-01", keywords="开公司，办执照")
    assert {"h:营业", "h:业执", "h:执照", "i:yy", "i:zz", "p:yin", "c:xk01", "h:开公", "h:办执"} <= found
    assert all(len(k) <= 80 for k in found)


def test_a_query_in_characters_is_also_looked_up_by_its_pinyin():
    assert "p:ziz" in query_keys("执找") and "h:执找" in query_keys("执找")
    assert not any(k.startswith("p:") for k in query_keys("营业执找"))
    assert query_keys("") == set()
    assert len(query_keys("营业执照" * 100)) <= 48


def test_pinyin_keys_are_folded_alike_for_the_item_and_the_query():
    assert fold("yingyezhizhao") == fold("yinyezizao") == "yinyezizao"
    assert fold("chengxiang shenling") == "cenxian senlin"
    item = {k for k in keys_for(name="营业执照", code="X") if k.startswith("p:")}
    assert {k for k in query_keys("yinyezizao") if k.startswith("p:")} == item


def test_a_long_query_keeps_keys_from_its_whole_length_and_of_each_kind():
    q = "chengxiangjuminjibenyanglaobaoxiandaiyushenling"
    found = query_keys(q)
    assert len(found) == MAX_QUERY_KEYS
    pinyin = {k for k in found if k.startswith("p:")}
    assert len(pinyin) > len(found) - len(pinyin)  # full pinyin: mostly its pinyin keys
    assert "p:cen" in pinyin and "p:lin" in pinyin  # its start and its end
    assert any(k.startswith("i:") for k in found)  # it might still be initials
    initials = query_keys(pinyin_initials("城乡居民基本养老保险待遇申领和职工基本医疗保险参保登记变更"))
    assert sum(k.startswith("i:") for k in initials) > sum(k.startswith("p:") for k in initials)


@pytest.mark.parametrize(
    ("q", "code"),
    [
        ("371082xk0003", True),
        ("xk0003", True),
        ("0003", True),
        ("yiliaojigouhefadi2lei", False),
        ("yyzz", False),
        ("营业执照第2类", False),
    ],
)
def test_only_a_query_looking_like_a_code_is_looked_up_as_one(q, code):
    assert looks_like_code(q) is code
    assert any(k.startswith("c:") for k in query_keys(q)) is code


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("yingyezhizhao", "yingyezhizhao", True),
        ("yingyezhizhao", "yingyezhizao", True),
        ("yingyezhizhao", "yingyezhizhaoo", True),
        ("yingyezhizhao", "xingyezhizhao", True),
        ("yingyezhizhao", "yingyezhizhaq", True),
        ("yingyezhizhao", "yinyezizhao", False),
        ("yingyezhizhao", "yingyezhizhaooo", False),
        ("ab", "ba", False),
        ("", "a", True),
        ("", "ab", False),
    ],
)
def test_within_one_edit(a, b, near):
    assert within_one_edit(a, b) is near
    assert within_one_edit(b, a) is near


def test_one_edit_of_a_part_of_a_text():
    assert one_edit_part("zhizao", "yingyezhizhaoyishibuling")
    assert one_edit_part("yishubul", "yingyezhizhaoyishibuling")
    assert not one_edit_part("yishubil", "yingyezhizhaoyishibuling")
    assert not one_edit_part("ab", "ab")  # too short to tell a slip from anything


@pytest.mark.django_db
def test_the_import_keys_every_published_item_once_and_a_reimport_changes_nothing(org):
    catalog_import(center=org, data=catalog_document(3))
    items = list(ServiceItem.objects.all())
    assert all(keys(i) for i in items)
    assert all(i.pinyin_full == "shixiang" + i.name[2:] for i in items)
    before = SearchKey.objects.count()
    catalog_import(center=org, data=catalog_document(3))
    assert SearchKey.objects.count() == before


@pytest.mark.django_db
def test_a_draft_only_item_has_no_keys_until_it_is_published(org, department):
    item = item_create(
        center=org,
        code="XK-NEW-1",
        name="营业执照核发",
        category="licensing",
        department=department,
        guide=guide_data("SCJG"),
    )
    assert item.pinyin_full == "yingyezhizhaohefa"
    assert keys(item) == set()
    version_publish(version=item.versions.get(), actor=None)
    assert "h:执照" in keys(item) and "i:yy" in keys(item)


@pytest.mark.django_db
def test_a_rename_rewrites_the_keys_and_withdrawing_removes_them(org):
    catalog_import(center=org, data=catalog_document(1))
    item = ServiceItem.objects.get()
    fields = {"category": item.category, "department": item.department, "sector": item.sector}
    item_update(item=item, name="食品经营许可", **fields)
    assert "h:食品" in keys(item) and "h:事项" not in keys(item)
    item_update(item=item, name="食品经营许可", **fields, is_active=False)
    assert keys(item) == set()


@pytest.mark.django_db
def test_new_keywords_count_once_their_version_is_published(org):
    catalog_import(center=org, data=catalog_document(1))
    item = ServiceItem.objects.get()
    draft = version_draft_create(item=item)
    version_update(version=draft, keywords="开饭店")
    assert "h:饭店" not in keys(item)  # a draft's words are not searchable
    version_publish(version=draft, actor=None)
    assert "h:饭店" in keys(item)


@pytest.mark.django_db
def test_refreshing_an_unknown_or_empty_list_of_items_writes_nothing(org):
    assert search_keys_refresh(item_ids=[]) == 0
    assert search_keys_refresh(item_ids=[987654]) == 0


def _planner_rows() -> float:
    """How many rows the database's planner believes the key table holds (its statistics)."""
    table = SearchKey._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            return float(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone()[0]:
            return -1.0
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        row = cursor.fetchone()
        return float(row[0].split()[0]) if row else -1.0


@pytest.mark.django_db
def test_a_large_import_leaves_the_planner_knowing_the_key_table(org, monkeypatch):
    # A small catalog stands in for a large one: the threshold is what makes it "large".
    catalog_import(center=org, data=catalog_document(2))
    assert _planner_rows() != SearchKey.objects.count()
    monkeypatch.setattr(search, "ANALYZE_AFTER", 1)
    catalog_import(center=org, data=catalog_document(5))
    assert _planner_rows() == SearchKey.objects.count()


@pytest.mark.django_db
def test_the_migration_rewrites_the_keys_of_shown_items_only(org):
    from importlib import import_module

    from django.apps import apps as django_apps

    catalog_import(center=org, data=catalog_document(3))
    gone = ServiceItem.objects.order_by("pk").last()
    item_update(
        item=gone, name=gone.name, category=gone.category, department=gone.department, is_active=False
    )
    before = {i.pk: keys(i) for i in ServiceItem.objects.all()}
    SearchKey.objects.all().delete()  # keys of an older kind, as the unfolded pinyin's were
    SearchKey.objects.bulk_create([SearchKey(item=i, key="p:old") for i in ServiceItem.objects.all()])
    import_module("onewindow.catalog.migrations.0006_search_keys_folded_pinyin").rebuild_search_keys(
        django_apps, None
    )
    assert {i.pk: keys(i) for i in ServiceItem.objects.all()} == before
    assert keys(gone) == set()
