"""Apply online (网上申报): the unified form of an item or a bundle, uploads, drafts, submit,
answering a one-time notice, withdrawing.

Every page is an account page (`portal_required`) acting for the account's applicant; an
account that has not said who it is goes to `/my/identity/` first. Every write is a portal
channel service (`cases.channels.portal_*`), every read a channel selector scoped to the
applicant's own portal applications (`portal_application_get`: anything else is a 404).

- `/apply/<item code>/`, `/apply/bundle/<code>/`: the form; saving creates the draft on the
  server (so a closed browser loses nothing), then the draft's own page takes over. An
  account with a draft of the same item or bundle is sent to that draft instead.
- `/my/applications/`: drafts and submitted applications with their state.
- `/my/applications/<number>/`: a draft's form (save, upload, submit with the idempotency key
  of the form's render: a double click makes one application); otherwise the status, the
  one-time notice's list with an upload for each material it asks for, and withdrawal.

The material list the form shows is computed in one place, `form_materials`: the items' 情形
(situation) questions are answered before the draft is made, and the answers pick the materials
(the catalog's rule, as at the window and in the guide); a draft keeps its answers and may
change them (`/my/applications/<number>/situation/`: the list is computed again, the uploads of
materials no longer asked are removed and named); a submitted application may not.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onewindow.cases import channels, files, selectors
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Application, ApplicationMaterial, CaseState, MaterialFile
from onewindow.cases.plans import VersionPlan, version_plan
from onewindow.cases.presenters import citizen_trails
from onewindow.catalog import selectors as catalog
from onewindow.catalog.models import Bundle, DeliveryMethod, ServiceItem, ServiceItemVersion
from onewindow.core.inputs import form_check
from onewindow.org.accounts import account_applicant
from onewindow.org.models import Applicant, ServiceCenter
from onewindow.org.selectors import applicant_form_answers
from onewindow.portal.accounts import AccountRequest, portal_required

S = CaseState
MAX_VALUE = 2000  # characters of one answer; the form's own rules decide the rest
MAX_REASON = 500


@dataclass
class Question:
    key: str
    label: str
    kind: str
    required: bool
    choices: list[str]


@dataclass
class MaterialLine:
    """One material of the form: what the items ask, and the files already uploaded for it."""

    code: str
    name: str
    required: bool
    tolerable: bool
    files: list[MaterialFile] = field(default_factory=list)


@dataclass
class Plan:
    """What an application online asks: its items' plans, the unified form, the materials."""

    title: str
    center: ServiceCenter
    items: list[ServiceItem]
    bundle: Bundle | None
    plans: list[VersionPlan]
    questions: list[Question]
    delivery_methods: list[tuple[str, str]]
    situations: list[catalog.Question] = field(default_factory=list)  # 情形, each code once


def form_questions(plans: list[VersionPlan]) -> list[Question]:
    """The unified form: every key once, required if any item requires it (as the engine checks)."""
    questions: dict[str, Question] = {}
    for plan in plans:
        for f in plan.form_fields:
            q = questions.setdefault(f.key, Question(f.key, f.label, f.kind, False, list(f.choices)))
            q.required = q.required or f.required
    return list(questions.values())


def form_materials(plans: list[VersionPlan], answers: dict[str, Any] | None = None) -> list[MaterialLine]:
    """The materials the form asks for, each code once, in the items' order: required if any
    item requires it, tolerable (容缺) only if every item requiring it tolerates it.

    The one place the list is computed: an item with 情形 questions contributes the materials
    that apply under `answers` (`VersionPlan.materials_for`, the catalog's rule); until they are
    given, only the materials that apply whatever the answers."""
    lines: dict[str, MaterialLine] = {}
    for plan in plans:
        for m in plan.materials_for(answers or {}):  # a material without a condition always applies
            line = lines.setdefault(m.code, MaterialLine(m.code, m.name, False, True))
            if m.required:
                line.required = True
                line.tolerable = line.tolerable and m.tolerable
    return list(lines.values())


