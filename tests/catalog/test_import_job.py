"""A catalog import as a background job: the admin's upload, the worker, the command; progress,
the report, dry runs, all or nothing, resuming, and who may open an import's page."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from onewindow.catalog.errors import CatalogImportError
from onewindow.catalog.exchange import load
from onewindow.catalog.exchange.run import catalog_job_create
from onewindow.catalog.models import Bundle, CatalogList, ServiceItem, ServiceItemVersion
from onewindow.core.jobs import job_progress, job_resumable, job_resume, job_run
from onewindow.core.models import Job
from onewindow.org.models import Department
from tests.factories.catalog import catalog_document as document
from tests.factories.org import SectorFactory, ServiceCenterFactory, UserFactory


def json_upload(data, name="catalog.json"):
    upload = io.BytesIO(json.dumps(data, ensure_ascii=False).encode())
    upload.name = name
    return upload


def content_of(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def job_page(job):
    return reverse("admin:catalog_import_job", args=[job.uuid])


def status_of(client, job):
    return client.get(reverse("admin:catalog_import_job_status", args=[job.uuid])).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_admin_queues_the_upload_and_the_worker_imports_it(admin_client):
    center = ServiceCenterFactory(code="XTX")
    SectorFactory(center=center, code="SSFW")
    response = admin_client.post(
        reverse("admin:catalog_transfer"), {"center": center.pk, "file": json_upload(document(3))}
    )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job_page(job)
    assert DBTaskResult.objects.get().task_path == "onewindow.core.tasks.job_task"
    page = admin_client.get(job_page(job)).content.decode()
    assert "正在等待任务进程开始本次导入" in page
    assert 'hx-trigger="every 2s"' in page and "htmx-2.0.11/htmx.min.js" in page
    assert not ServiceItem.objects.exists()

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    job.refresh_from_db()
    assert job.report["problems"] == []
    assert (job.state, job.report["ok"], job.report["items_created"]) == ("done", True, 3)
    fragment = status_of(admin_client, job)
    assert 'id="import-summary"' in fragment and "新建事项3项" in fragment and "hx-trigger" not in fragment
    assert ServiceItem.objects.filter(center=center).count() == 3


@pytest.mark.django_db
def test_a_dry_run_checks_and_counts_and_saves_nothing(admin_client, org):
    response = admin_client.post(
        reverse("admin:catalog_transfer"),
        {"center": org.pk, "file": json_upload(document(2)), "dry_run": "on"},
    )
    job = Job.objects.get()
    assert job.params == {"dry_run": True}
    job_run(job.pk, job.attempt)
    page = admin_client.get(response["Location"]).content.decode()
    assert "试运行" in page and "新建事项2项" in page
    assert not ServiceItem.objects.exists()


@pytest.mark.django_db
def test_progress_reports_checking_then_writing_while_the_import_holds_its_transaction(org, monkeypatch):
    monkeypatch.setattr("onewindow.core.jobs.PROGRESS_SECONDS", 0)  # every step written
    job = catalog_job_create(
        center=org, actor=None, content=content_of(document(250)), filename="c.json", enqueue=False
    )
    seen = []

    def watch(done, total, phase):
        # Another connection would read the same: the progress is a file, not a row the
        # import's transaction has not committed yet.
        seen.append((phase, done, total, job_progress(Job.objects.get(pk=job.pk)).done))

    job_run(job.pk, job.attempt, observer=watch)
    phases = [(phase, done, total) for phase, done, total, _read in seen if phase]
    assert phases[:2] == [("validate", 100, 250), ("validate", 200, 250)]
    assert ("validate", 250, 250) in phases and phases[-2:] == [("write", 0, 250), ("write", 250, 250)]
    assert all(done == read for _p, done, _t, read in seen)
    job.refresh_from_db()
    assert (job.state, job.done, job.total) == ("done", 250, 250)


@pytest.mark.django_db
def test_an_import_that_fails_half_way_through_writing_leaves_nothing_and_runs_again(
    org, monkeypatch, settings
):
    data = document(3, department="XFJ", department_name="新设立的局")  # the import creates it
    job = catalog_job_create(
        center=org, actor=None, content=content_of(data), filename="c.json", enqueue=False
    )

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(load, "_write_bundles", broken)  # after the items, versions and lists are written
    with pytest.raises(RuntimeError):
        job_run(job.pk, job.attempt)
    job.refresh_from_db()
    assert job.state == "failed" and "the disk is full" in job.error
    assert not ServiceItem.objects.exists() and not ServiceItemVersion.objects.exists()
    assert not CatalogList.objects.exists() and not Department.objects.filter(code="XFJ").exists()
    assert job_resumable(job)
    monkeypatch.undo()
    job = job_resume(job, enqueue=False)
    assert job_run(job.pk, job.attempt)["items_created"] == 3
    assert Bundle.objects.count() == 1


@pytest.mark.django_db
def test_the_command_shows_its_progress_and_resumes_a_dead_import(org, tmp_path, capsys, settings):
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(document(2), ensure_ascii=False), encoding="utf-8")
    call_command("import_catalog", str(path), "--center", "XTX")
    captured = capsys.readouterr()
    assert "新建事项2项" in captured.out
    assert "校验" in captured.err and "写入" in captured.err  # the two progress bars
    job = catalog_job_create(
        center=org, actor=None, content=content_of(document(3)), filename="c.json", enqueue=False
    )
    Job.objects.filter(pk=job.pk).update(state="running")  # its worker died
    with pytest.raises(CommandError):
        call_command("import_catalog", "--resume", str(job.uuid))  # still looks alive
    settings.JOB_STALE_SECONDS = 0
    call_command("import_catalog", "--resume", str(job.uuid))
    assert "新建事项1项" in capsys.readouterr().out
    job.refresh_from_db()
    assert (job.state, job.attempt) == ("done", 2)
    with pytest.raises(CommandError):
        call_command("import_catalog", "--resume", "not-a-job")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "filename", "code"),
    [
        (b"", "c.json", "FILE_EMPTY"),
        (b"{}", "c.csv", "FILE_TYPE"),
        (b"x" * 200, "c.json", "FILE_TOO_LARGE"),
    ],
)
def test_a_file_refused_before_it_is_stored(org, settings, content, filename, code):
    settings.ONEWINDOW_IMPORT_MAX_BYTES = 100
    with pytest.raises(CatalogImportError) as exc:
        catalog_job_create(center=org, actor=None, content=content, filename=filename)
    assert exc.value.report.problems[0].code == code
    assert not Job.objects.exists() and not list(settings.JOBS_DIR.iterdir())


@pytest.mark.django_db
def test_only_an_admin_of_the_center_may_queue_an_import(org):
    with pytest.raises(CatalogImportError) as exc:
        catalog_job_create(
            center=org, actor=UserFactory(), content=content_of(document(1)), filename="c.json"
        )
    assert exc.value.report.problems[0].code == "NOT_CENTER_ADMIN"


# ------------------------------------------------------------------ who may open an import's page


@pytest.fixture
def net(db):
    from tests.factories.access import county_network

    return county_network()


def test_an_import_page_is_a_404_for_an_admin_of_another_center(client, net):
    client.force_login(net.township.admin.user)
    upload = json_upload({"items": []})
    response = client.post(
        reverse("admin:catalog_transfer"), {"center": net.township.center.pk, "file": upload}
    )
    job = Job.objects.get()
    assert response["Location"] == job_page(job)
    assert client.get(job_page(job)).status_code == 200
    client.force_login(net.village.admin.user)  # a station below: does not see the township's jobs
    urls = [job_page(job), reverse("admin:catalog_import_job_status", args=[job.uuid])]
    assert [client.get(url).status_code for url in urls] == [404, 404]
    assert client.post(reverse("admin:catalog_import_job_resume", args=[job.uuid])).status_code == 404
    client.force_login(net.county.admin.user)  # the county above sees it
    assert client.get(job_page(job)).status_code == 200


def test_the_admin_lists_jobs_view_only_and_scoped(client, net):
    client.force_login(net.township.admin.user)
    client.post(
        reverse("admin:catalog_transfer"),
        {"center": net.township.center.pk, "file": json_upload({"items": []})},
    )
    job = Job.objects.get()
    listing = client.get(reverse("admin:core_job_changelist"))
    assert listing.status_code == 200 and job_page(job) in listing.content.decode()
    assert client.get(reverse("admin:core_job_change", args=[job.pk])).status_code == 200
    assert client.get(reverse("admin:core_job_add")).status_code == 403
    client.force_login(net.village.admin.user)
    assert list(client.get(reverse("admin:core_job_changelist")).context["cl"].result_list) == []
    assert client.get(reverse("admin:core_job_change", args=[job.pk])).status_code == 404
