"""System checks: the deployment's (`manage.py check --deploy`) and the notice fonts'.

The field key must be set apart from everything the database server and the application's
data folder hold: a key read from the generated development file, or one derived from
SECRET_KEY, would let a copy of the data folder decrypt every ID number.

The notice fonts are checked on every command (runserver, migrate, check): without the
primary face no notice can be printed, which a clerk would otherwise learn at the window."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from onewindow.core.fields import is_fernet_key, key_parts, legacy_key_material
from onewindow.core.fonts import REPLACEMENT, configured_specs, font_file_problem

FIELD_KEY_HINT = (
    "Generate one with `python -c 'from cryptography.fernet import Fernet; "
    "print(Fernet.generate_key().decode())'`, keep it outside the data folder and the "
    "database backups, and pass it as ONEWINDOW_FIELD_KEY (docs/access.md)."
)


def _derived_from_secret(part: str, secret_key: str) -> bool:
    """The secret key itself, a passphrase containing it, or the Fernet key earlier versions
    derived from it (`legacy_key_material`, stretched as `core.fields` stretches passphrases)."""
    if not secret_key:
        return False
    if secret_key in part:
        return True
    derived = base64.urlsafe_b64encode(hashlib.sha256(legacy_key_material(secret_key).encode()).digest())
    return part == derived.decode()


@register(Tags.security, deploy=True)
def check_field_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """onewindow.E001: no field key of its own (ONEWINDOW_FIELD_KEY unset: the development
    key file is in use); E002: a key derived from SECRET_KEY; E003: the current key is not
    a Fernet key (a passphrase would be stretched by one SHA-256, too weak for a secret)."""
    material: str = getattr(settings, "FIELD_ENCRYPTION_KEY", "") or ""
    parts = key_parts(material)
    if not parts or str(getattr(settings, "FIELD_ENCRYPTION_KEY_FILE", "")):
        return [
            Error(
                "ONEWINDOW_FIELD_KEY is not set: personal data would be encrypted with the "
                "development key file.",
                hint=FIELD_KEY_HINT,
                id="onewindow.E001",
            )
        ]
    secret_key = str(getattr(settings, "SECRET_KEY", ""))
    errors: list[CheckMessage] = []
    if any(_derived_from_secret(part, secret_key) for part in parts):
        errors.append(
            Error(
                "ONEWINDOW_FIELD_KEY is derived from SECRET_KEY: whoever holds the secret key "
                "and a copy of the database can decrypt every ID number.",
                hint=FIELD_KEY_HINT,
                id="onewindow.E002",
            )
        )
    if not is_fernet_key(parts[0]):
        errors.append(
            Error(
                "The first key in ONEWINDOW_FIELD_KEY is not a Fernet key.",
                hint=FIELD_KEY_HINT,
                id="onewindow.E003",
            )
        )
    return errors


@register("notices")
def check_notice_fonts(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """onewindow.E004: the notice font (NOTICE_FONT) cannot be embedded — missing, not a
    TrueType-outline font, a face its collection lacks, or embedding forbidden — so no
    notice can be printed; W004: a fallback font cannot, so the rare characters only it
    has print as 〓. Reads each file's table directory only."""
    primary, fallbacks = configured_specs()
    messages: list[CheckMessage] = []
    problem = font_file_problem(primary)
    if problem:
        messages.append(
            Error(
                f"The notice font {primary} {problem}: no notice can be printed.",
                hint=primary.install_hint("ONEWINDOW_NOTICE_FONT"),
                id="onewindow.E004",
            )
        )
    for spec in fallbacks:
        problem = font_file_problem(spec)
        if problem:
            messages.append(
                Warning(
                    f"The notice fallback font {spec} {problem}: characters the notice font lacks "
                    f"(CJK Extension B and later) would print as {REPLACEMENT}.",
                    hint=spec.install_hint("ONEWINDOW_NOTICE_FALLBACK_FONTS"),
                    id="onewindow.W004",
                )
            )
    return messages
