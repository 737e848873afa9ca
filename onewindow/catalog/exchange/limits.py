"""The bounds of a catalog file, checked before it is read (docs/catalog.md §4, "Limits").

A catalog comes from outside: a province's export, a spreadsheet someone edited, or a file
made to hurt. Whatever it holds, reading it must cost bounded time and memory and end in a
report, never in a traceback. So, before anything is parsed:

* the file's size (`max_bytes`, setting `ONEWINDOW_IMPORT_MAX_BYTES`, default 10 MiB) is
  checked — by the command and the admin before they read the upload, and again here;
* a JSON document's nesting depth (`MAX_JSON_DEPTH`) is measured without recursion, so the
  parser and the schemas never meet a document deeper than the format is;
* a workbook's members are checked by their declared sizes before openpyxl opens it: each
  at most `max_ratio` times its compressed size (setting `ONEWINDOW_IMPORT_MAX_RATIO`,
  default 100) and all together at most `max_unzipped_bytes` (setting
  `ONEWINDOW_IMPORT_MAX_UNZIPPED_BYTES`, default 100 MiB). `zipfile` never inflates a
  member past its declared size (it stops and fails the CRC), so the declared sizes bound
  what is read;
* a sheet is read row by row, at most `max_rows` rows (setting
  `ONEWINDOW_IMPORT_MAX_ROWS`, default 100,000; the JSON lists of items, lists, bundles
  and departments have the same bound) and `MAX_COLUMNS` columns, whatever dimension the
  sheet declares.

The settings are Django settings; the defaults below apply when one is absent.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from onewindow.catalog.errors import CatalogImportError, ImportProblem, ImportReport

MAX_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100
MAX_ROWS = 100_000
MAX_COLUMNS = 100
"""Columns read per sheet: the widest sheet has 30; extra columns are ignored anyway."""
MAX_JSON_DEPTH = 20
"""The format nests 8 deep (document → items → item → version → stages → stage → tasks →
task); a deeper document is not a catalog."""
MAX_ZIP_MEMBERS = 1_000
RATIO_FLOOR = 1024 * 1024
"""Members smaller than this are not held to the ratio (a tiny XML compresses very well)."""


def _setting(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    return default if value is None else int(value)


def max_bytes() -> int:
    return _setting("ONEWINDOW_IMPORT_MAX_BYTES", MAX_BYTES)


def max_unzipped_bytes() -> int:
    return _setting("ONEWINDOW_IMPORT_MAX_UNZIPPED_BYTES", MAX_UNZIPPED_BYTES)


def max_ratio() -> int:
    return _setting("ONEWINDOW_IMPORT_MAX_RATIO", MAX_RATIO)


def max_rows() -> int:
    return _setting("ONEWINDOW_IMPORT_MAX_ROWS", MAX_ROWS)


def _refuse(message: str, code: str) -> CatalogImportError:
    return CatalogImportError(ImportReport(problems=[ImportProblem(message=message, code=code)]))


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def check_file_size(size: int) -> None:
    """Refuse a file larger than `max_bytes()` (`FILE_TOO_LARGE`): call it with the size
    of an upload or a file on disk before reading it."""
    limit = max_bytes()
    if size > limit:
        raise _refuse(
            _("The file is %(size)s MiB; a catalog file may be at most %(max)s MiB.")
            % {"size": _mib(size), "max": _mib(limit)},
            "FILE_TOO_LARGE",
        )


# A string, with its escapes, up to its closing quote or the end of the text: an unclosed
# string runs to the end instead of failing, and the quantifiers are possessive, so every
# byte is looked at once (no backtracking, no retry from a later quote).
_JSON_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def json_depth(content: bytes) -> int:
    """How deep the arrays and objects of a JSON text nest, in linear time and without
    recursion (the regular expression, `bytes.translate` and `itertools.accumulate` run in
    C). Text that is not JSON gets some number; the parser refuses it afterwards."""
    brackets = _JSON_STRING.sub(b"", content).translate(None, _NOT_BRACKETS)
    return max(itertools.accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)


def check_json_depth(content: bytes) -> None:
    if json_depth(content) > MAX_JSON_DEPTH:
        raise _refuse(
            _("The JSON document nests deeper than %(max)d levels; a catalog is not that deep.")
            % {"max": MAX_JSON_DEPTH},
            "TOO_DEEP",
        )


def check_xlsx_archive(content: bytes) -> None:
    """Refuse a workbook whose members would inflate past the bounds (`ZIP_TOO_LARGE`)
    before openpyxl opens it; a file that is not a zip archive is left to openpyxl's
    refusal (`NOT_XLSX`)."""
    try:
        members = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    total, limit, ratio = 0, max_unzipped_bytes(), max_ratio()
    if len(members) > MAX_ZIP_MEMBERS:
        raise _refuse(
            _("The workbook holds %(count)d parts; a catalog workbook has far fewer.")
            % {"count": len(members)},
            "ZIP_TOO_LARGE",
        )
    for member in members:
        total += member.file_size
        too_dense = member.file_size > RATIO_FLOOR and member.file_size > ratio * max(member.compress_size, 1)
        if too_dense or total > limit:
            raise _refuse(
                _(
                    "The workbook unpacks to more than %(max)s MiB (or a part of it is compressed "
                    "more than %(ratio)d times): it is refused unread."
                )
                % {"max": _mib(limit), "ratio": ratio},
                "ZIP_TOO_LARGE",
            )
