"""The binding code slip (绑定码告知单): a window prints an applicant's portal binding code.

From the intake screen's applicant panel (the signed applicant token the screen holds) or from a
case on the pickup window (a case the clerk may see). The code is the applicant's current one
(`org.accounts.binding_code_current`): printing twice gives the same code while it is valid, and
it is the code the applicant's notices print. POST only: the first print issues the code.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.cases.documents.render import render_binding_slip
from onewindow.cases.errors import CaseError
from onewindow.cases.selectors import case_get
from onewindow.core import clock
from onewindow.org.accounts import binding_code_current, binding_code_text
from onewindow.org.models import Applicant, BindingCode, Role, Staff
from onewindow.workbench.intake import _applicant as applicant_from_token
from onewindow.workbench.staff import staff_required

ROLES = (Role.INTAKE_CLERK, Role.PICKUP_CLERK)


def _slip(staff: Staff, applicant: Applicant) -> HttpResponse:
    code = binding_code_current(applicant=applicant, source=BindingCode.Source.WINDOW, actor=staff.user)
    pdf = render_binding_slip(
        center_name=staff.center.name,
        applicant_name=applicant.name,
        code=binding_code_text(code.code),
        until=timezone.localdate(code.expires_at - dt.timedelta(seconds=1)),
        issued_at=clock.now(),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="binding-code.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@staff_required(roles=ROLES)
def binding_slip(request: HttpRequest) -> HttpResponse:
    """The slip of the applicant the intake screen holds (its signed token; 404 without one)."""
    staff: Staff = request.staff  # type: ignore[attr-defined]
    applicant = applicant_from_token(staff, request.POST.get("applicant"))
    if applicant is None:  # nothing signed by the screen: a malformed request, not a missing object
        return HttpResponse(
            _("Find the applicant first."), status=400, content_type="text/plain; charset=utf-8"
        )
    return _slip(staff, applicant)


@require_POST
@staff_required(roles=ROLES)
def case_binding_slip(request: HttpRequest, number: str) -> HttpResponse:
    """The slip of a case's applicant, for a case the clerk may see (404 otherwise)."""
    staff: Staff = request.staff  # type: ignore[attr-defined]
    try:
        case = case_get(actor=staff, number=number[:40].strip().upper())
    except CaseError as exc:
        raise Http404(_("No such case.")) from exc
    return _slip(staff, case.application.applicant)
