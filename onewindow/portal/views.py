import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from onewindow.cases.models import QUERY_CODE_ALPHABET, QUERY_CODE_LENGTH, CaseState
from onewindow.cases.selectors import case_progress_get
from onewindow.core.ratelimit import client_address, rate_limited
from onewindow.org.selectors import center_list_public
from onewindow.portal.find import facets


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"centers": center_list_public(), "facets": facets()})


# The shape of every case number the engine gives: the center's code (upper-case letters,
# digits, '-' and '_'), the date and a sequence, joined by '-'; at most 40 characters.
CASE_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,39}")
QUERY_CODE = re.compile(rf"[{QUERY_CODE_ALPHABET}]{{{QUERY_CODE_LENGTH}}}")
ID_LAST4 = re.compile(r"[0-9A-Z]{4}")


def _progress_form(request: HttpRequest, number: str) -> tuple[dict[str, str], dict[str, str]]:
    """What the visitor typed (as typed, for the form) and the errors by field name."""
    typed = {
        "number": (number or request.GET.get("number", ""))[:200],
        "code": request.GET.get("code", "")[:200],
        "name": request.GET.get("name", "")[:200],
        "id_last4": request.GET.get("id_last4", "")[:200],
    }
    errors: dict[str, str] = {}
    if "number" in request.GET and not typed["number"].strip():  # the form sent empty (no browser bubble)
        errors["number"] = _("Type the case number printed on your notice.")
    elif typed["number"].strip() and not CASE_NUMBER.fullmatch(typed["number"].strip().upper()):
        errors["number"] = _(
            "This is not a case number: copy it from your notice (e.g. AHX-20261201-000123)."
        )
    code = typed["code"].strip().upper()
    if code and not QUERY_CODE.fullmatch(code):
        errors["code"] = _(
            "The query code has 8 letters and digits, printed under the case number on your notice."
        )
    last4 = typed["id_last4"].strip().upper()
    if last4 and not ID_LAST4.fullmatch(last4):
        errors["id_last4"] = _("Type the last 4 characters of the ID number (digits, or X).")
    if typed["name"].strip() and not last4 and not code:
        errors["id_last4"] = _("Type the last 4 characters of the ID number with the name.")
    return typed, errors


@require_GET
def progress(request: HttpRequest, number: str = "") -> HttpResponse:
    """The public progress page (办件进度查询) that the QR code on every notice leads to.

    A case opens only with its number and the query code printed on its notices (the QR code
    carries both), or its number with the applicant's name and the last four characters of the
    ID number. A wrong code and a number that does not exist get the same answer, guesses are
    rate-limited per address, and the page never shows a name."""
    typed, errors = _progress_form(request, number)
    asked = bool(typed["number"].strip()) and bool(
        typed["code"].strip() or (typed["name"].strip() and typed["id_last4"].strip())
    )
    context: dict[str, Any] = {"typed": typed, "errors": errors, "case": None}
    status = 400 if errors else 200
    if asked and not errors:
        limit = settings.ONEWINDOW_TRACKING_LIMIT
        window = settings.ONEWINDOW_TRACKING_WINDOW_MINUTES
        if rate_limited(key=f"progress:{client_address(request)}", limit=limit, window_seconds=window * 60):
            context["error"] = _(
                "Too many look-ups from this network: please try again in %(minutes)d minutes."
            ) % {"minutes": window}
            return render(request, "portal/progress.html", context, status=429)
        case = case_progress_get(
            number=typed["number"], query_code=typed["code"], name=typed["name"], id_last4=typed["id_last4"]
        )
        if case is None:
            context["error"] = _(
                "No case matches this number and query code (or name and ID number). Check them on your notice."
            )
            status = 404
        else:
            context["case"] = case
            labels = dict(CaseState.choices)
            # One step per change of state: the back office's task events keep the case 办理中,
            # and a list of 办理中, 办理中, 办理中… tells the applicant nothing.
            steps: list[tuple[str, Any]] = []
            last = None
            for event in case.events.all():
                if event.to_state != last:
                    steps.append((labels.get(event.to_state, event.to_state), event.at))
                    last = event.to_state
            context["steps"] = steps
    response = render(request, "portal/progress.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"  # the address holds the query code
    return response
