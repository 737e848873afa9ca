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
