"""A citizen finds the business licence by its pinyin initials, opens its guide and downloads
the application form's template, on the counter-sized screen and on a phone."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from onewindow.catalog.drafts import material_files_set
from onewindow.catalog.models import ServiceItem
from onewindow.catalog.services import version_draft_create, version_publish
from tests.e2e.conftest import PHONE, opened, top
from tests.portal.conftest import catalog, center, fresh_facets  # noqa: F401 - the portal's fixtures

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def licence(catalog, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    item = ServiceItem.objects.get(code="371082-XK-0001")
    draft = version_draft_create(item=item)
    material_files_set(
        material=draft.materials.get(code="application_form"),
        template=ContentFile(b"%PDF-1.4 blank form", name="营业执照申请书.pdf"),
    )
    version_publish(version=draft, actor=None)
    return item


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_find_by_initials_open_the_guide_and_download_the_template(page, shot, licence, screen):
    if screen == "phone":
        page.set_viewport_size(PHONE)
    page.goto("/")
    page.fill("[data-testid=service-search]", "yyzz")
    page.press("[data-testid=service-search]", "Enter")
    first = page.locator("[data-testid=results] .pt-item a").first
    first.wait_for()
    assert first.inner_text() == "营业执照核发"
    top(page)
    shot(f"portal-find-yyzz-{screen}")
    first.click()
    opened(page, "[data-testid=guide]")
    assert "设定依据" in page.inner_text("[data-testid=guide]")
    top(page)
    shot(f"portal-guide-{screen}")
    with page.expect_download() as download:
        page.click("[data-testid=template-application_form]")
    assert download.value.suggested_filename.endswith(".pdf")
    if screen == "phone":  # nothing wider than the phone's screen
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_the_search_box_answers_as_one_types(page, licence):
    page.goto("/services/")
    page.type("[data-testid=service-search]", "营业执找", delay=30)
    page.locator("[data-testid=results] h2", has_text="营业执找").wait_for()
    assert page.locator("[data-testid=results] .pt-item a").first.inner_text() == "营业执照核发"
    expect(page).to_have_url(re.compile(r"[?&]q="))  # the address keeps the search (back and reload work)


def test_the_printed_guide_keeps_every_element_and_its_badges_and_drops_the_page_furniture(page, licence):
    """What paper shows is what print.css leaves: the browser lays the guide out for print media."""
    page.goto(f"/services/{licence.code}/")
    page.emulate_media(media="print")
    guide = page.locator("[data-testid=guide]")
    printed = guide.inner_text()
    for text in [
        "营业执照核发",
        "设定依据",
        "受理条件",
        "申请材料",
        "申请人身份证明",
        "法定办结时限",
        "承诺时限",
        "办理流程",
        "办理地点",
        "0538-1234567",
        "0538-7212315",
        "常见问题",
        "可以网上办理吗",
    ]:
        assert text in printed, text
    for badge, text in (("visits", "最多跑一次"), ("online", "可网上申办")):
        assert page.locator(f"[data-testid={badge}]").is_visible(), badge
        assert page.inner_text(f"[data-testid={badge}]") == text
    for furniture in ["nav.navbar", "#pt-print", "[data-testid=display-switch]"]:
        assert not page.locator(furniture).first.is_visible(), furniture
    assert not page.locator("[data-testid=guide] nav").is_visible()  # the breadcrumb
    assert page.locator("form:visible").count() == 0  # no button, no language or display switch
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    page.emulate_media(media="screen")
    assert page.locator("#pt-print").is_visible()  # on the screen the button is there
