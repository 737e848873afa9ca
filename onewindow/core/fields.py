"""Personal data at rest: encrypted model fields, a blind index and masking.

ID numbers, phones and addresses are stored as Fernet tokens. Equality search goes
through a separate HMAC digest column (`personal_digest`), never through the cipher text.
Screens and logs show `mask_*` output only.
"""

import base64
import hashlib
import hmac
import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

# The stubs' fields are generic in what they take and give (null=True adds None); Django's
# own class cannot be subscripted at run time.
if TYPE_CHECKING:
    _TextField = models.TextField[str, str]
    _JSONTextField = models.TextField[dict[str, Any], dict[str, Any]]
else:
    _TextField = _JSONTextField = models.TextField


@lru_cache(maxsize=4)
def _fernet(key_material: str) -> MultiFernet:
    keys = []
    for part in key_parts(key_material):
        try:
            keys.append(Fernet(part.encode()))
        except ValueError:
            derived = base64.urlsafe_b64encode(hashlib.sha256(part.encode()).digest())
            keys.append(Fernet(derived))
    return MultiFernet(keys)


def _key_material() -> str:
    """The configured key(s): never a default derived from SECRET_KEY (config/settings.py
    generates a separate key when ONEWINDOW_FIELD_KEY is not set)."""
    material: str = settings.FIELD_ENCRYPTION_KEY
    if not material.strip():
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is empty: set ONEWINDOW_FIELD_KEY")
    return material


def key_parts(material: str) -> list[str]:
    """The comma-separated keys of `material`, first (the one that encrypts) first."""
    return [p.strip() for p in material.split(",") if p.strip()]


def legacy_key_material(secret_key: str) -> str:
    """The key earlier versions derived from SECRET_KEY when no field key was set: only to
    decrypt old rows once (`personal_data_rekey --from-secret-key`), never to encrypt."""
    return f"onewindow-field:{secret_key}"


def is_fernet_key(part: str) -> bool:
    """Whether `part` is a Fernet key itself (32 random bytes, url-safe base64), not a
    passphrase the key would be derived from."""
    try:
        Fernet(part.encode())
    except ValueError:
        return False
    return True


def fernet(material: str) -> MultiFernet:
    """The keys of `material` (comma-separated) as one MultiFernet: the first encrypts."""
    return _fernet(material)


def encrypt(value: str) -> str:
    return _fernet(_key_material()).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(_key_material()).decrypt(token.encode()).decode()
    except InvalidToken as exc:  # wrong key or edited cipher text: never return garbage
        raise ValueError("personal data cannot be decrypted with the configured key") from exc


def encrypt_bytes(data: bytes) -> bytes:
    """A file's content as one Fernet token (a stored upload: a batch sheet holds ID numbers)."""
    return _fernet(_key_material()).encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _fernet(_key_material()).decrypt(token)
    except InvalidToken as exc:
        raise ValueError("the stored file cannot be decrypted with the configured key") from exc


def _digest(part: str, value: str) -> str:
    key = hashlib.sha256(f"onewindow-digest:{part}".encode()).digest()
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


def personal_digest(value: str) -> str:
    """Keyed digest for exact-match lookups of an encrypted value (a blind index), under the
    first (current) key: what is stored."""
    return _digest(key_parts(_key_material())[0], value)


def personal_digests(value: str) -> list[str]:
    """The digest of `value` under every configured key, for lookups: while keys rotate,
    rows not yet re-keyed (`personal_data_rekey`) still carry an older key's digest."""
    return list(dict.fromkeys(_digest(part, value) for part in key_parts(_key_material())))


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


class EncryptedJSONField(_JSONTextField):
    """A JSON object stored encrypted as one token; reads return the dict ({} when empty).

    For answers that are personal data (the personal fields of an application's form): the
    whole object is one Fernet token, so neither its values nor its keys can be searched or
    read in the database."""

    def from_db_value(self, value: str | None, expression: object, connection: BaseDatabaseWrapper) -> Any:
        if value is None or value == "":
            return {}
        return json.loads(decrypt(value))

    def to_python(self, value: Any) -> Any:
        if isinstance(value, dict):
            return value
        if value is None or value == "":
            return {}
        return json.loads(value)

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == {} or value == "":
            return ""
        if not isinstance(value, dict):
            raise TypeError("EncryptedJSONField holds a dict")
        return encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")))

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False, sort_keys=True)


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
