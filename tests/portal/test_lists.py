"""Public lists (清单): only published lists, with the items the portal shows."""

from onewindow.catalog.models import CatalogList, ServiceItem
from onewindow.catalog.services import item_update


def get(client, url, **params):
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_only_published_lists_are_listed_with_their_counts(catalog, client):
    body = get(client, "/lists/").content.decode()
    assert "行政许可事项清单" in body and "共 5 个事项" in body
    assert "未公布的清单" not in body


def test_a_list_shows_its_items_and_a_withdrawn_one_leaves_it(catalog, client):
    published = CatalogList.objects.get(name="行政许可事项清单")
    body = get(client, f"/lists/{published.pk}/").content.decode()
    assert "营业执照核发" in body and "城乡居民基本养老保险参保登记" not in body
    item = ServiceItem.objects.get(name="营业执照核发")
    item_update(
        item=item, name=item.name, category=item.category, department=item.department, is_active=False
    )
    assert "营业执照核发" not in get(client, f"/lists/{published.pk}/").content.decode()


def test_an_unpublished_or_unknown_list_is_404(catalog, client):
    hidden = CatalogList.objects.get(name="未公布的清单")
    assert get(client, f"/lists/{hidden.pk}/").status_code == 404
    assert get(client, "/lists/999999/").status_code == 404
    assert get(client, "/lists/abc/").status_code == 404
    assert get(client, "/lists/" + "9" * 40 + "/").status_code == 404


def test_the_list_pages_cost_a_bounded_number_of_queries(catalog, client, django_assert_max_num_queries):
    published = CatalogList.objects.get(name="行政许可事项清单")
    with django_assert_max_num_queries(6):
        get(client, "/lists/")
    with django_assert_max_num_queries(7):
        get(client, f"/lists/{published.pk}/", page="x")
