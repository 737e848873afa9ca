"""The batch intake pages: upload → the job's page, refreshed by htmx until the report; who may see it."""

import io
import re

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from onewindow.cases.models import Application
from onewindow.core.jobs import job_run
from onewindow.core.models import Job
from onewindow.org.models import Role
from tests.cases.channels.sheets import good_row, headers, xlsx
from tests.factories.org import ServiceCenterFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def upload(client, item, content: bytes, name: str = "护士.xlsx"):
    sheet = io.BytesIO(content)
    sheet.name = name
    return client.post(f"/workbench/batch/{item.code}/", {"sheet": sheet})


def nurse_sheet(item, n: int, bad: tuple[int, ...] = ()) -> bytes:
    rows = [good_row(k) for k in range(n)]
    for k in bad:
        rows[k][1] = "123"
    return xlsx(headers(item), rows)


def no_inline_script(html: str) -> bool:
    """Every <script> loads a file (a strict Content-Security-Policy is coming), no on* handlers."""
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    handlers = re.findall(r"\son[a-z]+\s*=", html)
    return all("src=" in attrs and not body.strip() for attrs, body in scripts) and not handlers


def status(client, job):
    return client.get(f"/workbench/batch-jobs/{job.uuid}/status/")


def test_an_upload_lands_on_the_jobs_page_which_polls_until_the_report(client, world, nurse):
    client.force_login(world.clerk.user)
    response = upload(client, nurse, nurse_sheet(nurse, 4, bad=(1,)))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/workbench/batch-jobs/{job.uuid}/")
    page = client.get(response["Location"]).content.decode()
    assert "正在等待任务进程" in page  # queued: waiting for the worker
    assert f'hx-get="/workbench/batch-jobs/{job.uuid}/status/"' in page and 'hx-trigger="every 2s"' in page
    assert "/static/vendor/htmx-2.0.11/htmx.min.js" in page
    assert no_inline_script(page)

    job_run(job.pk, job.attempt)  # the worker's function (the worker itself: test_batch_job.py)

    fragment = status(client, job).content.decode()
    assert "hx-trigger" not in fragment  # finished: the polling stops
    assert 'id="batch-job-summary"' in fragment and "共 4 行" in fragment
    assert "第3行" not in fragment  # the refused row is listed in the table, by row and column
    assert re.search(r"<td>3</td><td>身份证号或统一社会信用代码</td><td>[^<]*18位", fragment)
    for application in Application.objects.all():
        assert application.cases.get().number in fragment
    assert no_inline_script(fragment)


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_uploaded_sheet_and_the_page_shows_the_report(client):
    from tests.cases.channels.test_batch_job import nurse_world

    world, item = nurse_world()
    client.force_login(world.clerk.user)
    upload(client, item, nurse_sheet(item, 3))
    job = Job.objects.get()
    assert 'data-state="queued"' in status(client, job).content.decode()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    fragment = status(client, job).content.decode()
    assert 'data-state="done"' in fragment and "新建申请 3 件" in fragment


