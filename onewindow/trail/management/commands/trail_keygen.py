"""`manage.py trail_keygen [--if-missing | --rotate]`: create the Ed25519 key that signs checkpoints.

Writes the private key to ONEWINDOW_TRAIL_SIGNING_KEY (mode 0600; only the worker needs
it) and its public key to ONEWINDOW_TRAIL_PUBLIC_KEY (what the verifier needs). `--rotate`
replaces the private key and appends the new public key, so older checkpoints still verify.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from onewindow.trail import keys
from onewindow.trail.errors import TrailError


class Command(BaseCommand):
    help = _("Create the Ed25519 key that signs the trail's checkpoints, and its public key.")

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--if-missing", action="store_true", help=_("Do nothing when the signing key exists (the demo).")
        )
        group.add_argument(
            "--rotate",
            action="store_true",
            help=_("Replace the signing key; the new public key is added to the public key file."),
        )

    def handle(self, *args: Any, if_missing: bool = False, rotate: bool = False, **options: Any) -> None:
        if if_missing and keys.signing_key_path().exists():
            self.stdout.write(_("The signing key %(path)s exists.") % {"path": keys.signing_key_path()})
            return
        try:
            key_id, private, public = keys.keygen(rotate=rotate)
        except TrailError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            _(
                "Signing key %(key)s written to %(private)s (keep it off the database server's backups); "
                "its public key to %(public)s (give it to whoever verifies the trail)."
            )
            % {"key": key_id, "private": private, "public": public}
        )
