"""manage.py batch_intake FILE --item CODE --clerk USERNAME: accept a batch Excel sheet at the window.

The sheet becomes a background job (as an upload on the batch page does) that this command
runs at once, inline, with the very function the task worker runs (`core.jobs.job_run`):
progress on the terminal, then the report. `--resume JOB` continues a job whose run stopped
(its worker was killed, or it failed): the rows it recorded are not taken in again.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from onewindow.cases import channels
from onewindow.cases.channels import BatchReport
from onewindow.cases.errors import CaseError
from onewindow.catalog.models import ServiceItem
from onewindow.core.jobs import JobError, job_resume
from onewindow.core.models import Job
from onewindow.org.selectors import staff_get_by_username


class Command(BaseCommand):
    help = "Batch intake: one application per row of an Excel sheet for one item, as the given intake clerk."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", nargs="?", help="the .xlsx sheet (the batch page of the workbench hands out the template)"
        )
        parser.add_argument("--item", help="item code")
        parser.add_argument("--clerk", help="user name of the intake clerk")
        parser.add_argument(
            "--resume", metavar="JOB", help="resume the stopped batch job with this identifier"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bar: tqdm[Any] | None = None

        def progress(done: int, total: int, phase: str) -> None:
            nonlocal bar
            if bar is None and total:
                bar = tqdm(total=total, desc=_("rows"), unit=_("rows"), file=self.stderr._out)
            if bar is not None:
                bar.update(done - bar.n)

        try:
            if options["resume"]:
                report = self.resume(options["resume"], progress)
            else:
                report = self.start(options, progress)
        except CaseError as exc:
            raise CommandError(exc.message) from exc
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(report.as_text())
        if report.errors:
            # Good rows are in; a non-zero exit tells a script that some rows need correcting.
            raise CommandError(_("%(count)d rows were refused.") % {"count": report.refused_rows})

    def start(self, options: dict[str, Any], progress: Any) -> BatchReport:
        if not options["file"] or not options["item"] or not options["clerk"]:
            raise CommandError(_("Give the sheet, --item and --clerk (or --resume JOB)."))
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        clerk = staff_get_by_username(username=options["clerk"])
        if clerk is None:
            raise CommandError(_("No staff member with the user name %(name)s.") % {"name": options["clerk"]})
        item = ServiceItem.objects.filter(code=options["item"]).first()
        if item is None:
            raise CommandError(_("No item with the code %(code)s.") % {"code": options["item"]})
        with path.open("rb") as f:  # refused before the file is read whole
            channels.batch_sheet_check(size=path.stat().st_size, head=f.read(4))
        return channels.batch_intake(
            center=clerk.center,
            item=item,
            actor=clerk,
            xlsx=path.read_bytes(),
            observer=progress,
            name=path.name,
        )

    def resume(self, identifier: str, progress: Any) -> BatchReport:
        try:
            job = Job.objects.get(kind=Job.Kind.BATCH_INTAKE, uuid=uuid.UUID(identifier))
        except (ValueError, Job.DoesNotExist) as exc:
            raise CommandError(_("No batch job %(job)s.") % {"job": identifier}) from exc
        try:
            job = job_resume(job, enqueue=False)
        except JobError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            _("Resuming batch job %(job)s (attempt %(attempt)d).") % {"job": job.uuid, "attempt": job.attempt}
        )
        return channels.batch_job_finish(job, observer=progress)
