"""Personal data at rest: encrypted model fields, a blind index and masking.

ID numbers, phones and addresses are stored as Fernet tokens. Equality search goes
through a separate HMAC digest column (`personal_digest`), never through the cipher text.
Screens and logs show `mask_*` output only.
"""

import base64
import hashlib
import hmac
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

# The stubs' fields are generic in what they take and give (null=True adds None); Django's
# own class cannot be subscripted at run time.
if TYPE_CHECKING:
    _TextField = models.TextField[str, str]
else:
    _TextField = models.TextField


@lru_cache(maxsize=4)
def _fernet(key_material: str) -> MultiFernet:
    keys = []
    for part in [p for p in key_material.split(",") if p.strip()]:
        part = part.strip()
        try:
            keys.append(Fernet(part.encode()))
        except ValueError:
            derived = base64.urlsafe_b64encode(hashlib.sha256(part.encode()).digest())
            keys.append(Fernet(derived))
    return MultiFernet(keys)


def _key_material() -> str:
    return settings.FIELD_ENCRYPTION_KEY or f"onewindow-field:{settings.SECRET_KEY}"


def encrypt(value: str) -> str:
    return _fernet(_key_material()).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(_key_material()).decrypt(token.encode()).decode()
    except InvalidToken as exc:  # wrong key or edited cipher text: never return garbage
        raise ValueError("personal data cannot be decrypted with the configured key") from exc


def personal_digest(value: str) -> str:
    """Keyed digest for exact-match lookups of an encrypted value (a blind index)."""
    key = hashlib.sha256(f"onewindow-digest:{_key_material()}".encode()).digest()
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(_TextField):
    """A text field stored encrypted; reads return the plain value."""

    def from_db_value(
        self, value: str | None, expression: object, connection: BaseDatabaseWrapper
    ) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))


def mask_id_number(value: str | None) -> str:
    """110105********1234 style: region and last four kept."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    if len(value) < 14:
        # Too short for "6 + 4 kept" (a 9- or 10-character number would show in full).
        return f"{value[:2]}{'*' * (len(value) - 4)}{value[-2:]}"
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    if len(value) < 11:
        # A short (landline) number: "3 + 4 kept" would show every digit.
        return f"{value[:2]}{'*' * (len(value) - 4)}{value[-2:]}"
    return f"{value[:3]}****{value[-4:]}"


def mask_name(value: str | None) -> str:
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1) if len(value) > 1 else "*"


def mask_address(value: str | None) -> str:
    if not value:
        return ""
    keep = min(6, max(1, len(value) // 2))
    return value[:keep] + "****"
