"""A batch intake as a background job: queued after commit, run by the database worker (the real
`db_worker` command, in-process), resumed after a crash, and run three times at once on one sheet.

The worker closes stale connections between tasks, which would end a test's transaction: the
tests that run it are transactional."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from onewindow.cases import channels
from onewindow.cases.channels import batchrun
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Application, BatchJobRow, Case
from onewindow.core.jobs import job_progress, job_resumable, job_resume, job_run
from onewindow.core.models import Job
from onewindow.org.models import Staff
from tests.cases.channels.sheets import good_row, headers, nurse_item, xlsx
from tests.factories.cases import make_world
from tests.threads import race

TASK = "onewindow.core.tasks.job_task"


def nurse_world():
    """The world and its nurse item (the batch tests' item), made inside a transactional test."""
    world = make_world()
    return world, nurse_item(world)


def sheet_of(item, n: int, bad: tuple[int, ...] = ()) -> bytes:
    rows = [good_row(k) for k in range(n)]
    for k in bad:
        rows[k][1] = "123"  # not an ID number
    return xlsx(headers(item), rows)


def work():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def fresh(staff):
    return Staff.objects.select_related("user", "center").get(pk=staff.pk)


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_queued_after_commit_and_the_worker_takes_every_good_row_in():
    world, item = nurse_world()
    with transaction.atomic():
        job = channels.batch_job_create(
            center=world.center,
            item=item,
            actor=world.clerk,
            content=sheet_of(item, 6, bad=(2,)),
            name="护士.xlsx",
        )
        assert not DBTaskResult.objects.exists()  # enqueued only once the upload's row is committed
    assert DBTaskResult.objects.get().task_path == TASK
    job.refresh_from_db()
    assert (job.state, job.attempt, job.original_name) == ("queued", 1, "护士.xlsx")

    work()

    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.SUCCESSFUL, result.exception_class_path
    job.refresh_from_db()
    assert (job.state, job.done, job.total) == ("done", 6, 6)
    assert job.report == {
        "rows": 6,
        "created": 5,
        "skipped": 0,
        "refused": 1,
        "outcomes": {"accepted": 5, "refused": 1},
    }
    report = channels.batch_report(job)
    assert [r.row for r in report.created] == [2, 3, 5, 6, 7]
    assert all(Case.objects.filter(number=r.case_number).exists() for r in report.created)
    assert [(e.row, e.column, e.code) for e in report.errors] == [(4, headers(item)[1], "ID_NUMBER_INVALID")]
    assert Application.objects.filter(channel="batch").count() == 5
    assert not list(job_dir_files())  # the stored sheet (and the progress file) are gone


def job_dir_files():
    from django.conf import settings

    return [p for p in settings.JOBS_DIR.iterdir() if not p.name.startswith(".")]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_upload_queues_nothing():
    world, item = nurse_world()
    with pytest.raises(RuntimeError), transaction.atomic():
        channels.batch_job_create(
            center=world.center, item=item, actor=world.clerk, content=sheet_of(item, 2)
        )
        raise RuntimeError("the request failed after the upload")
    assert not Job.objects.exists() and not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_progress_goes_row_by_row_to_the_total(world, nurse):
    seen = []
    channels.batch_intake(
        center=world.center,
        item=nurse,
        actor=world.clerk,
        xlsx=sheet_of(nurse, 5, bad=(1, 3)),
        observer=lambda done, total, phase: seen.append((done, total)),
    )
    assert seen[0] == (0, 0)  # claimed, the sheet not read yet
    steps = seen[1:]
    assert steps[0] == (0, 5) and steps[-1] == (5, 5)
    assert [d for d, _t in steps] == sorted(d for d, _t in steps)  # never backwards
    job = Job.objects.get()
    assert (job.done, job.total, job.state) == (5, 5, "done")


class Killed(BaseException):
    """A worker killed in the middle of a row (SIGKILL, a lost machine): no handler runs."""


@pytest.mark.django_db(transaction=True)
def test_a_run_killed_mid_sheet_is_resumed_by_the_worker_and_reports_each_row_once(monkeypatch, settings):
    world, item = nurse_world()
    job = channels.batch_job_create(
        center=world.center, item=item, actor=world.clerk, content=sheet_of(item, 8, bad=(0,))
    )
    real = batchrun._intake_row
    calls, kill = [], [True]

    def dies_on_the_fourth_row(**kwargs):
        calls.append(kwargs["row"].number)
        taken = real(**kwargs)
        if kill[0] and len(calls) == 4:
            raise Killed  # the row is written… and the worker dies before its commit
        return taken

    monkeypatch.setattr(batchrun, "_intake_row", dies_on_the_fourth_row)
    monkeypatch.setattr("onewindow.core.jobs.PROGRESS_SECONDS", 0)  # every step written
    work()
    job.refresh_from_db()
    assert job.state == "running"  # nobody was left to say otherwise
    assert BatchJobRow.objects.filter(job=job).count() == 4  # the refused row and three taken in
    assert Application.objects.count() == 3  # the fourth row's transaction rolled back whole
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED

    assert job_progress(job).done == 4
    assert not job_resumable(job)  # its progress file is fresh: it may still be running
    settings.JOB_STALE_SECONDS = 0  # no sign of life since: its worker is gone
    assert job_resumable(job)
    kill[0] = False
    job = job_resume(job)
    assert (job.state, job.attempt) == ("queued", 2)
    work()

    job.refresh_from_db()
    assert (job.state, job.done) == ("done", 8)
    assert job.report["created"] == 7 and job.report["refused"] == 1
    rows = list(BatchJobRow.objects.filter(job=job).order_by("row").values_list("row", flat=True))
    assert rows == list(range(2, 10))  # every row once
    assert Application.objects.count() == 7
    assert calls == [3, 4, 5, 6, 6, 7, 8, 9]  # rows 3 to 5 were not taken in again


@pytest.mark.django_db
def test_a_run_resumed_meanwhile_stops_at_its_next_row(world, nurse, monkeypatch):
    from django.db.models import F

    job = channels.batch_job_create(
        center=world.center, item=nurse, actor=world.clerk, content=sheet_of(nurse, 4), enqueue=False
    )
    real = batchrun._intake_row
    calls = []

    def resumed_elsewhere_during_the_second_row(**kwargs):
        calls.append(kwargs["row"].number)
        if len(calls) == 2:  # someone resumed the job: a later attempt owns it now
            Job.objects.filter(pk=job.pk).update(attempt=F("attempt") + 1, state="queued")
        return real(**kwargs)

    monkeypatch.setattr(batchrun, "_intake_row", resumed_elsewhere_during_the_second_row)
    assert job_run(job.pk, 1) is None  # stopped, its report not stored
    assert calls == [2, 3] and BatchJobRow.objects.count() == 2
    job.refresh_from_db()
    assert (job.state, job.attempt, job.report) == ("queued", 2, {})
    assert job_run(job.pk, 2)["created"] == 4
    assert calls == [2, 3, 4, 5] and Application.objects.count() == 4


@pytest.mark.django_db
def test_an_older_attempt_stops_at_its_next_row_and_a_done_job_is_not_run_again(world, nurse, settings):
    job = channels.batch_job_create(
        center=world.center, item=nurse, actor=world.clerk, content=sheet_of(nurse, 3), enqueue=False
    )
    settings.JOB_STALE_SECONDS = 0
    Job.objects.filter(pk=job.pk).update(state="running")  # a run whose worker died before any row
    job_resume(job, enqueue=False)
    assert job_run(job.pk, 1) is None  # the first attempt no longer owns the job
    assert not BatchJobRow.objects.exists()
    assert job_run(job.pk, 2)["created"] == 3
    assert job_run(job.pk, 2) is None  # done: nothing to do
    assert Application.objects.count() == 3


def three_at_once(world, item):
    """Three clerks upload the same sheet at the same moment; three workers run them at once."""
    sheet = sheet_of(item, 12, bad=(5,))
    clerks = [fresh(world.clerk), fresh(world.staff("intake_clerk")), fresh(world.staff("intake_clerk"))]
    jobs = [
        channels.batch_job_create(center=world.center, item=item, actor=c, content=sheet, enqueue=False)
        for c in clerks
    ]
    results = race([lambda j=j: job_run(j.pk, j.attempt) for j in jobs])
    assert not [r for r in results if isinstance(r, BaseException)], results
    return jobs


def assert_each_row_taken_in_once_and_reported_by_every_run(jobs):
    assert Application.objects.filter(channel="batch").count() == 11
    reports = [channels.batch_report(Job.objects.get(pk=j.pk)) for j in jobs]
    for report in reports:
        assert report.rows == 12
        assert [e.row for e in report.errors] == [7]  # only the bad row, never a row another run took in
        assert len(report.created) + len(report.skipped) == 11
        assert len({r.row for r in report.created + report.skipped}) == 11  # each row once
    assert sum(len(r.created) for r in reports) == 11  # each row taken in by exactly one run
    cases = {}
    for report in reports:
        for r in report.created + report.skipped:
            cases.setdefault(r.row, set()).add(r.case_number)
    assert all(len(numbers) == 1 and "" not in numbers for numbers in cases.values())  # the same case
    assert BatchJobRow.objects.filter(took_in=True).count() == 11


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_three_concurrent_runs_of_one_sheet_take_each_row_in_once_on_postgres():
    world, item = nurse_world()
    assert_each_row_taken_in_once_and_reported_by_every_run(three_at_once(world, item))


@pytest.mark.django_db(transaction=True)
def test_three_concurrent_runs_of_one_sheet_take_each_row_in_once(on_postgres):
    """On SQLite too (one writer at a time: the runs interleave row by row)."""
    world, item = nurse_world()
    assert_each_row_taken_in_once_and_reported_by_every_run(three_at_once(world, item))


@pytest.mark.django_db
def test_a_second_run_of_a_sheet_reports_the_rows_as_already_imported_with_their_cases(world, nurse):
    sheet = sheet_of(nurse, 3)
    first = channels.batch_intake(center=world.center, item=nurse, actor=world.clerk, xlsx=sheet)
    again = channels.batch_intake(center=world.center, item=nurse, actor=world.clerk, xlsx=sheet)
    assert [(r.row, r.case_number) for r in again.skipped] == [(r.row, r.case_number) for r in first.created]
    assert again.errors == [] and Application.objects.count() == 3


# --------------------------------------------------------------------------- hostile input


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "BATCH_FILE_EMPTY"),
        (b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024), "BATCH_FILE_TOO_LARGE"),
        ("姓名,身份证号\n张三,1".encode(), "BATCH_FILE_INVALID"),
    ],
)
def test_a_file_refused_before_it_is_stored_or_queued(world, nurse, content, code):
    with pytest.raises(CaseError) as exc:
        channels.batch_job_create(center=world.center, item=nurse, actor=world.clerk, content=content)
    assert exc.value.code == code
    assert not Job.objects.exists() and not DBTaskResult.objects.exists()
    assert not job_dir_files()


