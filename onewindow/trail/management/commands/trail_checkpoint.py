"""`manage.py trail_checkpoint`: take a checkpoint now, as the periodic task does (cron, or by hand)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from onewindow.trail.errors import TrailError
from onewindow.trail.services import checkpoint_create, checkpoint_export


class Command(BaseCommand):
    help = _("Checkpoint the events committed since the last checkpoint and export the checkpoints.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            made = checkpoint_create()
            checkpoint_export()
        except TrailError as exc:
            raise CommandError(exc.message) from None
        if not made:
            self.stdout.write(_("Nothing new since the last checkpoint."))
            return
        last = made[-1]
        self.stdout.write(
            _("Checkpoint %(number)d signed: the log holds %(size)d events.")
            % {"number": last.number, "size": last.size}
        )
