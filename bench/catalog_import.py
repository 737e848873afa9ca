"""Import N realistic catalog items from Excel bytes (parsing included) into a fresh database.

    .venv/bin/python -m bench catalog_import --size 1000

Each item has three materials (one tolerable, one shared across items), four form fields
and a two-stage procedure whose first stage runs two departments in parallel; a list holds
every item and ten bundles hold five items each. The workbook is built first (not timed);
the timed part is `xlsx_to_data` + `catalog_import`, then a second import of the same file
(every item unchanged) is timed as well.
"""

import time

from bench import common

DEFAULT_SIZE = 1000
DEPARTMENTS = [
    ("SCJG", "市场监督管理局"),
    ("ZRZY", "自然资源局"),
    ("ZJJ", "住房和城乡建设局"),
    ("RSJ", "人力资源和社会保障局"),
]
SECTORS = [("SSFW", "商事服务"), ("BDC", "不动产登记"), ("SHBZ", "社会保障")]
CATEGORIES = ["licensing", "confirmation", "payment", "public_service", "other_power"]


def build_data(size: int, center_code: str) -> dict:
    items = []
    for n in range(size):
        dept = DEPARTMENTS[n % len(DEPARTMENTS)][0]
        partner = DEPARTMENTS[(n + 1) % len(DEPARTMENTS)][0]
        items.append(
            {
                "code": f"371082-{n // 1000:02d}-{n:05d}",
                "name": f"第{n}号政务服务事项（许可、确认与登记）",
                "category": CATEGORIES[n % len(CATEGORIES)],
                "department": dept,
                "sector": SECTORS[n % len(SECTORS)][0],
                "is_active": True,
                "version": {
                    "case_kind": "promised",
                    "applicant_kinds": "both",
                    "legal_basis": "《中华人民共和国行政许可法》第十二条；《山东省行政程序规定》",
                    "conditions": "申请人具有完全民事行为能力，申请材料齐全、符合法定形式。",
                    "limit_unit": "working_days",
                    "legal_limit_days": 20,
                    "promised_limit_days": 5 + n % 5,
                    "is_free": n % 7 != 0,
                    "fee": "" if n % 7 != 0 else "按《收费标准》每件50元",
                    "fee_basis": "" if n % 7 != 0 else "鲁价费发〔2018〕12号",
                    "where_to_apply": "新泰市政务服务中心一楼综合受理窗口",
                    "office_hours": "工作日 9:00-12:00，13:30-17:00",
                    "consult_phone": "0538-7221234",
                    "complaint_phone": "12345",
                    "online_available": n % 2 == 0,
                    "max_visits": n % 2,
                    "delivery_methods": ["pickup", "mail"] if n % 3 else ["electronic"],
                    "result_name": f"第{n}号许可证",
                    "result_licence_type": "",
                    "notes": "",
                    "materials": [
                        {
                            "code": "id_card",
                            "name": "申请人身份证明",
                            "form": "original",
                            "copies": 1,
                            "medium": "either",
                            "required": True,
                            "tolerable": False,
                            "tolerance_days": 5,
                            "source": "shared",
                            "licence_type": "",
                            "notes": "",
                        },
                        {
                            "code": "application_form",
                            "name": "申请书",
                            "form": "original",
                            "copies": 2,
                            "medium": "paper",
                            "required": True,
                            "tolerable": False,
                            "tolerance_days": 5,
                            "source": "applicant",
                            "licence_type": "",
                            "notes": "需签字",
                        },
                        {
                            "code": f"proof_{n % 50}",
                            "name": "相关证明材料",
                            "form": "copy",
                            "copies": 1,
                            "medium": "either",
                            "required": True,
                            "tolerable": True,
                            "tolerance_days": 10,
                            "source": "applicant",
                            "licence_type": "",
                            "notes": "",
                        },
                    ],
                    "form_fields": [
                        {
                            "key": "applicant_name",
                            "label": "申请人名称",
                            "kind": "text",
                            "required": True,
                            "choices": [],
                        },
                        {
                            "key": "phone",
                            "label": "联系电话",
                            "kind": "text",
                            "required": True,
                            "choices": [],
                        },
                        {
                            "key": "area",
                            "label": "面积（平方米）",
                            "kind": "number",
                            "required": False,
                            "choices": [],
                        },
                        {
                            "key": "scale",
                            "label": "规模",
                            "kind": "choice",
                            "required": True,
                            "choices": ["小型", "中型", "大型"],
                        },
                    ],
                    "stages": [
                        {
                            "name": "并联审查",
                            "tasks": [
                                {
                                    "name": "材料审查",
                                    "action": "review",
                                    "department": dept,
                                    "role": "approver",
                                    "limit_days": 2,
                                },
                                {
                                    "name": "现场踏勘",
                                    "action": "inspect",
                                    "department": partner,
                                    "role": "approver",
                                    "limit_days": 3,
                                },
                            ],
                        },
                        {
                            "name": "审批决定",
                            "tasks": [
                                {
                                    "name": "决定",
                                    "action": "decide",
                                    "department": dept,
                                    "role": "approver",
                                    "limit_days": 1,
                                },
                            ],
                        },
                    ],
                },
            }
        )
    codes = [i["code"] for i in items]
    return {
        "format": "onewindow-catalog/1",
        "center": center_code,
        "items": items,
        "lists": [
            {"kind": "licensing", "name": "行政许可事项清单", "published_on": "2026-01-01", "items": codes}
        ],
        "bundles": [
            {
                "code": f"BUNDLE-{b:03d}",
                "name": f"一件事{b}",
                "description": "",
                "is_active": True,
                "items": codes[b * 5 : b * 5 + 5],
            }
            for b in range(min(10, size // 5))
        ],
    }


def main(size: int) -> None:
    common.setup()
    print(common.environment())
    from django.db import connection

    from onewindow.catalog.exchange.excel import data_to_xlsx, xlsx_to_data
    from onewindow.catalog.models import ServiceItem, StageTask
    from onewindow.catalog.services import catalog_import
    from onewindow.org.models import Department, Region, Sector, ServiceCenter

    region = Region.objects.create(code="370982000000", name="新泰市", level=Region.Level.COUNTY)
    center = ServiceCenter.objects.create(code="XTX", name="新泰市政务服务中心", tier="county", region=region)
    Department.objects.bulk_create([Department(center=center, code=c, name=n) for c, n in DEPARTMENTS])
    Sector.objects.bulk_create([Sector(center=center, code=c, name=n) for c, n in SECTORS])
    content = data_to_xlsx(build_data(size, center.code))
    print(f"workbook: {size} items, {len(content) / 1024:.0f} KiB, database: {connection.vendor}")

    started = time.perf_counter()
    data, parsed = xlsx_to_data(content)
    parse_seconds = time.perf_counter() - started
    assert parsed.ok, parsed.as_text()
    report = catalog_import(center=center, data=data, locations=parsed.locations)
    total = time.perf_counter() - started
    assert report.items_created == size and ServiceItem.objects.count() == size
    print(
        f"parse {parse_seconds:.2f} s, validate+write {total - parse_seconds:.2f} s; "
        f"{StageTask.objects.count()} tasks written"
    )
    print(f"first import: {size / total:.0f} items/s, {total:.2f} s on {connection.vendor}")

    again = time.perf_counter()
    data, parsed = xlsx_to_data(content)
    report = catalog_import(center=center, data=data, locations=parsed.locations)
    unchanged = time.perf_counter() - again
    assert report.items_unchanged == size, report.summary()
    print(f"re-import (all unchanged): {size / unchanged:.0f} items/s, {unchanged:.2f} s")
    common.report("catalog_import", total, "s", "< 10 s for 1,000 items")
