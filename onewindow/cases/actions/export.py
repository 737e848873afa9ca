"""Spreadsheets of a case search, made in the background as a `core.Job` of kind `case_export`.

A member of staff asks (`case_export_request`): a job is created through `core.jobs` (who
asked, the search's filters in its params) and `core.tasks.job_task` is enqueued once it is
committed — the same task, progress file, heartbeat, attempts and resumption as a batch
intake (decision 0011; 0017 says why the export joined them). The worker runs
`case_export_job_run`: the search is run again for the requester as they are *then* (a role
withdrawn in between narrows it), through the same scoped `case_list`, and written row by
row with openpyxl's write-only workbook, in chunks of `CHUNK` rows read with a server-side
cursor: memory stays flat whatever the number of rows. At most
`settings.ONEWINDOW_EXPORT_MAX_ROWS` rows are written; a search that finds more is cut there
and says so. Personal data is masked as on the page (the applicant's name; ID and mobile
numbers are not exported at all).

The file goes to `settings.ONEWINDOW_EXPORT_DIR` (`DATA_DIR / "exports"`) under a random
name (never under the web root), written to a temporary name and renamed when complete, so
a half-written file is never handed out; the job's report names it. Only its requester
downloads it (the view asks `case_export_get`, which matches the job's `created_by`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from onewindow.cases.errors import case_error
from onewindow.cases.models import CaseState, Channel
from onewindow.cases.selectors import CASE_ROW_FIELDS, case_list, case_search_check
from onewindow.catalog.models import CaseKind
from onewindow.core import clock
from onewindow.core.fields import mask_name
from onewindow.core.jobs import JobRun, job_create, job_resumable, job_resume, job_run
from onewindow.core.models import Job
from onewindow.org.models import Applicant, Staff

log = logging.getLogger(__name__)

CHUNK = 2000
# At most this many exports of one member of staff wait or run at once.
MAX_OPEN_PER_STAFF = 3
KIND = Job.Kind.CASE_EXPORT
OPEN = (Job.State.QUEUED, Job.State.RUNNING)


def exports_dir() -> Path:
    return Path(getattr(settings, "ONEWINDOW_EXPORT_DIR", Path(settings.DATA_DIR) / "exports"))


def max_rows() -> int:
    return int(getattr(settings, "ONEWINDOW_EXPORT_MAX_ROWS", 100_000))


def case_export_jobs() -> QuerySet[Job]:
    """Every case export (a queryset of `core.Job`)."""
    return Job.objects.filter(kind=KIND)


@transaction.atomic
def case_export_request(*, actor: Staff, filters: dict[str, Any]) -> Job:
    """Record an export of the search `filters` (JSON-ready, as `CaseSearchIn.model_dump(mode="json")`
    gives) as a job, enqueued after commit.

    The same search asked again while the first one waits or runs returns that one (a
    double click makes one file) — resumed first if its worker died; a member of staff has
    at most `MAX_OPEN_PER_STAFF` exports waiting or running (EXPORT_LIMIT). Bad filters are
    refused with the search's field errors (FIELD_INVALID naming the field)."""
    search, errors = case_search_check(filters)
    if search is None:
        raise case_error("FIELD_INVALID", field=errors[0]["field"], reason=errors[0]["message"])
    stored = search.model_dump(mode="json", exclude_defaults=True)
    # Lock the requester's row: two requests at once see each other's exports.
    Staff.objects.select_for_update().filter(pk=actor.pk).first()
    open_exports = list(
        case_export_jobs().filter(created_by_id=actor.user_id, state__in=OPEN).order_by("-pk")
    )
    for export in open_exports:
        if export.params.get("filters") == stored:
            return job_resume(export) if job_resumable(export) else export
    if len(open_exports) >= MAX_OPEN_PER_STAFF:
        raise case_error("EXPORT_LIMIT", count=MAX_OPEN_PER_STAFF)
    return job_create(
        kind=KIND,
        center_id=actor.center_id,
        created_by=actor.user,
        params={"filters": stored, "staff": actor.pk},
    )


def case_export_job_run(run: JobRun) -> dict[str, Any]:
    """The job's handler (settings.JOB_HANDLERS["case_export"]): write the spreadsheet and
    report `{"rows", "truncated", "file"}`. A failure removes the partial file and raises (the
    job is marked failed with the error, and may be resumed: a new attempt writes anew)."""
    params = run.job.params or {}
    actor = Staff.objects.select_related("center", "user").get(pk=params["staff"])
    search, errors = case_search_check(params.get("filters") or {})
    if search is None:
        raise ValueError(errors[0]["message"])
    directory = exports_dir()
    name = f"{secrets.token_urlsafe(24)}.xlsx"
    partial = directory / f".{name}.part"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        rows, truncated = _write(partial, actor, search.filters(), run)
        partial.rename(directory / name)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise
    return {"rows": rows, "truncated": truncated, "file": name}