def _delivery_methods(plans: list[VersionPlan]) -> list[tuple[str, str]]:
    """The methods every item offers (an item listing none offers every one)."""
    offered = [v for v, _label in DeliveryMethod.choices]
    for plan in plans:
        if plan.delivery_methods:
            offered = [v for v in offered if v in plan.delivery_methods]
    return [(v, str(DeliveryMethod(v).label)) for v in offered]


def _online_versions(item_ids: list[int]) -> dict[int, int]:
    """item id → published version id, for items whose published version is online_available."""
    return dict(
        ServiceItemVersion.objects.filter(
            item_id__in=item_ids, status=ServiceItemVersion.Status.PUBLISHED, online_available=True
        ).values_list("item_id", "pk")
    )


def _plan(*, items: list[ServiceItem], bundle: Bundle | None, center: ServiceCenter, title: str) -> Plan:
    versions = _online_versions([i.pk for i in items])
    if not items or any(i.pk not in versions for i in items):
        raise Http404(_("This service cannot be applied for online."))
    plans = [version_plan(versions[i.pk]) for i in items]
    return Plan(
        title,
        center,
        items,
        bundle,
        plans,
        form_questions(plans),
        _delivery_methods(plans),
        catalog.situation_questions_merge([p.questions for p in plans]),
    )


def _segment(value: str, length: int = 64) -> str:
    """A path value as a lookup takes it: cut to the column's length, without NUL (which
    PostgreSQL refuses in a query instead of finding nothing)."""
    return str(value)[:length].replace("\x00", "")


def _item_plan(code: str) -> Plan:
    item = (
        ServiceItem.objects.filter(code__iexact=_segment(code), is_active=True)
        .select_related("center")
        .first()
    )
    if item is None:
        raise Http404(_("No such service."))
    return _plan(items=[item], bundle=None, center=item.center, title=item.name)


def _bundle_plan(code: str) -> Plan:
    bundle = (
        Bundle.objects.filter(code__iexact=_segment(code), is_active=True).select_related("center").first()
    )
    if bundle is None:
        raise Http404(_("No such service."))
    links = bundle.bundle_items.select_related("item").order_by("order", "pk")
    items = [link.item for link in links if link.item.is_active]
    return _plan(items=items, bundle=bundle, center=bundle.center, title=bundle.name)


def _application_plan(application: Application) -> Plan:
    cases = list(application.cases.all())  # prefetched by the channel selector, in id order
    items = [c.item for c in cases]
    plans = [version_plan(c.version_id) for c in cases]
    title = application.bundle.name if application.bundle_id else (items[0].name if items else "")
    return Plan(
        title,
        application.center,
        items,
        application.bundle,
        plans,
        form_questions(plans),
        _delivery_methods(plans),
        catalog.situation_questions_merge([p.questions for p in plans]),
    )


def situation_answers_in(plan: Plan, query: Any) -> tuple[dict[str, str], dict[str, str]]:
    """(the answers given to the plan's 情形 questions, errors by `s_<code>` for the others)."""
    answers: dict[str, str] = {}
    errors: dict[str, str] = {}
    for q in plan.situations:
        value = _text(query.get(f"s_{q.code}", ""), 40)
        if value in {code for code, _label in q.choices}:
            answers[q.code] = value
        else:
            errors[f"s_{q.code}"] = _("Answer “%(question)s”: it decides which materials you hand in.") % {
                "question": q.text
            }
    return answers, errors


def _applicant(request: HttpRequest) -> Applicant | None:
    return account_applicant(cast(AccountRequest, request).account)


def _to_identity(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('portal:identity')}?{urlencode({'next': request.get_full_path()})}")


def _own(request: HttpRequest, number: str) -> tuple[Applicant, Application]:
    applicant = _applicant(request)
    if applicant is None:
        raise Http404(_("No such application of yours."))
    application = channels.portal_application_get(actor=applicant, number=_segment(number, 40))
    if application is None:
        raise Http404(_("No such application of yours."))
    return applicant, application


