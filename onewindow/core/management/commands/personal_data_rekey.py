"""`manage.py personal_data_rekey`: re-encrypt personal data under the current field key.

Key rotation (docs/access.md): put the new key first in ONEWINDOW_FIELD_KEY and keep the old
ones after it, run this command, then drop the old keys. It walks every encrypted column of
every model in batches of primary keys, re-encrypts each value that is not yet under the
first key (`MultiFernet.rotate`) and recomputes its blind-index digest (`<field>_digest`),
one transaction per batch, so it can be stopped and run again. `--from-secret-key` also
reads values encrypted with the key older versions derived from SECRET_KEY (a database made
before the field key was set apart), and re-encrypts them under the configured key.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction

from onewindow.core.fields import (
    EncryptedJSONField,
    EncryptedTextField,
    fernet,
    key_parts,
    legacy_key_material,
    personal_digest,
)

BATCH = 500


def encrypted_columns() -> list[tuple[type[models.Model], list[EncryptedTextField | EncryptedJSONField]]]:
    """Every concrete model with encrypted columns, and those columns."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [
            f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField | EncryptedJSONField)
        ]
        if fields:
            found.append((model, fields))
    return found


class Command(BaseCommand):
    help = "Re-encrypt personal data under the first key of ONEWINDOW_FIELD_KEY and recompute its digests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from-secret-key",
            action="store_true",
            help="Also decrypt values encrypted with the key derived from SECRET_KEY (older versions).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; write nothing.")

    def handle(
        self, *args: Any, from_secret_key: bool = False, dry_run: bool = False, **options: Any
    ) -> None:
        material = settings.FIELD_ENCRYPTION_KEY
        if from_secret_key:
            material = f"{material},{legacy_key_material(settings.SECRET_KEY)}"
        readers: MultiFernet = fernet(material)
        current = fernet(key_parts(settings.FIELD_ENCRYPTION_KEY)[0])
        total = failed = 0
        verbose = int(options.get("verbosity", 1)) >= 1
        for model, fields in encrypted_columns():
            changed, bad = self._model(model, fields, readers, current, dry_run)
            total, failed = total + changed, failed + bad
            if verbose and (changed or bad):
                self.stdout.write(f"{model._meta.label}: {changed} re-encrypted, {bad} unreadable")
        if verbose:
            verb = "would re-encrypt" if dry_run else "re-encrypted"
            self.stdout.write(f"{verb} {total} values")
        if failed:
            raise CommandError(
                f"{failed} values could not be decrypted with the configured keys"
                + ("" if from_secret_key else " (try --from-secret-key)")
            )

    def _model(
        self,
        model: type[models.Model],
        fields: list[EncryptedTextField | EncryptedJSONField],
        readers: MultiFernet,
        current: MultiFernet,
        dry_run: bool,
    ) -> tuple[int, int]:
        qn = connection.ops.quote_name
        assert model._meta.pk is not None
        table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
        columns = [f.column for f in fields]
        concrete = {f.name: f for f in model._meta.concrete_fields}
        digests = {
            f.column: concrete[f"{f.name}_digest"].column for f in fields if f"{f.name}_digest" in concrete
        }
        select = f"SELECT {pk}, {', '.join(qn(c) for c in columns)} FROM {table} WHERE {pk} > %s ORDER BY {pk} LIMIT %s"  # noqa: S608
        changed = bad = 0
        last: Any = 0  # the models' keys are positive integers
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(select, [last, BATCH])
                rows = cursor.fetchall()
                if not rows:
                    return changed, bad
                updates = []
                for row in rows:
                    last = row[0]
                    values: dict[str, str] = {}
                    for column, token in zip(columns, row[1:], strict=True):
                        if not token:
                            continue
                        try:
                            current.decrypt(token.encode())
                            continue  # already under the current key
                        except InvalidToken:
                            pass
                        try:
                            plain = readers.decrypt(token.encode()).decode()
                        except InvalidToken:
                            bad += 1
                            continue
                        values[column] = readers.rotate(token.encode()).decode()
                        if column in digests:
                            values[digests[column]] = personal_digest(plain)
                        changed += 1
                    if values:
                        updates.append((row[0], values))
                if not dry_run:
                    for key, values in updates:
                        assignments = ", ".join(f"{qn(c)} = %s" for c in values)
                        cursor.execute(
                            f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                            [*values.values(), key],
                        )
