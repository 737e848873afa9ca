"""Row counts of the demo county, for the command's summary and the tests."""

from django.db.models import Count
from django.utils.translation import gettext as _

from onewindow.cases.models import Application, Case
from onewindow.catalog.models import (
    Bundle,
    CatalogList,
    MaterialRequirement,
    ServiceItem,
    ServiceItemVersion,
    StageTask,
)
from onewindow.demo.county_data import COUNTY, HALL_CODE
from onewindow.org.models import Applicant, Department, Region, Sector, ServiceCenter, Staff, Window


def demo_counts() -> list[tuple[str, int]]:
    centers = dict(
        ServiceCenter.objects.filter(code__startswith=HALL_CODE).values_list("tier").annotate(n=Count("id"))
    )
    windows = dict(Window.objects.filter(center__code=HALL_CODE).values_list("kind").annotate(n=Count("id")))
    items = ServiceItem.objects.filter(center__code=HALL_CODE)
    return [
        (_("regions in the county"), Region.objects.filter(code__startswith=COUNTY[0][:6]).count()),
        (_("county halls"), centers.get("county", 0)),
        (_("township centers"), centers.get("township", 0)),
        (_("village stations"), centers.get("village", 0)),
        (_("sectors"), Sector.objects.filter(center__code=HALL_CODE).count()),
        (_("departments"), Department.objects.filter(center__code=HALL_CODE).count()),
        (_("intake windows"), windows.get("intake", 0)),
        (_("pickup windows"), windows.get("pickup", 0)),
        (_("dedicated windows"), windows.get("dedicated", 0)),
        (_("staff"), Staff.objects.filter(center__code__startswith=HALL_CODE).count()),
        (_("applicants"), Applicant.objects.count()),
        (_("service items"), items.count()),
        (
            _("published versions"),
            ServiceItemVersion.objects.filter(item__in=items, status="published").count(),
        ),
        (_("materials"), MaterialRequirement.objects.filter(version__item__in=items).count()),
        (_("stage tasks"), StageTask.objects.filter(stage__procedure__version__item__in=items).count()),
        (_("catalog lists"), CatalogList.objects.filter(center__code=HALL_CODE).count()),
        (_("bundles"), Bundle.objects.filter(center__code=HALL_CODE).count()),
        (_("applications"), Application.objects.filter(center__code=HALL_CODE).count()),
        (_("cases"), Case.objects.filter(center__code=HALL_CODE).count()),
    ]
