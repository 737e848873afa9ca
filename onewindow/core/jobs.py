"""Background jobs (后台任务): long work out of the request, with progress, a report and resumption.

A page or a command calls `job_create`: the input file is stored encrypted with the field key
under a generated name in `settings.JOBS_DIR` (outside the web root), the `Job` row is
created, and once that commits `core.tasks.job_task(job_id, attempt)` is enqueued. The task
worker runs `job_run`: it claims the job, calls the handler of its kind
(`settings.JOB_HANDLERS`: the domain's own code, a batch intake in `cases`, a catalog import
in `catalog`) with a `JobRun`, and stores the report the handler returns. A command runs the
same `job_run` inline, with an observer for its progress bar: there is no second path.

Progress and signs of life. `JobRun.progress` writes the job's progress file beside the input
(done, total, phase) — a file, so that work holding one long transaction (the catalog import)
is seen progressing from other connections, on SQLite too. While the handler runs, a thread
touches that file every few seconds; a running job whose file has not been touched for
`settings.JOB_STALE_SECONDS` has lost its worker (killed, the machine restarted) and may be
resumed (`job_resume`).

Resumption. `job_resume` raises `attempt` and enqueues the job again; the new run continues
where the old one stopped (the handler skips what it recorded as finished) and a run of an
older attempt, should it still be alive, stops at its next `JobRun.lock()` with
`JobSuperseded`. A handler that writes in many transactions starts each with `lock()`: the
job row's lock (taken first, before anything the work locks) serialises two runs of one job.

States: queued → running → done (the handler returned; its report says whether the input was
accepted) or failed (the handler raised: a bug, a lost database; resumable). Only this module
writes `Job` rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from onewindow.core import clock
from onewindow.core.fields import decrypt_bytes, encrypt_bytes
from onewindow.core.models import Job

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # settings.AUTH_USER_MODEL

Observer = Callable[[int, int, str], None]
"""observer(done, total, phase): told of every progress step (a command's progress bar)."""
Handler = Callable[["JobRun"], dict[str, Any]]
"""handler(run) → the report (JSON): the work of one kind of job."""

JOB_TASK = "onewindow.core.tasks.job_task"
HEARTBEAT_SECONDS = 5.0
PROGRESS_SECONDS = 0.5
ERROR_MAX = 2000
_SUFFIX = re.compile(r"^\.[a-z0-9]{1,8}$")


class JobError(Exception):
    """A refused job action (JOB_NOT_RESUMABLE); nothing was changed."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


class JobSuperseded(Exception):
    """This run's attempt is no longer the job's (it was resumed meanwhile): stop, write nothing."""


# --------------------------------------------------------------------------- files


def jobs_dir() -> Path:
    """The folder of stored inputs and progress files (group-shared by the server and the worker)."""
    path = Path(settings.JOBS_DIR)
    path.mkdir(parents=True, exist_ok=True, mode=0o770)
    return path


def _write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` at once (a reader sees the old file or the new one, never half)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _progress_path(job: Job) -> Path:
    return jobs_dir() / f"{job.uuid.hex}.progress.json"


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def job_input(job: Job) -> bytes:
    """The job's stored input file, decrypted."""
    return decrypt_bytes((jobs_dir() / job.file_name).read_bytes())


# --------------------------------------------------------------------------- creating and enqueueing


def job_create(
    *,
    kind: str,
    center_id: int,
    created_by: User | None,
    content: bytes | None = None,
    original_name: str = "",
    suffix: str = "",
    params: dict[str, Any] | None = None,
    language: str = "",
    enqueue: bool = True,
) -> Job:
    """A new queued job: the input stored (encrypted, under a generated name with `suffix`),
    the row created and, once the caller's transaction commits, the task enqueued (a rolled
    back caller enqueues nothing). `enqueue=False` for a command that runs it inline."""
    if kind not in Job.Kind.values:
        raise ValueError(f"unknown job kind {kind!r}")
    if suffix and not _SUFFIX.match(suffix):
        raise ValueError(f"bad suffix {suffix!r}")
    file_name = ""
    if content is not None:
        file_name = secrets.token_hex(16) + suffix
        _write_private(jobs_dir() / file_name, encrypt_bytes(content))
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                center_id=center_id,
                created_by=created_by,
                language=language or translation.get_language() or settings.LANGUAGE_CODE,
                params=params or {},
                file_name=file_name,
                original_name=original_name[:255],
                size=len(content) if content is not None else 0,
                created_at=clock.now(),
            )
            if enqueue:
                transaction.on_commit(partial(job_enqueue, job))
    except BaseException:
        if file_name:
            _remove(jobs_dir() / file_name)
        raise
    return job


