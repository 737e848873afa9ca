"""`manage.py import_catalog FILE --center CODE [--dry-run]`: import an .xlsx or .json catalog, all or nothing.

The file becomes a background job (as an upload in the admin does) that this command runs at
once, inline, with the very function the task worker runs (`core.jobs.job_run`): progress
on the terminal, then the report. `--resume JOB` runs again an import whose worker died or
that failed (it wrote nothing: an import is one transaction).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from onewindow.catalog.errors import CatalogImportError
from onewindow.catalog.exchange.limits import check_file_size
from onewindow.catalog.exchange.run import catalog_job_create, catalog_report_text
from onewindow.core.jobs import JobError, job_resume, job_run
from onewindow.core.models import Job
from onewindow.org.models import ServiceCenter


class Command(BaseCommand):
    help = "Import a catalog (.xlsx or .json) into a center. Nothing is saved if any row is wrong."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="the .xlsx or .json file")
        parser.add_argument("--center", help="code of the service center")
        parser.add_argument("--dry-run", action="store_true", help="check and count, save nothing")
        parser.add_argument(
            "--resume", metavar="JOB", help="run again the stopped import with this identifier"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        job = self.resume(options["resume"]) if options["resume"] else self.start(options)
        bars: dict[str, tqdm[Any]] = {}

        def progress(done: int, total: int, phase: str) -> None:
            if not phase:
                return
            bar = bars.get(phase)
            if bar is None:
                for other in bars.values():
                    other.close()
                label = _("checking") if phase == "validate" else _("writing")
                bar = bars[phase] = tqdm(total=total, desc=label, unit=_("items"), file=self.stderr._out)
            bar.update(done - bar.n)

        try:
            job_run(job.pk, job.attempt, observer=progress)
        finally:
            for bar in bars.values():
                bar.close()
        job.refresh_from_db()
        if not job.report.get("ok"):
            self.stderr.write(catalog_report_text(job.report))
            raise CommandError(
                _("Import refused: %(count)d problems.") % {"count": job.report.get("problem_count", 0)}
            )
        self.stdout.write(self.style.SUCCESS(job.report["summary"]))

    def start(self, options: dict[str, Any]) -> Job:
        if not options["file"] or not options["center"]:
            raise CommandError(_("Give the file and --center (or --resume JOB)."))
        path = Path(options["file"])
        if path.suffix.lower() not in (".xlsx", ".json"):
            raise CommandError(_("The file must end in .xlsx or .json."))
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            center = ServiceCenter.objects.get(code=options["center"])
        except ServiceCenter.DoesNotExist as exc:
            raise CommandError(
                _("No service center with code %(code)s.") % {"code": options["center"]}
            ) from exc
        try:
            check_file_size(path.stat().st_size)  # before reading it
            return catalog_job_create(
                center=center,
                actor=None,
                content=path.read_bytes(),
                filename=path.name,
                dry_run=options["dry_run"],
                enqueue=False,
            )
        except CatalogImportError as exc:
            self.stderr.write(exc.report.as_text())
            raise CommandError(
                _("Import refused: %(count)d problems.") % {"count": len(exc.report.problems)}
            ) from exc

    def resume(self, identifier: str) -> Job:
        try:
            job = Job.objects.get(kind=Job.Kind.CATALOG_IMPORT, uuid=uuid.UUID(identifier))
            return job_resume(job, enqueue=False)
        except (ValueError, Job.DoesNotExist) as exc:
            raise CommandError(_("No catalog import %(job)s.") % {"job": identifier}) from exc
        except JobError as exc:
            raise CommandError(exc.message) from exc
