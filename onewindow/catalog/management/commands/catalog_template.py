"""`manage.py catalog_template -o FILE`: the empty Excel template with instructions and one example row."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from onewindow.catalog.exchange.excel import template_xlsx
from onewindow.catalog.exchange.json import data_to_json
from onewindow.catalog.exchange.schema import template_data


class Command(BaseCommand):
    help = "Write the catalog template (.xlsx, or .json) with the instructions sheet and one example item."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="the .xlsx or .json file to write")

    def handle(self, *args, **options):
        path = Path(options["output"])
        if path.suffix.lower() not in (".xlsx", ".json"):
            raise CommandError(_("The file must end in .xlsx or .json."))
        path.write_bytes(data_to_json(template_data()) if path.suffix.lower() == ".json" else template_xlsx())
        self.stdout.write(self.style.SUCCESS(_("Template written to %(path)s.") % {"path": path}))
