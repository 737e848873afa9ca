"""Case search exports: background jobs (core.Job, kind case_export) enqueued after commit, run by
the one job task in the database worker, handed to their requester only."""

import io

import pytest
from django.core.management import call_command
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from onewindow.cases import services
from onewindow.cases.errors import CaseError
from onewindow.core.jobs import job_progress, job_resumable
from onewindow.core.models import Job
from onewindow.org.models import Role
from tests.factories.cases import accepted_case, completed_case, make_world
from tests.factories.org import StaffFactory

PASSWORD = "onewindow-test"
TASK = "onewindow.core.tasks.job_task"
EXPORTS = Job.objects.filter(kind="case_export")


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def sign_in(client, staff) -> None:
    assert (
        client.post("/workbench/login/", {"username": staff.user.username, "password": PASSWORD}).status_code
        == 302
    )


def sheet_rows(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content), read_only=True).worksheets[0].iter_rows(values_only=True))


# The worker closes stale connections between tasks, which would end a test's transaction.
@pytest.mark.django_db(transaction=True)
def test_the_clerk_exports_a_search_and_downloads_it_after_the_worker_ran(client, exports_dir):
    world = make_world()
    accepted = accepted_case(world)
    completed = completed_case(world)
    hidden = accepted_case(make_world())
    sign_in(client, world.clerk)
    response = client.post("/workbench/exports/", {"state": "accepted"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'data-state="queued"' in response.content.decode()
    export = EXPORTS.get()
    assert export.params["filters"] == {"state": "accepted"} and export.created_by_id == world.clerk.user_id
    assert export.center_id == world.center.pk
    assert DBTaskResult.objects.filter(task_path=TASK, status=TaskResultStatus.READY).count() == 1
    status = client.get(f"/workbench/exports/{export.pk}/")
    assert "hx-trigger" in status.content.decode()  # still polling
    assert client.get(f"/workbench/exports/{export.pk}/download/").status_code == 404  # not written yet

    run_worker()

    result = DBTaskResult.objects.get(task_path=TASK)
    assert result.status == TaskResultStatus.SUCCESSFUL, result.exception_class_path
    export.refresh_from_db()
    assert export.state == "done" and export.report["rows"] == 1 and not export.report["truncated"]
    assert export.attempt == 1 and export.heartbeat_at is not None and export.phase == ""
    file_name = export.report["file"]
    assert (exports_dir / file_name).is_file() and file_name.endswith(".xlsx")
    status = client.get(f"/workbench/exports/{export.pk}/").content.decode()
    assert "hx-trigger" not in status and "export-download" in status
    download = client.get(f"/workbench/exports/{export.pk}/download/")
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    assert ".xlsx" in download["Content-Disposition"] and file_name not in download["Content-Disposition"]
    rows = sheet_rows(b"".join(download.streaming_content))
    assert rows[0][0] == "办件编号" and len(rows) == 2
    numbers = [r[0] for r in rows[1:]]
    assert accepted.number in numbers and completed.number not in numbers and hidden.number not in numbers
    assert rows[1][4] == world.applicant.name[0] + "*" * (len(world.applicant.name) - 1)
    assert world.applicant.id_number not in str(rows)

    other_clerk = StaffFactory(center=world.center, roles=[Role.INTAKE_CLERK, Role.CENTER_ADMIN])
    client.post("/workbench/logout/")
    sign_in(client, other_clerk)
    assert client.get(f"/workbench/exports/{export.pk}/download/").status_code == 404
    assert client.get(f"/workbench/exports/{export.pk}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_an_export_past_the_row_limit_is_cut_and_says_so(settings):
    settings.ONEWINDOW_EXPORT_MAX_ROWS = 2
    world = make_world()
    for _ in range(3):
        accepted_case(world)
    export = services.case_export_request(actor=world.clerk, filters={})
    run_worker()
    export.refresh_from_db()
    assert export.state == "done" and export.report["rows"] == 2 and export.report["truncated"]
    rows = sheet_rows(services.case_export_path(export).read_bytes())
    assert len(rows) == 4 and "只含前2件" in rows[-1][0]


@pytest.mark.django_db
def test_a_double_click_makes_one_export_and_there_is_a_limit_per_person(django_capture_on_commit_callbacks):
    world = make_world()
    with django_capture_on_commit_callbacks() as callbacks:
        first = services.case_export_request(actor=world.clerk, filters={"state": "accepted"})
        again = services.case_export_request(actor=world.clerk, filters={"state": "accepted"})
    assert first.pk == again.pk and len(callbacks) == 1
    services.case_export_request(actor=world.clerk, filters={"state": "completed"})
    services.case_export_request(actor=world.clerk, filters={"overdue": True})
    with pytest.raises(CaseError) as refused:
        services.case_export_request(actor=world.clerk, filters={"state": "closed"})
    assert refused.value.code == "EXPORT_LIMIT"
    assert EXPORTS.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "filters", [{"state": "nope"}, {"accepted_from": "99999-01-01"}, {"item": "x" * 10_000}]
)
def test_bad_filters_are_refused_and_nothing_is_recorded(filters):
    world = make_world()
    with pytest.raises(CaseError) as refused:
        services.case_export_request(actor=world.clerk, filters=filters)
    assert refused.value.code == "FIELD_INVALID" and refused.value.field in filters
    assert not EXPORTS.exists()


@pytest.mark.django_db
def test_a_failed_export_is_recorded_and_leaves_no_file(settings, tmp_path):
    world = make_world()
    accepted_case(world)
    export = services.case_export_request(actor=world.clerk, filters={})
    blocked = tmp_path / "exports"
    blocked.write_text("a file where the directory should be")
    settings.ONEWINDOW_EXPORT_DIR = blocked
    export = services.case_export_run(export_id=export.pk)
    assert export.state == "failed" and export.error and "file" not in export.report
    assert list(tmp_path.iterdir()) == [blocked]
    assert services.case_export_path(export) is None
    assert job_resumable(export)  # a failed export is resumed as a new attempt, as any job
    settings.ONEWINDOW_EXPORT_DIR = tmp_path / "fixed"
    again = services.case_export_request(actor=world.clerk, filters={})
    assert again.pk != export.pk  # a failed one is not "open": asking again makes a new one


@pytest.mark.django_db
def test_text_that_looks_like_a_formula_stays_text(exports_dir):
    world = make_world()
    world.item.name = '=HYPERLINK("http://x")'
    world.item.save()
    accepted_case(world)
    export = services.case_export_run(
        export_id=services.case_export_request(actor=world.clerk, filters={}).pk
    )
    book = load_workbook(services.case_export_path(export))
    cell = book.worksheets[0]["B2"]
    assert cell.value == world.item.name and cell.data_type == "s"


@pytest.mark.django_db
def test_the_export_runs_in_the_scope_the_requester_has_when_it_runs(exports_dir):
    world = make_world()
    accepted_case(world)
    export = services.case_export_request(actor=world.clerk, filters={})
    world.clerk.user.groups.clear()  # the clerk lost their role before the worker ran
    export = services.case_export_run(export_id=export.pk)
    assert export.state == "done" and export.report["rows"] == 0


@pytest.mark.django_db
def test_exports_older_than_a_week_are_removed_with_their_files(exports_dir):
    import datetime as dt

    from django.utils import timezone

    world = make_world()
    old = services.case_export_run(export_id=services.case_export_request(actor=world.clerk, filters={}).pk)
    new = services.case_export_run(
        export_id=services.case_export_request(actor=world.clerk, filters={"state": "accepted"}).pk
    )
    EXPORTS.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    old_file = services.case_export_path(old)
    assert services.case_export_prune() == 1
    assert not old_file.exists() and services.case_export_path(new).is_file()
    assert list(EXPORTS.values_list("pk", flat=True)) == [new.pk]


@pytest.mark.django_db
def test_an_export_whose_worker_died_is_resumed_when_asked_again(
    exports_dir, settings, django_capture_on_commit_callbacks
):
    """The job layer's heartbeat: a running export whose progress file stopped ageing is
    stale, and the same search asked again resumes it (a new attempt) instead of waiting forever."""
    import datetime as dt

    from django.utils import timezone

    world = make_world()
    accepted_case(world)
    export = services.case_export_request(actor=world.clerk, filters={})
    long_ago = timezone.now() - dt.timedelta(hours=1)
    EXPORTS.filter(pk=export.pk).update(state="running", heartbeat_at=long_ago, started_at=long_ago)
    export.refresh_from_db()
    assert job_progress(export).stale
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = services.case_export_request(actor=world.clerk, filters={})
    assert again.pk == export.pk and again.attempt == 2 and again.state == "queued" and len(callbacks) == 1
    done = services.case_export_run(export_id=export.pk)
    assert done.state == "done" and done.attempt == 2 and done.report["rows"] == 1


@pytest.mark.django_db
def test_only_the_requester_reaches_an_export_even_by_its_job_id(client, exports_dir):
    world = make_world()
    mine = services.case_export_run(export_id=services.case_export_request(actor=world.clerk, filters={}).pk)
    admin = StaffFactory(center=world.center, roles=[Role.CENTER_ADMIN, Role.SUPERVISOR])
    sign_in(client, admin)  # sees every job of the center elsewhere: not an export's file
    for url in (f"/workbench/exports/{mine.pk}/", f"/workbench/exports/{mine.pk}/download/"):
        assert client.get(url).status_code == 404
    batch = Job.objects.create(
        kind="batch_intake", center=world.center, created_by=admin.user, created_at=mine.created_at
    )
    assert client.get(f"/workbench/exports/{batch.pk}/").status_code == 404  # not an export at all


@pytest.mark.django_db
def test_a_task_queued_before_exports_became_jobs_runs_its_migrated_job(exports_dir):
    from onewindow.cases.tasks import case_export_run_task

    world = make_world()
    accepted_case(world)
    job = services.case_export_request(actor=world.clerk, filters={})
    EXPORTS.filter(pk=job.pk).update(params={**job.params, "legacy_export": 41})
    assert case_export_run_task.call(41) == {"export": 41, "job": job.pk, "state": "done"}
    job.refresh_from_db()
    assert job.report["rows"] == 1 and services.case_export_path(job).is_file()
    assert case_export_run_task.call(41)["state"] == "done"  # runs once
    assert case_export_run_task.call(999) == {"export": 999, "state": "missing"}
