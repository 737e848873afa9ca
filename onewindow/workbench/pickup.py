"""统一出件: the pickup window finds an applicant's finished cases and hands each one over.

One search box takes a case number, a resident ID number (or an organisation's USCC) or a
mobile number; the ID number and the mobile number are found through their blind indexes
(`org.selectors.applicant_find`, `applicant_list`), never by decrypting rows. The page then
lists the applicant's cases that are ready (state `completed`) *in the clerk's scope*
(`cases.selectors.case_list`): an applicant with no case the clerk may see reads exactly
like one that does not exist.

Each case is handed over (领取: the collector's name, and a document number when someone
else collects), mailed (邮寄: carrier and tracking number) or delivered electronically
(电子送达), always through the engine's `case_deliver`, which locks the case: a second
click finds it delivered and the page shows the delivered case, not an error, so a
double-clicked hand-over delivers once. Closing (归档) stays a later, separate step of the
engine. The receipt (出件回执) is the handover notice PDF.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from onewindow.cases import services
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Case, CaseState
from onewindow.cases.selectors import case_get, case_list
from onewindow.catalog.models import DeliveryMethod
from onewindow.core.errors import FieldError, field_error
from onewindow.core.inputs import Schema, Text, YesNo, input_check
from onewindow.core.validators import normalise_mobile, validate_id_number
from onewindow.org.models import Applicant, Role
from onewindow.org.selectors import applicant_find, applicant_list
from onewindow.workbench.staff import staff_required

# The engine's table: who may deliver (rules.TRANSITIONS["deliver"]).
ROLES = (Role.PICKUP_CLERK, Role.INTAKE_CLERK)
clerks_only: Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]] = staff_required(
    roles=ROLES
)
MAX_TERM = 40
MAX_READY = 50  # an applicant with more ready cases than this is shown the first 50

_ID_RE = re.compile(r"^\d{17}[\dX]$")
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_CASE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}-\d{8}-\d{1,9}$")  # <center code>-<yyyymmdd>-<n>
_DOCUMENT_RE = re.compile(r"^[A-Z0-9]{5,30}$")
_TRACKING_RE = re.compile(r"^[A-Z0-9-]{5,64}$")


def _term(raw: str) -> str:
    """The search term as typed, folded: full-width forms and blanks do not count."""
    return "".join(unicodedata.normalize("NFKC", raw or "").split()).upper()


def _find(actor: Any, term: str) -> tuple[list[Case], str, Case | None]:
    """The ready cases for a search term, an error for the search box ("" when none), and
    the case named by number when it is not ready (to say why it is not listed)."""
    ready = {"state": CaseState.COMPLETED}
    if _CASE_RE.match(term):
        try:
            case = case_get(actor=actor, number=term)
        except CaseError:
            return [], "", None
        cases = _ready(actor, {**ready, "applicant": case.application.applicant_id})
        return cases, "", None if case.state == CaseState.COMPLETED else case
    if _ID_RE.match(term):
        found = applicant_find(id_number=term)
        if found is None and _USCC_RE.match(term):
            found = applicant_find(uscc=term)
        return (_ready(actor, {**ready, "applicant": found.pk}) if found else []), "", None
    if _USCC_RE.match(term):
        found = applicant_find(uscc=term)
        return (_ready(actor, {**ready, "applicant": found.pk}) if found else []), "", None
    mobile = normalise_mobile(term)
    if _MOBILE_RE.match(mobile):
        ids = applicant_list(mobile=mobile).values("pk")
        return _ready(actor, {**ready, "applicant": ids}), "", None
    return (
        [],
        _("Enter a case number, an 18-character ID number or credit code, or an 11-digit mobile number."),
        None,
    )


def _ready(actor: Any, filters: dict[str, Any]) -> list[Case]:
    return list(case_list(actor=actor, filters=filters)[:MAX_READY])


@require_http_methods(["GET", "POST"])
@clerks_only
def pickup(request: HttpRequest) -> HttpResponse:
    """The pickup window: the search box, and the ready cases of whom it found.

    The search is POSTed: an ID or mobile number never travels in an address (browser
    history, access logs), and the box is emptied after a search for one. `?q=` takes a
    case number only (where a hand-over without htmx comes back to)."""
    raw = request.POST.get("q", "") if request.method == "POST" else request.GET.get("q", "")
    if request.method == "GET" and raw and not _CASE_RE.match(_term(raw)):
        raw = ""
    context: dict[str, Any] = {
        "q": raw[:MAX_TERM] if _CASE_RE.match(_term(raw)) else "",
        "searched": False,
        "cases": [],
        "error": "",
        "other": None,
    }
    status = 200
    if raw.strip():
        term = _term(raw)
        if len(raw) > 200 or len(term) > MAX_TERM:
            context["error"] = _("“Search” is at most %(max)d characters.") % {"max": MAX_TERM}
        else:
            cases, context["error"], context["other"] = _find(request.staff, term)  # type: ignore[attr-defined]
            context.update(searched=True, cases=[_card(case) for case in cases])
        if context["error"]:
            status = 400
    template = (
        "workbench/pickup/_results.html"
        if request.headers.get("HX-Request")
        else "workbench/pickup/index.html"
    )
    return render(request, template, context, status=status)


def _card(case: Case, **extra: Any) -> dict[str, Any]:
    return {"case": case, "applicant": case.application.applicant, "errors": {}, "values": {}, **extra}


# --------------------------------------------------------------------------- delivery


class HandOverIn(Schema):
    signed_by: Annotated[str, Text(max_length=50)]
    proxy: YesNo = False
    collector_id_number: Annotated[str, Text(max_length=30)] = ""

    @classmethod
    def field_label(cls, name: str) -> str:
        return {
            "signed_by": _("Collector's name"),
            "proxy": _("Collected by someone else"),
            "collector_id_number": _("Collector's document number"),
        }.get(name, name)


class MailIn(Schema):
    carrier: Annotated[str, Text(max_length=40)]
    tracking_number: Annotated[str, Text(max_length=64)]

    @classmethod
    def field_label(cls, name: str) -> str:
        return {"carrier": _("Carrier"), "tracking_number": _("Tracking number")}.get(name, name)


def _hand_over(data: Any, applicant: Applicant) -> tuple[dict[str, str], list[FieldError]]:
    """The collector, checked: the applicant in person (a person's name must match), or
    someone else with an identity document; an organisation's collector always shows one."""
    clean, errors = input_check(HandOverIn, data)
    if clean is None:
        return {}, errors
    document = _term(clean.collector_id_number)
    proxy = clean.proxy or applicant.kind == Applicant.Kind.ORGANISATION
    if not proxy and clean.signed_by != applicant.name:
        return {}, [
            field_error(
                "signed_by",
                _(
                    "The name is not the applicant's. If someone else collects, tick “Collected by someone else” "
                    "and enter their document number."
                ),
                "FIELD_INVALID",
            )
        ]
    if proxy:
        if not document:
            return {}, [
                field_error(
                    "collector_id_number", _("Fill in “Collector's document number”."), "FIELD_REQUIRED"
                )
            ]
        message = ""
        if not _DOCUMENT_RE.match(document):
            message = _("“Collector's document number” is 5 to 30 letters and digits.")
        elif len(document) == 18 and document[:17].isdigit():
            try:
                validate_id_number(document)
            except ValidationError as exc:
                message = str(exc.messages[0])
        if message:
            return {}, [field_error("collector_id_number", message, "FIELD_INVALID")]
    return {"signed_by": clean.signed_by, "collector_id_number": document if proxy else ""}, []


def _mail(data: Any) -> tuple[dict[str, str], list[FieldError]]:
    clean, errors = input_check(MailIn, data)
    if clean is None:
        return {}, errors
    tracking = _term(clean.tracking_number)
    if not _TRACKING_RE.match(tracking):
        return {}, [
            field_error(
                "tracking_number",
                _("“Tracking number” is 5 to 64 letters, digits and hyphens."),
                "FIELD_INVALID",
            )
        ]
    return {"carrier": clean.carrier, "tracking_number": tracking}, []


@require_POST
@clerks_only
def pickup_deliver(request: HttpRequest, number: str) -> HttpResponse:
    """Hand over, mail or deliver electronically one ready case of the clerk's scope (404 otherwise)."""
    staff = request.staff  # type: ignore[attr-defined]
    try:
        case = case_get(actor=staff, number=number)
    except CaseError as exc:
        raise Http404(exc.message) from exc
    method = request.POST.get("method", "")
    applicant = case.application.applicant
    errors: list[FieldError] = []
    fields: dict[str, str] = {}
    if method == DeliveryMethod.PICKUP:
        fields, errors = _hand_over(request.POST, applicant)
    elif method == DeliveryMethod.MAIL:
        fields, errors = _mail(request.POST)
    elif method != DeliveryMethod.ELECTRONIC:
        errors = [field_error("method", _("Choose how the result is delivered."), "FIELD_INVALID")]
    if not errors and case.state == CaseState.DELIVERED:
        return _respond(request, case, status=200)  # a second click: it was delivered once
    if not errors:
        try:
            services.case_deliver(case=case, actor=staff, method=method, **fields)
            case = case_get(actor=staff, number=number)  # with what the card shows
        except CaseError as exc:
            case = case_get(actor=staff, number=number)
            if case.state == CaseState.DELIVERED:
                return _respond(request, case, status=200)  # the other click won the lock
            errors = [field_error(exc.field or "method", exc.message, exc.code)]
    if errors:
        values = {
            key: str(request.POST.get(key, ""))[:100] for key in request.POST if key != "csrfmiddlewaretoken"
        }
        card = _card(case, errors={e["field"]: e["message"] for e in errors}, values=values, method=method)
        return _respond(request, case, status=400, card=card)
    return _respond(request, case, status=200)


def _respond(
    request: HttpRequest, case: Case, *, status: int, card: dict[str, Any] | None = None
) -> HttpResponse:
    """The case's card for htmx (errors come back with 200 so htmx swaps them in); a redirect
    back to the search, or the page with the errors, without it."""
    card = card or _card(case)
    if request.headers.get("HX-Request"):
        return render(request, "workbench/pickup/_case.html", {"card": card}, status=200)
    if status == 200:
        return redirect(f"{reverse('workbench:pickup')}?{urlencode({'q': case.number})}")
    context = {"q": case.number, "searched": True, "cases": [card], "error": "", "other": None}
    return render(request, "workbench/pickup/index.html", context, status=status)
