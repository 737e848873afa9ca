"""The trail's errors: a stable code and a translated message, like `cases.errors`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "SIGNING_KEY_MISSING": _(
        "The trail's signing key %(path)s does not exist. Create it with “manage.py trail_keygen”, "
        "or set ONEWINDOW_TRAIL_SIGNING_KEY to the path of the key."
    ),
    "SIGNING_KEY_INVALID": _("%(path)s is not an Ed25519 private key in PEM form: %(reason)s"),
    "PUBLIC_KEY_INVALID": _("%(path)s holds no Ed25519 public key in PEM form: %(reason)s"),
    "KEY_EXISTS": _("%(path)s exists already: use --rotate to replace the signing key."),
    "EXPORT_AHEAD": _(
        "The exported checkpoints (%(path)s) go up to number %(exported)d but the database only "
        "to %(stored)d: checkpoints were removed from the database, or it was restored from an older "
        "backup. Run “manage.py verify_case_chain”, then move the exported file aside to start anew."
    ),
    "EXPORT_UNREADABLE": _("The last line of the exported checkpoints %(path)s cannot be read."),
}


class TrailError(Exception):
    """A refusal of a trail operation; nothing was written."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]) % self.params

    def __str__(self) -> str:
        return self.message
