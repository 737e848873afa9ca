"""Batch sheets for the tests: real xlsx bytes written with openpyxl, rows of the nurse item."""

import io

from openpyxl import Workbook

from onewindow.cases import channels
from tests.factories.org import with_id_check_digit


def headers(item) -> list[str]:
    return [c.header for c in channels.batch_columns(item=item)]


def person_id(n: int) -> str:
    return with_id_check_digit(f"37088219950101{n:03d}")


def good_row(n: int, *, materials=("已收", "已收", "已收", "否")) -> list:
    """A nurse row: name, ID, mobile, delivery method and address, 3 fields, 4 materials."""
    return [
        f"护士{n}",
        person_id(n),
        "13800138000",
        "窗口领取",
        "",
        "县人民医院",
        "护士",
        "2018-07-01",
        *materials,
    ]


def xlsx(header: list, rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
