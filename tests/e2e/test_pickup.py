"""The pickup window, the case search and its export, in a real browser, signed in through the real page."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from onewindow.cases.models import Case
from tests.e2e.conftest import opened, sign_in
from tests.factories.cases import accepted_case, completed_case, make_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_pickup_clerk_hands_over_a_ready_case_and_prints_the_receipt(page, shot):
    world = make_world()
    ready = completed_case(world)
    second = completed_case(world)
    sign_in(page, world.pickup.user.username)
    page.click('[data-testid=panel-pickup] a[href="/workbench/pickup/"]')
    opened(page, "[data-wb-search]")  # "/" below needs the page's keys
    page.click("h1")  # away from the box: "/" brings the cursor back to it
    page.keyboard.press("/")
    page.keyboard.type(world.applicant.id_number)
    page.keyboard.press("Enter")
    page.wait_for_selector(f"[data-case='{ready.number}']")
    assert page.locator("[data-testid=pickup-case]").count() == 2
    assert world.applicant.name not in page.inner_text("#pickup-results")  # masked
    shot("pickup-found")

    card = page.locator(f"[data-case='{ready.number}']")
    card.locator("[data-testid=hand-over]").click()  # no name yet: refused on the field
    card = page.locator(f"[data-case='{ready.number}']")
    card.locator(".invalid-feedback").wait_for()
    assert "领取人姓名" in card.inner_text()
    shot("pickup-refused")

    card.locator("input[name=signed_by]").fill(world.applicant.name)
    card.locator("[data-testid=hand-over]").dblclick()
    page.wait_for_selector(f"[data-case='{ready.number}'] [data-testid=delivered]")
    assert Case.objects.get(pk=ready.pk).state == "delivered"
    assert Case.objects.get(pk=ready.pk).event_count == Case.objects.get(pk=second.pk).event_count + 1
    shot("pickup-handed-over")

    receipt = page.locator(f"[data-case='{ready.number}'] [data-testid=receipt]")
    pdf = page.request.get(receipt.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"

    other = page.locator(f"[data-case='{second.number}']")
    other.locator("input[name=carrier]").fill("中国邮政EMS")
    other.locator("input[name=tracking_number]").fill("EA123456789CN")
    other.locator("[data-testid=mail]").click()
    page.wait_for_selector(f"[data-case='{second.number}'] [data-testid=delivered]")
    assert Case.objects.get(pk=second.pk).tracking_number == "EA123456789CN"
    shot("pickup-mailed")


def test_a_search_with_filters_its_next_page_and_an_export_downloaded(page, shot, monkeypatch):
    monkeypatch.setattr("onewindow.workbench.search.PAGE_SIZE", 5)
    world = make_world()
    made = [accepted_case(world) for _ in range(7)]
    completed_case(world)
    sign_in(page, world.clerk.user.username)
    page.click("[data-testid=nav] >> text=办件查询")
    page.select_option("#f-state", "accepted")
    page.select_option("#f-item", str(world.item.pk))
    page.click("button[data-wb-main-action]")
    opened(page, "[data-testid=case-results]")  # its rows, drawn to the last
    assert page.locator("[data-testid=case-row]").count() == 5
    shot("case-search")
    page.click("[data-testid=next-page]")
    opened(page, "[data-testid=first-page]")
    assert page.locator("[data-testid=case-row]").count() == 2
    shown = page.inner_text("[data-testid=case-results]")
    assert made[0].number in shown  # the oldest, on the last page
    shot("case-search-next-page")

    page.goto(page.url.split("?")[0] + "?accepted_from=99999-01-01")
    assert "受理日期起" in page.inner_text(".invalid-feedback")
    shot("case-search-bad-date")

    page.goto("/workbench/cases/?state=accepted")
    page.click("[data-testid=export]")
    page.wait_for_selector("#export-box [data-state=queued]")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    page.wait_for_selector("#export-box [data-testid=export-download]", timeout=10_000)
    shot("case-export-ready")
    with page.expect_download() as info:
        page.click("#export-box [data-testid=export-download]")
    download = info.value
    assert download.suggested_filename.startswith("cases-") and download.suggested_filename.endswith(".xlsx")
    rows = list(
        load_workbook(io.BytesIO(open(download.path(), "rb").read()))
        .worksheets[0]
        .iter_rows(values_only=True)
    )
    assert len(rows) == 1 + 7 and world.applicant.name not in str(rows)
