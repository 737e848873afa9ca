"""Pre-review (/workbench/prereview/): intake clerks check online and proxy applications
before they reach the window.

Two queues, oldest first, both the channel's own scoped lists: the hall's pre-review
(`channels.prereview_waiting`: the clerk's center; a proxy application only once its
township has checked it) and, at a township center, the village proxy applications waiting
for the township's check (`channels.proxy_checks_waiting`). An application opens only from
these lists (anything else is a 404); passing or returning it is the engine's
(`application_prereview_pass` / `_return`, `proxy_application_check`), and the reasons of a
return are what the applicant reads.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from onewindow.cases import channels, files, selectors, services
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Application, ApplicationMaterial, Case, CaseState
from onewindow.cases.plans import version_plan
from onewindow.core.fields import mask_name
from onewindow.core.personal import personal_fields, personal_masked
from onewindow.org.models import Role, Staff
from onewindow.workbench.caseforms import MESSAGES, named
from onewindow.workbench.staff import staff_required

QUEUE_MAX = 100  # a queue shows its oldest hundred: work is taken from the top
ACTIONS = ("pass", "accept", "supplement", "return", "township_pass", "township_return")


class ReturnForm(forms.Form):
    reasons = forms.CharField(
        label=gettext_lazy("Reasons the applicant reads"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000, "class": "form-control"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reasons"]
        field.error_messages.update({code: named(text, field.label) for code, text in MESSAGES.items()})


class SupplementForm(forms.Form):
    """一次性告知 from pre-review: the materials to hand in again (every one at once), and a note."""

    materials = forms.MultipleChoiceField(
        label=gettext_lazy("Materials the applicant must hand in again"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    note = forms.CharField(
        label=gettext_lazy("What is wrong with them (the applicant reads it)"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 200, "class": "form-control"}),
    )

    def __init__(self, *args: Any, materials: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["materials"]).choices = materials
        for field in self.fields.values():
            field.error_messages.update({code: named(text, field.label) for code, text in MESSAGES.items()})
        self.fields["materials"].error_messages["invalid_choice"] = _("Choose materials of this application.")


def _with_cases(qs: QuerySet[Application]) -> QuerySet[Application]:
    cases = Case.objects.select_related("item").only(
        "pk", "application_id", "version_id", "number", "state", "item__name"
    )
    return qs.prefetch_related(Prefetch("cases", queryset=cases))


def _township_queue(staff: Staff) -> QuerySet[Application]:
    return _with_cases(channels.proxy_checks_waiting(actor=staff))


def _hall_queue(staff: Staff) -> QuerySet[Application]:
    return _with_cases(channels.prereview_waiting(actor=staff))


def _rows(applications: list[Application]) -> list[dict[str, Any]]:
    return [{"application": a, "applicant": mask_name(a.applicant.name)} for a in applications]


@require_GET
@staff_required(roles=[Role.INTAKE_CLERK])
def prereview_list(request: HttpRequest) -> HttpResponse:
    staff: Staff = request.staff  # type: ignore[attr-defined]
    hall = list(_hall_queue(staff)[: QUEUE_MAX + 1])
    township = list(_township_queue(staff)[: QUEUE_MAX + 1])
    return render(
        request,
        "workbench/prereview/list.html",
        {
            "hall": _rows(hall[:QUEUE_MAX]),
            "hall_more": len(hall) > QUEUE_MAX,
            "township": _rows(township[:QUEUE_MAX]),
            "township_more": len(township) > QUEUE_MAX,
            "queue_max": QUEUE_MAX,
            "unrouted": _just_accepted(staff, request.GET.get("accepted", "")),
        },
    )


def _just_accepted(staff: Staff, number: str) -> list[Case]:
    """The accepted cases of the application the clerk has just passed and accepted
    (`?accepted=<number>`), still waiting to be sent to the back office: the page offers
    送后台办理 for them. Nothing for an unknown, foreign or already routed application."""
    if not number or len(number) > 40:
        return []
    application = selectors.application_get(actor=staff, number=number)
    if application is None or application.center_id != staff.center_id:
        return []
    return list(application.cases.filter(state=CaseState.ACCEPTED).order_by("pk"))


def _waiting(staff: Staff, number: str) -> tuple[Application, str]:
    """The application from one of the actor's queues, and which ("hall" / "township"); 404 otherwise."""
    application = _hall_queue(staff).filter(number=number).first()
    if application is not None:
        return application, "hall"
    application = _township_queue(staff).filter(number=number).first()
    if application is not None:
        return application, "township"
    raise Http404(_("This application is not waiting for your pre-review."))


def _form_rows(application: Application) -> list[dict[str, str]]:
    cases = list(application.cases.all())
    if not cases:
        return []
    plain = application.form_data or {}
    personal = personal_fields(application)
    rows = []
    seen: set[str] = set()
    for case in cases:
        for f in version_plan(case.version_id).form_fields:
            if f.key in seen:
                continue
            seen.add(f.key)
            name = f"form.{f.key}"
            if name in personal:
                rows.append({"label": f.label, "value": personal_masked(application, name)})
            elif f.key in plain:
                rows.append({"label": f.label, "value": str(plain[f.key])})
    return rows


