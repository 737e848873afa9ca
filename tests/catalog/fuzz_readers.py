"""Property-based run of the file readers: `python -m tests.catalog.fuzz_readers json|xlsx|batch N`.

Feeds N generated files through the real import path and fails on anything but the
reader's own answer: no crash, no other exception. `json` and `xlsx` are the catalog's
(`catalog_import_file`, dry run: a report or a `CatalogImportError`); `batch` is batch
intake's (`channels.batch_intake` of one item by its intake clerk: a `BatchReport`, or a
`CaseError` of the sheet's own codes that wrote nothing; each example is rolled back).
`test_exchange_fuzz.py` and `tests/cases/channels/test_sheet_fuzz.py` run it in a
subprocess under a memory cap (RLIMIT_AS, `tests/fuzzing.py`), on a SQLite database of
its own, so a reader that allocates without bound dies there instead of passing.

The files are small and hostile: catalog documents whose values are replaced by values of
every JSON type (huge and negative numbers, NaN, long and odd text, nested lists and
objects), JSON text cut off or nested deep, random bytes; workbooks written part by part
with the real headers in any order and cells of every kind (numbers, booleans, text,
formulas with and without a cached value, error cells, references to shared strings that
do not exist, stray row numbers, declared dimensions of any size), and valid workbooks
with bytes changed. Batch sheets have the item's headers in Chinese, English or by key,
in any order, some twice or missing, with junk beside them; rows of plausible values (ID
numbers, 已收 / 容缺 / 缺, dates, delivery words), the cells above, huge and odd Unicode
text, blank and merged rows, a lowered row bound; the item's own template filled in by
openpyxl, and that file with bytes changed.
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
from tests.factories.org import with_id_check_digit  # noqa: E402

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


# ---------------------------------------------------------------- batch sheets


def _batch_item() -> tuple[Any, Any]:
    """An item of every kind of column (the 申请人名称 field the demo items ask answered by
    the fixed column, a number, a date, a choice, a yes/no), its intake clerk."""
    from tests.factories.cases import item_with_procedure
    from tests.factories.org import StaffFactory

    item, _version = item_with_procedure(
        center=CENTER,
        department=Department.objects.get(code="SCJG"),
        materials=[
            {"code": "id_card", "name": "身份证复印件"},
            {"code": "health", "name": "健康体检证明", "tolerable": True, "tolerance_days": 10},
            {"code": "photo", "name": "照片", "required": False},
        ],
        form_fields=[
            {"key": "applicant_name", "label": "申请人名称"},
            {"key": "years", "label": "从业年限", "kind": "number", "required": False},
            {"key": "graduated", "label": "毕业日期", "kind": "date", "required": False},
            {"key": "category", "label": "执业类别", "kind": "choice", "choices": ["护士", "助产士"]},
            {"key": "night", "label": "可否夜班", "kind": "boolean", "required": False},
        ],
    )
    return item, StaffFactory(center=CENTER, roles=["intake_clerk"])


BATCH_CODES = {
    "BATCH_FILE_EMPTY",
    "BATCH_FILE_INVALID",
    "BATCH_FILE_TOO_LARGE",
    "BATCH_FILE_DAMAGED",
    "BATCH_TOO_MANY_ROWS",
    "BATCH_COLUMN_MISSING",
    "BATCH_COLUMN_TWICE",
    "BATCH_EMPTY",
}


def run_batch(content: bytes, max_rows: int) -> None:
    """The property: a report whose every refusal names its row, or one of the sheet's own
    errors that wrote nothing."""
    from django.db import transaction
    from django.test import override_settings

    from onewindow.cases import channels
    from onewindow.cases.errors import CaseError
    from onewindow.cases.models import Application

    with override_settings(ONEWINDOW_BATCH_MAX_ROWS=max_rows), transaction.atomic():
        try:
            report = channels.batch_intake(center=CENTER, item=BATCH_ITEM, actor=BATCH_CLERK, xlsx=content)
        except CaseError as exc:
            assert exc.code in BATCH_CODES, (exc.code, exc.message)
            assert exc.message and len(exc.message) < 500, exc.message
            assert not Application.objects.exists(), "a refused sheet wrote applications"
        else:
            assert report.rows == len({e.row for e in report.errors} | {r.row for r in report.created})
            for e in report.errors:
                assert e.row >= 2 and e.code and e.code.isupper() and isinstance(e.message, str), e
                assert len(e.message) < 1000, e.message[:200]
            assert len(report.as_text()) < 10_000 + 400 * len(report.created) + 1200 * len(report.errors)
        transaction.set_rollback(True)


WORDS = st.sampled_from(
    [
        "已收",
        "容缺",
        "缺",
        "是",
        "否",
        "√",
        "×",
        "received",
        "pending",
        "窗口领取",
        "邮寄",
        "电子送达",
        "mail",
    ]
    + ["护士", "助产士", "2018-07-01", "2018/7/1", "2018年7月1日", "13800138000", "城关镇1号", "3", "3.5"]
)
ID_NUMBERS = st.integers(0, 999).map(lambda n: with_id_check_digit(f"37088219950101{n:03d}"))
HUGE = st.builds(
    lambda c, n: c * n, st.sampled_from(["长", "a", "😀", " "]), st.sampled_from([200, 201, 2001, 100_000])
)
UNICODE = st.text(max_size=20)  # any code point a cell can hold (XML-illegal ones break the sheet: damaged)
BATCH_CELL = st.one_of(WORDS, ID_NUMBERS, WORDS, HUGE, UNICODE, CELL)


def _batch_headers() -> list[list[str]]:
    from django.utils import translation

    from onewindow.cases import channels

    columns = channels.batch_columns(item=BATCH_ITEM)
    chinese = [c.header for c in columns]
    with translation.override("en"):
        english = [str(label) for _k, label, _r, _h in channels.FIXED_COLUMNS] + chinese[5:]
    keys = chinese[:5] + [c.form_key or c.key.split(":", 1)[1] for c in columns[5:]]
    return [chinese, english, keys]


@st.composite
def batch_sheets(draw: Any) -> tuple[bytes, int]:
    header = list(draw(st.sampled_from(BATCH_HEADERS)))
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    if draw(st.integers(0, 4)) == 0:
        header = header[: draw(st.integers(0, len(header)))]  # columns missing
    if draw(st.integers(0, 4)) == 0:
        header.insert(draw(st.integers(0, len(header))), draw(st.sampled_from(header or ["x"])))  # twice
    if draw(st.integers(0, 3)) == 0:
        header.insert(draw(st.integers(0, len(header))), draw(BATCH_CELL))  # junk
    width = len(header)
    good = st.lists(st.one_of(WORDS, ID_NUMBERS), min_size=width, max_size=width)
    row = st.one_of(good, st.lists(BATCH_CELL, max_size=width + 2), st.just([None] * width))
    rows = [header] + draw(st.lists(row, max_size=6))
    merged = draw(st.lists(st.sampled_from(["A2:A3", "B2:C2", "A1:B1", "D3:E5"]), max_size=2, unique=True))
    dimension = draw(st.sampled_from(["", "A1:B2", "A1:XFD200000", "A1:XFD1048576", "nonsense"]))
    first = draw(st.sampled_from([1, 1, 1, 2, 5000, 1_048_576]))
    parts = {"申请人": sheet_xml(rows, dimension=dimension, first_row=first, merged=merged)}
    if draw(st.booleans()):
        parts["填写说明"] = sheet_xml([[draw(BATCH_CELL)]])
    return workbook(parts), draw(st.sampled_from([3, 5000]))


@st.composite
def filled_templates(draw: Any) -> tuple[bytes, int]:
    """The item's own template, filled in by openpyxl with plausible (or odd) values."""
    import io

    from openpyxl import load_workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = load_workbook(io.BytesIO(BATCH_TEMPLATE))
    ws = wb.worksheets[0]
    width = ws.max_column
    value = st.one_of(WORDS, ID_NUMBERS, UNICODE.map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t)), st.none())
    for cells in draw(st.lists(st.lists(value, min_size=width, max_size=width), min_size=1, max_size=4)):
        ws.append(cells)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), 5000


