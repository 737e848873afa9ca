"""`manage.py import_catalog FILE --center CODE [--dry-run]`: import an .xlsx or .json catalog, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from onewindow.catalog.errors import CatalogImportError
from onewindow.catalog.exchange.limits import check_file_size
from onewindow.catalog.exchange.load import catalog_import_file
from onewindow.org.models import ServiceCenter


class Command(BaseCommand):
    help = "Import a catalog (.xlsx or .json) into a center. Nothing is saved if any row is wrong."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx or .json file")
        parser.add_argument("--center", required=True, help="code of the service center")
        parser.add_argument("--dry-run", action="store_true", help="check and count, save nothing")

    def handle(self, *args, **options):
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
        bars: dict[str, tqdm] = {}

        def progress(phase: str, done: int, total: int) -> None:
            bar = bars.get(phase)
            if bar is None:
                for other in bars.values():
                    other.close()
                label = _("checking") if phase == "validate" else _("writing")
                bar = bars[phase] = tqdm(total=total, desc=label, unit=_("items"), file=self.stderr._out)
            bar.update(done - bar.n)

        try:
            check_file_size(path.stat().st_size)  # before reading it
            report = catalog_import_file(
                center=center,
                content=path.read_bytes(),
                filename=path.name,
                progress=progress,
                dry_run=options["dry_run"],
            )
        except CatalogImportError as exc:
            for bar in bars.values():
                bar.close()
            self.stderr.write(exc.report.as_text())
            raise CommandError(
                _("Import refused: %(count)d problems.") % {"count": len(exc.report.problems)}
            ) from exc
        for bar in bars.values():
            bar.close()
        self.stdout.write(self.style.SUCCESS(report.summary()))