def _material_choices(materials: list[ApplicationMaterial]) -> list[tuple[str, str]]:
    return [(m.code, m.name) for m in materials]


def _materials(application: Application, materials: list[ApplicationMaterial]) -> list[dict[str, Any]]:
    """Each material with the files uploaded for it (opened through the permission-checked
    file view, `workbench:file`), newest last; a file a replacement superseded stays, marked
    with when it was replaced."""
    by_code: dict[str, list[Any]] = {}
    for f in files.material_files_of(application_id=application.pk):
        by_code.setdefault(f.material_code, []).append(f)
    return [{"material": m, "files": by_code.get(m.code, [])} for m in materials]


def _context(
    application: Application,
    queue: str,
    form: ReturnForm | None = None,
    error: str = "",
    supplement_form: SupplementForm | None = None,
    materials: list[ApplicationMaterial] | None = None,
) -> dict[str, Any]:
    """The page's context; `materials` (the application's, read once a request) when the caller
    has already read them."""
    applicant = application.applicant
    if materials is None:
        materials = list(application.materials.all())
    return {
        "application": application,
        "queue": queue,
        "applicant": mask_name(applicant.name),
        "applicant_personal": [personal_masked(applicant, n) for n in personal_fields(applicant)],
        "cases": list(application.cases.all()),
        "materials": _materials(application, materials),
        "form_rows": _form_rows(application),
        "return_form": form or ReturnForm(),
        "supplement_form": supplement_form or SupplementForm(materials=_material_choices(materials)),
        "error": error,
    }


@require_GET
@staff_required(roles=[Role.INTAKE_CLERK])
def prereview_application(request: HttpRequest, number: str) -> HttpResponse:
    application, queue = _waiting(request.staff, number)  # type: ignore[attr-defined]
    return render(request, "workbench/prereview/application.html", _context(application, queue))


@require_POST
@staff_required(roles=[Role.INTAKE_CLERK])
def prereview_act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Pass or return an application of one's queue. Sent twice, the second finds it gone from
    the queue and says so (nothing happens twice)."""
    staff: Staff = request.staff  # type: ignore[attr-defined]
    if action not in ACTIONS:
        raise Http404(_("No such action."))
    try:
        application, queue = _waiting(staff, number)
    except Http404:
        known = selectors.application_get(actor=staff, number=number)
        if known is None or known.center_id != staff.center_id:
            raise
        messages.info(
            request, _("The application %(number)s is no longer waiting for pre-review.") % {"number": number}
        )
        return redirect("workbench:prereview")
    expected = "township" if action.startswith("township") else "hall"
    if queue != expected:
        raise Http404(_("This application is not waiting for your pre-review."))
    form = ReturnForm(request.POST) if action.endswith("return") else None
    if form is not None and not form.is_valid():
        return render(
            request, "workbench/prereview/application.html", _context(application, queue, form), status=400
        )
    supplement = None
    if action == "supplement":
        materials = list(application.materials.all())
        supplement = SupplementForm(request.POST, materials=_material_choices(materials))
        if not supplement.is_valid():
            return render(
                request,
                "workbench/prereview/application.html",
                _context(application, queue, supplement_form=supplement, materials=materials),
                status=400,
            )
    reasons = form.cleaned_data["reasons"] if form is not None else ""
    outcome = None
    try:
        with transaction.atomic():
            if action == "pass":
                services.application_prereview_pass(application=application, actor=staff)
            elif action == "accept":
                # Pass and accept in one step: the window's intake checks the materials again,
                # and issues the one-time notice itself when a required one is missing.
                services.application_prereview_pass(application=application, actor=staff)
                outcome = services.application_intake(application=application, actor=staff)
            elif action == "supplement":
                assert supplement is not None
                services.application_request_supplement(
                    application=application,
                    actor=staff,
                    materials=supplement.cleaned_data["materials"],
                    note=supplement.cleaned_data["note"],
                )
            elif action == "return":
                services.application_prereview_return(application=application, actor=staff, reasons=reasons)
            else:
                channels.proxy_application_check(
                    application=application, actor=staff, approve=action == "township_pass", reasons=reasons
                )
    except CaseError as exc:
        return render(
            request,
            "workbench/prereview/application.html",
            _context(application, queue, form, error=exc.message),
            status=400,
        )
    if outcome is not None and outcome.supplement_requested:
        action = "supplement"
    done = {
        "pass": _("%(number)s passed the pre-review: it waits for the window."),
        "accept": _("%(number)s passed the pre-review and is accepted: the clock has started."),
        "supplement": _("%(number)s: the one-time notice was sent; the applicant uploads what it lists."),
        "return": _("%(number)s was returned to the applicant with your reasons."),
        "township_pass": _("%(number)s was checked and sent on to the hall."),
        "township_return": _("%(number)s was returned to the proxy agent with your reasons."),
    }[action]
    messages.success(request, done % {"number": application.number})
    if action == "accept":  # the next step is the back office: offered on the queue's page
        return redirect(f"{reverse('workbench:prereview')}?{urlencode({'accepted': application.number})}")
    return redirect("workbench:prereview")