def _known(request: HttpRequest, applicant: Applicant, plan: Plan, saved: dict[str, Any]) -> dict[str, str]:
    """The form's answers the signed-in account already knows and `saved` lacks: its applicant's
    name and mobile (the record's, else the account's own number), as the window fills them."""
    account = cast(AccountRequest, request).account
    keys = [q.key for q in plan.questions if saved.get(q.key) in (None, "")]
    return applicant_form_answers(applicant=applicant, keys=keys, mobile=account.mobile)


def _typed(request: HttpRequest, plan: Plan) -> dict[str, str]:
    """The answers as typed, for the questions the form asks only, each cut at MAX_VALUE."""
    return {q.key: _text(request.POST.get(f"f_{q.key}", ""), MAX_VALUE) for q in plan.questions}


def _text(value: object, length: int) -> str:
    """A typed text, cut and stripped, without NUL (no column or JSON value on PostgreSQL holds one)."""
    return str(value or "")[:length].replace("\x00", "").strip()


def _field_errors(plan: Plan, answers: dict[str, str]) -> dict[str, str]:
    """Every answer's fault, by the engine's own form rules (its Chinese messages), by key."""
    fields = [f for p in plan.plans for f in p.form_fields]
    _clean, errors = form_check(fields, {k: v for k, v in answers.items() if v}, path="form_data")
    return {e["field"].removeprefix("form_data."): e["message"] for e in errors}


def _error_key(exc: CaseError) -> str:
    name = exc.field or "all"
    return name.removeprefix("form_data.") if name.startswith("form_data.") else name


def _draft_existing(applicant: Applicant, plan: Plan) -> Application | None:
    qs = channels.portal_application_list(actor=applicant).filter(cases__state=S.DRAFT)
    if plan.bundle is not None:
        qs = qs.filter(bundle_id=plan.bundle.pk)
    else:
        qs = qs.filter(bundle__isnull=True, cases__item_id=plan.items[0].pk)
    return qs.distinct().first()


def _start(request: HttpRequest, plan: Plan) -> HttpResponse:
    applicant = _applicant(request)
    if applicant is None:
        return _to_identity(request)
    existing = _draft_existing(applicant, plan)
    if existing is not None:
        return redirect("portal:application", number=existing.number)
    situations, situation_errors = situation_answers_in(
        plan, request.POST if request.method == "POST" else request.GET
    )
    if request.method == "POST":
        answers = _typed(request, plan)
        if situation_errors:
            return _render_form(
                request, plan, None, answers, situation_errors, status=400, situations=situations
            )
        try:
            draft = channels.portal_draft_create(
                actor=applicant,
                center=plan.center,
                items=[i.pk for i in plan.items] if plan.bundle is None else (),
                bundle=plan.bundle,
                form_data={k: v for k, v in answers.items() if v},
                answers=situations or None,
            )
        except CaseError as exc:
            return _render_form(
                request,
                plan,
                None,
                answers,
                {_error_key(exc): exc.message},
                status=400,
                situations=situations,
            )
        draft = channels.portal_application_get(actor=applicant, number=draft.number)
        assert draft is not None
        return _save(request, applicant, draft, _application_plan(draft))
    known = _known(request, applicant, plan, {})
    return _render_form(request, plan, None, known, {}, situations=situations, prefilled=set(known))


@portal_required
@require_http_methods(["GET", "POST"])
def apply_item(request: HttpRequest, code: str) -> HttpResponse:
    return _start(request, _item_plan(code))


@portal_required
@require_http_methods(["GET", "POST"])
def apply_bundle(request: HttpRequest, code: str) -> HttpResponse:
    return _start(request, _bundle_plan(code))


def _situations_of(application: Application | None, given: dict[str, str] | None) -> dict[str, str]:
    """A draft's 情形 answers (changed on their own page), or those a new form was given."""
    if application is not None:
        return dict(application.situation_answers or {})
    return dict(given or {})


