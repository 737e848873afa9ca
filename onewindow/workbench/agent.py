"""代办: the village proxy agent's part of the workbench (the Xintai article's 代办员).

A village agent finds or registers the villager, chooses an item the hall offers online,
fills the unified form, attaches a scan of each material, records the villager's consent
(and prints the 代办委托书 for the villager to sign), and submits: the application waits
for the township center's check, then the hall's pre-review (`channels.proxy_application_*`).
The agent's home lists what they filed, with its state, deadlines and what the township or
the hall asked; a one-time notice is answered here by uploading what it asks for.

The applicant lookup and registration, the item search, the unified form and the scans
are the intake screen's (`workbench.intake`): the same code and partials, with the county
hall above the station as the center. An agent sees only the applications they filed
(`cases.proxyselectors.proxy_applications`): anything else is a 404.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from onewindow.cases import channels, files, services
from onewindow.cases.documents.notice import NoticeKind
from onewindow.cases.documents.render import render_notice
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Application, CaseEvent, CaseState
from onewindow.cases.notices import proxy_slip_notice
from onewindow.cases.proxyselectors import (
    proxy_application_asked,
    proxy_application_by_key,
    proxy_application_get,
    proxy_application_page,
    proxy_counts,
)
from onewindow.cases.selectors import CaseCursor
from onewindow.catalog import selectors as catalog
from onewindow.catalog.models import DeliveryMethod, FormField
from onewindow.core.inputs import DocumentKind
from onewindow.org.models import Applicant, Role, ServiceCenter, Staff
from onewindow.workbench import intake
from onewindow.workbench.intake import MAX_ITEMS, _for, _ids, _short

agents = _for([Role.PROXY_AGENT])
# What an agent's application may be delivered by: collected at the village station, or mailed.
AGENT_DELIVERY = (DeliveryMethod.PICKUP, DeliveryMethod.MAIL)


def _staff(request: HttpRequest) -> Staff:
    return request.staff  # type: ignore[attr-defined, no-any-return]


def _hall(staff: Staff) -> tuple[ServiceCenter | None, str]:
    """The county hall above the agent's village station, or None with the reason."""
    try:
        _township, hall = channels.proxy_centers(staff)
    except CaseError as exc:
        return None, exc.message
    return hall, ""


# ------------------------------------------------------------------ the agent's home


def home_page(request: HttpRequest, staff: Staff) -> HttpResponse:
    """`/workbench/` for a proxy agent: counts and one keyset page of what they filed."""
    after = CaseCursor.parse(_short(request.GET.get("after"), 40))
    page = proxy_application_page(agent=staff, after=after)
    hall, problem = _hall(staff)
    return render(
        request,
        "workbench/agent/home.html",
        {
            "staff": staff,
            "page": page,
            "counts": proxy_counts(agent=staff),
            "first_page": after is None,
            "problem": problem,
        },
    )


# ------------------------------------------------------------------ apply


def _again(staff: Staff, number: str) -> Application | None:
    """The agent's own returned application filed again (its villager, items and answers)."""
    if not number:
        return None
    application = proxy_application_get(agent=staff, number=number)
    if application is None or not application.cases.filter(state=CaseState.RETURNED).exists():
        return None
    return application


