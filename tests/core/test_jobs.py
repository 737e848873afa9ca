"""The background job layer (`core.jobs`) on its own, with handlers of this module standing in
for a kind's work (`settings.JOB_HANDLERS` names a handler by its path)."""

import os
import threading
import time

import pytest

from onewindow.core import clock, jobs
from onewindow.core.jobs import JobError, job_create, job_input, job_progress, job_resume, job_run
from onewindow.core.models import Job
from tests.factories.org import ServiceCenterFactory, UserFactory

pytestmark = pytest.mark.django_db

HERE = "tests.core.test_jobs"


def failing(run):
    run.progress(1, 3)
    raise ValueError("a bug in the handler")


def echo(run):
    run.progress(len(run.content()), len(run.content()), "read")
    return {"length": len(run.content()), "language": run.job.language}


beats = threading.Event()


def waits_for_a_heartbeat(run):
    path = jobs._progress_path(run.job)
    os.utime(path, (time.time() - 3600, time.time() - 3600))  # as if the last step was long ago
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and time.time() - path.stat().st_mtime > 60:
        time.sleep(0.01)
    if not job_progress(Job.objects.get(pk=run.job.pk)).stale:
        beats.set()
    return {}


@pytest.fixture
def handler(settings):
    def use(name):
        settings.JOB_HANDLERS = {**settings.JOB_HANDLERS, "batch_intake": f"{HERE}.{name}"}

    return use


def new_job(content=b"sheet", **kwargs):
    return job_create(
        kind="batch_intake",
        center_id=ServiceCenterFactory().pk,
        created_by=UserFactory(),
        content=content,
        suffix=".xlsx",
        enqueue=False,
        **kwargs,
    )


def test_a_job_is_created_with_its_input_encrypted_and_runs_in_its_language(handler, settings):
    handler("echo")
    job = new_job(b"12345", language="en")
    assert (settings.JOBS_DIR / job.file_name).read_bytes() != b"12345"
    assert job_input(job) == b"12345"
    assert job_run(job.pk, job.attempt) == {"length": 5, "language": "en"}
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.report["length"]) == ("done", 5, 5, 5)
    assert job.started_at <= job.finished_at
    assert not (settings.JOBS_DIR / job.file_name).exists()


def test_unknown_kinds_and_suffixes_are_refused():
    with pytest.raises(ValueError):
        job_create(kind="mining", center_id=ServiceCenterFactory().pk, created_by=None, enqueue=False)
    with pytest.raises(ValueError):
        job_create(
            kind="batch_intake",
            center_id=ServiceCenterFactory().pk,
            created_by=None,
            suffix="/../x",
            enqueue=False,
        )


def test_a_failing_handler_marks_the_job_failed_keeps_its_input_and_raises(handler, settings):
    handler("failing")
    job = new_job()
    with pytest.raises(ValueError):
        job_run(job.pk, job.attempt)
    job.refresh_from_db()
    assert job.state == "failed" and job.error == "ValueError: a bug in the handler"
    assert (job.done, job.total) == (1, 3)
    assert (settings.JOBS_DIR / job.file_name).exists()  # kept for a resume
    handler("echo")
    job = job_resume(job, enqueue=False)
    assert job_run(job.pk, job.attempt)["length"] == 5


def test_the_heartbeat_keeps_a_long_step_alive(handler, monkeypatch):
    monkeypatch.setattr(jobs, "HEARTBEAT_SECONDS", 0.01)
    handler("waits_for_a_heartbeat")
    beats.clear()
    job = new_job()
    job_run(job.pk, job.attempt)
    assert beats.is_set()  # the thread touched the progress file while the handler was busy


def test_only_a_stopped_job_is_resumed(handler, settings):
    handler("echo")
    job = new_job()
    for state in ("queued", "running"):  # waiting for the worker; running with signs of life
        Job.objects.filter(pk=job.pk).update(state=state, heartbeat_at=clock.now())
        with pytest.raises(JobError) as exc:
            job_resume(job)
        assert exc.value.code == "JOB_NOT_RESUMABLE"
    job_run(job.pk, job.attempt)
    settings.JOB_STALE_SECONDS = 0
    with pytest.raises(JobError):
        job_resume(job)  # done
    assert Job.objects.get(pk=job.pk).attempt == 1


def test_prune_removes_inputs_of_long_finished_jobs_and_orphans(handler, settings):
    import datetime as dt

    handler("failing")
    old, recent = new_job(), new_job()
    for job in (old, recent):
        with pytest.raises(ValueError):
            job_run(job.pk, job.attempt)
    Job.objects.filter(pk=old.pk).update(finished_at=clock.now() - dt.timedelta(days=8))
    orphan, fresh_orphan = settings.JOBS_DIR / "left-by-a-request.xlsx", settings.JOBS_DIR / "just-now.xlsx"
    orphan.write_bytes(b"x")
    fresh_orphan.write_bytes(b"x")
    os.utime(orphan, (time.time() - 2 * 86400, time.time() - 2 * 86400))
    assert jobs.job_files_prune(keep_days=7) == 2
    left = {p.name for p in settings.JOBS_DIR.iterdir()}
    assert left == {recent.file_name, "just-now.xlsx"}


def steps(run):
    run.progress(0, 10)
    for done in range(1, 10):
        run.progress(done)
    written = job_progress(Job.objects.get(pk=run.job.pk)).done
    run.progress(10)
    return {"written": written, "end": job_progress(Job.objects.get(pk=run.job.pk)).done}


def test_the_progress_file_is_written_at_intervals_and_at_the_end_the_observer_hears_every_step(
    handler, monkeypatch
):
    monkeypatch.setattr(jobs, "PROGRESS_SECONDS", 3600)
    handler("steps")
    heard = []
    job = new_job()
    report = job_run(job.pk, job.attempt, observer=lambda done, total, phase: heard.append(done))
    assert report == {"written": 0, "end": 10}  # the total changed at 0; then only the end
    assert heard == [0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
