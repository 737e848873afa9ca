"""The pages a person opens first, in a real browser."""

import pytest

from tests.e2e.conftest import opened
from tests.factories.cases import accepted_case, make_world
from tests.factories.org import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_signs_in_to_a_chinese_admin(page):
    UserFactory(username="chief", is_staff=True, is_superuser=True)
    page.goto("/admin/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "onewindow-test")
    page.click("input[type=submit]")
    opened(page, "#content")
    body = page.inner_text("body")
    assert "站点管理" in body
    assert "政务服务中心" in body  # org models read in Chinese
    assert "日历调整" in body or "日历" in body


def test_citizen_checks_progress_by_the_number_on_the_notice(page):
    case = accepted_case(make_world())
    page.goto("/")
    page.fill("#number", case.number)
    page.fill("#code", case.query_code)
    page.click("button:has-text('查询')")
    opened(page, "[data-testid=case-state]")
    assert page.inner_text("[data-testid=case-number]") == case.number
    assert "已受理" in page.inner_text("[data-testid=case-state]")


def test_a_clerk_uploads_a_batch_sheet_and_watches_it_through_to_the_report(page, tmp_path):
    """Signed in through the real sign-in page; the job's page refreshes itself (htmx) while
    the worker runs, until the report, without reloading."""
    from django.core.management import call_command

    from onewindow.org.models import Role
    from onewindow.org.services import staff_set_roles
    from tests.cases.channels.sheets import good_row, headers, nurse_item, xlsx

    world = make_world()
    item = nurse_item(world)
    staff_set_roles(
        staff=world.clerk, roles=[Role.INTAKE_CLERK, Role.CENTER_ADMIN]
    )  # may sign in to the admin
    rows = [good_row(k) for k in range(3)]
    rows[1][1] = "123"
    sheet = tmp_path / "护士.xlsx"
    sheet.write_bytes(xlsx(headers(item), rows))

    page.goto(f"/admin/login/?next=/workbench/batch/{item.code}/")
    page.fill("#id_username", world.clerk.user.username)
    page.fill("#id_password", "onewindow-test")
    page.click("input[type=submit]")
    page.set_input_files("#sheet", str(sheet))
    page.click("button[type=submit]")
    page.wait_for_selector("#batch-job[data-state=queued]")
    assert "正在等待任务进程" in page.inner_text("#batch-job")
    page.evaluate("window.stillTheSamePage = true")

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    page.wait_for_selector("#batch-job-summary")
    assert page.evaluate("window.stillTheSamePage") is True  # swapped in by htmx, not reloaded
    assert "共 3 行" in page.inner_text("#batch-job-summary")
    assert "身份证号或统一社会信用代码" in page.inner_text("#batch-refused")
    assert page.locator("#batch-created tbody tr").count() == 2