@require_GET
@agents
def apply_page(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    hall, problem = _hall(staff)
    context: dict[str, Any] = {"staff": staff, "hall": hall, "problem": problem}
    again = _again(staff, _short(request.GET.get("again"), 40)) if hall is not None else None
    if again is not None:
        applicant = again.applicant
        item_ids = list(again.cases.order_by("pk").values_list("item_id", flat=True))
        current = _agent_work(staff, hall, item_ids, applicant, dict(again.situation_answers or {}))  # type: ignore[arg-type]
        context.update(
            again=again,
            asked=proxy_application_asked(application=again),
            applicant=applicant,
            applicant_token=intake.applicant_token(applicant),
            document_kinds=DocumentKind.choices,
            register_url=reverse("workbench:agent_applicant_register"),
            work_context=_context(current, applicant, values=dict(again.form)),
        )
    return render(request, "workbench/agent/apply.html", context)


@require_GET
@agents
def applicant_find(request: HttpRequest) -> HttpResponse:
    return intake.find_applicant(request, register_url=reverse("workbench:agent_applicant_register"))


@require_POST
@agents
def applicant_register(request: HttpRequest) -> HttpResponse:
    return intake.register_applicant(request, register_url=reverse("workbench:agent_applicant_register"))


@require_GET
@agents
def item_search(request: HttpRequest) -> HttpResponse:
    """Items of the hall above the station that may be applied for online (no bundles)."""
    hall, _problem = _hall(_staff(request))
    q = _short(request.GET.get("q"))
    items = catalog.item_search(center=hall, q=q, online_only=True) if hall is not None else []
    return render(
        request,
        "workbench/intake/items.html",
        {"q": q, "items": items, "bundles": [], "work_url": reverse("workbench:agent_work")},
    )


def _agent_work(
    staff: Staff,
    hall: ServiceCenter,
    item_ids: list[int],
    applicant: Applicant | None,
    answers: dict[str, str] | None = None,
) -> Any:
    """The intake screen's work for the hall's online items, under the villager's 情形 answers."""
    work = intake._work(
        staff, catalog.online_item_ids(item_ids=item_ids), None, applicant, answers, center=hall
    )
    work.delivery_methods = [(v, label) for v, label in work.delivery_methods if v in AGENT_DELIVERY]
    return work


def _context(work: Any, applicant: Applicant | None, **extra: Any) -> dict[str, Any]:
    scans: dict[str, list[Any]] = {}
    for scan in extra.pop("scans", []):
        scans.setdefault(scan.material_code, []).append(scan)
    for row in work.materials:
        row.scans = scans.get(row.code, [])
    values = extra.pop("values", None)
    return {
        "work": work,
        "applicant": applicant,
        "values": values if values is not None else intake._prefill(work, applicant),
        "errors": extra.pop("errors", {}),
        "idempotency_key": extra.pop("idempotency_key", "") or secrets.token_urlsafe(24),
        "kinds": FormField.Kind,
        "work_url": reverse("workbench:agent_work"),
        **extra,
    }


@require_GET
@agents
def work(request: HttpRequest) -> HttpResponse:
    """The chosen items (add / remove one), the unified form, the materials with scans, delivery."""
    staff = _staff(request)
    hall, problem = _hall(staff)
    if hall is None:
        return render(request, "workbench/agent/work.html", {"work": None, "errors": {"items": problem}})
    ids = _ids(request.GET.getlist("items"))
    add = _ids([request.GET.get("add", "")])
    remove = _ids([request.GET.get("remove", "")])
    ids = [i for i in ids + [a for a in add if a not in ids] if i not in remove][:MAX_ITEMS]
    applicant = intake._applicant(staff, request.GET.get("applicant"))
    current = _agent_work(staff, hall, ids, applicant, intake._answers_in(request.GET))
    return render(request, "workbench/agent/work.html", _context(current, applicant))


def _to_application(request: HttpRequest, application: Application) -> HttpResponse:
    url = reverse("workbench:agent_application", args=[application.number])
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@require_POST
@agents
def submit(request: HttpRequest) -> HttpResponse:
    """Submit on the villager's behalf: into the township's check, then the hall's pre-review.
    A double-clicked button sends the same key: the first application is shown."""
    staff = _staff(request)
    hall, problem = _hall(staff)
    if hall is None:
        return HttpResponse(problem, status=400)
    post = request.POST
    key = _short(post.get("idempotency_key"), 64) or None
    earlier = proxy_application_by_key(agent=staff, key=key)
    if earlier is not None:  # sent again: its scans are attached by now, so show what was filed
        return _to_application(request, earlier)
    applicant = intake._applicant(staff, post.get("applicant"))
    current = _agent_work(staff, hall, _ids(post.getlist("items")), applicant, intake._answers_in(post))
    form_data = {f.key: _short(post.get(f"f_{f.key}"), 2100) for f in current.fields}
    form_data = {k: v for k, v in form_data.items() if v}
    scans = files.material_files_loose(actor=staff, ids=_ids(post.getlist("scans")[: MAX_ITEMS * 5]))
    scanned = {s.material_code for s in scans}
    errors: dict[str, str] = {}
    if applicant is None:
        errors["applicant"] = _("Find or register the villager first (section 1).")
    if not current.items:
        errors["items"] = _("Choose at least one item (section 2).")
    errors.update(current.situation_errors())
    for row in current.materials:
        if row.required and not row.tolerable and row.code not in scanned:
            errors[f"m_{row.code}"] = _("Attach a scan of “%(name)s”.") % {"name": row.name}
    errors.update(intake._field_errors(current, form_data))
    delivery = _short(post.get("delivery_method"), 12)
    address = _short(post.get("delivery_address"), 200)
    if delivery not in [v for v, _label in current.delivery_methods]:
        errors["delivery_method"] = _("Choose how the result reaches the villager.")
    consent = post.get("consent") == "on"
    if not consent:
        errors["consent"] = _(
            "Tick that the villager agreed to be represented (the signed 代办委托书) before submitting."
        )
    if not errors:
        assert applicant is not None
        handed = [
            services.MaterialIn(code=row.code, note=_("scan attached"))
            for row in current.materials
            if row.code in scanned
        ]
        try:
            with transaction.atomic():
                application = channels.proxy_application_submit(
                    actor=staff,
                    applicant=applicant,
                    items=[i.pk for i in current.items],
                    form_data=form_data,
                    materials=handed,
                    delivery_method=delivery,
                    delivery_address=address,
                    idempotency_key=key,
                    consent=consent,
                    answers=current.answers,
                )
                files.material_files_attach(
                    application=application, file_ids=[s.pk for s in scans], actor=staff
                )
        except CaseError as exc:
            name = exc.field.removeprefix("form_data.") if exc.field.startswith("form_data.") else exc.field
            errors[name or "action"] = exc.message
        else:
            return _to_application(request, application)
    context = _context(
        current,
        applicant,
        values=form_data,
        errors=errors,
        scans=scans,
        idempotency_key=key,
        delivery_method=delivery,
        delivery_address=address,
        consent=consent,
    )
    return render(request, "workbench/agent/work.html", context)  # htmx swaps only a 2xx answer


@require_POST
@agents
def scan_upload(request: HttpRequest) -> HttpResponse:
    return intake.upload_scan(request)


# ------------------------------------------------------------------ one filed application


def _filed(request: HttpRequest, number: str) -> tuple[Staff, Application]:
    staff = _staff(request)
    application = proxy_application_get(agent=staff, number=number)
    if application is None:
        raise Http404(_("You did not file this application."))
    return staff, application


def _application_context(application: Application, **extra: Any) -> dict[str, Any]:
    cases = list(application.cases.select_related("item").order_by("pk"))
    materials = list(application.materials.order_by("pk"))
    scans: dict[str, list[Any]] = {}
    for row in files.material_files_of(application_id=application.pk):
        scans.setdefault(row.material_code, []).append(row)
    in_prereview = any(c.state == CaseState.PREREVIEW for c in cases)
    checked = CaseEvent.objects.filter(case__application_id=application.pk, action="township_check").exists()
    notice = channels.supplement_asked(application)  # what the newest one-time notice lists
    listed = {code for code, _name in notice.materials} if notice is not None else set()
    to_supplement = [m for m in materials if m.code in listed]
    return {
        "application": application,
        "cases": cases,
        "materials": [{"row": m, "scans": scans.get(m.code, [])} for m in materials],
        "asked": proxy_application_asked(application=application),
        "consent": channels.proxy_consent(application),
        "supplement": to_supplement,
        "needed": notice.needed if notice is not None else frozenset(),
        "returned": any(c.state == CaseState.RETURNED for c in cases),
        "waiting_for": ("hall" if checked else "township") if in_prereview else "",
        "errors": extra.pop("errors", {}),
        **extra,
    }


@require_GET
@agents
def application_page(request: HttpRequest, number: str) -> HttpResponse:
    _staff_member, application = _filed(request, number)
    return render(request, "workbench/agent/application.html", _application_context(application))


@require_POST
@agents
def supplement(request: HttpRequest, number: str) -> HttpResponse:
    """Answer the one-time notice: the scans uploaded for what it asks are handed in, replacing
    what it sent back; the application goes back to the hall's pre-review."""
    staff, application = _filed(request, number)
    scans = files.material_files_loose(actor=staff, ids=_ids(request.POST.getlist("scans")[: MAX_ITEMS * 5]))
    codes = list(dict.fromkeys(s.material_code for s in scans))
    errors: dict[str, str] = {}
    if not codes:
        errors["scans"] = _("Attach a scan of each material the notice asks for.")
    else:
        try:
            channels.proxy_application_supplement(
                application=application,
                actor=staff,
                materials=[services.MaterialIn(code=c, note=_("scan attached")) for c in codes],
                scans=scans,
            )
        except CaseError as exc:
            errors["scans"] = exc.message
    if errors:
        context = _application_context(application, errors=errors, loose=scans)
        return render(request, "workbench/agent/application.html", context, status=400)
    return redirect("workbench:agent_application", number=application.number)


@require_GET
@agents
def slip_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """The 代办委托书 the villager signs (and keeps one copy of)."""
    _staff_member, application = _filed(request, number)
    notice = proxy_slip_notice(application=application)
    response = HttpResponse(render_notice(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{application.number}-{NoticeKind.PROXY.value}.pdf"'
    response["Cache-Control"] = "private, no-store"  # personal data
    return response
