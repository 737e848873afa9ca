"""`manage.py trail_export_checkpoints [--stdout] [--since N]`: the checkpoints as lines of JSON.

Without options, brings the exported file (ONEWINDOW_TRAIL_CHECKPOINTS) up to date, as
every checkpoint task does. `--stdout` prints the checkpoints instead (from `--since`
on), to hand them to an outside witness: each line is a signed statement that anyone
holding the public key can check.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from onewindow.trail import log
from onewindow.trail.errors import TrailError
from onewindow.trail.models import Checkpoint
from onewindow.trail.services import checkpoint_export, checkpoint_statement, export_path


class Command(BaseCommand):
    help = _("Export the trail's signed checkpoints as lines of JSON.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stdout", action="store_true", help=_("Print the checkpoints instead."))
        parser.add_argument("--since", type=int, default=1, help=_("The first checkpoint number to print."))

    def handle(self, *args: Any, stdout: bool = False, since: int = 1, **options: Any) -> None:
        if stdout:
            for checkpoint in Checkpoint.objects.filter(number__gte=since).order_by("number").iterator():
                self.stdout.write(log.export_line(checkpoint_statement(checkpoint), checkpoint.signature))
            return
        try:
            appended = checkpoint_export()
        except TrailError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            _("%(count)d checkpoints appended to %(path)s.") % {"count": appended, "path": export_path()}
        )
