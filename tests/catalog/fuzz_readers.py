"""Property-based run of the catalog readers: `python -m tests.catalog.fuzz_readers json|xlsx N`.

Feeds N generated files through the real import path (`catalog_import_file`, dry run)
and fails on anything but a report or a `CatalogImportError`: no crash, no other
exception. `test_exchange_fuzz.py` runs it in a subprocess under a memory cap
(RLIMIT_AS), on a SQLite database of its own, so a reader that allocates without bound
dies there instead of passing.

The files are small and hostile: catalog documents whose values are replaced by values of
every JSON type (huge and negative numbers, NaN, long and odd text, nested lists and
objects), JSON text cut off or nested deep, random bytes; workbooks written part by part
with the real headers in any order and cells of every kind (numbers, booleans, text,
formulas with and without a cached value, error cells, references to shared strings that
do not exist, stray row numbers, declared dimensions of any size), and valid workbooks
with bytes changed.
"""

from __future__ import annotations

import copy
import json
import os
import sys
import tempfile
from typing import Any


def _setup() -> None:
    data_dir = tempfile.mkdtemp(prefix="ow-fuzz-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir}/fuzz.sqlite3"
    os.environ["ONEWINDOW_DATA_DIR"] = data_dir
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


_setup()

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from onewindow.catalog.errors import CatalogImportError, ImportReport  # noqa: E402
from onewindow.catalog.exchange.excel import data_to_xlsx  # noqa: E402
from onewindow.catalog.exchange.load import catalog_import_file  # noqa: E402
from onewindow.catalog.exchange.sheets import SHEETS  # noqa: E402
from onewindow.org.models import Department, Region, Sector, ServiceCenter  # noqa: E402
from tests.catalog.rawxlsx import Raw, sheet_xml, workbook  # noqa: E402
from tests.factories.catalog import catalog_document  # noqa: E402

region = Region.objects.create(code="510104000000", name="锦江区", level=Region.Level.COUNTY)
CENTER = ServiceCenter.objects.create(code="XTX", name="中心", tier="county", region=region)
Department.objects.create(center=CENTER, code="SCJG", name="市场监督管理局")
Sector.objects.create(center=CENTER, code="SSFW", name="商事服务")
BASE = catalog_document(2)
EXAMPLES = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def run(content: bytes, filename: str) -> None:
    """The property: the import answers with a report or our error, nothing else."""
    try:
        report = catalog_import_file(center=CENTER, content=content, filename=filename, dry_run=True)
    except CatalogImportError as exc:
        assert exc.report.problems, "refused without a problem"
        for p in exc.report.problems:
            assert p.code and p.code.isupper() and isinstance(p.message, str), p
        exc.report.as_text()
        return
    assert isinstance(report, ImportReport)


# ---------------------------------------------------------------- values

TEXT = st.text(
    st.sampled_from(list("事项申请材料是否有无√×年月日-_/.:、，,;|=+ aZ09９\n\t\x00\u200b🀄")), max_size=30
)
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**25), max_value=10**25),
    st.sampled_from([-1, 0, 1, 5, 32_767, 32_768, 65_536, 2**31, 2**63, 10**20]),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
    st.sampled_from(
        ["2026-01-05", "2026/1/5", "明年", "1999", "2026-02-30", "是", "否", "licensing", "行政许可"]
    ),
    st.builds(lambda n: "长" * n, st.sampled_from([199, 201, 2001, 10_001])),
)
VALUE = st.recursive(
    SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["code", "name", "x"]), inner, max_size=3),
    ),
    max_leaves=8,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


PATHS = [p for p in _paths(BASE) if p]


