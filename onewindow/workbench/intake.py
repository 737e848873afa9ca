"""综合受理: the intake clerk's one screen, built from htmx partials (no full page reloads).

1 applicant (find by ID number / USCC, or register; a company's 经办人), 2 items (search by
name, code or pinyin initials, or a bundle), 3 the unified form, 4 the material checklist,
then accept / accept with 容缺 materials / one-time notice / refuse, and void a mistaken
intake. Every write goes through the engine (cases.services, org.services, cases.files);
every read through selectors with the signed-in staff member as the actor.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.core import signing
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from onewindow.cases import files, services
from onewindow.cases.documents.render import render_notice
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Application, ApplicationMaterial, CaseState
from onewindow.cases.notices import commitment_draft_notice
from onewindow.cases.plans import VersionPlan, version_plan
from onewindow.cases.selectors import applicant_materials_on_file, application_get
from onewindow.catalog import selectors as catalog
from onewindow.catalog.models import CaseKind, DeliveryMethod, FormField
from onewindow.core import calendar, clock
from onewindow.core.inputs import DocumentKind, form_check, normalise_document_number
from onewindow.org import selectors as org_selectors
from onewindow.org import services as org_services
from onewindow.org.access import BINDING_ROLES
from onewindow.org.accounts import BindingStatus, binding_status
from onewindow.org.errors import OrgError
from onewindow.org.models import Applicant, Role, ServiceCenter, Staff
from onewindow.workbench.staff import staff_required

View = TypeVar("View", bound=Callable[..., HttpResponse | FileResponse])


def _for(roles: Sequence[str] = ()) -> Callable[[View], View]:
    """`staff_required` with its type kept (the decorator itself is typed Any)."""
    return cast(Callable[[View], View], staff_required(roles=roles))


CLERK = [Role.INTAKE_CLERK]
VOIDERS = [Role.INTAKE_CLERK, Role.CENTER_ADMIN]
clerks = _for(CLERK)
voiders = _for(VOIDERS)
any_staff = _for()
MAX_ITEMS = 10
MAX_QUERY = 64

# What the clerk marks for a material on the checklist.
RECEIVED_PAPER, RECEIVED_ELECTRONIC, REUSED, MISSING, TOLERATED, COMMITTED = (
    "paper",
    "electronic",
    "reused",
    "missing",
    "tolerated",
    "committed",  # 告知承诺: the applicant's signed commitment replaces the material
)
CHECKED_ORIGINAL = "与原件核对无误"


def _staff(request: HttpRequest) -> Staff:
    return request.staff  # type: ignore[attr-defined, no-any-return]


def _short(value: Any, limit: int = MAX_QUERY) -> str:
    return str(value or "").strip()[:limit]


def _ids(values: list[str]) -> list[int]:
    out: list[int] = []
    for v in values[: MAX_ITEMS * 2]:
        if v.isdigit() and len(v) < 12 and int(v) not in out:
            out.append(int(v))
    return out[:MAX_ITEMS]


def _one_id(value: str | None) -> int | None:
    found = _ids([value or ""])
    return found[0] if found else None


# ------------------------------------------------------------------ the page


@require_GET
@voiders
def page(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    return render(
        request,
        "workbench/intake/page.html",
        {
            "staff": staff,
            "is_clerk": staff.has_role(Role.INTAKE_CLERK),
            "document_kinds": DocumentKind.choices,
        },
    )


# ------------------------------------------------------------------ 1 applicant


APPLICANT_SALT = "onewindow.workbench.intake.applicant"
APPLICANT_TOKEN_AGE = 12 * 3600


def applicant_token(applicant: Applicant) -> str:
    """The applicant the screen holds, signed: only one found by number or registered here
    can be posted back (no walking through applicant ids)."""
    return signing.dumps(applicant.pk, salt=APPLICANT_SALT)


def _applicant_context(applicant: Applicant | None, register_url: str, **extra: Any) -> dict[str, Any]:
    token = applicant_token(applicant) if applicant is not None else ""
    return {
        "applicant": applicant,
        "applicant_token": token,
        "document_kinds": DocumentKind.choices,
        "register_url": register_url,
        **extra,
    }


@require_GET
@clerks
def applicant_find(request: HttpRequest) -> HttpResponse:
    return find_applicant(request, register_url=reverse("workbench:intake_applicant_register"))


def find_applicant(request: HttpRequest, *, register_url: str) -> HttpResponse:
    """Find by ID number (any document kind) or USCC, through the blind index (the intake
    screen's and the proxy agent's; `register_url` is where the registration form posts)."""
    q = normalise_document_number(_short(request.GET.get("q"), 40))
    applicant = None
    if q:
        applicant = org_selectors.applicant_find(id_number=q) or org_selectors.applicant_find(uscc=q)
    return render(
        request,
        "workbench/intake/applicant.html",
        _applicant_context(
            applicant,
            register_url,
            q=q,
            searched=bool(q),
            form={"id_number": q},
            binding=_binding(request, applicant),
        ),
    )


def _binding(request: HttpRequest, applicant: Applicant | None) -> BindingStatus | None:
    """The applicant's portal binding for a clerk who may print the slip (and change the binding:
    the binding page); None for anyone else, who is shown nothing of it."""
    staff: Staff = request.staff  # type: ignore[attr-defined]
    if applicant is None or not (staff.roles & BINDING_ROLES):
        return None
    return binding_status(applicant=applicant)


@require_POST
@clerks
def applicant_register(request: HttpRequest) -> HttpResponse:
    return register_applicant(request, register_url=reverse("workbench:intake_applicant_register"))


def register_applicant(request: HttpRequest, *, register_url: str) -> HttpResponse:
    """Register a new applicant (org services check every field); errors shown by field."""
    post = request.POST
    kind = _short(post.get("kind"), 20) or Applicant.Kind.PERSON
    form = {k: _short(post.get(k), 200) for k in ("name", "document_kind", "id_number", "uscc", "mobile")}
    try:
        applicant = org_services.applicant_create(
            kind=kind,
            name=form["name"],
            id_number=form["id_number"] if kind == Applicant.Kind.PERSON else "",
            document_kind=form["document_kind"] or DocumentKind.RESIDENT_ID,
            uscc=form["uscc"],
            mobile=form["mobile"],
        )
    except OrgError as exc:
        errors = {exc.field or "name": exc.message}
        return render(
            request,
            "workbench/intake/applicant.html",
            _applicant_context(
                None, register_url, searched=True, form=form, kind=kind, errors=errors, registering=True
            ),
        )
    return render(
        request,
        "workbench/intake/applicant.html",
        _applicant_context(applicant, register_url, registered=True),
    )


# ------------------------------------------------------------------ 2 items


@require_GET
@clerks
def item_search(request: HttpRequest) -> HttpResponse:
    """Search as you type: items by pinyin initials, code or name, and bundles (two queries)."""
    staff = _staff(request)
    q = _short(request.GET.get("q"))
    return render(
        request,
        "workbench/intake/items.html",
        {
            "q": q,
            "items": catalog.item_search(center=staff.center, q=q),
            "bundles": catalog.bundle_search(center=staff.center, q=q),
            "work_url": reverse("workbench:intake_work"),
        },
    )


# ------------------------------------------------------------------ 3 + 4 form and checklist


@dataclass
class MaterialRow:
    code: str
    name: str
    required: bool
    tolerable: bool
    due: Any = None
    on_file: ApplicationMaterial | None = None
    choice: str = RECEIVED_PAPER
    note: str = ""
    scans: list[Any] = field(default_factory=list)
    commitment_allowed: bool = True  # every item asking for it allows 告知承诺


@dataclass
class SituationRow:
    """A 情形 question on the screen: its choices and the clerk's answer ("" until chosen)."""

    code: str
    text: str
    choices: list[tuple[str, str]]
    answer: str = ""


