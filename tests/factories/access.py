"""A small four-level network for the access rules: a county hall with two township
centers, a village station below the first, each with a department, an item, staff in every
admin role and an application with its case, all made through the services."""

from __future__ import annotations

from dataclasses import dataclass, field

from onewindow.cases import services
from onewindow.cases.models import Application
from onewindow.catalog.models import ServiceItem
from onewindow.org.models import Department, Region, Role, ServiceCenter, Staff
from onewindow.org.services import staff_create
from tests.factories.cases import item_with_procedure
from tests.factories.org import ApplicantFactory, DepartmentFactory, RegionFactory, ServiceCenterFactory

PHONE_FIELD = {"key": "contact_phone", "label": "联系电话"}
NAME_FIELD = {"key": "applicant_name", "label": "申请人名称"}
PLAIN_FIELD = {"key": "matter_description", "label": "申请事项说明", "required": False}


@dataclass
class Hall:
    """One center of the network with what the tests look for in it."""

    center: ServiceCenter
    region: Region
    department: Department
    item: ServiceItem
    admin: Staff
    supervisor: Staff
    clerk: Staff
    applications: list[Application] = field(default_factory=list)


@dataclass
class Network:
    county: Hall
    township: Hall
    village: Hall
    other_township: Hall

    @property
    def halls(self) -> list[Hall]:
        return [self.county, self.township, self.village, self.other_township]


def _hall(code: str, tier: str, region: Region, parent: ServiceCenter | None) -> Hall:
    center = ServiceCenterFactory(code=code, name=f"{code}中心", tier=tier, region=region, parent=parent)
    department = DepartmentFactory(center=center, code=f"D-{code}", name=f"{code}审批科")
    item, _version = item_with_procedure(
        center=center, department=department, form_fields=[NAME_FIELD, PHONE_FIELD, PLAIN_FIELD]
    )
    slug = code.lower().replace("-", "_")

    def staff(role: str) -> Staff:
        return staff_create(
            center=center,
            username=f"{slug}_{role}",
            name=f"{code}{role}",
            roles=[role],
            password="onewindow-test",
            mobile="13700000000",
        )

    return Hall(
        center=center,
        region=region,
        department=department,
        item=item,
        admin=staff(Role.CENTER_ADMIN),
        supervisor=staff(Role.SUPERVISOR),
        clerk=staff(Role.INTAKE_CLERK),
    )


def apply(hall: Hall, n: int = 1, *, phone: str = "13912345678") -> list[Application]:
    """`n` applications at the hall's window, each by a new applicant, with the form filled;
    each case accepted and routed to the hall's department (so it has a task)."""
    made = []
    for _ in range(n):
        applicant = ApplicantFactory()
        application = services.application_create(
            center=hall.center,
            applicant=applicant,
            items=[hall.item],
            channel="window",
            materials=["id_card"],
            form_data={
                "applicant_name": applicant.name,
                "contact_phone": phone,
                "matter_description": "新办",
            },
            actor=hall.clerk,
        )
        for case in services.application_intake(application=application, actor=hall.clerk).cases:
            services.case_route(case=case, actor=hall.clerk)
        made.append(application)
    hall.applications += made
    return made


def county_network(applications: int = 1) -> Network:
    county_region = RegionFactory(code="371699000000", name="安和县", level=Region.Level.COUNTY)
    town_region = RegionFactory(
        code="371699101000", name="李庄镇", level=Region.Level.TOWNSHIP, parent=county_region
    )
    village_region = RegionFactory(
        code="371699101201", name="东村", level=Region.Level.VILLAGE, parent=town_region
    )
    other_region = RegionFactory(
        code="371699102000", name="王集镇", level=Region.Level.TOWNSHIP, parent=county_region
    )
    county = _hall("AHX", ServiceCenter.Tier.COUNTY, county_region, None)
    township = _hall("AHX-T01", ServiceCenter.Tier.TOWNSHIP, town_region, county.center)
    village = _hall("AHX-T01-V01", ServiceCenter.Tier.VILLAGE, village_region, township.center)
    other = _hall("AHX-T02", ServiceCenter.Tier.TOWNSHIP, other_region, county.center)
    network = Network(county, township, village, other)
    for hall in network.halls:
        apply(hall, applications)
    return network
