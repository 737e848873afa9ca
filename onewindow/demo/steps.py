"""The demo loader: an ordered list of steps, each idempotent.

`load_demo()` runs `STEPS` in order with one `DemoContext`. Later apps add their own demo
data (the case history, queue tickets …) by appending a step, from their own module:

    from onewindow.demo.steps import DemoStep, register_step
    register_step(DemoStep("cases", build_case_history, _("case history")))

A step must look rows up by natural keys and create only what is missing, so that
`manage.py load_demo` can run any number of times."""

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.demo import county, history
from onewindow.demo.catalog_data import build_catalog_data
from onewindow.demo.county import DemoContext
from onewindow.demo.county_data import HALL_CODE
from onewindow.org.models import ServiceCenter


@dataclass(frozen=True)
class DemoStep:
    name: str
    run: Callable[[DemoContext], None]
    label: object = ""


def build_catalog(ctx: DemoContext) -> None:
    """Load the catalog document through the catalog import service (the same path an
    operator's Excel/JSON import takes), so the demo exercises its validation; an
    unchanged document is a no-op there."""
    from onewindow.catalog.services import catalog_import

    hall = ctx.hall or ServiceCenter.objects.get(code=HALL_CODE)
    actor = get_user_model().objects.filter(username="ahx_admin").first()
    report = catalog_import(center=hall, data=build_catalog_data(hall.code), actor=actor)
    if report.items_created:
        ctx.count("items", report.items_created)
    if report.versions_published:
        ctx.count("versions", report.versions_published)


STEPS: list[DemoStep] = [
    DemoStep("regions", county.build_regions, gettext_lazy("regions")),
    DemoStep(
        "centers", county.build_centers, gettext_lazy("service centers, sectors, departments and windows")
    ),
    DemoStep("staff", county.build_staff, gettext_lazy("staff and demo logins")),
    DemoStep("applicants", county.build_applicants, gettext_lazy("applicants")),
    DemoStep("catalog", build_catalog, gettext_lazy("catalog")),
    DemoStep("history", history.build_history, gettext_lazy("case history")),
]


def register_step(step: DemoStep, *, after: str | None = None) -> None:
    """Add a step (replacing one of the same name), at the end or right after `after`."""
    STEPS[:] = [s for s in STEPS if s.name != step.name]
    if after is None:
        STEPS.append(step)
    else:
        index = next(i for i, s in enumerate(STEPS) if s.name == after)
        STEPS.insert(index + 1, step)


def load_demo(*, only: list[str] | None = None, log: Callable[[str], None] | None = None) -> DemoContext:
    """Run the steps (all, or those named in `only`) and return what they created."""
    ctx = DemoContext()
    ctx.hall = ServiceCenter.objects.filter(code=HALL_CODE).first()
    for step in STEPS:
        if only and step.name not in only:
            continue
        started = time.monotonic()
        step.run(ctx)
        if log:
            log(
                _("%(step)s: done in %(seconds).1f s")
                % {"step": step.label or step.name, "seconds": time.monotonic() - started}
            )
    if not ctx.logins:
        ctx.logins = county.demo_logins()
    return ctx
