import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from onewindow.cases.models import CaseState
from onewindow.cases.selectors import case_progress_get
from onewindow.core.fields import mask_name
from onewindow.org.selectors import center_list_public


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"centers": center_list_public()})


# The shape of every case number the engine gives: the center's code (upper-case letters,
# digits, '-' and '_'), the date and a sequence, joined by '-'; at most 40 characters.
CASE_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,39}")


@require_GET
def progress(request: HttpRequest, number: str = "") -> HttpResponse:
    """The public progress page (办件进度查询) that the QR code on every notice leads to.

    The search form sends `?number=`; a value that can be a case number is redirected to the
    case's own address, anything else (blank, a '/', text that is no case number) is answered
    on this page, so what a visitor types never has to fit a URL pattern, and only a value of
    that shape is asked of the database."""
    query = number or request.GET.get("number", "").strip()
    cleaned = query.strip().upper()
    can_be_a_case = CASE_NUMBER.fullmatch(cleaned) is not None
    if can_be_a_case and not number:
        return redirect("portal:progress_case", number=cleaned)
    case = case_progress_get(number=cleaned) if can_be_a_case else None
    context = {"query": query, "case": case, "not_found": bool(query) and case is None}
    if case is not None:
        context["applicant_name"] = mask_name(case.application.applicant.name)
        labels = dict(CaseState.choices)
        context["steps"] = [(labels.get(e.to_state, e.to_state), e.at) for e in case.events.all()]
    status = 404 if context["not_found"] else 200
    if context["not_found"]:
        context["error"] = _("No case has the number %(number)s. Check the number on your notice.") % {
            "number": Truncator(query).chars(40)
        }
    return render(request, "portal/progress.html", context, status=status)
