"""Whole sample scans, as a scanner or a phone writes them (`cases.files` checks both ends).

Each takes the bytes that make one sample differ from another (the store keeps duplicates,
but tests name their files by content); `pad` is what some scanners write after the end.
"""

from __future__ import annotations

import struct
import zlib


def pdf(body: bytes = b"a scanned page", *, pad: bytes = b"\n") -> bytes:
    """A PDF that starts with its header and ends with `%%EOF` (then `pad`)."""
    return b"%PDF-1.4\n%" + body + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF" + pad


def jpeg(body: bytes = b"a photo", *, pad: bytes = b"") -> bytes:
    """A JPEG from its start-of-image marker to its end-of-image marker (FFD9), then `pad`."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + body + b"\xff\xd9" + pad


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(body: bytes = b"a photo") -> bytes:
    """A real 1×1 PNG (signature, IHDR, IDAT, a text chunk holding `body`, IEND)."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + _chunk(b"tEXt", b"Comment\x00" + body)
        + _chunk(b"IEND", b"")
    )