def _materials_with_files(
    plan: Plan, application: Application | None, situations: dict[str, str] | None = None
) -> list[MaterialLine]:
    lines = form_materials(plan.plans, _situations_of(application, situations))
    if application is not None:
        by_code: dict[str, list[MaterialFile]] = {}
        for f in application.files.order_by("pk"):
            by_code.setdefault(f.material_code, []).append(f)
        for line in lines:
            line.files = by_code.get(line.code, [])
    return lines


def _render_form(
    request: HttpRequest,
    plan: Plan,
    application: Application | None,
    answers: dict[str, Any],
    errors: dict[str, str],
    *,
    status: int = 200,
    delivery: tuple[str, str] | None = None,
    situations: dict[str, str] | None = None,
    prefilled: set[str] | frozenset[str] = frozenset(),
) -> HttpResponse:
    """The form; `prefilled`: the keys answered from what the account knows, marked as such."""
    chosen = _situations_of(application, situations)
    if delivery is None:
        delivery = (
            (application.delivery_method, application.delivery_address or "")
            if application is not None
            else ("", "")
        )
    method = delivery[0] or (plan.delivery_methods[0][0] if plan.delivery_methods else "")
    context = {
        "plan": plan,
        "application": application,
        "questions": [
            {
                "q": q,
                "value": "" if answers.get(q.key) is None else str(answers.get(q.key)),
                "error": errors.get(q.key, ""),
                "prefilled": q.key in prefilled,
            }
            for q in plan.questions
        ],
        "situations": [
            {
                "q": q,
                "answer": chosen.get(q.code, ""),
                "label": q.label_of(chosen[q.code]) if q.code in chosen else "",
                "error": errors.get(f"s_{q.code}", ""),
            }
            for q in plan.situations
        ],
        "situations_fixed": application is not None,
        "situations_unanswered": any(q.code not in chosen for q in plan.situations),
        "materials": [
            {"line": line, "error": errors.get(f"material.{line.code}", "")}
            for line in _materials_with_files(plan, application, chosen)
        ],
        "errors": errors,
        "other_errors": [
            v
            for k, v in errors.items()
            if k not in {q.key for q in plan.questions}
            and not k.startswith(("material.", "s_"))
            and k not in ("delivery_method", "delivery_address")
        ],
        "delivery_method": method,
        "delivery_address": delivery[1],
        "idempotency_key": secrets.token_urlsafe(24),
        "max_mb": files.MAX_FILE_BYTES // 2**20,
        "max_files": files.MAX_FILES_PER_MATERIAL,
        "action": reverse("portal:application", args=[application.number])
        if application is not None
        else request.path,
    }
    return render(request, "portal/apply/form.html", context, status=status)


def _uploads(
    request: HttpRequest, applicant: Applicant, application: Application, codes: list[str]
) -> dict[str, str]:
    """Store each file chosen for a material (each its own transaction: a refused file leaves
    the others kept); the errors by `material.<code>`."""
    errors: dict[str, str] = {}
    for code in codes:
        for upload in request.FILES.getlist(f"file_{code}"):
            if upload.size is not None and upload.size > files.MAX_FILE_BYTES:
                errors[f"material.{code}"] = _("The file is larger than %(mb)d MB.") % {
                    "mb": files.MAX_FILE_BYTES // 2**20
                }
                continue
            try:
                channels.portal_material_upload(
                    application=application,
                    actor=applicant,
                    material_code=code,
                    upload=upload,
                    name=upload.name or "",
                )
            except CaseError as exc:
                errors[f"material.{code}"] = f"{upload.name}: {exc.message}"[:400]
    return errors


def _missing_required(lines: list[MaterialLine], application: Application) -> dict[str, str]:
    statuses = dict(application.materials.values_list("code", "status"))
    return {
        f"material.{line.code}": _("Upload “%(material)s”: the window cannot accept without it.")
        % {"material": line.name}
        for line in lines
        if line.required
        and not line.tolerable
        and statuses.get(line.code) != ApplicationMaterial.Status.RECEIVED
    }