def _replace(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    target = doc
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return doc


@st.composite
def documents(draw: Any) -> bytes:
    doc = copy.deepcopy(BASE)
    for path in draw(st.lists(st.sampled_from(PATHS), max_size=6)):
        try:
            doc = _replace(doc, path, draw(VALUE))
        except (KeyError, IndexError, TypeError):
            pass  # an earlier replacement removed the place
    if isinstance(doc.get("items"), list) and draw(st.booleans()):
        doc["items"] = doc["items"] * draw(st.integers(1, 3))  # the same items again
    text = json.dumps(doc, ensure_ascii=draw(st.booleans()), allow_nan=True)
    return text.encode("utf-8")


JSON_FILES = st.one_of(
    documents(),
    documents().map(lambda b: b[: len(b) // 2]),  # cut off
    VALUE.map(lambda v: json.dumps(v, allow_nan=True).encode()),  # any JSON at all
    st.integers(0, 60).map(lambda n: b'{"items": [' + b"[" * n + b"]" * n + b"]}"),  # deep
    st.integers(4000, 5000).map(lambda n: b'{"items": [{"code": ' + b"7" * n + b"}]}"),  # digits
    st.binary(max_size=200),
    st.sampled_from([b"\xef\xbb\xbf{}", b"\xff\xfe{}", b'{"format": "onewindow-catalog/1"', b"NaN", b"[]"]),
)


@SETTINGS
@given(content=JSON_FILES)
def check_json(content: bytes) -> None:
    run(content, "catalog.json")


# ---------------------------------------------------------------- workbooks

HEADERS = {key: [str(c.key) for c in columns] for key, (_t, columns) in SHEETS.items()}
ZH_TITLES = {"departments": "部门", "items": "事项", "materials": "申请材料", "tasks": "办理环节"}
ZH_TITLES.update(form_fields="表单字段", lists="清单", bundles="一件事")
CELL = st.one_of(
    SCALAR.filter(lambda v: not isinstance(v, float) or v == v and abs(v) != float("inf")),
    st.sampled_from(
        [
            Raw("<f>1+1</f>"),
            Raw("<f>1+1</f><v>2</v>"),
            Raw('<f>"a"</f><v>a</v>', 't="str"'),
            Raw("<v>#DIV/0!</v>", 't="e"'),
            Raw("<v>#REF!</v>", 't="e"'),
            Raw("<v>7</v>", 't="s"'),  # no shared string 7
            Raw("<v>abc</v>"),  # not a number
            Raw("<v>2</v>", 't="b"'),
            Raw("<v>x</v>", 't="b"'),
            Raw("<v>2026-13-45T00:00:00</v>", 't="d"'),
            Raw("<v>1e308</v>"),
            Raw("<v>-1</v>"),
            Raw("<v>99999999999999999999</v>"),
            Raw("<is><t>内联</t></is>", 't="inlineStr"'),
            Raw(""),
        ]
    ),
)


@st.composite
def sheets(draw: Any) -> bytes:
    parts: dict[str, str] = {}
    for key in draw(st.lists(st.sampled_from(list(ZH_TITLES)), min_size=1, max_size=7, unique=True)):
        headers = draw(st.permutations(HEADERS[key]))
        headers = headers[: draw(st.integers(0, len(headers)))] or headers
        rows = [headers] + draw(st.lists(st.lists(CELL, max_size=len(headers) + 2), max_size=6))
        dimension = draw(st.sampled_from(["", "A1:B2", "A1:XFD200000", "A1:XFD1048576", "nonsense"]))
        first = draw(st.sampled_from([1, 1, 1, 2, 100_001, 1_048_576]))
        parts[ZH_TITLES[key]] = sheet_xml(rows, dimension=dimension, first_row=first)
    if draw(st.booleans()):
        parts.setdefault("填写说明", sheet_xml([["格式", draw(CELL)], ["中心编码", draw(CELL)]]))
    return workbook(parts)


VALID_XLSX = data_to_xlsx(BASE)


@st.composite
def damaged(draw: Any) -> bytes:
    content = bytearray(VALID_XLSX)
    for _ in range(draw(st.integers(1, 8))):
        content[draw(st.integers(0, len(content) - 1))] = draw(st.integers(0, 255))
    return bytes(content[: draw(st.integers(0, len(content)))])


XLSX_FILES = st.one_of(sheets(), sheets(), damaged(), st.binary(max_size=200))


@SETTINGS
@given(content=XLSX_FILES)
def check_xlsx(content: bytes) -> None:
    run(content, "catalog.xlsx")


if __name__ == "__main__":
    {"json": check_json, "xlsx": check_xlsx}[sys.argv[1]]()
    print(f"{sys.argv[1]}: {EXAMPLES} examples, no crash")