def job_enqueue(job: Job) -> None:
    """Put the job's current attempt in the task queue (after the commit that made it due)."""
    task = import_string(JOB_TASK)
    result = task.enqueue(job.pk, job.attempt)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


# --------------------------------------------------------------------------- running


@dataclass
class JobRun:
    """A job being run by one attempt: what a handler is given."""

    job: Job
    attempt: int
    observer: Observer | None = None
    done: int = 0
    total: int = 0
    phase: str = ""
    _written_at: float = -PROGRESS_SECONDS  # the first step is always written

    def content(self) -> bytes:
        return job_input(self.job)

    def progress(self, done: int, total: int | None = None, phase: str | None = None) -> None:
        """Record how far the work is (absolute counts), in the progress file, not the database:
        it is seen at once from any connection, whatever transaction the work is in. Written
        at most every PROGRESS_SECONDS, and whenever the phase or the total changes or the
        work reaches its total; the observer hears of every step."""
        changed = (total is not None and total != self.total) or (phase is not None and phase != self.phase)
        self.done = done
        if total is not None:
            self.total = total
        if phase is not None:
            self.phase = phase
        now = time.monotonic()
        if changed or self.done >= self.total or now - self._written_at >= PROGRESS_SECONDS:
            state = {"attempt": self.attempt, "done": self.done, "total": self.total, "phase": self.phase}
            _write_private(_progress_path(self.job), json.dumps(state).encode())
            self._written_at = now
        if self.observer is not None:
            self.observer(self.done, self.total, self.phase)

    def lock(self) -> None:
        """Inside the caller's transaction: lock the job row, first of everything the work locks,
        and raise JobSuperseded when the job was resumed by a later attempt meanwhile."""
        owned = list(
            Job.objects.select_for_update()
            .filter(pk=self.job.pk, attempt=self.attempt, state=Job.State.RUNNING)
            .values_list("pk", flat=True)
        )
        if not owned:
            raise JobSuperseded