@dataclass
class Work:
    """What the screen shows for the chosen items (and what a submission is checked against)."""

    items: list[Any]
    bundle: Any
    plans: list[VersionPlan]
    fields: list[dict[str, Any]]
    materials: list[MaterialRow]
    delivery_methods: list[tuple[str, str]]
    immediate: bool
    situations: list[SituationRow] = field(default_factory=list)

    @property
    def answers(self) -> dict[str, str]:
        return {s.code: s.answer for s in self.situations if s.answer}

    @property
    def unanswered(self) -> bool:
        return any(not s.answer for s in self.situations)

    def situation_errors(self) -> dict[str, str]:
        """An error beside each 情形 question left unanswered (`s_<code>`), for every screen
        that submits this work (the window's, the village agent's)."""
        return {
            f"s_{q.code}": _("Answer “%(question)s”: it decides which materials apply.")
            % {"question": q.text}
            for q in self.situations
            if not q.answer
        }


def _answers_in(query: Any) -> dict[str, str]:
    """The 情形 answers the screen sent (`s_<question code>`), bounded."""
    out: dict[str, str] = {}
    for key in list(query.keys())[:200]:
        if key.startswith("s_") and len(out) < MAX_ITEMS * 3:
            out[key[2:42]] = _short(query.get(key), 40)
    return out


