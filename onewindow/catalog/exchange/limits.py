"""The bounds of a catalog file, checked before it is read (docs/catalog.md §4, "Limits").

A catalog comes from outside: a province's export, a spreadsheet someone edited, or a file
made to hurt. Whatever it holds, reading it must cost bounded time and memory and end in a
report, never in a traceback. So, before anything is parsed:

* the file's size (`max_bytes`, setting `ONEWINDOW_IMPORT_MAX_BYTES`, default 10 MiB) is
  checked — by the command and the admin before they read the upload, and again here;
* a JSON document's nesting depth (`MAX_JSON_DEPTH`) is measured without recursion, so the
  parser and the schemas never meet a document deeper than the format is;
* a workbook's archive is checked by `core.xlsx.check_archive` before openpyxl opens it
  (the parts' declared sizes and compression ratio, settings
  `ONEWINDOW_IMPORT_MAX_UNZIPPED_BYTES` and `ONEWINDOW_IMPORT_MAX_RATIO`, and no
  `<!DOCTYPE`): the same bounds as every workbook the platform reads;
* a sheet is read row by row (`core.xlsx.sheet_rows`), at most `max_rows` rows (setting
  `ONEWINDOW_IMPORT_MAX_ROWS`, default 100,000; the JSON lists of items, lists, bundles
  and departments have the same bound) and `MAX_COLUMNS` columns, whatever dimension the
  sheet declares.

The settings are Django settings; the defaults below apply when one is absent.
"""

from __future__ import annotations

import itertools
import re

from django.utils.translation import gettext as _

from onewindow.catalog.errors import CatalogImportError, ImportProblem, ImportReport
from onewindow.core import xlsx

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 100
"""Columns read per sheet: the widest sheet has 30; extra columns are ignored anyway."""
MAX_JSON_DEPTH = 20
"""The format nests 8 deep (document → items → item → version → stages → stage → tasks →
task); a deeper document is not a catalog."""


def max_bytes() -> int:
    return xlsx.bound("ONEWINDOW_IMPORT_MAX_BYTES", MAX_BYTES)


def max_rows() -> int:
    return xlsx.bound("ONEWINDOW_IMPORT_MAX_ROWS", MAX_ROWS)


def _refuse(message: str, code: str) -> CatalogImportError:
    return CatalogImportError(ImportReport(problems=[ImportProblem(message=message, code=code)]))


def check_file_size(size: int) -> None:
    """Refuse a file larger than `max_bytes()` (`FILE_TOO_LARGE`): call it with the size
    of an upload or a file on disk before reading it."""
    limit = max_bytes()
    if size > limit:
        raise _refuse(
            _("The file is %(size)s MiB; a catalog file may be at most %(max)s MiB.")
            % {"size": xlsx.mib(size), "max": xlsx.mib(limit)},
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
    """Refuse a workbook whose parts would inflate past the bounds (`ZIP_TOO_LARGE`) or
    that declares a document type (`NOT_XLSX`) before openpyxl opens it (`core.xlsx`); a
    file that is not a zip archive is left to openpyxl's refusal (`NOT_XLSX`)."""
    try:
        xlsx.check_archive(content)
    except xlsx.WorkbookRefused as exc:
        raise _refuse(exc.message, exc.code) from None
