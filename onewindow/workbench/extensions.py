"""Extensions waiting (/workbench/extensions/): the chief representative's list of the
extension requests of their department's cases (`selectors.extension_requests_pending`,
one scoped SELECT), each with its approve and refuse forms. The forms post to the case
page's action (`casepage.case_action`: `extend` / `extension_refuse`), which comes back here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from onewindow.cases import selectors
from onewindow.cases.models import CaseState
from onewindow.org.models import Role
from onewindow.workbench.staff import staff_required

LIST_MAX = 200


@require_GET
@staff_required(roles=[Role.CHIEF_REPRESENTATIVE, Role.CENTER_ADMIN, Role.SUPERVISOR])
def extensions(request: HttpRequest) -> HttpResponse:
    pending = list(selectors.extension_requests_pending(actor=request.staff)[:LIST_MAX])  # type: ignore[attr-defined]
    rows = [
        {
            "event": e,
            "case": e.case,
            "days": (e.data or {}).get("days"),
            "paused": e.case.state == CaseState.SUSPENDED,
        }
        for e in pending
    ]
    return render(request, "workbench/extensions/list.html", {"rows": rows})
