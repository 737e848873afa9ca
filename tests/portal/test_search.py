"""Find a service: name, keyword, code, full pinyin and initials, one wrong or missing
character, punctuation and spacing; only items the portal shows; hostile queries."""

import pytest

from onewindow.catalog.models import ServiceItem
from onewindow.catalog.selectors import item_search_public
from onewindow.catalog.services import item_update

LICENCE = "营业执照核发"


def names(q, **filters):
    return [h.item.name for h in item_search_public(q=q, filters=filters)]


@pytest.mark.parametrize(
    "q",
    [
        "yyzz",
        "YYZZ",
        "yingyezhizhao",
        "营业执照",
        "营业执找",
        "营业执",
        "营执照",
        "营业 执照！",
        "  营业，执照 ",
        "ｙｙｚｚ",
    ],
)
def test_the_licence_comes_first_by_initials_pinyin_name_typos_and_punctuation(catalog, q):
    assert names(q)[0] == LICENCE


def test_code_keyword_and_initials_of_other_items(catalog):
    assert names("371082-XK-0003") == ["食品经营许可（新办）"]
    assert names("371082xk0003") == ["食品经营许可（新办）"]
    assert names("开公司")[0] == LICENCE  # a keyword of the published version
    assert names("spjy") == ["食品经营许可（新办）"]
    assert names("kaihu") == ["银行账户开户许可"]


def test_the_exact_name_ranks_above_a_longer_name_holding_it(catalog):
    assert names("营业执照")[:2] == [LICENCE, "个体工商户营业执照变更登记"]


def test_a_withdrawn_item_disappears_and_comes_back(catalog):
    item = ServiceItem.objects.get(name=LICENCE)
    fields = {
        "name": item.name,
        "category": item.category,
        "department": item.department,
        "sector": item.sector,
    }
    item_update(item=item, **fields, is_active=False)
    assert LICENCE not in names("yyzz")
    item_update(item=item, **fields, is_active=True)
    assert names("yyzz")[0] == LICENCE


def test_filters_narrow_the_search(catalog):
    bundle = catalog.bundles.get()
    assert names("许可", bundle=bundle.pk) == ["食品经营许可（新办）"]
    assert names("营业执照", category="public_service") == []


@pytest.mark.parametrize(
    "q",
    [
        "",
        "   ",
        "%",
        "_",
        "\\",
        "%_\\",
        "%%%%",
        "'; DROP TABLE catalog_serviceitem; --",
        "！？。，、",
        "🙂🙂",
    ],
)
def test_hostile_queries_find_nothing_and_break_nothing(catalog, client, q):
    assert names(q) == [] or q.startswith("'")
    response = client.get("/services/", {"q": q}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert ServiceItem.objects.count() == 6


def test_a_nul_character_is_refused_by_the_middleware(catalog, client):
    assert client.get("/services/", {"q": "营业\x00执照"}).status_code == 400


def test_a_query_of_ten_thousand_characters_is_cut_and_said_so(catalog, client):
    response = client.get("/services/", {"q": "营业执照" * 2500}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    body = response.content.decode()
    assert "只使用了前 100 个字符" in body
    assert LICENCE in body


def test_unicode_oddities_are_folded(catalog):
    assert names("营业执照\u200b")[0] == LICENCE  # a zero-width space
    assert names("ＹＩＮＧＹＥＺＨＩＺＨＡＯ")[0] == LICENCE  # full-width letters


def test_the_page_shows_results_and_the_htmx_fragment_only_the_results(catalog, client):
    page = client.get("/services/", {"q": "yyzz"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert LICENCE in page and "按服务板块" in page
    fragment = client.get("/services/", {"q": "yyzz"}, HTTP_HX_REQUEST="true").content.decode()
    assert LICENCE in fragment and "<html" not in fragment


def test_browse_by_each_facet(catalog, client):
    sector = catalog.sectors.get()
    main = catalog.main_items.get()
    lists = catalog.catalog_lists.get(published_on__isnull=False)
    for params, expected in [
        ({"sector": sector.pk}, 6),
        ({"category": "licensing"}, 6),
        ({"main_item": main.pk}, 2),
        ({"catalog_list": lists.pk}, 5),
        ({"bundle": catalog.bundles.get().pk}, 2),
    ]:
        body = client.get("/services/", params, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert body.count('class="list-group-item pt-item"') == expected, params


def test_the_category_buttons_start_with_a_capital_in_english(catalog, client):
    """The categories are the model's lower-case choices: a button reads "Administrative licensing"."""
    body = client.get("/en/services/").content.decode()
    assert '?category=licensing">Administrative licensing <span' in body
    assert ">administrative licensing <" not in body
    chinese = client.get("/services/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '?category=licensing">行政许可 <span' in chinese


@pytest.mark.parametrize(
    "params", [{"sector": "abc"}, {"category": "nope"}, {"bundle": "9" * 30}, {"page": "x"}]
)
def test_a_malformed_filter_is_named_not_a_server_error(catalog, client, params):
    response = client.get("/services/", params, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code in (200, 400)
    if "page" not in params:
        assert "这个筛选条件" in response.content.decode()


def test_the_search_and_browse_pages_cost_a_bounded_number_of_queries(
    catalog, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(9):
        client.get("/services/", {"q": "yyzz"})
    with django_assert_max_num_queries(10):
        client.get("/services/")
    with django_assert_max_num_queries(8):
        client.get("/")
