"""Portal fixtures: a small published catalog for search and guides; a citizen with a portal
account and a declared identity, and an online item with a form."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache

from onewindow.catalog.services import catalog_import
from onewindow.org.accounts import account_create, account_declare_applicant
from onewindow.org.models import Applicant, PortalAccount
from tests.factories.cases import SITUATION_MATERIALS, SITUATION_QUESTIONS, World, make_world
from tests.factories.catalog import item_data
from tests.factories.org import DepartmentFactory, SectorFactory, ServiceCenterFactory, with_id_check_digit
from tests.factories.scans import pdf, png

NAMES = {
    "371082-XK-0001": "营业执照核发",
    "371082-XK-0002": "个体工商户营业执照变更登记",
    "371082-XK-0003": "食品经营许可（新办）",
    "371082-XK-0004": "建设工程规划许可证核发",
    "371082-XK-0005": "银行账户开户许可",
    "371082-GG-0006": "城乡居民基本养老保险参保登记",
}


@pytest.fixture(autouse=True)
def fresh_facets():
    """The browse buttons are cached a minute: each test starts without another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def center(db):
    return ServiceCenterFactory(
        code="XTX", name="新泰市政务服务中心", address="新泰市青云路1号", phone="0538-7777777"
    )


@pytest.fixture
def catalog(center):
    """Six published items imported through the catalog's real import: one list of five, a
    bundle of two, a main item over two sub-items, one sector."""
    DepartmentFactory(center=center, code="SCJG", name="市场监督管理局")
    SectorFactory(center=center, code="SSFW", name="商事服务")
    items = [
        item_data(
            code, "SCJG", name=name, sector="SSFW", keywords="开公司 办执照" if code.endswith("1") else ""
        )
        for code, name in NAMES.items()
    ]
    items[0]["main_item_code"], items[0]["main_item_name"] = "371082-XK-M001", "营业执照"
    items[1]["main_item_code"], items[1]["main_item_name"] = "371082-XK-M001", "营业执照"
    items[0]["version"]["faq"] = "问：可以网上办理吗？\n答：可以。"
    document = {
        "format": "onewindow-catalog/1",
        "center": "XTX",
        "departments": [{"code": "SCJG", "name": "市场监督管理局"}],
        "items": items,
        "lists": [
            {
                "kind": "licensing",
                "name": "行政许可事项清单",
                "published_on": "2026-01-01",
                "items": list(NAMES)[:5],
            },
            {"kind": "power", "name": "未公布的清单", "published_on": None, "items": list(NAMES)[:2]},
        ],
        "bundles": [
            {
                "code": "BUNDLE-KDCY",
                "name": "我要开餐馆",
                "description": "一次办好",
                "is_active": True,
                "items": list(NAMES)[:3:2],
            }
        ],
    }
    catalog_import(center=center, data=document)
    return center


PASSWORD = "qiuju-daguansi-1992"
FIELDS = [
    {"key": "business_name", "label": "经营者名称"},
    {"key": "staff_count", "label": "从业人数", "kind": "number"},
    {"key": "opening_date", "label": "开业日期", "kind": "date", "required": False},
]
MATERIALS = [
    {"code": "id_card", "name": "申请人身份证明"},
    {"code": "licence", "name": "营业执照"},
    {"code": "site", "name": "经营场所使用证明", "tolerable": True, "tolerance_days": 5},
]
PDF = pdf(b"id")
PNG = png()


@dataclass
class Citizen:
    account: PortalAccount
    applicant: Applicant


def citizen(mobile: str = "13800138000", id17: str = "11010519491231002", name: str = "秋菊") -> Citizen:
    account = account_create(mobile=mobile, password=PASSWORD)
    applicant = account_declare_applicant(account=account, name=name, id_number=with_id_check_digit(id17))
    return Citizen(account, applicant)


@pytest.fixture
def desk(db, settings, tmp_path) -> World:
    """An online item 食品经营许可 with a three-question form and three materials."""
    settings.ONEWINDOW_FILES_DIR = tmp_path / "files"
    world = make_world(form_fields=FIELDS, materials=MATERIALS)
    world.item.name = "食品经营许可（新办）"
    world.item.save()
    return world


@pytest.fixture
def situation_desk(db, settings, tmp_path) -> World:
    """An online item asking the two 情形 questions (tests/factories/cases.SITUATION_QUESTIONS)."""
    settings.ONEWINDOW_FILES_DIR = tmp_path / "files"
    return make_world(questions=SITUATION_QUESTIONS, materials=SITUATION_MATERIALS)


@pytest.fixture
def qiuju(db) -> Citizen:
    return citizen()


@pytest.fixture
def signed_in(client, qiuju):
    client.force_login(qiuju.account.user, backend="onewindow.org.identity.PortalAccountBackend")
    return client
