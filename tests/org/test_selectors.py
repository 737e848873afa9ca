import pytest

from onewindow.org.models import Role, ServiceCenter, Window
from onewindow.org.selectors import (
    center_list_public,
    department_chief_representative,
    staff_get_by_username,
    staff_list,
    window_list,
)
from onewindow.org.services import staff_create
from tests.factories.org import DepartmentFactory, SectorFactory, ServiceCenterFactory, WindowFactory

pytestmark = pytest.mark.django_db


def test_staff_list_is_scoped_to_the_center_and_active_staff():
    center = ServiceCenterFactory()
    dept = DepartmentFactory(center=center)
    staff_create(center=center, username="here", name="本中心", roles=[Role.APPROVER], department=dept)
    gone = staff_create(center=center, username="gone", name="已离岗", roles=[Role.APPROVER], department=dept)
    gone.is_active = False
    gone.save()
    staff_create(center=ServiceCenterFactory(), username="there", name="外中心", roles=[Role.APPROVER])
    assert [s.user.username for s in staff_list(center=center)] == ["here"]
    assert [s.user.username for s in staff_list(center=center, department=dept, role=Role.APPROVER)] == [
        "here"
    ]
    assert not staff_list(center=center, role=Role.PICKUP_CLERK).exists()


def test_staff_get_by_username_joins_what_pages_need(django_assert_num_queries):
    center = ServiceCenterFactory()
    staff_create(
        center=center,
        username="zhang",
        name="张",
        roles=[Role.INTAKE_CLERK],
        window=WindowFactory(center=center),
    )
    with django_assert_num_queries(2):
        staff = staff_get_by_username(username="zhang")
        assert staff.center == center
        assert staff.window.center_id == center.pk
        assert staff.roles == {"intake_clerk"}
    assert staff_get_by_username(username="nobody") is None


def test_window_list_by_kind_with_sectors():
    center = ServiceCenterFactory()
    sector = SectorFactory(center=center)
    intake = WindowFactory(center=center, number="A02")
    intake.sectors.add(sector)
    WindowFactory(center=center, number="A01", kind=Window.Kind.PICKUP)
    WindowFactory(kind=Window.Kind.INTAKE)
    windows = list(window_list(center=center, kind=Window.Kind.INTAKE))
    assert windows == [intake]
    assert [w.number for w in window_list(center=center)] == ["A01", "A02"]


def test_department_chief_representative():
    dept = DepartmentFactory()
    assert department_chief_representative(department=dept) is None
    staff_create(center=dept.center, username="appr", name="审批", roles=[Role.APPROVER], department=dept)
    chief = staff_create(
        center=dept.center, username="chief", name="首代", roles=[Role.CHIEF_REPRESENTATIVE], department=dept
    )
    assert department_chief_representative(department=dept) == chief


def test_public_centers_are_the_active_county_and_city_halls(django_assert_num_queries):
    county = ServiceCenterFactory(code="B-COUNTY")
    city = ServiceCenterFactory(code="A-CITY", tier=ServiceCenter.Tier.CITY)
    ServiceCenterFactory(code="C-CLOSED", is_active=False)
    ServiceCenterFactory(code="D-TOWN", tier=ServiceCenter.Tier.TOWNSHIP, parent=county)
    with django_assert_num_queries(1):
        centers = center_list_public()
        assert [c.region.name for c in centers] == [city.region.name, county.region.name]
    assert centers == [city, county]