def _work(
    staff: Staff,
    item_ids: list[int],
    bundle_id: int | None,
    applicant: Applicant | None,
    answers: dict[str, str] | None = None,
    center: ServiceCenter | None = None,
) -> Work:
    """The screen's work for these items of `center` (the staff member's own by default; a proxy
    agent's is the county hall above the station) under these 情形 answers: a question answered
    with no choice of it counts as unanswered, and a material shows only once the answers it
    depends on are given and pick it (the catalog's rule, `VersionPlan.materials_for`)."""
    center = center or staff.center
    bundle = catalog.bundle_get(center=center, pk=bundle_id) if bundle_id else None
    if bundle is not None:
        item_ids = catalog.bundle_item_ids(bundle=bundle)[:MAX_ITEMS]
    items = catalog.items_of_center(center=center, ids=item_ids)
    versions = catalog.published_version_ids(item_ids=[i.pk for i in items])
    items = [i for i in items if i.pk in versions]
    plans = [version_plan(versions[i.pk]) for i in items]
    fields: dict[str, dict[str, Any]] = {}
    for plan in plans:
        for f in plan.form_fields:
            question = fields.setdefault(
                f.key,
                {
                    "key": f.key,
                    "label": f.label,
                    "kind": f.kind,
                    "required": False,
                    "choices": list(f.choices),
                },
            )
            question["required"] = question["required"] or f.required
    situations = [
        SituationRow(q.code, q.text, list(q.choices))
        for q in catalog.situation_questions_merge([p.questions for p in plans])
    ]
    given = answers or {}
    for row_q in situations:
        if given.get(row_q.code) in {c for c, _label in row_q.choices}:
            row_q.answer = given[row_q.code]
    chosen = {s.code: s.answer for s in situations if s.answer}
    materials: dict[str, MaterialRow] = {}
    today = clock.today()
    for plan in plans:
        for m in plan.materials_for(chosen):
            row = materials.get(m.code)
            if row is None:
                row = materials[m.code] = MaterialRow(m.code, m.name, False, True)
            row.commitment_allowed = row.commitment_allowed and m.commitment_allowed
            if m.required:
                row.tolerable = row.tolerable and m.tolerable
                row.required = True
                if m.tolerable:
                    due = calendar.add_working_days(today, m.tolerance_days)
                    row.due = min(row.due, due) if row.due else due
    for row in materials.values():
        row.tolerable = row.tolerable and row.required
        row.choice = RECEIVED_PAPER if row.required else MISSING
    if applicant is not None:
        on_file = applicant_materials_on_file(actor=staff, applicant_id=applicant.pk, codes=list(materials))
        for code, material in on_file.items():
            materials[code].on_file = material
            materials[code].choice = REUSED
    offered = set(DeliveryMethod.values)
    for plan in plans:
        if plan.delivery_methods:
            offered &= set(plan.delivery_methods)
    return Work(
        items=items,
        bundle=bundle,
        plans=plans,
        fields=list(fields.values()),
        materials=list(materials.values()),
        delivery_methods=[(v, str(label)) for v, label in DeliveryMethod.choices if v in offered],
        immediate=bool(plans) and all(p.case_kind == CaseKind.IMMEDIATE for p in plans),
        situations=situations,
    )