def _save(request: HttpRequest, applicant: Applicant, application: Application, plan: Plan) -> HttpResponse:
    """Save the draft as typed (answers, delivery, uploads), then submit it when asked to."""
    action = request.POST.get("action", "save")
    key = str(request.POST.get("idempotency_key", ""))[:64]
    answers = _typed(request, plan)
    method = str(request.POST.get("delivery_method", ""))[:12]
    address = _text(request.POST.get("delivery_address", ""), 200)
    errors: dict[str, str] = {}
    try:
        channels.portal_draft_update(
            application=application,
            actor=applicant,
            form_data={k: (v or None) for k, v in answers.items()},
        )
        try:
            channels.portal_draft_update(
                application=application, actor=applicant, delivery_method=method, delivery_address=address
            )
        except CaseError as exc:
            errors[_error_key(exc)] = exc.message
    except CaseError as exc:
        if exc.code == "NOT_A_DRAFT":  # submitted meanwhile (a double click): show what it became
            return redirect("portal:application", number=application.number)
        errors[_error_key(exc)] = exc.message
    errors.update(
        _uploads(
            request,
            applicant,
            application,
            [m.code for m in form_materials(plan.plans, _situations_of(application, None))],
        )
    )
    application = channels.portal_application_get(actor=applicant, number=application.number) or application
    if action == "situation" and not errors:  # saved as typed: now change the 情形 answers
        return redirect("portal:application_situation", number=application.number)
    if action == "submit":  # every fault at once: the answers, the materials, the key
        errors.update(_field_errors(plan, answers))
        for name, message in _missing_required(
            form_materials(plan.plans, _situations_of(application, None)), application
        ).items():
            errors.setdefault(name, message)
        if not key:
            errors["all"] = _("The form has expired: submit it again.")
        if not errors:
            try:
                channels.portal_draft_submit(application=application, actor=applicant, idempotency_key=key)
            except CaseError as exc:
                if exc.code == "NOT_A_DRAFT" or exc.code == "TRANSITION_NOT_ALLOWED":
                    return redirect("portal:application", number=application.number)
                errors[_error_key(exc)] = exc.message
            else:
                messages.success(
                    request,
                    _(
                        "Your application %(number)s was submitted: the center pre-reviews it and tells you here."
                    )
                    % {"number": application.number},
                )
                return redirect("portal:application", number=application.number)
    if errors:
        return _render_form(
            request, plan, application, answers, errors, status=400, delivery=(method, address)
        )
    messages.success(request, _("The draft is saved: you can close the browser and go on later."))
    return redirect("portal:application", number=application.number)


@portal_required
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    """The account's drafts and submitted applications, newest first, with each case's state."""
    applicant = _applicant(request)
    if applicant is None:
        return _to_identity(request)
    rows = list(channels.portal_application_list(actor=applicant)[:200])
    return render(request, "portal/apply/list.html", {"applications": rows})


def _status_context(applicant: Applicant, application: Application) -> dict[str, Any]:
    status = channels.application_status(application=application, actor=applicant)
    asked = channels.supplement_asked(application)
    states = {c.state for c in application.cases.all()}
    by_code: dict[str, list[MaterialFile]] = {}
    for f in files.material_files_current(application=application):  # a replaced file no longer shows
        by_code.setdefault(f.material_code, []).append(f)
    asked_rows = []
    if asked is not None:
        for code, name in asked.materials:
            new = [f for f in by_code.get(code, []) if f.uploaded_at >= asked.at]
            asked_rows.append({"code": code, "name": name, "files": new, "error": ""})
    # the applicant's trail, as in My cases: the window or department, never a member of staff;
    # the events of every case in one query (a bundle of five items is not five)
    lines = citizen_trails(events=selectors.application_timeline(application=application))
    trail = [{"case": case, "lines": lines.get(case.pk, [])} for case in application.cases.all()]
    return {
        "application": application,
        "status": status,
        "asked": asked,
        "asked_rows": asked_rows,
        "materials": [
            {"material": m, "files": by_code.get(m.code, [])} for m in application.materials.order_by("pk")
        ],
        "withdrawable": bool(states) and states <= set(channels.WITHDRAWABLE),
        "trail": trail,
        "max_mb": files.MAX_FILE_BYTES // 2**20,
    }


