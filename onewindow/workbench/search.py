"""Case search for every member of staff, within their scope, and its spreadsheet export.

The filters are parsed by the engine's one search schema (`cases.selectors.CaseSearchIn`),
so the page and the export read a state, an item or a date by the same rule; a bad value is
a Chinese message on its field, never a server error. The list is one scoped query of one
page plus one row (`case_page`): keyset pagination on (created_at, id) through `?after=`,
no count of the table, a "next page" link only. Rows load the listed columns only, so no
encrypted column is read.

Each row's display values are computed once here (`case_rows`: labels, the masked name, the
local acceptance time, the deadline light against one "today"), so the template's loop only
prints strings: its per-row lookups, filters and tags were most of the page's time
(docs/performance.md, "case search page").

The export runs in the background (`cases.actions.export`): the page enqueues it and polls
its state with htmx; the file is downloaded through `case_export_download`, for its
requester only (anyone else gets a 404, as for an export that does not exist).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypedDict, cast

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from onewindow.cases import services
from onewindow.cases.errors import CaseError
from onewindow.cases.models import OPEN_STATES, Case, CaseState, Channel
from onewindow.cases.selectors import (
    CaseCursor,
    case_export_get,
    case_export_list,
    case_page,
    case_search_check,
    case_search_choices,
)
from onewindow.core import clock
from onewindow.core.models import Job
from onewindow.workbench.staff import staff_required
from onewindow.workbench.templatetags.workbench import days_left, light_html, masked_name

PAGE_SIZE = 50
# `staff_required` for a view that streams a file (its responses are not HttpResponse).
staff_file = cast(
    Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]], staff_required
)
FILTER_KEYS = ("state", "item", "department", "channel", "accepted_from", "accepted_to", "overdue")
MAX_VALUE = 200  # longer values are cut before parsing (the parser then refuses them by field)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _raw_filters(data: QueryDict) -> dict[str, str]:
    return {key: data.get(key, "")[:MAX_VALUE] for key in FILTER_KEYS if data.get(key, "").strip()}


def case_url_parts() -> tuple[str, str] | None:
    """The case page's address around the number (before, after), once a case page exists
    (`workbench:case`); None until then (the list shows plain numbers). One reverse per page
    instead of one per row."""
    try:
        before, _number, after = reverse("workbench:case", kwargs={"number": "NUMBER"}).rpartition("NUMBER")
    except NoReverseMatch:
        return None
    return before, after


class CaseRow(TypedDict):
    """What one row of the results shows, ready to print (escaped by the template)."""

    number: str
    url: str  # the case page, "" while there is none
    item: str
    department: str
    applicant: str  # masked for a person
    channel: str
    state: str
    accepted_at: str  # local time, "—" before acceptance
    deadline: SafeString | str  # the light while open, "—" once ended


def case_rows(cases: list[Case]) -> list[CaseRow]:
    """The results' rows: the labels are read once per page (not a translation per row), the
    clock and the case page's address once, the light from one "today"."""
    url = case_url_parts()
    states = {str(value): str(label) for value, label in CaseState.choices}
    channels = {str(value): str(label) for value, label in Channel.choices}
    open_states = {str(s) for s in OPEN_STATES}
    today = clock.today()
    rows: list[CaseRow] = []
    for case in cases:
        application = case.application
        accepted = case.accepted_at
        rows.append(
            {
                "number": case.number,
                "url": f"{url[0]}{case.number}{url[1]}" if url else "",
                "item": case.item.name,
                "department": case.department.name,
                "applicant": masked_name(application.applicant),
                "channel": channels.get(application.channel, application.channel),
                "state": states.get(case.state, case.state),
                "accepted_at": timezone.localtime(accepted).strftime("%Y-%m-%d %H:%M") if accepted else "—",
                "deadline": light_html(days_left(case.deadline, today), bool(case.suspended_since))
                if case.state in open_states
                else "—",
            }
        )
    return rows


@require_GET
@staff_required
def case_search(request: HttpRequest) -> HttpResponse:
    """Search the cases the staff member may see; one page of 50, newest first."""
    staff = request.staff  # type: ignore[attr-defined]
    raw = _raw_filters(request.GET)
    search, errors = case_search_check(raw)
    after_raw = request.GET.get("after", "")
    after = CaseCursor.parse(after_raw[:MAX_VALUE]) if after_raw else None
    if after_raw and after is None:
        errors.append(
            {
                "field": "after",
                "message": _("The page address is not valid; start again from the first page."),
                "code": "FIELD_INVALID",
            }
        )
    items, departments = case_search_choices(actor=staff)
    context: dict[str, Any] = {
        "values": raw,
        "errors": {e["field"]: e["message"] for e in errors},
        "states": [c for c in CaseState.choices if c[0] != CaseState.DRAFT],
        "channels": Channel.choices,
        "items": items,
        "departments": departments,
        "page": None,
        "rows": [],
        "next_url": "",
        "first_url": "",
        "exports": case_export_list(actor=staff),
        "export_filters": raw,
    }
    if search is None or errors:
        return render(request, "workbench/cases/search.html", context, status=400)
    filters = search.filters()
    if after is not None:
        filters["after"] = after
    page = case_page(actor=staff, filters=filters, size=PAGE_SIZE)
    context["page"] = page
    context["rows"] = case_rows(page.cases)
    if page.next_after is not None:
        context["next_url"] = "?" + urlencode({**raw, "after": str(page.next_after)})
    if after is not None:
        context["first_url"] = "?" + urlencode(raw)
    return render(request, "workbench/cases/search.html", context)


@require_POST
@staff_required
def case_export_create(request: HttpRequest) -> HttpResponse:
    """Enqueue an export of the search in the posted filters; answers with its state box."""
    staff = request.staff  # type: ignore[attr-defined]
    raw = _raw_filters(request.POST)
    search, errors = case_search_check(raw)
    if search is None:
        return _export_box(request, None, error=errors[0]["message"], status=400)
    try:
        export = services.case_export_request(
            actor=staff, filters=search.model_dump(mode="json", exclude_defaults=True)
        )
    except CaseError as exc:
        return _export_box(request, None, error=exc.message, status=400)
    return _export_box(request, export)


def _export_box(request: HttpRequest, export: Any, *, error: str = "", status: int = 200) -> HttpResponse:
    # htmx swaps only 2xx answers: a refusal comes back as 200 with its message for htmx.
    if request.headers.get("HX-Request") and status >= 400:
        status = 200
    return render(request, "workbench/cases/_export.html", {"export": export, "error": error}, status=status)


def _own_export(request: HttpRequest, pk: int) -> Job:
    export = case_export_get(actor=request.staff, pk=pk)  # type: ignore[attr-defined]
    if export is None:
        raise Http404(_("No such export."))
    return export


@require_GET
@staff_required
def case_export_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The state of one of the staff member's exports (htmx polls it until it is finished)."""
    return _export_box(request, _own_export(request, pk))


@require_GET
@staff_file
def case_export_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The finished file, for its requester only; 404 for anyone else and for an unfinished export."""
    export = _own_export(request, pk)
    path = services.case_export_path(export)
    if path is None:
        raise Http404(_("No such export."))
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=services.case_export_filename(export), content_type=XLSX
    )
    response["Cache-Control"] = "private, no-store"
    return response
