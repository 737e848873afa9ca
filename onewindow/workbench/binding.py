"""The binding code slip (绑定码告知单): a window prints an applicant's portal binding code.

From the intake screen's applicant panel (the signed applicant token the screen holds) or from a
case on the pickup window (a case the clerk may see). The code is the applicant's current one
(`org.accounts.binding_code_current`): printing twice gives the same code while it is valid, and
it is the code the applicant's notices print. POST only: the first print issues the code.

The portal binding page (门户账号绑定, `binding_page`) shows the window whether an account is
bound to the applicant (its number masked) and lets it revoke a lost or leaked code and issue a
new one (作废并重新生成), or unbind the account (解除绑定): each is a form, then a confirmation page
in plain words (no pop-up dialog), then the change (`org.accounts.binding_code_reissue`,
`account_unbind`), recorded with the clerk's reason. Every step is a POST with CSRF that carries
the applicant as the slip does: the intake screen's signed token, or a case number the clerk may
see.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.cases.documents.render import render_binding_slip
from onewindow.cases.errors import CaseError
from onewindow.cases.selectors import case_get
from onewindow.core import clock
from onewindow.core.fields import mask_name
from onewindow.org.access import may_change_binding
from onewindow.org.accounts import (
    REASON_MAX,
    BindingStatus,
    account_unbind,
    binding_code_current,
    binding_code_reissue,
    binding_code_text,
    binding_reason_clean,
    binding_status,
)
from onewindow.org.errors import OrgError, org_error
from onewindow.org.models import Applicant, BindingCode, Role, Staff
from onewindow.workbench.intake import _applicant as applicant_from_token
from onewindow.workbench.intake import applicant_token
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


# --------------------------------------------------------------------------- the binding page

ACTIONS = ("reissue", "unbind")
STEPS = ("confirm", "do")


def _held_applicant(staff: Staff, request: HttpRequest) -> tuple[Applicant, dict[str, str]] | None:
    """The applicant a binding form carries, and the hidden fields that carry it on: the intake
    screen's signed token, or a case number the clerk may see. None for neither."""
    token = request.POST.get("applicant")
    if token:
        applicant = applicant_from_token(staff, token)
        if applicant is not None:
            return applicant, {"applicant": applicant_token(applicant)}
        return None
    number = (request.POST.get("case") or "")[:40].strip().upper()
    if number:
        try:
            case = case_get(actor=staff, number=number)
        except CaseError as exc:
            raise Http404(_("No such case.")) from exc
        return case.application.applicant, {"case": case.number}
    return None


def _page(
    request: HttpRequest,
    applicant: Applicant,
    carry: dict[str, str],
    *,
    binding: BindingStatus,
    may_change: bool,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    context = {
        "applicant": applicant,
        "applicant_name": mask_name(applicant.name),
        "binding": binding,
        "expect": _expected(action=str(extra.get("confirm", "")), binding=binding),
        "carry": carry,
        "may_change": may_change,
        "reason_max": REASON_MAX,
        **extra,
    }
    return render(request, "workbench/binding/page.html", context, status=status)


@require_POST
@staff_required(roles=ROLES)
def binding_page(request: HttpRequest) -> HttpResponse:
    """门户账号绑定: the status, the two changes, their confirmation and their outcome (one view,
    the step posted with the form; an unknown action or step shows the status page).

    The binding and whether the clerk may change it are read once a request (`binding_status`,
    `may_change_binding`: four queries at most); after a change the page shows what the service
    made of that binding (`_changed`), not a second read."""
    staff: Staff = request.staff  # type: ignore[attr-defined]
    held = _held_applicant(staff, request)
    if held is None:
        return HttpResponse(
            _("Find the applicant first."), status=400, content_type="text/plain; charset=utf-8"
        )
    applicant, carry = held
    binding = binding_status(applicant=applicant)
    may_change = may_change_binding(staff, applicant)

    def page(status: int = 200, **extra: Any) -> HttpResponse:
        return _page(
            request, applicant, carry, binding=binding, may_change=may_change, status=status, **extra
        )

    action = request.POST.get("action", "")
    step = request.POST.get("step", "")
    if action not in ACTIONS or step not in STEPS:
        return page()
    reason = (request.POST.get("reason") or "")[: REASON_MAX * 4]
    errors = _reason_errors(reason)
    if errors:
        return page(400, action=action, reason=reason, errors=errors)
    if not may_change:  # no confirmation page for a change one may not make
        return page(403, errors={"form": org_error("BINDING_CHANGE_NOT_ALLOWED").message})
    if step == "confirm":
        return page(confirm=action, action=action, reason=reason)
    if request.POST.get("expect", "") != _expected(action=action, binding=binding):
        # A confirmation sent again (the browser's refresh or back button) after the change was made,
        # or a change another window made meanwhile: nothing is changed twice.
        return page(409, stale=True)
    try:
        if action == "reissue":
            code = binding_code_reissue(applicant=applicant, actor=staff, reason=reason)
            binding = _changed(binding, code=code)
        else:
            account_unbind(applicant=applicant, actor=staff, reason=reason)
            binding = _changed(binding, code=None)
    except OrgError as exc:
        return page(400, action=action, reason=reason, errors={exc.field or "form": exc.message})
    done: dict[str, Any] = {"done": action}
    if action == "reissue":
        done["until"] = timezone.localdate(code.expires_at - dt.timedelta(seconds=1)).isoformat()
    return page(**done)


def _changed(binding: BindingStatus, *, code: BindingCode | None) -> BindingStatus:
    """The binding after the window's change, as `binding_status` would read it: a reissue leaves
    the account and holds the new `code`; an unbind (`code` None) leaves the codes and no account."""
    if code is not None:
        return dataclasses.replace(binding, code_until=code.expires_at, code_id=code.pk)
    return dataclasses.replace(binding, account=None, account_mobile="", bound_at=None)


def _expected(*, action: str, binding: BindingStatus) -> str:
    """What a confirmation form expects to change: the code it voids, the account it unbinds."""
    if action == "reissue":
        return f"code:{binding.code_id or ''}"
    if action == "unbind":
        return f"account:{binding.account.pk if binding.account is not None else ''}"
    return ""


def _reason_errors(reason: str) -> dict[str, str]:
    """The reason checked before the confirmation page (the service checks it again)."""
    try:
        binding_reason_clean(reason)
    except OrgError as exc:
        return {"reason": exc.message}
    return {}
