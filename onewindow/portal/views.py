from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from onewindow.cases.models import CaseState
from onewindow.cases.selectors import case_progress_get
from onewindow.core.fields import mask_name
from onewindow.org.selectors import center_list_public


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"centers": center_list_public()})


@require_GET
def progress(request: HttpRequest, number: str = "") -> HttpResponse:
    """The public progress page (办件进度查询) that the QR code on every notice leads to."""
    query = number or request.GET.get("number", "")
    if query and not number:
        return redirect("portal:progress_case", number=query.strip().upper())
    case = case_progress_get(number=query) if query else None
    context = {"query": query, "case": case, "not_found": bool(query) and case is None}
    if case is not None:
        context["applicant_name"] = mask_name(case.application.applicant.name)
        labels = dict(CaseState.choices)
        context["steps"] = [(labels.get(e.to_state, e.to_state), e.at) for e in case.events.all()]
    status = 404 if context["not_found"] else 200
    if context["not_found"]:
        context["error"] = _("No case has the number %(number)s. Check the number on your notice.") % {
            "number": query
        }
    return render(request, "portal/progress.html", context, status=status)
