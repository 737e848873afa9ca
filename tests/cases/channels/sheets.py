"""Batch sheets for the tests: real xlsx bytes written with openpyxl, rows of the nurse item."""

import io

from openpyxl import Workbook

from onewindow.cases import channels
from onewindow.catalog.models import FormField
from tests.factories.cases import item_with_procedure
from tests.factories.catalog import FormFieldFactory
from tests.factories.org import with_id_check_digit

# The nurse registration item of the batch tests: two required materials, one tolerable
# (容缺), one optional; the sheet's columns are the 5 fixed ones, 3 fields, 4 materials.
NURSE_MATERIALS = [
    {"code": "id_card", "name": "身份证复印件"},
    {"code": "diploma", "name": "护理专业毕业证书"},
    {"code": "health", "name": "健康体检证明", "tolerable": True, "tolerance_days": 10},
    {"code": "photo", "name": "近期免冠照片", "required": False},
]


def nurse_item(world):
    """The nurse registration item of `world`'s center, published, with its three form fields."""
    item, version = item_with_procedure(
        center=world.center, department=world.department, materials=NURSE_MATERIALS
    )
    FormFieldFactory(version=version, key="employer", label="执业机构", order=1)
    FormFieldFactory(
        version=version,
        key="category",
        label="执业类别",
        kind=FormField.Kind.CHOICE,
        choices=["护士", "助产士"],
        order=2,
    )
    FormFieldFactory(
        version=version, key="graduated", label="毕业日期", kind=FormField.Kind.DATE, required=False, order=3
    )
    return item


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