def _applicant(staff: Staff, value: str | None) -> Applicant | None:
    """The applicant of a signed token (see `applicant_token`), or None."""
    try:
        pk = signing.loads(str(value or "")[:200], salt=APPLICANT_SALT, max_age=APPLICANT_TOKEN_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return Applicant.objects.filter(pk=pk).first()


def _prefill(work: Work, applicant: Applicant | None) -> dict[str, Any]:
    """The form answers the found applicant's record gives (the agent's: the villager's, never the
    agent's own); nothing before an applicant is found."""
    if applicant is None:
        return {}
    return dict(
        org_selectors.applicant_form_answers(applicant=applicant, keys=[f["key"] for f in work.fields])
    )


def _work_context(
    request: HttpRequest, work: Work, applicant: Applicant | None, **extra: Any
) -> dict[str, Any]:
    return {
        "work": work,
        "applicant": applicant,
        "applicant_token": applicant_token(applicant) if applicant is not None else "",
        "values": extra.pop("values", None) or _prefill(work, applicant),
        "errors": extra.pop("errors", {}),
        "work_tolerated": any(r.choice == TOLERATED for r in work.materials),
        "idempotency_key": secrets.token_urlsafe(24),
        "kinds": FormField.Kind,
        "choices": {
            "paper": RECEIVED_PAPER,
            "electronic": RECEIVED_ELECTRONIC,
            "reused": REUSED,
            "missing": MISSING,
            "tolerated": TOLERATED,
            "committed": COMMITTED,
        },
        **extra,
    }


@require_GET
@clerks
def work(request: HttpRequest) -> HttpResponse:
    """The chosen items (add / remove one, or a bundle), the unified form and the checklist."""
    staff = _staff(request)
    ids = _ids(request.GET.getlist("items"))
    add = _ids([request.GET.get("add", "")])
    remove = _ids([request.GET.get("remove", "")])
    ids = [i for i in ids + [a for a in add if a not in ids] if i not in remove][:MAX_ITEMS]
    applicant = _applicant(staff, request.GET.get("applicant"))
    current = _work(staff, ids, _one_id(request.GET.get("bundle")), applicant, _answers_in(request.GET))
    # A changed 情形 answer re-renders the checklist: keep what was typed in the form.
    typed = {f["key"]: _short(request.GET.get(f"f_{f['key']}"), 2100) for f in current.fields}
    typed = {k: v for k, v in typed.items() if v}
    return render(
        request, "workbench/intake/work.html", _work_context(request, current, applicant, values=typed)
    )


# ------------------------------------------------------------------ 5 the outcome


def _materials_in(work: Work, post: Any) -> tuple[list[services.MaterialIn], dict[str, str], list[str]]:
    """(handed in, errors by field, codes marked missing) from the checklist."""
    handed: list[services.MaterialIn] = []
    errors: dict[str, str] = {}
    missing: list[str] = []
    for row in work.materials:
        choice = _short(post.get(f"m_{row.code}"), 20) or MISSING
        row.choice = choice
        if choice == RECEIVED_PAPER:
            handed.append(services.MaterialIn(code=row.code, note=_("paper")))
        elif choice == RECEIVED_ELECTRONIC:
            handed.append(services.MaterialIn(code=row.code, note=_("electronic")))
        elif choice == REUSED and row.on_file is not None:
            handed.append(
                services.MaterialIn(
                    code=row.code,
                    licence_number=row.on_file.licence_number,
                    note=f"{CHECKED_ORIGINAL}（{row.on_file.application.number}）"[:200],
                )
            )
        elif choice == COMMITTED:
            if not row.commitment_allowed:
                errors[f"m_{row.code}"] = _("“%(name)s” may not be replaced by a commitment (告知承诺).") % {
                    "name": row.name
                }
            else:
                handed.append(
                    services.MaterialIn(code=row.code, committed=True, note=_("commitment (告知承诺)"))
                )
        elif choice == TOLERATED:
            if not row.tolerable:
                errors[f"m_{row.code}"] = _("“%(name)s” may not follow later.") % {"name": row.name}
            missing.append(row.code)
        elif choice in (MISSING, REUSED):
            missing.append(row.code)
        else:
            errors[f"m_{row.code}"] = _("Choose what was handed in.")
    return handed, errors, missing


def _commitment_in(staff: Staff, post: Any) -> services.CommitmentIn | None:
    """The signed 容缺受理承诺书 as the checklist records it: the clerk's tick, and the scan of
    the signed letter if one was uploaded for this intake (the clerk's own, not yet attached)."""
    confirmed = post.get("commitment_signed") == "on"
    scan = next(
        (
            f
            for f in files.material_files_loose(actor=staff, ids=_ids(post.getlist("scans")))
            if f.material_code == services.COMMITMENT_CODE
        ),
        None,
    )
    if not confirmed and scan is None:
        return None
    return services.CommitmentIn(confirmed=confirmed, file_id=scan.pk if scan is not None else None)


def _agent(post: Any, applicant: Applicant) -> services.AgentIn | None:
    name = _short(post.get("agent_name"), 60)
    if applicant.kind != Applicant.Kind.ORGANISATION and not name:
        return None
    return services.AgentIn(
        name=name,
        document_kind=_short(post.get("agent_document_kind"), 20) or DocumentKind.RESIDENT_ID,
        document_number=_short(post.get("agent_document_number"), 40),
        mobile=_short(post.get("agent_mobile"), 20),
    )


def _field_errors(work: Work, form_data: dict[str, Any]) -> dict[str, str]:
    fields = [f for plan in work.plans for f in plan.form_fields]
    _clean, errors = form_check(fields, form_data, path="form_data")
    return {e["field"].removeprefix("form_data."): e["message"] for e in errors}


@dataclass
class Outcome:
    application: Application
    cases: list[Any]
    kind: str  # accepted / accepted_with_pending / completed / supplement / refused / voided
    missing: list[dict[str, Any]] = field(default_factory=list)
    unrouted: list[Any] = field(default_factory=list)  # accepted, for the back office: 送后台办理 next


def _outcome_of(application: Application) -> Outcome:
    cases = list(application.cases.select_related("item").order_by("pk"))
    states = {c.state for c in cases}
    if CaseState.VOIDED in states:
        kind = "voided"
    elif CaseState.REFUSED in states:
        kind = "refused"
    elif CaseState.PENDING_SUPPLEMENT in states:
        kind = "supplement"
    elif CaseState.COMPLETED in states and all(c.state == CaseState.COMPLETED for c in cases):
        kind = "completed"
    elif any(c.pending_materials_due for c in cases):
        kind = "accepted_with_pending"
    else:
        kind = "accepted"
    unrouted = [c for c in cases if c.state == CaseState.ACCEPTED]
    return Outcome(application=application, cases=cases, kind=kind, unrouted=unrouted)


@require_POST
@clerks
def submit(request: HttpRequest) -> HttpResponse:
    """Accept (容缺 or not), issue the one-time notice, or refuse. A double-clicked button
    sends the same idempotency key: the engine returns the first application, which is shown."""
    staff = _staff(request)
    post = request.POST
    action = _short(post.get("action"), 20)
    applicant = _applicant(staff, post.get("applicant"))
    current = _work(
        staff, _ids(post.getlist("items")), _one_id(post.get("bundle")), applicant, _answers_in(post)
    )
    form_data = {f["key"]: _short(post.get(f"f_{f['key']}"), 2100) for f in current.fields}
    form_data = {k: v for k, v in form_data.items() if v}
    errors: dict[str, str] = {}
    if action not in ("accept", "accept_with_pending", "supplement", "refuse"):
        errors["action"] = _("Choose accept, accept with pending materials, one-time notice or refuse.")
    if applicant is None:
        errors["applicant"] = _("Find or register the applicant first (section 1).")
    if not current.items:
        errors["items"] = _("Choose at least one item (section 2).")
    errors.update(current.situation_errors())
    handed, material_errors, missing = _materials_in(current, post)
    tolerated = [r for r in current.materials if r.choice == TOLERATED]
    commitment = _commitment_in(staff, post)
    if tolerated and commitment is None and action in ("accept", "accept_with_pending"):
        material_errors["commitment"] = _(
            "Print the commitment letter (容缺受理承诺书), have the applicant sign it, then tick "
            "“signed” or upload the scan of the signed letter."
        )
    reasons = str(post.get("reasons", "")).strip()[:2000]
    legal_basis = str(post.get("legal_basis", "")).strip()[:500]
    if action == "refuse":  # the form is still checked: an application is submitted with it
        if not reasons:
            errors["reasons"] = _("Write the reasons for the refusal.")
        if not legal_basis:
            errors["legal_basis"] = _("Give the legal basis of the refusal.")
    else:
        errors.update(material_errors)
    errors.update(_field_errors(current, form_data))
    if action == "accept" and missing:
        errors["action"] = _(
            "Materials are missing: use accept with pending materials or the one-time notice."
        )
    elif action == "accept_with_pending" and _blocking(current, missing):
        errors["action"] = _(
            "A required material that may not follow later is missing: issue the one-time notice."
        )
    elif action == "supplement" and not missing:
        errors["action"] = _("Nothing is missing: there is nothing to notify.")
    delivery = _short(post.get("delivery_method"), 12)
    address = _short(post.get("delivery_address"), 200)
    key = _short(post.get("idempotency_key"), 64) or None
    if errors:
        return _refused(request, current, applicant, form_data, errors, post)
    assert applicant is not None
    try:
        with transaction.atomic():
            application = services.application_create(
                center=staff.center,
                applicant=applicant,
                items=[i.pk for i in current.items] if current.bundle is None else (),
                bundle=current.bundle,
                channel="window",
                form_data=form_data,
                materials=handed,
                actor=staff,
                delivery_method=delivery,
                delivery_address=address,
                idempotency_key=key,
                agent=_agent(post, applicant),
                answers=current.answers,
            )
            if any(c.state != CaseState.SUBMITTED for c in application.cases.all()):
                return _result(request, _outcome_of(application))  # a retried submit
            files.material_files_attach(
                application=application, file_ids=_ids(post.getlist("scans")), actor=staff
            )
            if action == "refuse":
                for case in application.cases.order_by("pk"):
                    services.case_refuse(case=case, actor=staff, reasons=reasons, legal_basis=legal_basis)
            elif action == "supplement" and missing and not _blocking(current, missing):
                services.application_request_supplement(
                    application=application, actor=staff, materials=missing, note=_("one-time notice")
                )
            else:
                services.application_intake(application=application, actor=staff, commitment=commitment)
    except CaseError as exc:
        name = exc.field.removeprefix("form_data.") if exc.field.startswith("form_data.") else exc.field
        name = name.replace("agent.", "agent_").replace("situation.", "s_")
        return _refused(request, current, applicant, form_data, {name or "action": exc.message}, post)
    return _result(request, _outcome_of(application))


@require_GET
@clerks
def commitment_pdf(request: HttpRequest) -> HttpResponse:
    """The 容缺受理承诺书 to print and sign before acceptance, from the checklist as it stands
    (the form posted here natively, GET, into a new tab): the applicant, the items and the
    materials marked 容缺 with their due dates. No case number yet, so no QR code; the case
    page prints it again with both once accepted."""
    staff = _staff(request)
    query = request.GET
    applicant = _applicant(staff, query.get("print_applicant"))
    if applicant is None:
        return HttpResponseBadRequest(_("Find or register the applicant first (section 1)."))
    current = _work(
        staff, _ids(query.getlist("items")), _one_id(query.get("bundle")), applicant, _answers_in(query)
    )
    rows = [
        r
        for r in current.materials
        if r.tolerable and r.due and _short(query.get(f"m_{r.code}"), 20) == TOLERATED
    ]
    if not rows:
        return HttpResponseBadRequest(
            _("No material is marked 容缺 (tolerated): there is nothing to promise.")
        )
    notice = commitment_draft_notice(
        center_name=staff.center.name,
        applicant=applicant,
        item_names=[i.name for i in current.items],
        materials=[(r.name, "", r.due) for r in rows],
        clerk_name=staff.name,
    )
    response = HttpResponse(render_notice(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{notice.filename}"'
    response["Cache-Control"] = "private, no-store"  # personal data
    return response


def _blocking(work: Work, missing: list[str]) -> bool:
    return any(r.code in missing and r.required and not r.tolerable for r in work.materials)


def _refused(
    request: HttpRequest,
    current: Work,
    applicant: Applicant | None,
    form_data: dict[str, Any],
    errors: dict[str, str],
    post: Any,
) -> HttpResponse:
    """The form again, as typed, with each error beside its field."""
    context = _work_context(
        request,
        current,
        applicant,
        values=form_data or {"": ""},
        errors=errors,
        agent={
            k: _short(post.get(k), 60)
            for k in ("agent_name", "agent_document_kind", "agent_document_number", "agent_mobile")
        },
        reasons=str(post.get("reasons", ""))[:2000],
        legal_basis=str(post.get("legal_basis", ""))[:500],
        delivery_method=_short(post.get("delivery_method"), 12),
        delivery_address=_short(post.get("delivery_address"), 200),
        commitment_signed=post.get("commitment_signed") == "on",
        # The scans uploaded for this intake stay with it when it is shown again.
        kept_scans=files.material_files_loose(actor=_staff(request), ids=_ids(post.getlist("scans"))),
    )
    context["idempotency_key"] = _short(post.get("idempotency_key"), 64) or context["idempotency_key"]
    return render(request, "workbench/intake/work.html", context)


def _result(request: HttpRequest, outcome: Outcome) -> HttpResponse:
    return render(request, "workbench/intake/result.html", {"outcome": outcome})


# ------------------------------------------------------------------ 6 void


@require_POST
@voiders
def void(request: HttpRequest) -> HttpResponse:
    """作废 a mistaken intake with a reason (the clerk the same day, a center admin later)."""
    staff = _staff(request)
    number = _short(request.POST.get("application"), 40)
    reason = str(request.POST.get("reason", "")).strip()[:500]
    application = application_get(actor=staff, number=number) if number else None
    if application is None:
        return render(
            request,
            "workbench/intake/void.html",
            {"number": number, "reason": reason, "error": _("No such application in your center.")},
        )
    try:
        services.application_void(application=application, actor=staff, reason=reason)
    except CaseError as exc:
        return render(
            request, "workbench/intake/void.html", {"number": number, "reason": reason, "error": exc.message}
        )
    return _result(request, _outcome_of(application))


# ------------------------------------------------------------------ scans


@require_POST
@clerks
def file_upload(request: HttpRequest) -> HttpResponse:
    return upload_scan(request)


def upload_scan(request: HttpRequest) -> HttpResponse:
    """One scan for one material of the intake being typed (checked by its content); the
    intake screen's and the proxy agent's."""
    staff = _staff(request)
    code = _short(request.POST.get("material"), 40)
    upload = request.FILES.get("file")
    held = len(files.material_files_loose(actor=staff, ids=_ids(request.POST.getlist("scans"))))
    context: dict[str, Any] = {"code": code}
    if upload is None:
        context["error"] = _("Choose a scan (PDF, JPEG or PNG).")
    elif upload.size is not None and upload.size > files.MAX_FILE_BYTES:
        context["error"] = _("The file is larger than %(mb)d MB.") % {"mb": files.MAX_FILE_BYTES // 2**20}
    else:
        try:
            context["scan"] = files.material_file_store(
                upload=upload, name=upload.name or "", material_code=code, actor=staff, held=held
            )
        except CaseError as exc:
            context["error"] = exc.message
    return render(request, "workbench/intake/scan.html", context)


@require_GET
@any_staff
def file_get(request: HttpRequest, pk: int) -> FileResponse:
    """A scan, for staff who may see its application's cases (404 otherwise)."""
    row = files.material_file_get(actor=_staff(request), pk=pk)
    if row is None:
        raise Http404(_("No such file."))
    return files.material_file_response(row)
