"""The org tree's create and update services: codes, levels, cycles, and rows kept in their center."""

import pytest

from onewindow.org.errors import OrgError
from onewindow.org.models import Region, ServiceCenter, Window
from onewindow.org.services import (
    center_create,
    center_update,
    department_create,
    department_update,
    region_create,
    region_update,
    sector_create,
    staff_create,
    staff_update,
    window_create,
    window_update,
)
from tests.factories.org import (
    DepartmentFactory,
    RegionFactory,
    SectorFactory,
    ServiceCenterFactory,
    WindowFactory,
)

pytestmark = pytest.mark.django_db


def refused(call) -> tuple[str, str]:
    with pytest.raises(OrgError) as exc:
        call()
    return exc.value.code, exc.value.field


def test_regions_keep_codes_unique_and_parents_above():
    city = region_create(code="371600000000", name="滨州市", level=Region.Level.CITY)
    county = region_create(code="371699000000", name=" 安和县 ", level=Region.Level.COUNTY, parent=city)
    assert (county.name, county.parent) == ("安和县", city)
    assert refused(lambda: region_create(code="371699000000", name="重名", level=3)) == ("CODE_TAKEN", "code")
    assert refused(lambda: region_create(code="3716", name="短码", level=3)) == ("INVALID_CODE", "code")
    assert refused(lambda: region_create(code="371699001000", name="镇", level=2, parent=county)) == (
        "REGION_PARENT_LEVEL",
        "parent",
    )
    assert refused(
        lambda: region_update(
            region=city, code=city.code, name=city.name, level=Region.Level.COUNTY, parent=None
        )
    ) == ("REGION_CHILD_LEVEL", "level")
    city.refresh_from_db()
    assert city.level == Region.Level.CITY


def test_a_center_cannot_sit_below_itself():
    region = RegionFactory()
    hall = center_create(code="AHX", name="安和县政务服务中心", tier="county", region=region)
    town = center_create(
        code="AHX-T01", name="城关街道便民服务中心", tier="township", region=region, parent=hall
    )
    village = ServiceCenterFactory(parent=town, tier=ServiceCenter.Tier.VILLAGE)
    fields = {
        "code": "AHX",
        "name": hall.name,
        "tier": "county",
        "region": region,
        "address": "",
        "phone": "",
    }
    for below in (hall, town, village):
        assert refused(
            lambda below=below: center_update(
                center=hall, **fields, parent=below, opening_hours="", is_active=True
            )
        ) == ("CENTER_PARENT_CYCLE", "parent")
    assert refused(lambda: center_create(code="ahx", name="小写", tier="county", region=region)) == (
        "INVALID_CODE",
        "code",
    )
    assert refused(lambda: center_create(code="AHX-2", name="x", tier="galaxy", region=region)) == (
        "INVALID_CHOICE",
        "tier",
    )


def test_department_and_sector_codes_are_unique_within_their_center():
    center, other = ServiceCenterFactory(), ServiceCenterFactory()
    department = department_create(center=center, code="SCJG", name="市场监督管理局")
    assert department_create(center=other, code="SCJG", name="市场监督管理局").center == other
    assert refused(lambda: department_create(center=center, code="SCJG", name="重复")) == (
        "CODE_TAKEN",
        "code",
    )
    renamed = department_update(
        department=department,
        code="SCJG",
        name="县市场监督管理局",
        short_name="市监局",
        phone="",
        is_active=True,
    )
    assert (renamed.center, renamed.name) == (center, "县市场监督管理局")
    sector_create(center=center, code="SSFW", name="商事服务")
    assert refused(lambda: sector_create(center=center, code="SSFW", name="重复")) == ("CODE_TAKEN", "code")
    assert refused(lambda: sector_create(center=center, code="TZJS", name="x" * 101)) == ("TOO_LONG", "name")


def test_a_window_serves_its_own_center_only():
    center = ServiceCenterFactory()
    sector = SectorFactory(center=center)
    window = window_create(center=center, number="A01", kind=Window.Kind.INTAKE, sectors=[sector])
    assert list(window.sectors.all()) == [sector]
    assert refused(lambda: window_create(center=center, number="A01", kind="intake")) == (
        "NUMBER_TAKEN",
        "number",
    )
    common = {"window": window, "number": "A01", "kind": "dedicated", "name": "", "is_active": True}
    assert refused(lambda: window_update(**common, department=DepartmentFactory(), sectors=[])) == (
        "DEPARTMENT_NOT_IN_CENTER",
        "department",
    )
    assert refused(lambda: window_update(**common, department=None, sectors=[SectorFactory()])) == (
        "SECTOR_NOT_IN_CENTER",
        "sectors",
    )
    window.refresh_from_db()
    assert window.kind == "intake" and list(window.sectors.all()) == [sector]


def test_staff_update_keeps_the_staff_member_in_their_center():
    center = ServiceCenterFactory()
    staff = staff_create(center=center, username="clerk", name="甲", roles=["intake_clerk"])
    fields = {"name": "甲", "department": None, "employee_number": "", "mobile": "", "is_active": True}
    assert refused(lambda: staff_update(staff=staff, **fields | {"window": WindowFactory()})) == (
        "WINDOW_NOT_IN_CENTER",
        "window",
    )
    assert refused(lambda: staff_update(staff=staff, **fields | {"window": None, "mobile": "12345"})) == (
        "INVALID_MOBILE",
        "mobile",
    )
    assert refused(lambda: staff_update(staff=staff, **fields | {"window": None, "name": " "})) == (
        "NAME_REQUIRED",
        "name",
    )
    staff.refresh_from_db()
    assert staff.window is None and staff.name == "甲"
