"""The checkpoint signing key: an Ed25519 key in a file the database never holds.

Only the process that takes checkpoints (the task worker) reads the private key, from
`settings.TRAIL_SIGNING_KEY` (ONEWINDOW_TRAIL_SIGNING_KEY). The verifier needs only the
public part, from `settings.TRAIL_PUBLIC_KEY` (ONEWINDOW_TRAIL_PUBLIC_KEY): a file of one
or more PEM public keys, the current one and every earlier one still signing old
checkpoints (`trail_keygen --rotate` appends). A key is named by its id: the first 16 hex
digits of the sha256 of its raw 32 bytes, stored with each checkpoint.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from onewindow.trail.errors import TrailError

_PEM_PUBLIC = re.compile(rb"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----\s*", re.DOTALL)


def signing_key_path() -> Path:
    return Path(settings.TRAIL_SIGNING_KEY)


def public_key_path() -> Path:
    return Path(settings.TRAIL_PUBLIC_KEY)


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def signing_key() -> Ed25519PrivateKey:
    """The private key, or TrailError SIGNING_KEY_MISSING / SIGNING_KEY_INVALID naming the file."""
    path = signing_key_path()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TrailError("SIGNING_KEY_MISSING", path=str(path)) from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise TrailError("SIGNING_KEY_INVALID", path=str(path), reason=str(exc)) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise TrailError("SIGNING_KEY_INVALID", path=str(path), reason=type(key).__name__)
    return key


def public_keys() -> dict[str, Ed25519PublicKey]:
    """Every public key the verifier accepts, by key id.

    From the public key file; when it does not exist, from the signing key if this machine
    has it; else none (the verifier then says it cannot check signatures).
    """
    path = public_key_path()
    if not path.exists():
        try:
            public = signing_key().public_key()
        except TrailError:
            return {}
        return {key_id(public): public}
    found: dict[str, Ed25519PublicKey] = {}
    for block in _PEM_PUBLIC.findall(path.read_bytes()):
        try:
            key = serialization.load_pem_public_key(block)
        except (ValueError, UnsupportedAlgorithm) as exc:
            raise TrailError("PUBLIC_KEY_INVALID", path=str(path), reason=str(exc)) from None
        if isinstance(key, Ed25519PublicKey):
            found[key_id(key)] = key
    if not found:
        raise TrailError("PUBLIC_KEY_INVALID", path=str(path), reason="no key")
    return found


def keygen(*, rotate: bool = False) -> tuple[str, Path, Path]:
    """Write a new signing key (mode 0600) and its public key; (key id, private path, public path).

    Refuses to replace an existing signing key unless `rotate`: then the new public key is
    appended to the public key file, so checkpoints signed with the old key still verify.
    """
    private_path, public_path = signing_key_path(), public_key_path()
    if private_path.exists() and not rotate:
        raise TrailError("KEY_EXISTS", path=str(private_path))
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    private_path.parent.mkdir(parents=True, exist_ok=True)
    public_path.parent.mkdir(parents=True, exist_ok=True)
    earlier = b""
    if rotate and public_path.exists():
        earlier = public_path.read_bytes()
    elif rotate and private_path.exists():
        earlier = public_pem(signing_key().public_key())
    tmp = private_path.with_name(private_path.name + ".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    public_path.write_bytes(earlier + public_pem(key.public_key()))
    os.replace(tmp, private_path)
    return key_id(key.public_key()), private_path, public_path