def test_a_running_job_shows_its_progress_and_a_dead_one_offers_to_resume(client, world, nurse, settings):
    client.force_login(world.clerk.user)
    upload(client, nurse, nurse_sheet(nurse, 5))
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(state="running")  # a worker took it… and died before a row
    fragment = status(client, job).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "batch-job-stopped" not in fragment
    settings.JOB_STALE_SECONDS = 0
    fragment = status(client, job).content.decode()
    assert 'id="batch-job-stopped"' in fragment and f"/workbench/batch-jobs/{job.uuid}/resume/" in fragment
    response = client.post(f"/workbench/batch-jobs/{job.uuid}/resume/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.state, job.attempt) == ("queued", 2)
    assert client.get(f"/workbench/batch-jobs/{job.uuid}/resume/").status_code == 405
    client.post(f"/workbench/batch-jobs/{job.uuid}/resume/")  # not stopped: refused, said on the page
    assert "无法继续" in client.get(f"/workbench/batch-jobs/{job.uuid}/").content.decode()


def test_a_huge_report_lists_the_first_rows_and_the_download_holds_them_all(
    client, world, nurse, monkeypatch
):
    monkeypatch.setattr("onewindow.workbench.views.REPORT_ROWS", 3)
    client.force_login(world.clerk.user)
    upload(client, nurse, nurse_sheet(nurse, 12, bad=(0, 1, 2, 3, 4)))
    job = Job.objects.get()
    job_run(job.pk, job.attempt)
    fragment = status(client, job).content.decode()
    assert fragment.count("<tr><td>") == 3  # three refused cells…
    assert fragment.count("/notice/acceptance.pdf") == 3  # … and three applications
    assert 'id="batch-refused-more"' in fragment and "另有 2 行" in fragment
    assert 'id="batch-created-more"' in fragment and "另有 4 件" in fragment
    download = client.get(f"/workbench/batch-jobs/{job.uuid}/report.xlsx")
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    wb = load_workbook(io.BytesIO(download.content))
    taken, refused = wb.worksheets
    assert taken.max_row == 1 + 7 and refused.max_row == 1 + 5
    assert [c.value for c in refused[2]][:2] == [2, headers(nurse)[1]]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (None, "", "请选择已填写的批量受理表"),
        (b"", "empty.xlsx", "文件是空的"),
        (b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024), "huge.xlsx", "批量受理表最大为10.0 MiB"),
        ("申请人姓名\n张三".encode(), "sheet.csv", "Excel"),
    ],
)
def test_a_bad_upload_is_refused_on_the_page_before_anything_is_queued(
    client, world, nurse, content, name, message
):
    client.force_login(world.clerk.user)
    if content is None:
        response = client.post(f"/workbench/batch/{nurse.code}/", {})
    else:
        response = upload(client, nurse, content, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Job.objects.exists()


def test_the_batch_page_lists_the_clerks_latest_jobs_of_the_item(client, world, nurse):
    client.force_login(world.clerk.user)
    upload(client, nurse, nurse_sheet(nurse, 1), name="第一批.xlsx")
    other = StaffFactory(center=world.center, roles=[Role.INTAKE_CLERK])
    client.force_login(other.user)
    upload(client, nurse, nurse_sheet(nurse, 1), name="别人的.xlsx")
    client.force_login(world.clerk.user)
    page = client.get(f"/workbench/batch/{nurse.code}/").content.decode()
    assert "第一批.xlsx" in page and "别人的.xlsx" not in page


# --------------------------------------------------------------------------- who may see a job


@pytest.fixture
def finished_job(client, world, nurse):
    client.force_login(world.clerk.user)
    upload(client, nurse, nurse_sheet(nurse, 2))
    job = Job.objects.get()
    job_run(job.pk, job.attempt)
    client.logout()
    return job


def job_urls(job):
    base = f"/workbench/batch-jobs/{job.uuid}/"
    return [base, base + "status/", base + "report.xlsx"]


def test_another_centers_clerk_gets_404_for_every_page_of_the_job(client, finished_job):
    stranger = StaffFactory(center=ServiceCenterFactory(), roles=[Role.INTAKE_CLERK, Role.CENTER_ADMIN])
    client.force_login(stranger.user)
    assert [client.get(url).status_code for url in job_urls(finished_job)] == [404, 404, 404]
    assert client.post(f"/workbench/batch-jobs/{finished_job.uuid}/resume/").status_code == 404


def test_the_centers_supervisor_sees_the_job_and_department_staff_do_not(client, world, finished_job):
    client.force_login(world.supervisor.user)
    assert [client.get(url).status_code for url in job_urls(finished_job)] == [200, 200, 200]
    client.force_login(world.approver.user)  # department staff: sees its department's cases only
    assert [client.get(url).status_code for url in job_urls(finished_job)] == [404, 404, 404]
    colleague = StaffFactory(center=world.center, roles=[Role.INTAKE_CLERK])
    client.force_login(colleague.user)  # a clerk of the center sees its cases, and so the report
    assert client.get(job_urls(finished_job)[0]).status_code == 200


def test_anonymous_visitors_sign_in_and_other_accounts_are_refused(client, finished_job):
    url = job_urls(finished_job)[0]
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/workbench/login/")
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


def test_an_unknown_or_malformed_job_is_404(client, world):
    client.force_login(world.clerk.user)
    assert client.get("/workbench/batch-jobs/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/workbench/batch-jobs/1/").status_code == 404


def test_the_jobs_page_reads_in_bounded_queries(client, world, nurse, django_assert_max_num_queries):
    client.force_login(world.clerk.user)
    upload(client, nurse, nurse_sheet(nurse, 30, bad=(3, 4)))
    job = Job.objects.get()
    job_run(job.pk, job.attempt)
    with django_assert_max_num_queries(12):
        assert status(client, job).status_code == 200
