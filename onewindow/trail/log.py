"""The log's hashes and the checkpoint statement: pure functions, no queries.

The log is a hash chain over its entries, like each case's chain but across all cases:

    head(0) = 64 zeros
    head(i) = sha256(head(i-1) + canonical JSON {"i", "case", "seq", "hash"} of entry i)

A checkpoint signs the statement {"v", "log", "number", "size", "head", "at", "settled_id",
"high_id", "key"} in the same canonical JSON (sorted keys, no spaces, UTF-8) with Ed25519;
the exported line is that statement plus "signature" (base64).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

GENESIS = "0" * 64
LOG_NAME = "onewindow-trail"
VERSION = 1
STATEMENT_KEYS = ("v", "log", "number", "size", "head", "at", "settled_id", "high_id", "key")


def _canonical(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def extend(head: str, *, index: int, case_number: str, seq: int, event_hash: str) -> str:
    """The log's head after entry `index` (the event `seq` of `case_number`, hashing to `event_hash`)."""
    leaf = _canonical({"i": index, "case": case_number, "seq": seq, "hash": event_hash})
    return hashlib.sha256((head + leaf).encode("utf-8")).hexdigest()


def utc(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def statement(
    *, number: int, size: int, head: str, at: dt.datetime | str, settled_id: int, high_id: int, key: str
) -> dict[str, Any]:
    return {
        "v": VERSION,
        "log": LOG_NAME,
        "number": number,
        "size": size,
        "head": head,
        "at": at if isinstance(at, str) else utc(at),
        "settled_id": settled_id,
        "high_id": high_id,
        "key": key,
    }


def sign(body: dict[str, Any], key: Ed25519PrivateKey) -> str:
    return base64.b64encode(key.sign(_canonical(body).encode("utf-8"))).decode("ascii")


def signature_valid(body: dict[str, Any], signature: str, public: Ed25519PublicKey) -> bool:
    try:
        public.verify(base64.b64decode(signature, validate=True), _canonical(body).encode("utf-8"))
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def export_line(body: dict[str, Any], signature: str) -> str:
    return _canonical({**body, "signature": signature})


def parse_line(line: str) -> tuple[dict[str, Any], str]:
    """(statement, signature) of an exported line; ValueError when it is not one."""
    row = json.loads(line)
    if not isinstance(row, dict) or set(row) != {*STATEMENT_KEYS, "signature"}:
        raise ValueError("not a checkpoint line")
    signature = row.pop("signature")
    if not isinstance(signature, str) or not isinstance(row["number"], int):
        raise ValueError("not a checkpoint line")
    return row, signature
