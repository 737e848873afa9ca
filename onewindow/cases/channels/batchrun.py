"""A batch intake run: a background job (`core.jobs`) taking a sheet's good rows in, one by one.

`batch_job_create` stores the uploaded sheet and queues the job; the task worker runs
`batch_job_run` (the job's handler); a command runs it inline (`batch_intake`): one path.

The run keeps today's rule — good rows in, bad rows reported by row and column — in short
transactions, so the window's clerks are never locked out (SQLite has one writer):

* the sheet is read first (`batch.read_rows`); the refused rows are recorded in chunks of
  `REFUSED_CHUNK`, each chunk one transaction;
* each good row is one transaction that locks the job row (`JobRun.lock`: first, before
  anything intake locks), claims the row (a `BatchJobRow` with `took_in` and the row's
  idempotency key, unique among rows taken in), then registers or finds the applicant,
  creates the application and takes it through `application_intake`, and records the
  outcome; a row the engine refuses rolls back alone and is recorded refused in a
  transaction of its own.

Resumable: every finished row is a `BatchJobRow` of the job (unique per job and row), so a
run that was killed is resumed by running the job again: the rows found are skipped, the
row that was being taken in had rolled back and is taken in again. Never reported twice:
the report is read from those rows. Concurrent runs of one sheet (three clerks uploading
it at once): a row is taken in once — the second run's claim waits on the first run's
unique key, then finds it taken — and every other run reports it as already imported with
the same application and case number, never as refused.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases import rules, services
from onewindow.cases.channels import sheet
from onewindow.cases.channels.batch import (
    OUTCOME_COMPLETED,
    OUTCOME_IMPORTED,
    OUTCOME_LABELS,
    OUTCOME_PENDING,
    OUTCOME_SUPPLEMENT,
    BatchError,
    BatchReport,
    BatchRow,
    _Layout,
    _refused,
    _Row,
    _row_key,
    read_rows,
)
from onewindow.cases.channels.errors import channel_error
from onewindow.cases.errors import CaseError, case_error
from onewindow.cases.models import Application, BatchJobRow, Case, CaseState, Channel
from onewindow.catalog.models import ServiceItem
from onewindow.core.jobs import JobRun, Observer, job_create, job_run
from onewindow.core.models import Job
from onewindow.org import access
from onewindow.org import selectors as org_selectors
from onewindow.org import services as org_services
from onewindow.org.errors import OrgError
from onewindow.org.models import Applicant, Role, ServiceCenter, Staff

Outcome = BatchJobRow.Outcome
REFUSED_CHUNK = 200
XLSX_MAGIC = b"PK\x03\x04"


def _check_clerk(*, center: ServiceCenter, item: ServiceItem, actor: Staff | None) -> Staff:
    if item.center_id != center.pk:
        raise case_error("ITEM_OTHER_CENTER", field="item", item=item.name)
    if actor is None or Role.INTAKE_CLERK not in rules.staff_roles(actor) or actor.center_id != center.pk:
        raise channel_error("BATCH_CLERK")
    return actor


def batch_sheet_check(*, size: int, head: bytes) -> None:
    """What is refused before a sheet is read or stored, from its size and first bytes: an
    empty file, one larger than `sheet.max_bytes()` (setting `ONEWINDOW_BATCH_MAX_BYTES`,
    10 MiB), one that is not an xlsx (zip) file."""
    if size == 0:
        raise channel_error("BATCH_FILE_EMPTY", field="xlsx")
    sheet.batch_check_size(size)
    if not head.startswith(XLSX_MAGIC):
        raise channel_error("BATCH_FILE_INVALID", field="xlsx")


def batch_job_create(
    *,
    center: ServiceCenter,
    item: ServiceItem,
    actor: Staff,
    content: bytes,
    name: str = "",
    language: str = "",
    enqueue: bool = True,
) -> Job:
    """Queue a batch intake of `content` (an xlsx sheet) for `item`, as `actor` (an intake clerk
    of the item's center); the task is enqueued once the caller's transaction commits.

    Refused (CaseError, nothing stored) when the actor may not run it, or the file is empty,
    larger than 10 MB or not an xlsx file; what is wrong inside the sheet is the run's to report."""
    _check_clerk(center=center, item=item, actor=actor)
    batch_sheet_check(size=len(content), head=content[: len(XLSX_MAGIC)])
    return job_create(
        kind=Job.Kind.BATCH_INTAKE,
        center_id=center.pk,
        created_by=actor.user,
        content=content,
        original_name=name,
        suffix=".xlsx",
        params={"item": item.pk, "item_code": item.code, "item_name": item.name},
        language=language,
        enqueue=enqueue,
    )


# --------------------------------------------------------------------------- the run


def batch_job_run(run: JobRun) -> dict[str, Any]:
    """The handler of a batch intake job (`settings.JOB_HANDLERS`): every row of the sheet
    recorded once, the good ones taken in; the summary as the job's report. A sheet refused
    as a whole (not an xlsx, a column missing, no rows, the clerk no longer a clerk) is the
    report's `error`, and nothing was written."""
    job = run.job
    item = ServiceItem.objects.select_related("center").get(pk=job.params["item"])
    actor = org_selectors.staff_get_by_user(user_id=job.created_by_id) if job.created_by_id else None
    try:
        clerk = _check_clerk(center=job.center, item=item, actor=actor)
        layout, rows = read_rows(item, run.content())
    except CaseError as exc:
        return {"error": {"code": exc.code, "message": exc.message, "field": exc.field}}
    day = timezone.localdate(job.created_at)
    finished = set(BatchJobRow.objects.filter(job=job).values_list("row", flat=True))
    run.progress(len(finished), len(rows))
    refused: list[_Row] = []
    for row in rows:
        if row.number in finished:
            continue
        if row.errors:
            refused.append(row)
            if len(refused) >= REFUSED_CHUNK:
                _record_refused(run, refused, finished)
                refused = []
            continue
        if refused:
            _record_refused(run, refused, finished)
            refused = []
        _take_row(run, item=item, actor=clerk, layout=layout, row=row, day=day, finished=finished)
    if refused:
        _record_refused(run, refused, finished)
    return batch_summary(job, rows=len(rows))


def _record_refused(run: JobRun, rows: list[_Row], finished: set[int]) -> None:
    """Record refused rows, one transaction for the chunk (a row recorded meanwhile by another
    run of this job is left as it is)."""
    with transaction.atomic():
        run.lock()
        numbers = [r.number for r in rows]
        present = set(BatchJobRow.objects.filter(job=run.job, row__in=numbers).values_list("row", flat=True))
        BatchJobRow.objects.bulk_create(
            [
                BatchJobRow(
                    job=run.job,
                    row=r.number,
                    outcome=Outcome.REFUSED,
                    applicant_name=r.name[:200],
                    errors=[{"column": e.column, "code": e.code, "message": e.message} for e in r.errors],
                )
                for r in rows
                if r.number not in present
            ]
        )
    finished.update(numbers)
    run.progress(len(finished))


def _take_row(
    run: JobRun,
    *,
    item: ServiceItem,
    actor: Staff,
    layout: _Layout,
    row: _Row,
    day: dt.date,
    finished: set[int],
) -> None:
    """One good row in its own transaction: locks the job row, then claims the row's key,
    then intake's own locks (counters, the case). Refused by the engine: rolled back and
    recorded refused, naming the cell the engine names."""
    key = _row_key(item, row, day)
    try:
        with transaction.atomic():
            run.lock()
            # Not recorded meanwhile by another run of this job (the lock orders them)?
            if not BatchJobRow.objects.filter(job=run.job, row=row.number).exists():
                record = _claim_row(run.job, row, key)
                if record.took_in:
                    taken = _intake_row(center=run.job.center, item=item, actor=actor, row=row, key=key)
                    record.outcome = taken.outcome
                    record.application_id = taken.application_id
                    record.case_number = taken.case_number
                    record.save(update_fields=["outcome", "application", "case_number"])
    except (CaseError, OrgError) as exc:
        _refused(row, layout.column_of(exc.field), exc)
        _record_refused(run, [row], finished)
        return
    finished.add(row.number)
    run.progress(len(finished))


def _claim_row(job: Job, row: _Row, key: str) -> BatchJobRow:
    """The row's record in this job: taking it in (`took_in`, its key unique among rows taken
    in), or already imported when an earlier run took it in, or a concurrent run took it in
    first (the unique key made this one wait for that run's commit)."""

    def imported(application: Application, case_number: str) -> BatchJobRow:
        return BatchJobRow.objects.create(
            job=job,
            row=row.number,
            outcome=Outcome.IMPORTED,
            key=key,
            applicant_name=row.name[:200],
            application=application,
            case_number=case_number,
        )

    earlier = Application.objects.filter(idempotency_key=key).first()
    if earlier is not None:
        first_case = Case.objects.filter(application=earlier).order_by("pk").values_list("number", flat=True)
        return imported(earlier, first_case.first() or "")
    try:
        with transaction.atomic():
            return BatchJobRow.objects.create(
                job=job,
                row=row.number,
                outcome=Outcome.ACCEPTED,  # until intake says what it came to, in this transaction
                took_in=True,
                key=key,
                applicant_name=row.name[:200],
            )
    except IntegrityError:
        other = BatchJobRow.objects.filter(key=key, took_in=True).select_related("application").first()
        if other is None or other.application is None:
            raise
        return imported(other.application, other.case_number)


class _Taken(NamedTuple):
    application_id: int
    case_number: str
    outcome: str


def _intake_row(*, center: ServiceCenter, item: ServiceItem, actor: Staff, row: _Row, key: str) -> _Taken:
    """The row as an application taken through intake, as at the window: the applicant found
    by ID number / USCC or registered (a concurrent registration of the same person is found
    again), the application created (channel "batch") and accepted, accepted with pending
    (容缺) materials, completed (an immediate item) or asked for a supplement."""
    organisation = row.kind == Applicant.Kind.ORGANISATION
    lookup = {"uscc": row.identity} if organisation else {"id_number": row.identity}
    applicant = org_selectors.applicant_find(**lookup)
    if applicant is None:
        try:
            applicant = org_services.applicant_create(
                kind=row.kind,
                name=row.name,
                id_number="" if organisation else row.identity,
                uscc=row.identity if organisation else "",
                mobile=row.mobile,
            )
        except OrgError as exc:
            applicant = org_selectors.applicant_find(**lookup) if exc.code == "APPLICANT_EXISTS" else None
            if applicant is None:
                raise
    if applicant.name != row.name:
        raise channel_error("NAME_MISMATCH", field="name", name=applicant.name, row=row.name)
    application = services.application_create(
        center=center,
        applicant=applicant,
        items=[item],
        channel=Channel.BATCH,
        form_data=row.form_data,
        materials=row.received,
        answers=row.answers,
        actor=actor,
        delivery_method=row.delivery_method,
        delivery_address=row.delivery_address,
        idempotency_key=key,
        state=CaseState.SUBMITTED,
    )
    result = services.application_intake(application=application, actor=actor)
    if result.supplement_requested:
        outcome = OUTCOME_SUPPLEMENT
    elif result.completed:
        outcome = OUTCOME_COMPLETED
    elif result.accepted_with_pending:
        outcome = OUTCOME_PENDING
    else:
        outcome = Outcome.ACCEPTED
    return _Taken(application.pk, result.cases[0].number, outcome)


# --------------------------------------------------------------------------- the report


def batch_summary(job: Job, *, rows: int | None = None) -> dict[str, Any]:
    """The counts of a batch job's rows by outcome (one query): the job's report."""
    counts = dict(
        BatchJobRow.objects.filter(job=job).values_list("outcome").annotate(n=Count("pk")).order_by()
    )
    taken = sum(counts.get(o, 0) for o in OUTCOME_LABELS if o != OUTCOME_IMPORTED)
    return {
        "rows": rows if rows is not None else sum(counts.values()),
        "created": taken,
        "skipped": counts.get(OUTCOME_IMPORTED, 0),
        "refused": counts.get(Outcome.REFUSED, 0),
        "outcomes": counts,
    }


def batch_job_rows(job: Job, *, refused: bool) -> QuerySet[BatchJobRow]:
    """The job's refused rows, or the rows that became (or already were) applications, by row."""
    rows = BatchJobRow.objects.filter(job=job)
    rows = rows.filter(outcome=Outcome.REFUSED) if refused else rows.exclude(outcome=Outcome.REFUSED)
    return rows.select_related("application").order_by("row")


def row_errors(rows: list[BatchJobRow]) -> list[BatchError]:
    return [BatchError(r.row, e["column"], e["code"], e["message"]) for r in rows for e in r.errors]


def row_results(rows: list[BatchJobRow]) -> list[BatchRow]:
    return [
        BatchRow(
            r.row,
            r.applicant_name,
            r.application.number if r.application else "",
            r.case_number,
            r.outcome,
        )
        for r in rows
    ]


def batch_report(job: Job) -> BatchReport:
    """The whole report of a batch job, every row (for a command's output and the download)."""
    results = row_results(list(batch_job_rows(job, refused=False)))
    return BatchReport(
        item_code=str(job.params.get("item_code", "")),
        rows=int(job.report.get("rows", job.total)),
        created=[r for r in results if r.outcome != OUTCOME_IMPORTED],
        skipped=[r for r in results if r.outcome == OUTCOME_IMPORTED],
        errors=row_errors(list(batch_job_rows(job, refused=True))),
    )


def batch_report_xlsx(job: Job) -> bytes:
    """The whole report as a workbook: the rows taken in (or already imported) with their
    case numbers, and every refused cell by row and column header; written row by row."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    taken = wb.create_sheet(_("Applications"))
    taken.append([_("Row"), _("Applicant"), _("Application number"), _("Case number"), _("Result")])
    for r in row_results(list(batch_job_rows(job, refused=False).iterator(chunk_size=2000))):
        taken.append([r.row, r.applicant_name, r.application_number, r.case_number, r.outcome_label])
    refused = wb.create_sheet(_("Refused rows"))
    refused.append([_("Row"), _("Column"), _("Reason"), _("Error code")])
    for e in row_errors(list(batch_job_rows(job, refused=True).iterator(chunk_size=2000))):
        refused.append([e.row, e.column, e.message, e.code])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def batch_job_get(*, actor: Any, uuid: Any) -> Job | None:
    """A batch intake job the actor may see (`access.scope_jobs`: who started it, or staff
    whose scope holds its center); None otherwise, as for a job that does not exist."""
    jobs = access.scope_jobs(Job.objects.filter(kind=Job.Kind.BATCH_INTAKE), actor)
    return jobs.select_related("center").filter(uuid=uuid).first()


def batch_job_list(*, actor: Staff, item: ServiceItem, limit: int = 10) -> list[Job]:
    """The actor's latest batch jobs of an item, newest first."""
    jobs = Job.objects.filter(kind=Job.Kind.BATCH_INTAKE, created_by_id=actor.user_id, params__item=item.pk)
    return list(jobs.order_by("-created_at", "-pk")[:limit])


# --------------------------------------------------------------------------- run here and now


def batch_intake(
    *,
    center: ServiceCenter,
    item: ServiceItem,
    actor: Staff,
    xlsx: bytes,
    observer: Observer | None = None,
    name: str = "",
) -> BatchReport:
    """批量受理 here and now (the command): the job created and run inline by `job_run`, the
    very function the worker runs; the report read from the job's rows. The whole file refused
    raises its CaseError, as before the job existed."""
    job = batch_job_create(center=center, item=item, actor=actor, content=xlsx, name=name, enqueue=False)
    return batch_job_finish(job, observer=observer)


def batch_job_finish(job: Job, *, observer: Observer | None = None) -> BatchReport:
    """Run the job's current attempt inline and return its report (refusal raised)."""
    job_run(job.pk, job.attempt, observer=observer)
    job.refresh_from_db()
    error = job.report.get("error")
    if error:
        raise CaseError(error["code"], error["message"], error.get("field", ""))
    return batch_report(job)
