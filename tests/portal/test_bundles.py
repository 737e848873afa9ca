"""A life event's page (一件事, /bundles/<code>/): its services, which can be applied for online,
网上申报 for the whole of it when every one can, and otherwise which must be applied for at the
hall and where (the demo's 我要开餐馆 was a bare 404 at /apply/bundle/BUNDLE-KDCY/)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories.cases import item_with_procedure, make_world
from tests.factories.catalog import BundleFactory, BundleItemFactory
from tests.workbench.helpers import text

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def restaurant():
    """我要开餐馆: a licence online, and a fire check applied for at the hall only."""
    world = make_world(name="个体工商户登记")
    world.center.name, world.center.address, world.center.opening_hours = (
        "新泰市政务服务中心",
        "新泰市青云路1号",
        "工作日 9:00-17:00",
    )
    world.center.save()
    fire, version = item_with_procedure(
        center=world.center, department=world.department, name="公众聚集场所投入使用、营业前消防安全检查"
    )
    version.online_available = False
    version.save(update_fields=["online_available"])
    bundle = BundleFactory(center=world.center, code="BUNDLE-KDCY", name="我要开餐馆")
    BundleItemFactory(bundle=bundle, item=world.item, order=1)
    BundleItemFactory(bundle=bundle, item=fire, order=2)
    return world, bundle, fire, version


def test_a_bundle_with_an_item_not_online_says_which_to_apply_for_at_the_hall_and_where(client, restaurant):
    world, bundle, fire, _version = restaurant
    response = client.get(reverse("portal:bundle", args=["bundle-kdcy"]), **ZH)
    body = response.content.decode()
    assert response.status_code == 200
    assert "我要开餐馆" in body and world.item.name in body and fire.name in body
    assert f'data-testid="bundle-item-{world.item.code}"' in body
    assert 'data-testid="apply-bundle"' not in body  # not the whole of it online
    hall = text(response)
    assert "暂不能整体网上申报" in hall and "需到政务服务大厅申请" in hall
    assert (
        f'data-testid="hall-item-{fire.code}"' in body
        and f'data-testid="hall-item-{world.item.code}"' not in body
    )
    assert "新泰市青云路1号" in hall and "工作日 9:00-17:00" in hall


def test_the_guides_own_place_and_hours_come_first(client, restaurant):
    _world, _bundle, _fire, version = restaurant
    version.where_to_apply, version.office_hours = "二楼消防审验窗口", "周一至周五 8:30-12:00"
    version.save(update_fields=["where_to_apply", "office_hours"])
    hall = text(client.get(reverse("portal:bundle", args=["BUNDLE-KDCY"]), **ZH))
    assert "二楼消防审验窗口" in hall and "周一至周五 8:30-12:00" in hall


def test_the_bundles_form_address_sends_to_its_page_instead_of_a_404(client, restaurant):
    for visitor in ("anonymous", "signed in"):
        if visitor == "signed in":
            from tests.portal.conftest import citizen

            client.force_login(citizen().account.user, backend="onewindow.org.identity.PortalAccountBackend")
        response = client.get(reverse("portal:apply_bundle", args=["BUNDLE-KDCY"]), **ZH)
        assert response.status_code == 302 and response["Location"] == reverse(
            "portal:bundle", args=["BUNDLE-KDCY"]
        )


def test_a_bundle_all_online_offers_apply_online_for_the_whole_of_it(client, restaurant):
    world, bundle, fire, version = restaurant
    version.online_available = True
    version.save(update_fields=["online_available"])
    response = client.get(reverse("portal:bundle", args=["BUNDLE-KDCY"]), **ZH)
    body = response.content.decode()
    assert (
        'data-testid="apply-bundle"' in body and reverse("portal:apply_bundle", args=["BUNDLE-KDCY"]) in body
    )
    assert "网上申报" in body and 'data-testid="bundle-at-the-hall"' not in body
    anonymous = client.get(reverse("portal:apply_bundle", args=["BUNDLE-KDCY"]))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("portal:login"))


def test_the_life_event_browse_leads_to_the_bundles_page(client, restaurant):
    cache.clear()
    body = client.get(reverse("portal:services"), **ZH).content.decode()
    assert f'href="{reverse("portal:bundle", args=["BUNDLE-KDCY"])}"' in body


def test_a_withdrawn_item_is_left_out_and_an_inactive_or_unknown_bundle_is_a_404(client, restaurant):
    _world, bundle, fire, _version = restaurant
    fire.is_active = False
    fire.save(update_fields=["is_active"])
    page = client.get(reverse("portal:bundle", args=["BUNDLE-KDCY"]), **ZH).content.decode()
    assert fire.name not in page and 'data-testid="apply-bundle"' in page
    bundle.is_active = False
    bundle.save(update_fields=["is_active"])
    assert client.get(reverse("portal:bundle", args=["BUNDLE-KDCY"])).status_code == 404


@pytest.mark.parametrize("code", ["NOPE", "%00", "x" * 500, "一件事", "BUNDLE-KDCY\x00", "' OR 1=1 --"])
def test_hostile_codes_are_a_404(client, restaurant, code):
    nul = "\x00" in code or "%00" in code  # the middleware refuses a NUL anywhere: 400
    assert client.get(f"/bundles/{code}/").status_code == (400 if nul else 404)
    assert client.get(f"/apply/bundle/{code}/").status_code == (400 if nul else 302)  # to sign in


def test_the_bundles_page_costs_a_fixed_number_of_queries(client, restaurant, django_assert_max_num_queries):
    world, bundle, _fire, _version = restaurant
    for n in range(5):
        extra, _v = item_with_procedure(center=world.center, department=world.department, name=f"事项{n}")
        BundleItemFactory(bundle=bundle, item=extra, order=10 + n)
    with django_assert_max_num_queries(5):  # the bundle, its items, their versions (+ session)
        assert client.get(reverse("portal:bundle", args=["BUNDLE-KDCY"])).status_code == 200