def _status_page(
    request: HttpRequest,
    applicant: Applicant,
    application: Application,
    errors: dict[str, str] | None = None,
    *,
    status: int = 200,
    reason: str = "",
) -> HttpResponse:
    errors = errors or {}
    context = _status_context(applicant, application)
    for row in context["asked_rows"]:
        row["error"] = errors.get(f"material.{row['code']}", "")
    asked_keys = {f"material.{row['code']}" for row in context["asked_rows"]}
    context["errors"] = errors
    context["other_errors"] = [v for k, v in errors.items() if k not in asked_keys and k != "reason"]
    context["reason"] = reason
    return render(request, "portal/apply/status.html", context, status=status)


@portal_required
@require_http_methods(["GET", "POST"])
def application_page(request: HttpRequest, number: str) -> HttpResponse:
    """A draft's form (GET / POST save or submit), or a submitted application's status."""
    applicant, application = _own(request, number)
    states = {c.state for c in application.cases.all()}
    if states == {S.DRAFT}:
        plan = _application_plan(application)
        if request.method == "POST":
            return _save(request, applicant, application, plan)
        known = _known(request, applicant, plan, application.form)
        return _render_form(
            request, plan, application, {**application.form, **known}, {}, prefilled=set(known)
        )
    if request.method == "POST":
        return redirect("portal:application", number=application.number)  # a stale draft form
    return _status_page(request, applicant, application)


def _situation_page(
    request: HttpRequest,
    application: Application,
    plan: Plan,
    chosen: dict[str, str],
    errors: dict[str, str],
    *,
    status: int = 200,
    preview: channels.SituationChange | None = None,
) -> HttpResponse:
    """The 情形 questions of a draft, pre-filled, with what the draft holds now; `preview`
    (what new answers would drop) asks to confirm before uploads are removed."""
    context = {
        "plan": plan,
        "application": application,
        "situations": [
            {"q": q, "answer": chosen.get(q.code, ""), "error": errors.get(f"s_{q.code}", "")}
            for q in plan.situations
        ],
        "materials": _materials_with_files(plan, application),
        "errors": errors,
        "other_errors": [v for k, v in errors.items() if not k.startswith("s_")],
        "preview": preview,
        "confirm": _answers_key(chosen) if preview is not None else "",
    }
    return render(request, "portal/apply/situation.html", context, status=status)


def _answers_key(answers: dict[str, str]) -> str:
    """What a confirmation confirms: these answers (changed on the page again, it asks again)."""
    return urlencode(sorted(answers.items()))


def _names(pairs: list[tuple[str, str]]) -> str:
    return "、".join(name for _code, name in pairs)


