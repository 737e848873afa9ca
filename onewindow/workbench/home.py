"""The home page: each member of staff lands on their own work, one panel per role they hold.

Every number comes from one aggregate selector of the case engine (`cases.counts.*_counts`),
scoped by `org.access`; the page costs the same few queries whatever the number of cases. A panel
links to the screen where the work is done; screens not built yet are left unlinked (`_url`), so
the page never breaks on a missing URL name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from onewindow.cases.counts import (
    TOP_ITEMS,
    UNROUTED_WARNING_DAYS,
    case_counts,
    department_case_counts,
    intake_counts,
    pickup_counts,
    task_counts,
)
from onewindow.cases.models import CaseState
from onewindow.core import calendar, clock
from onewindow.org.models import Role, Staff
from onewindow.workbench import agent
from onewindow.workbench.staff import staff_required
from onewindow.workbench.templatetags.workbench import YELLOW_AT


@dataclass
class Count:
    label: str
    n: int
    url: str = ""
    tone: str = ""  # "warning" or "danger": a number someone should act on (written, not only coloured)


@dataclass
class Panel:
    key: str
    title: str
    counts: list[Count]
    link: str = ""
    link_label: str = ""
    tables: list[dict[str, Any]] = field(default_factory=list)


def _url(name: str) -> str:
    """The address of a workbench screen, or "" while that screen does not exist."""
    try:
        return reverse(f"workbench:{name}")
    except NoReverseMatch:
        return ""


def soon_before(today: dt.date | None = None) -> dt.datetime:
    """The end of the last day whose deadlines the workbench lights yellow (`YELLOW_AT` working
    days ahead): a deadline before it is "due soon"."""
    last = calendar.add_working_days(today or clock.today(), YELLOW_AT)
    return timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))


def _intake(staff: Staff) -> Panel:
    c = intake_counts(actor=staff)
    intake, prereview = _url("intake"), _url("prereview")
    return Panel(
        "intake",
        _("Intake window"),
        [
            Count(_("Accepted today at this center"), c["accepted_today"], intake),
            Count(_("Accepted today by me"), c["accepted_today_by_me"], intake),
            Count(_("Waiting at the window"), c["waiting"], intake, "warning" if c["waiting"] else ""),
            Count(
                _("Online applications waiting for pre-review"),
                c["prereview"],
                prereview,
                "warning" if c["prereview"] else "",
            ),
            Count(_("Waiting for a supplement"), c["pending_supplement"], intake),
            Count(
                _("Accepted, not sent to the back office"),
                c["unrouted"],
                _url("routing"),
                "warning" if c["unrouted"] else "",
            ),
        ],
        intake,
        _("Open the intake screen"),
    )


def _approver(staff: Staff, soon: dt.datetime) -> Panel:
    c = task_counts(actor=staff, soon_before=soon)
    inbox = _url("inbox")
    return Panel(
        "approver",
        _("My department's tasks"),
        [
            Count(_("Open, not claimed"), c["open"], inbox),
            Count(_("Claimed by me"), c["claimed_by_me"], inbox),
            Count(_("Claimed by colleagues"), c["claimed_by_others"], inbox),
            Count(
                _("Due within %(n)d working days") % {"n": YELLOW_AT},
                c["due_soon"],
                inbox,
                "warning" if c["due_soon"] else "",
            ),
            Count(_("Overdue"), c["overdue"], inbox, "danger" if c["overdue"] else ""),
        ],
        inbox,
        _("Open the department inbox"),
    )


def _chief(staff: Staff, soon: dt.datetime) -> Panel:
    c = department_case_counts(actor=staff, soon_before=soon)
    inbox, extensions = _url("inbox"), _url("extensions")
    counts = [
        Count(
            _("Ready for the decision"),
            c["ready_to_decide"],
            inbox,
            "warning" if c["ready_to_decide"] else "",
        ),
        Count(_("Decided, to be completed"), c["decided"], inbox),
        Count(_("Suspended (special procedure)"), c["suspended"], inbox),
        Count(
            _("Due within %(n)d working days") % {"n": YELLOW_AT},
            c["due_soon"],
            inbox,
            "warning" if c["due_soon"] else "",
        ),
        Count(_("Past the promised deadline"), c["overdue"], inbox, "danger" if c["overdue"] else ""),
    ]
    return Panel(
        "chief",
        _("My department's cases"),
        counts,
        extensions or inbox,
        _("Extension requests") if extensions else _("Open the department inbox"),
    )


def _pickup(staff: Staff) -> Panel:
    c = pickup_counts(actor=staff)
    pickup = _url("pickup")
    return Panel(
        "pickup",
        _("Results to hand over"),
        [
            Count(_("Completed, not yet delivered"), c["ready"], pickup, "warning" if c["ready"] else ""),
            Count(_("To be picked up at the window"), c["pickup"], pickup),
            Count(_("To be mailed"), c["mail"], pickup),
            Count(_("To be sent electronically"), c["electronic"], pickup),
        ],
        pickup,
        _("Open the pickup screen"),
    )


def _oversight(staff: Staff) -> Panel:
    by_state = case_counts(actor=staff, by="state")
    by_item = case_counts(actor=staff, by="item")
    by_department = case_counts(actor=staff, by="department")
    total = sum(r["n"] for r in by_state)
    overdue = sum(r["overdue"] for r in by_state)
    unrouted_late = sum(r["unrouted_late"] for r in by_state)
    cases = _url("case_search")
    accepted = f"{cases}?state={CaseState.ACCEPTED}" if cases else ""
    tables: list[dict[str, Any]] = [
        {"key": "state", "title": _("Unfinished cases by state"), "rows": by_state, "head": _("State")},
        {
            "key": "item",
            "title": _("The %(n)d items with most unfinished cases") % {"n": TOP_ITEMS},
            "rows": by_item,
            "head": _("Service item"),
        },
        {
            "key": "department",
            "title": _("Unfinished cases by department"),
            "rows": by_department,
            "head": _("Department"),
        },
    ]
    for table in tables:
        table["chart"] = {
            "labels": [r["label"] for r in table["rows"]],
            "series": [
                {"name": str(_("Unfinished")), "values": [r["n"] for r in table["rows"]]},
                {"name": str(_("Overdue")), "values": [r["overdue"] for r in table["rows"]]},
            ],
            "horizontal": table["key"] != "state",
        }
    return Panel(
        "oversight",
        _("Cases in %(center)s and the centers below it") % {"center": staff.center.name},
        [
            Count(_("Unfinished cases"), total, cases),
            Count(_("Past the promised deadline"), overdue, cases, "danger" if overdue else ""),
            Count(
                _("Accepted, waiting more than %(n)d working day to be sent to the back office")
                % {"n": UNROUTED_WARNING_DAYS},
                unrouted_late,
                accepted,
                "warning" if unrouted_late else "",
            ),
        ],
        cases,
        _("Search the cases"),
        tables,
    )


@require_GET
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    staff: Staff = request.staff  # type: ignore[attr-defined]
    soon = soon_before()
    panels: list[Panel] = []
    if staff.has_role(Role.INTAKE_CLERK):
        panels.append(_intake(staff))
    if staff.has_role(Role.APPROVER):
        panels.append(_approver(staff, soon))
    if staff.has_role(Role.CHIEF_REPRESENTATIVE):
        panels.append(_chief(staff, soon))
    if staff.has_role(Role.PICKUP_CLERK):
        panels.append(_pickup(staff))
    if staff.has_role(Role.SUPERVISOR) or staff.has_role(Role.CENTER_ADMIN):
        panels.append(_oversight(staff))
    if not panels and staff.has_role(Role.PROXY_AGENT):
        return agent.home_page(request, staff)  # a village agent lands on what they filed
    context = {
        "staff": staff,
        "panels": panels,
        "is_center_admin": staff.has_role(Role.CENTER_ADMIN),
        "is_proxy_agent": staff.has_role(Role.PROXY_AGENT),
        "today": clock.today(),
    }
    return render(request, "workbench/home.html", context)
