"""manage.py batch_intake FILE --item CODE --clerk USERNAME: accept a batch Excel sheet at the window."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from onewindow.cases.channels import batch_intake
from onewindow.cases.errors import CaseError
from onewindow.catalog.models import ServiceItem
from onewindow.org.selectors import staff_get_by_username


class Command(BaseCommand):
    help = "Batch intake: one application per row of an Excel sheet for one item, as the given intake clerk."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="the .xlsx sheet (see manage.py batch_intake's template in the workbench)"
        )
        parser.add_argument("--item", required=True, help="item code")
        parser.add_argument("--clerk", required=True, help="user name of the intake clerk")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        clerk = staff_get_by_username(username=options["clerk"])
        if clerk is None:
            raise CommandError(_("No staff member with the user name %(name)s.") % {"name": options["clerk"]})
        item = ServiceItem.objects.filter(code=options["item"]).first()
        if item is None:
            raise CommandError(_("No item with the code %(code)s.") % {"code": options["item"]})
        try:
            report = batch_intake(center=clerk.center, item=item, actor=clerk, xlsx=path.read_bytes())
        except CaseError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(report.as_text())
        if report.errors:
            # Good rows are in; a non-zero exit tells a script that some rows need correcting.
            raise CommandError(_("%(count)d rows were refused.") % {"count": len(report.errors)})