@portal_required
@require_http_methods(["GET", "POST"])
def situation_change(request: HttpRequest, number: str) -> HttpResponse:
    """Change a draft's 情形 answers: the same questions, pre-filled; saving recomputes the
    materials with the catalog's rule. When uploads of materials the new answers no longer
    ask for would go, the page names them and asks to confirm first; after the change a
    message names what was removed and what is now asked too. A submitted application keeps
    its answers (the page says so and shows the status)."""
    applicant, application = _own(request, number)
    if {c.state for c in application.cases.all()} != {S.DRAFT}:
        messages.error(
            request, _("A submitted application keeps its situation answers: they cannot be changed.")
        )
        return redirect("portal:application", number=application.number)
    plan = _application_plan(application)
    if not plan.situations:
        raise Http404(_("This service asks no situation questions."))
    if request.method == "GET":
        return _situation_page(request, application, plan, dict(application.situation_answers or {}), {})
    answers, errors = situation_answers_in(plan, request.POST)
    if errors:
        return _situation_page(request, application, plan, answers, errors, status=400)
    try:
        preview = channels.situation_change_preview(application=application, answers=answers)
        if preview.removed_files and request.POST.get("confirm") != _answers_key(answers):
            return _situation_page(request, application, plan, answers, {}, preview=preview)
        change = channels.portal_draft_situation_change(
            application=application, actor=applicant, answers=answers
        )
    except CaseError as exc:
        if exc.code == "NOT_A_DRAFT":  # submitted meanwhile
            messages.error(
                request, _("A submitted application keeps its situation answers: they cannot be changed.")
            )
            return redirect("portal:application", number=application.number)
        name = exc.field.replace("situation.", "s_", 1) if exc.field.startswith("situation.") else "all"
        return _situation_page(request, application, plan, answers, {name: exc.message}, status=400)
    if not change.changed:
        messages.info(request, _("The answers are saved; the materials stay the same."))
    else:
        messages.success(request, _("The answers are changed: the list of materials follows them now."))
    if change.removed_files:
        messages.warning(
            request,
            _("No longer needed, so their uploads were removed from the draft: %(files)s.")
            % {"files": "、".join(f"{material}（{name}）" for material, name in change.removed_files)},
        )
    elif change.dropped:
        messages.info(request, _("No longer needed: %(materials)s.") % {"materials": _names(change.dropped)})
    if change.added:
        messages.info(request, _("Now needed too: %(materials)s.") % {"materials": _names(change.added)})
    return redirect("portal:application", number=application.number)


@portal_required
@require_POST
def supplement(request: HttpRequest, number: str) -> HttpResponse:
    """Answer the one-time notice: upload what it asks for, then (`action=send`) resubmit."""
    applicant, application = _own(request, number)
    asked = channels.supplement_asked(application)
    if asked is None:
        messages.info(request, _("Nothing is waiting for a supplement."))
        return redirect("portal:application", number=application.number)
    errors = _uploads(request, applicant, application, [code for code, _name in asked.materials])
    if not errors and request.POST.get("action") == "send":
        try:
            channels.portal_supplement_submit(application=application, actor=applicant)
        except CaseError as exc:
            errors[_error_key(exc)] = exc.message
        else:
            messages.success(request, _("Thank you: the center pre-reviews what you uploaded."))
            return redirect("portal:application", number=application.number)
    if errors:
        return _status_page(request, applicant, application, errors, status=400)
    messages.success(request, _("Uploaded. Send it when everything the notice asks for is there."))
    return redirect("portal:application", number=application.number)


@portal_required
@require_POST
def file_remove(request: HttpRequest, number: str, file_id: int) -> HttpResponse:
    applicant, application = _own(request, number)
    try:
        channels.portal_material_remove(application=application, actor=applicant, file_id=file_id)
    except CaseError as exc:
        messages.error(request, exc.message)
    return redirect("portal:application", number=application.number)


@portal_required
@require_POST
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    """撤回 with a reason, before the window accepts the application."""
    applicant, application = _own(request, number)
    reason = _text(request.POST.get("reason", ""), MAX_REASON + 1)
    try:
        channels.portal_application_withdraw(application=application, actor=applicant, reason=reason)
    except CaseError as exc:
        return _status_page(
            request,
            applicant,
            application,
            {_error_key(exc): exc.message},
            status=400,
            reason=reason[:MAX_REASON],
        )
    messages.success(request, _("The application %(number)s is withdrawn.") % {"number": application.number})
    return redirect("portal:application", number=application.number)


@portal_required
@require_GET
def file_get(request: HttpRequest, pk: int) -> FileResponse:
    """A file of one of the account's own applications (404 otherwise)."""
    applicant = _applicant(request)
    row = files.material_file_get_own(applicant=applicant, pk=pk) if applicant is not None else None
    if row is None:
        raise Http404(_("No such file."))
    return files.material_file_response(row)