@pytest.mark.django_db
def test_a_sheet_refused_as_a_whole_is_the_report_and_leaves_nothing_written(world, nurse):
    no_name = xlsx(headers(nurse)[1:], [good_row(1)[1:]])  # the applicant name column is missing
    job = channels.batch_job_create(
        center=world.center, item=nurse, actor=world.clerk, content=no_name, enqueue=False
    )
    job_run(job.pk, job.attempt)
    job.refresh_from_db()
    assert job.state == "done"
    assert job.report["error"]["code"] == "BATCH_COLUMN_MISSING"
    assert "申请人名称" in job.report["error"]["message"]
    assert not BatchJobRow.objects.exists() and not Application.objects.exists()
    broken = b"PK\x03\x04 this is not a workbook"
    with pytest.raises(CaseError) as exc:
        channels.batch_intake(center=world.center, item=nurse, actor=world.clerk, xlsx=broken)
    assert exc.value.code == "BATCH_FILE_INVALID"
    with pytest.raises(CaseError) as exc:
        channels.batch_intake(
            center=world.center, item=nurse, actor=world.clerk, xlsx=xlsx(headers(nurse), [])
        )
    assert exc.value.code == "BATCH_EMPTY"
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_a_clerk_who_lost_the_role_before_the_run_gets_the_sheet_refused(world, nurse):
    from onewindow.org.services import staff_set_roles

    job = channels.batch_job_create(
        center=world.center, item=nurse, actor=world.clerk, content=sheet_of(nurse, 2), enqueue=False
    )
    staff_set_roles(staff=world.clerk, roles=["pickup_clerk"], actor=None)
    job_run(job.pk, job.attempt)
    job.refresh_from_db()
    assert job.report["error"]["code"] == "BATCH_CLERK"
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_unicode_names_and_a_duplicate_row_in_one_run(world, nurse):
    rows = [good_row(1), good_row(2), good_row(1)]
    rows[0][0] = "阿卜杜热合曼·买买提😀"
    report = channels.batch_intake(
        center=world.center, item=nurse, actor=world.clerk, xlsx=xlsx(headers(nurse), rows)
    )
    assert [(e.row, e.code) for e in report.errors] == [(4, "DUPLICATE_IN_SHEET")]
    assert report.created[0].applicant_name == "阿卜杜热合曼·买买提😀"


@pytest.mark.django_db
def test_the_stored_sheet_is_encrypted_under_a_generated_name_outside_the_web_root(world, nurse, settings):
    content = sheet_of(nurse, 1)
    job = channels.batch_job_create(
        center=world.center,
        item=nurse,
        actor=world.clerk,
        content=content,
        name="../../etc/passwd",
        enqueue=False,
    )
    stored = settings.JOBS_DIR / job.file_name
    assert stored.exists() and job.file_name.endswith(".xlsx") and "passwd" not in job.file_name
    assert b"PK" not in stored.read_bytes()[:16]  # a Fernet token, not the workbook
    assert (stored.stat().st_mode & 0o777) == 0o640
    assert settings.MEDIA_ROOT not in stored.parents and settings.STATIC_ROOT not in stored.parents
    assert job.original_name == "../../etc/passwd"  # shown, never used as a path