@st.composite
def damaged_templates(draw: Any) -> tuple[bytes, int]:
    content, max_rows = draw(filled_templates())
    changed = bytearray(content)  # its length varies with the time openpyxl writes in it:
    for _ in range(draw(st.integers(1, 8))):  # positions are drawn as fractions of it
        changed[draw(st.integers(0, 1 << 16)) * (len(changed) - 1) >> 16] = draw(st.integers(0, 255))
    return bytes(changed[: draw(st.integers(0, 1 << 16)) * len(changed) >> 16]), max_rows


BATCH_FILES = st.one_of(
    batch_sheets(),
    batch_sheets(),
    filled_templates(),
    damaged_templates(),
    st.tuples(st.binary(max_size=200), st.just(5000)),
)


@SETTINGS
@given(file=BATCH_FILES)
def check_batch(file: tuple[bytes, int]) -> None:
    run_batch(*file)


if __name__ == "__main__":
    if sys.argv[1] == "batch":
        from onewindow.cases import channels

        BATCH_ITEM, BATCH_CLERK = _batch_item()
        BATCH_TEMPLATE = channels.batch_template(item=BATCH_ITEM)
        BATCH_HEADERS = _batch_headers()
    {"json": check_json, "xlsx": check_xlsx, "batch": check_batch}[sys.argv[1]]()
    print(f"{sys.argv[1]}: {EXAMPLES} examples, no crash")
