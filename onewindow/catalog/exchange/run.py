"""A catalog import as a background job (`core.jobs`): the admin's upload and the command.

`catalog_job_create` stores the file and queues the job; the task worker runs
`catalog_job_run` (the job's handler), which is `load.catalog_import_file` with its
progress ("validate", then "write") sent to the job; `manage.py import_catalog` runs the
same handler inline through `core.jobs.job_run`. The report is kept on the job as JSON
(`catalog_report_data`): the summary, or the problems (the first `PROBLEMS_KEPT`, with
their count) when nothing was saved.

The import stays one transaction (docs/decisions/0011): it publishes the whole catalog or
writes nothing, so a run killed half-way wrote nothing and resuming it runs it again from
the start; a second run of a file already imported finds every item unchanged.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from onewindow.catalog.errors import CatalogImportError, ImportProblem, ImportReport
from onewindow.catalog.exchange.limits import check_file_size
from onewindow.catalog.exchange.load import actor_user, catalog_import_file
from onewindow.core.jobs import JobRun, job_create
from onewindow.core.models import Job
from onewindow.org import access
from onewindow.org.models import ServiceCenter

# The problems a refused import keeps for its page and the command (the page shows them all).
PROBLEMS_KEPT = 1000
SUFFIXES = (".xlsx", ".json")
COUNTS = (
    "items_created",
    "versions_published",
    "items_unchanged",
    "items_updated",
    "lists_written",
    "bundles_written",
    "main_items_created",
)


def catalog_job_create(
    *,
    center: ServiceCenter,
    actor: Any,
    content: bytes,
    filename: str,
    dry_run: bool = False,
    language: str = "",
    enqueue: bool = True,
) -> Job:
    """Queue an import of `content` (an .xlsx or .json catalog, by `filename`) into `center`.

    Refused before anything is stored (CatalogImportError, as `catalog_import_file` refuses):
    a file of another type, an empty file, one over `ONEWINDOW_IMPORT_MAX_BYTES`; an actor
    who does not administer the center (`access.may_import_catalog`; None: the command)."""
    suffix = next((s for s in SUFFIXES if filename.lower().endswith(s)), "")
    if not suffix:
        raise _refused(_("The file must end in .xlsx or .json."), "FILE_TYPE")
    if not content:
        raise _refused(_("The file is empty."), "FILE_EMPTY")
    check_file_size(len(content))
    if actor is not None and not access.may_import_catalog(actor, center):
        raise _refused(_("You may not import a catalog into this center."), "NOT_CENTER_ADMIN")
    return job_create(
        kind=Job.Kind.CATALOG_IMPORT,
        center_id=center.pk,
        created_by=actor_user(actor),
        content=content,
        original_name=filename,
        suffix=suffix,
        params={"dry_run": bool(dry_run)},
        language=language,
        enqueue=enqueue,
    )


def _refused(message: str, code: str) -> CatalogImportError:
    return CatalogImportError(ImportReport(problems=[ImportProblem(message=message, code=code)]))


def catalog_job_run(run: JobRun) -> dict[str, Any]:
    """The handler of a catalog import job (`settings.JOB_HANDLERS`): the import, all or
    nothing, in one transaction; its summary or its problems as the job's report."""
    job = run.job
    actor = job.created_by
    dry_run = bool(job.params.get("dry_run", False))
    if actor is not None and not access.may_import_catalog(actor, job.center):
        report = ImportReport(dry_run=dry_run)
        report.problems.append(
            ImportProblem(
                message=_("You may not import a catalog into this center."), code="NOT_CENTER_ADMIN"
            )
        )
        return catalog_report_data(report)

    def progress(phase: str, done: int, total: int) -> None:
        run.progress(done, total, phase)

    try:
        report = catalog_import_file(
            center=job.center,
            content=run.content(),
            filename=job.file_name,
            actor=actor,
            progress=progress,
            dry_run=dry_run,
        )
    except CatalogImportError as exc:
        report = exc.report
        report.dry_run = dry_run
    return catalog_report_data(report)


def catalog_report_data(report: ImportReport) -> dict[str, Any]:
    """The report as the job keeps it (JSON): counts, the summary, the first problems."""
    return {
        "ok": report.ok,
        "dry_run": report.dry_run,
        "summary": report.summary() if report.ok else "",
        **{name: getattr(report, name) for name in COUNTS},
        "departments_created": list(report.departments_created),
        "problem_count": len(report.problems),
        "problems": [p.as_dict() for p in report.problems[:PROBLEMS_KEPT]],
    }


def catalog_report_problems(data: dict[str, Any]) -> list[ImportProblem]:
    return [ImportProblem(**p) for p in data.get("problems", [])]


def catalog_report_text(data: dict[str, Any]) -> str:
    """The kept report as the command prints it (`ImportReport.as_text`)."""
    report = ImportReport(
        problems=catalog_report_problems(data),
        dry_run=bool(data.get("dry_run")),
        departments_created=list(data.get("departments_created", [])),
    )
    for name in COUNTS:
        setattr(report, name, int(data.get(name, 0)))
    return report.as_text(total=int(data.get("problem_count", len(report.problems))))


def catalog_job_get(*, actor: Any, uuid: Any) -> Job | None:
    """A catalog import job the actor may see (`access.scope_jobs`); None otherwise."""
    jobs = access.scope_jobs(Job.objects.filter(kind=Job.Kind.CATALOG_IMPORT), actor)
    return jobs.select_related("center", "created_by").filter(uuid=uuid).first()
