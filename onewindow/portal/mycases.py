"""My cases (我的办件): the cases an account may see, one case with its trail, its notices as PDF,
and binding the account to its applicant with a code.

Every view is `portal_required` and reads through `cases.selectors` with the account as the
actor, which scopes through the one selector `account_cases`: a bound account sees every case of
its applicant, an unbound one only what it filed online. A case outside that scope is a 404,
exactly as a number that does not exist (docs/decisions/0024-binding-codes-and-sms.md).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from onewindow.cases.documents.notice import NoticeKind
from onewindow.cases.documents.render import render_notice
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Case, CaseEvent
from onewindow.cases.notices import case_notice, notice_ordinal, notices_issued
from onewindow.cases.presenters import citizen_trail
from onewindow.cases.selectors import CaseCursor, case_get, case_page, case_timeline
from onewindow.core.ratelimit import client_address
from onewindow.org.accounts import account_applicant, account_bind
from onewindow.org.errors import OrgError
from onewindow.portal.accounts import AccountRequest, portal_required

PAGE_SIZE = 20
CITIZEN_NOTICES = (
    NoticeKind.ACCEPTANCE,
    NoticeKind.REFUSAL,
    NoticeKind.SUPPLEMENT,
    NoticeKind.COMPLETION,
    NoticeKind.HANDOVER,
)
CASE_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,39}")


def _account_case(request: HttpRequest, number: str) -> Case:
    account = cast(AccountRequest, request).account
    number = (number or "")[:40].strip().upper()
    if not CASE_NUMBER.fullmatch(number):
        raise Http404(_("No such case."))
    try:
        return case_get(actor=account, number=number)
    except CaseError as exc:
        raise Http404(_("No such case.")) from exc


@portal_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """The account's cases, newest first, a page at a time (keyset: `?after=` the last one)."""
    account = cast(AccountRequest, request).account
    after = CaseCursor.parse(request.GET.get("after", "")[:40])
    page = case_page(actor=account, filters={"after": after} if after else {}, size=PAGE_SIZE)
    context = {
        "account": account,
        "cases": page.cases,
        "next_after": str(page.next_after) if page.next_after else "",
        "first_page": after is None,
    }
    return render(request, "portal/my/cases.html", context)


def _notices(events: list[CaseEvent]) -> list[tuple[str, str, int | None]]:
    """(kind, label, n): the notices the applicant reads (not the staff's commitment letter)."""
    out: list[tuple[str, str, int | None]] = []
    for kind, n in notices_issued(events, kinds=CITIZEN_NOTICES):
        label = NoticeKind(kind).label
        out.append((kind, _("%(notice)s (no. %(n)d)") % {"notice": label, "n": n} if n else str(label), n))
    return out


@portal_required
@require_GET
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One case: its state, both deadlines, the trail in plain sentences (no staff names), the
    notices, the decision and how the result reaches the applicant."""
    case = _account_case(request, number)
    events = list(
        case_timeline(case=case).only("case_id", "seq", "action", "actor_id", "actor_name", "at", "data")
    )
    application = case.application
    context: dict[str, Any] = {
        "case": case,
        "trail": citizen_trail(events=events),
        "notices": _notices(events),
        "delivery_method": case.get_delivery_method_display()
        if case.delivery_method
        else application.get_delivery_method_display(),
    }
    return render(request, "portal/my/case.html", context)


@portal_required
@require_GET
def notice_pdf(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    """A notice of one of the account's cases, built by the same code as the window's (404 for
    another's case, or a notice the case has not had)."""
    ordinal = notice_ordinal(request.GET.get("n"))
    if kind not in NoticeKind.values or ordinal == 0:
        raise Http404(_("No such notice."))
    case = _account_case(request, number)
    try:
        notice = case_notice(case=case, kind=kind, ordinal=ordinal)
    except (CaseError, ValueError) as exc:
        raise Http404(_("No such notice.")) from exc
    # The binding code is for paper handed over at a window or sent by post: an account that is
    # not bound yet must not read one off its own online case's notice and bind itself.
    notice = dataclasses.replace(notice, binding_code="", binding_code_until=None)
    response = HttpResponse(render_notice(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{notice.filename}"'
    response["Cache-Control"] = "private, no-store"  # personal data
    return response


@portal_required
@require_http_methods(["GET", "POST"])
def bind(request: HttpRequest) -> HttpResponse:
    """Bind the account to its applicant with the code from a window's slip or a notice."""
    account = cast(AccountRequest, request).account
    typed = request.POST.get("code", "")[:64]
    error = ""
    if request.method == "POST":
        try:
            account_bind(account=account, code=typed, address=client_address(request))
        except OrgError as exc:
            error = exc.message
        else:
            return redirect("portal:my_cases")
    context = {"account": account, "applicant": account_applicant(account), "typed": typed, "error": error}
    return render(request, "portal/my/bind.html", context, status=400 if error else 200)
