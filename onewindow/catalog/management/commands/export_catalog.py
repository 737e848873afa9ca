"""`manage.py export_catalog --center CODE -o FILE`: the center's published catalog as .xlsx or .json."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from onewindow.catalog.exchange.excel import data_to_xlsx
from onewindow.catalog.exchange.json import catalog_to_data, data_to_json
from onewindow.org.models import ServiceCenter


class Command(BaseCommand):
    help = "Export a center's published catalog to an .xlsx or .json file."

    def add_arguments(self, parser):
        parser.add_argument("--center", required=True, help="code of the service center")
        parser.add_argument("-o", "--output", required=True, help="the .xlsx or .json file to write")

    def handle(self, *args, **options):
        path = Path(options["output"])
        if path.suffix.lower() not in (".xlsx", ".json"):
            raise CommandError(_("The file must end in .xlsx or .json."))
        try:
            center = ServiceCenter.objects.get(code=options["center"])
        except ServiceCenter.DoesNotExist as exc:
            raise CommandError(
                _("No service center with code %(code)s.") % {"code": options["center"]}
            ) from exc
        data = catalog_to_data(center)
        path.write_bytes(data_to_json(data) if path.suffix.lower() == ".json" else data_to_xlsx(data))
        self.stdout.write(
            self.style.SUCCESS(
                _("%(count)d items written to %(path)s.") % {"count": len(data["items"]), "path": path}
            )
        )
