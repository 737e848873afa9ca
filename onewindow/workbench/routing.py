"""已受理未送后台: the window's accepted cases that have not reached the back office yet.

An accepted case's promised deadline runs from acceptance, but no department sees it until
the window routes it (`route`, docs/decisions/0028). This screen lists the clerk's own center's
accepted cases, oldest first, with the working days each has waited (the official calendar),
and routes the ticked ones in one POST through `services.cases_route` (each case its own
transaction and event; a case changed meanwhile is skipped and named; hostile input refused
with nothing changed). The intake result and the pre-review's pass-and-accept post their
accepted cases to the same view, with `back` naming the page to return to.

Each ticked box carries "<case id>:<event count>", the `seq` the case page's forms carry.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from onewindow.cases import services
from onewindow.cases.errors import CaseError, case_error
from onewindow.cases.selectors import case_list_unrouted
from onewindow.core import calendar, clock
from onewindow.org.models import Role, Staff
from onewindow.workbench.search import case_url_parts
from onewindow.workbench.staff import staff_required
from onewindow.workbench.templatetags.workbench import masked_name

LIST_SIZE = services.ROUTE_BATCH_MAX
PICK = re.compile(r"^([0-9]{1,12}):([0-9]{1,9})$")  # ASCII digits only
BACK = {"list": "workbench:routing", "intake": "workbench:intake", "prereview": "workbench:prereview"}
MAX_RAW = 200_000  # characters of ticked values read at most; past that the list is too long anyway


def unrouted_rows(cases: list[Any]) -> list[dict[str, Any]]:
    """The list's rows, ready to print: the waiting time in working days after the day of
    acceptance up to today (0 for a case accepted today)."""
    today = clock.today()
    url = case_url_parts()
    rows = []
    for case in cases:
        accepted = timezone.localtime(case.accepted_at)
        rows.append(
            {
                "pk": case.pk,
                "seq": case.event_count,
                "number": case.number,
                "url": f"{url[0]}{case.number}{url[1]}" if url else "",
                "item": case.item.name,
                "department": case.department.name,
                "applicant": masked_name(case.application.applicant),
                "accepted_at": accepted.strftime("%Y-%m-%d %H:%M"),
                "waited": max(0, calendar.working_days_between(accepted.date(), today)),
            }
        )
    return rows


def _list(request: HttpRequest, staff: Staff, *, error: str = "", status: int = 200) -> HttpResponse:
    cases, total = case_list_unrouted(actor=staff, limit=LIST_SIZE)
    context = {"rows": unrouted_rows(cases), "total": total, "limit": LIST_SIZE, "error": error}
    return render(request, "workbench/routing/list.html", context, status=status)


@require_GET
@staff_required(roles=[Role.INTAKE_CLERK])
def routing_list(request: HttpRequest) -> HttpResponse:
    return _list(request, request.staff)  # type: ignore[attr-defined]


def parse_picks(values: list[str]) -> list[tuple[int, int]]:
    """The ticked "<id>:<seq>" values (one per box, or several in one value separated by
    commas): ROUTE_TOO_MANY past the batch's size, ROUTE_MALFORMED for anything else odd."""
    if sum(len(v) for v in values) > MAX_RAW:
        raise case_error("ROUTE_TOO_MANY", max=services.ROUTE_BATCH_MAX)
    tokens = [t.strip() for v in values for t in v.split(",") if t.strip()]
    if len(tokens) > services.ROUTE_BATCH_MAX:
        raise case_error("ROUTE_TOO_MANY", max=services.ROUTE_BATCH_MAX)
    picks = []
    for token in tokens:
        match = PICK.match(token)
        if match is None:
            raise case_error("ROUTE_MALFORMED")
        picks.append((int(match[1]), int(match[2])))
    return picks


@require_POST
@staff_required(roles=[Role.INTAKE_CLERK])
def routing_send(request: HttpRequest) -> HttpResponse:
    """Route the ticked cases; back to the page named by `back` with what was done and what
    was skipped, or the list again with the refusal (status 400) and nothing changed."""
    staff: Staff = request.staff  # type: ignore[attr-defined]
    try:
        values = request.POST.getlist("case")
        back = BACK.get(request.POST.get("back", ""), BACK["list"])
    except TooManyFieldsSent:  # thousands of boxes: Django stops reading the body
        return _list(
            request,
            staff,
            error=case_error("ROUTE_TOO_MANY", max=services.ROUTE_BATCH_MAX).message,
            status=400,
        )
    try:
        batch = services.cases_route(picks=parse_picks(values), actor=staff)
    except CaseError as exc:
        return _list(request, staff, error=exc.message, status=400)
    if batch.routed:
        messages.success(
            request,
            ngettext(
                "%(count)d case went to the back office: %(numbers)s.",
                "%(count)d cases went to the back office: %(numbers)s.",
                len(batch.routed),
            )
            % {"count": len(batch.routed), "numbers": "、".join(batch.routed)},
        )
    for number, reason in batch.skipped:
        messages.warning(
            request, _("%(number)s was not sent: %(reason)s") % {"number": number, "reason": reason}
        )
    return redirect(back)