def case_export_run(*, export_id: int) -> Job:
    """Run one export inline (what the worker's `job_task` does), for commands and tests: the
    job as it ends, done or failed (a failure is recorded on the job, not raised)."""
    job = case_export_jobs().get(pk=export_id)
    try:
        job_run(job.pk, job.attempt)
    except Exception:  # recorded on the job by job_run
        log.exception("case export %s failed", export_id)
    job.refresh_from_db()
    return job


def _headers() -> list[str]:
    return [
        _("Case number"),
        _("Service item"),
        _("Department"),
        _("Center"),
        _("Applicant"),
        _("Channel"),
        _("Case kind"),
        _("State"),
        _("Created at"),
        _("Accepted at"),
        _("Promised deadline"),
        _("Delivered at"),
    ]


def _local(value: dt.datetime | None) -> dt.datetime | None:
    # Excel has no time zones: local wall-clock time, without tzinfo.
    return timezone.localtime(value).replace(tzinfo=None) if value is not None else None


def _text_cell(sheet: WriteOnlyWorksheet, value: str) -> WriteOnlyCell:
    """A cell that stays text: openpyxl would read a leading "=" as a formula."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _write(path: Path, actor: Staff, filters: dict[str, Any], run: JobRun | None = None) -> tuple[int, bool]:
    limit = max_rows()
    states = dict(CaseState.choices)
    channels = dict(Channel.choices)
    kinds = dict(CaseKind.choices)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Cases"))
    sheet.append(_headers())
    qs = case_list(actor=actor, filters=filters).only(*CASE_ROW_FIELDS)
    written = 0
    truncated = False
    for case in qs[: limit + 1].iterator(chunk_size=CHUNK):
        if written == limit:
            truncated = True
            break
        applicant = case.application.applicant
        name = applicant.name if applicant.kind == Applicant.Kind.ORGANISATION else mask_name(applicant.name)
        sheet.append(
            [
                _text_cell(sheet, case.number),
                _text_cell(sheet, case.item.name),
                _text_cell(sheet, case.department.name),
                _text_cell(sheet, case.center.name),
                _text_cell(sheet, name),
                str(channels.get(case.application.channel, case.application.channel)),
                str(kinds.get(case.kind, case.kind)),
                str(states.get(case.state, case.state)),
                _local(case.created_at),
                _local(case.accepted_at),
                _local(case.deadline),
                _local(case.delivered_at),
            ]
        )
        written += 1
        if run is not None and written % CHUNK == 0:
            run.progress(written, phase="rows")
    if run is not None:
        run.progress(written, phase="rows")
    if truncated:
        sheet.append([_text_cell(sheet, _cut_note(limit))])
    book.save(str(path))
    return written, truncated


def _cut_note(limit: int) -> str:
    return _("The search found more than %(limit)d cases; only the first %(limit)d are in this file.") % {
        "limit": limit
    }


def case_export_path(export: Job) -> Path | None:
    """The finished file of an export, or None (not finished, failed, or the file is gone)."""
    name = (export.report or {}).get("file") if export.state == Job.State.DONE else None
    if not name or "/" in name or name.startswith("."):
        return None
    path = exports_dir() / name
    return path if path.is_file() else None


def case_export_filename(export: Job) -> str:
    """The name a browser saves the file under (the stored name stays random)."""
    return f"cases-{timezone.localtime(export.created_at):%Y%m%d-%H%M%S}.xlsx"


def keep_days() -> int:
    return int(getattr(settings, "ONEWINDOW_EXPORT_KEEP_DAYS", 7))


def case_export_prune(*, now: dt.datetime | None = None) -> int:
    """Forget the exports finished more than `ONEWINDOW_EXPORT_KEEP_DAYS` ago: their files
    first, then their jobs (a file left by a failed delete is gone from the list but not
    handed out: only a job's report names a file). Run daily (settings.PERIODIC_TASKS).
    Returns how many were removed."""
    cutoff = (now or clock.now()) - dt.timedelta(days=keep_days())
    old = list(case_export_jobs().filter(finished_at__lt=cutoff).values_list("pk", "report"))
    for _pk, report in old:
        name = (report or {}).get("file")
        if name and "/" not in name:
            with contextlib.suppress(OSError):
                (exports_dir() / name).unlink(missing_ok=True)
    case_export_jobs().filter(pk__in=[pk for pk, _report in old]).delete()
    return len(old)


__all__ = [
    "case_export_filename",
    "case_export_job_run",
    "case_export_path",
    "case_export_prune",
    "case_export_request",
    "case_export_run",
]
