"""A citizen with a portal account and a declared identity, and an online item with a form."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from onewindow.org.accounts import account_create, account_declare_applicant
from onewindow.org.models import Applicant, PortalAccount
from tests.factories.cases import World, make_world
from tests.factories.org import with_id_check_digit

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
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


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
def qiuju(db) -> Citizen:
    return citizen()


@pytest.fixture
def signed_in(client, qiuju):
    client.force_login(qiuju.account.user, backend="onewindow.org.identity.PortalAccountBackend")
    return client