class _Heartbeat:
    """Touches the progress file every few seconds while the handler runs, from a thread that
    uses no database connection: the file's age tells a live run from a dead one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name="job-heartbeat", daemon=True)

    def _beat(self) -> None:
        while not self.stopped.wait(HEARTBEAT_SECONDS):
            with contextlib.suppress(OSError):
                os.utime(self.path)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join()


def job_run(job_id: int, attempt: int, *, observer: Observer | None = None) -> dict[str, Any] | None:
    """Run one attempt of a job: the body of `core.tasks.job_task`, and what commands call inline.

    Claims the job (queued, running or failed, of this attempt; a done job or an older
    attempt does nothing and returns None), runs its kind's handler in the job's language
    and stores the report (done). An exception from the handler marks the job failed with
    its message and is raised again (the worker records it too); the input is kept for a
    resume. A run killed outright leaves the job running, its progress file ageing."""
    job = _claim(job_id, attempt)
    if job is None:
        return None
    handler: Handler = import_string(settings.JOB_HANDLERS[job.kind])
    run = JobRun(job=job, attempt=attempt, observer=observer, done=job.done, total=job.total)
    run.progress(job.done)
    try:
        with _Heartbeat(_progress_path(job)), translation.override(job.language or settings.LANGUAGE_CODE):
            report = handler(run)
    except JobSuperseded:
        return None
    except Exception as exc:
        _fail(run, exc)
        raise
    return report if _finish(run, report) else None


def _claim(job_id: int, attempt: int) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.attempt != attempt or job.state == Job.State.DONE:
            return None
        now = clock.now()
        job.state, job.heartbeat_at, job.error = Job.State.RUNNING, now, ""
        job.started_at = job.started_at or now
        job.save(update_fields=["state", "heartbeat_at", "error", "started_at"])
    return job


def _finish(run: JobRun, report: dict[str, Any]) -> bool:
    """Store the report (only while this attempt still owns the job); the input goes."""
    now = clock.now()
    job = run.job
    finished = Job.objects.filter(pk=job.pk, attempt=run.attempt, state=Job.State.RUNNING).update(
        state=Job.State.DONE,
        report=report,
        done=run.done,
        total=run.total,
        phase="",
        finished_at=now,
        heartbeat_at=now,
    )
    if finished:
        if job.file_name:
            _remove(jobs_dir() / job.file_name)
        _remove(_progress_path(job))
        job.refresh_from_db()
    return bool(finished)


def _fail(run: JobRun, exc: Exception) -> None:
    now = clock.now()
    Job.objects.filter(pk=run.job.pk, attempt=run.attempt).update(
        state=Job.State.FAILED,
        error=f"{type(exc).__name__}: {exc}"[:ERROR_MAX],
        done=run.done,
        total=run.total,
        finished_at=now,
        heartbeat_at=now,
    )
    _remove(_progress_path(run.job))


# --------------------------------------------------------------------------- progress and resuming


@dataclass(frozen=True)
class Progress:
    """How far a job is, as a page shows it: from the progress file while it runs."""

    done: int
    total: int
    phase: str
    stale: bool  # running, and no sign of life for JOB_STALE_SECONDS: its worker is gone

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0


def job_progress(job: Job) -> Progress:
    """The job's progress: the running attempt's file (its numbers and its age), else the row."""
    if job.state != Job.State.RUNNING:
        return Progress(job.done, job.total, job.phase, stale=False)
    path = _progress_path(job)
    limit = float(settings.JOB_STALE_SECONDS)
    try:
        age = time.time() - path.stat().st_mtime
        state = json.loads(path.read_bytes())
        return Progress(
            int(state.get("done", 0)), int(state.get("total", 0)), str(state.get("phase", "")), age > limit
        )
    except (OSError, ValueError, TypeError, AttributeError):
        beat = job.heartbeat_at or job.created_at
        return Progress(job.done, job.total, job.phase, stale=time.time() - beat.timestamp() > limit)


def job_resumable(job: Job) -> bool:
    """A failed job, or a running one whose worker is gone, with its input still stored."""
    stopped = job.state == Job.State.FAILED or (job.state == Job.State.RUNNING and job_progress(job).stale)
    return stopped and (not job.file_name or (jobs_dir() / job.file_name).exists())


def job_resume(job: Job, *, enqueue: bool = True) -> Job:
    """Resume a failed job or one whose worker died: the next attempt, queued (and enqueued
    after commit, unless a command runs it inline). Locks the job row; JOB_NOT_RESUMABLE
    for a job that is waiting, running with signs of life, or done."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if not job_resumable(locked):
            raise JobError("JOB_NOT_RESUMABLE", _("This job is not stopped: it cannot be resumed."))
        locked.attempt += 1
        locked.state, locked.error, locked.finished_at = Job.State.QUEUED, "", None
        locked.save(update_fields=["attempt", "state", "error", "finished_at"])
        if enqueue:
            transaction.on_commit(partial(job_enqueue, locked))
    return locked


# --------------------------------------------------------------------------- housekeeping


def job_files_prune(*, keep_days: float = 7) -> int:
    """Delete stored inputs nobody will read again: those of jobs finished more than
    `keep_days` ago (a failed job stays resumable that long) and files no job names (left by
    a rolled-back request) older than a day. The number of files deleted."""
    folder = jobs_dir()
    now = time.time()
    wanted = set(
        Job.objects.exclude(file_name="")
        .exclude(finished_at__lt=clock.now() - dt.timedelta(days=keep_days))
        .values_list("file_name", flat=True)
    )
    removed = 0
    for path in folder.iterdir():
        if not path.is_file() or path.name in wanted or path.name.endswith(".progress.json"):
            continue
        if now - path.stat().st_mtime < 24 * 3600 and not Job.objects.filter(file_name=path.name).exists():
            continue  # a request may be about to create its row
        _remove(path)
        removed += 1
    return removed
