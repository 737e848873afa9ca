"""The case page (/workbench/cases/<number>/): everything about one case and what THIS member of
staff may do with it now.

The case comes through `selectors.case_get` with the staff member as actor (out of scope:
404, like a case that does not exist). The action panel asks the engine's own pure rules
(`rules.check_transition`, `check_task_role`, `check_task_actor`,
`check_separation_of_duties`) which actions apply, so the page never re-implements them:
an action the person's roles or scope do not cover is not shown, one that applies but cannot
be taken now is shown disabled with the engine's reason. Every action is a POST form with
the case's event count (`seq`): the engine's lock refuses a stale or doubled form
(`services.case_lock_unchanged`), and a refused action leaves nothing written.

With htmx the action answers with the page's body (header, sections, panel), so the
deadlines move on screen without a full reload; without it, the usual POST/redirect/GET.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from onewindow.cases import files, rules, selectors, services
from onewindow.cases.errors import CaseError
from onewindow.cases.models import ApplicationMaterial, Case, CaseMaterial, CaseState, CaseTask, MaterialFile
from onewindow.cases.notices import commitment_record_text, notices_issued
from onewindow.cases.plans import version_plan
from onewindow.cases.presenters import case_trail
from onewindow.core import clock
from onewindow.core.fields import mask_name
from onewindow.core.personal import PersonalDataError, personal_data_reveal, personal_fields, personal_masked
from onewindow.org import selectors as org_selectors
from onewindow.org.access import BINDING_ROLES
from onewindow.org.accounts import binding_status
from onewindow.org.models import Department, Staff
from onewindow.workbench import caseforms as cf
from onewindow.workbench.staff import staff_required

T = CaseTask.State
# Refusals that mean "not this person's business": the action is not shown at all.
HIDDEN = frozenset({"ROLE_NOT_ALLOWED", "OUT_OF_SCOPE", "TRANSITION_NOT_ALLOWED", "ACCOUNT_INACTIVE"})


@dataclass
class PanelItem:
    """One action of the panel: its form (bound after a refused POST) or why it is disabled."""

    action: str
    label: str
    form: forms.Form | None = None
    reason: str = ""
    task: CaseTask | None = None
    main: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.action}-{self.task.pk}" if self.task is not None else self.action


class Hidden(Exception):
    pass


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _check(staff: Staff, case: Case, action: str, *, task: CaseTask | None = None) -> str:
    """'' when the table lets the staff member take `action` now; the reason when it applies
    but not now; Hidden when it is not theirs at all."""
    try:
        rules.check_transition(
            action=action,
            state=case.state,
            actor=staff,
            center_id=case.center_id,
            department_id=case.department_id,
            task_department_id=task.department_id if task is not None else None,
        )
        if task is not None:
            rules.check_task_role(task_role=task.role, actor=staff, action=action)
    except CaseError as exc:
        if exc.code in HIDDEN:
            raise Hidden from exc
        return exc.message
    return ""


def _task_reason(staff: Staff, task: CaseTask) -> str:
    """Why the staff member may not finish a task claimed by someone else ('' when they may)."""
    if task.assignee_id is None or task.assignee_id == staff.pk:
        return ""
    assignee = task.assignee
    absent = (
        assignee is not None
        and assignee.backup_id == staff.pk
        and org_selectors.staff_absent(staff_id=assignee.pk, at=clock.now())
    )
    try:
        rules.check_task_actor(
            assignee_id=task.assignee_id,
            assignee_name=assignee.name if assignee is not None else "",
            assignee_backup_id=assignee.backup_id if assignee is not None else None,
            assignee_absent=absent,
            actor=staff,
        )
    except CaseError as exc:
        return exc.message
    return ""


def _initial(case: Case) -> dict[str, Any]:
    return {"seq": case.event_count}


def _stages(case: Case) -> list[tuple[int, str]]:
    """The stages the case may be sent back to: earlier ones, and the current one once finished."""
    plan = version_plan(case.version_id)
    return [
        (s.order, s.name)
        for s in plan.stages
        if s.order < case.stage_order or (s.order == case.stage_order and not case.open_tasks)
    ]


def _pending_extension(events: list[Any]) -> Any:
    """The unanswered extension request among the case's events, or None."""
    pending = None
    for e in events:
        if e.action == "extension_request":
            pending = e
        elif e.action in ("extend", "extension_refuse"):
            pending = None
    return pending


def build_panel(
    staff: Staff,
    case: Case,
    tasks: list[CaseTask],
    events: list[Any],
    bound: tuple[str, forms.Form] | None = None,
) -> list[PanelItem]:
    """The actions this member of staff may take on this case now, in the order of the work."""
    items: list[PanelItem] = []
    initial = _initial(case)
    bound_key, bound_form = bound if bound is not None else ("", None)

    def add(item: PanelItem, make: Any) -> None:
        if not item.reason:
            form = bound_form if bound_form is not None and bound_key == item.key else make()
            form.auto_id = f"id-{item.key}-%s"  # several forms on one page: unique ids
            item.form = form
        items.append(item)

    for task in tasks:
        if task.state not in (T.OPEN, T.CLAIMED) or task.stage_order != case.stage_order:
            continue
        reported = task.stage_task_id is None and case.reported_to_id == staff.center_id
        action = "report_back" if reported else "task_complete"
        try:
            reason = _check(staff, case, action, task=task) or _task_reason(staff, task)
        except Hidden:
            continue
        if task.state == T.OPEN:
            try:
                if not _check(staff, case, "task_claim", task=task):
                    add(
                        PanelItem("task_claim", _("Claim “%(task)s”") % {"task": task.name}, task=task),
                        lambda t=task: cf.ClaimForm(initial={**initial, "task": t.pk}),
                    )
            except Hidden:
                pass
        label = (
            _("Return from the upper center: “%(task)s”")
            if reported
            else _("Opinion on “%(task)s” (agree / disagree)")
        ) % {"task": task.name}
        add(
            PanelItem(action, label, reason=reason, task=task, main=True),
            lambda t=task: cf.TaskForm(initial={**initial, "task": t.pk}),
        )

    def simple(action: str, label: str, make: Any, *, reason: str = "", **extra: Any) -> None:
        try:
            why = _check(staff, case, action)
        except Hidden:
            return
        add(PanelItem(action, label, reason=why or reason, extra=extra), make)

    # An accepted case waits for the window to hand it to the back office (every task of its
    # procedure opens at once); the main action while it applies.
    simple("route", _("Send to the back office"), lambda: cf.RouteForm(initial=initial))
    simple("opinion", _("Record an opinion"), lambda: cf.OpinionForm(initial=initial))
    stages = _stages(case) if case.state == CaseState.IN_PROGRESS else []
    if stages:
        simple("send_back", _("Send back"), lambda: cf.SendBackForm(initial=initial, stages=stages))
    if case.stage_order:
        try:
            if not _check(staff, case, "request_inspection"):
                departments = org_selectors.department_choices(center_id=case.center_id)
                add(
                    PanelItem("request_inspection", _("Ask for a site inspection")),
                    lambda: cf.InspectionForm(
                        initial={**initial, "department": case.department_id}, departments=departments
                    ),
                )
        except Hidden:
            pass
        try:
            why = _check(staff, case, "report_up")
            parent_id = case.center.parent_id
            if not why and parent_id is None:
                why = CaseError("NO_UPPER_CENTER", _("This center has no upper center to report to.")).message
            upper = org_selectors.department_choices(center_id=parent_id) if parent_id and not why else []
            add(
                PanelItem("report_up", _("Report to the upper center"), reason=why),
                lambda: cf.ReportUpForm(initial=initial, departments=upper),
            )
        except Hidden:
            pass
    simple("suspend", _("Suspend for a special procedure"), lambda: cf.SuspendForm(initial=initial))
    simple("resume", _("Resume"), lambda: cf.ResumeForm(initial=initial))

    pending = _pending_extension(events)
    try:
        may_extend = not _check(staff, case, "extend")
    except Hidden:
        may_extend = False
    if may_extend:
        if pending is not None:
            days = (pending.data or {}).get("days")
            add(
                PanelItem(
                    "extend",
                    _("Approve the extension asked for"),
                    extra={"request": pending},
                ),
                lambda: cf.ExtensionForm(initial={**initial, "days": days, "reason": pending.opinion}),
            )
            simple(
                "extension_refuse", _("Refuse the extension"), lambda: cf.RefuseExtensionForm(initial=initial)
            )
        else:
            add(
                PanelItem("extend", _("Extend the promised limit")), lambda: cf.ExtensionForm(initial=initial)
            )
    else:
        simple(
            "extension_request",
            _("Ask for an extension"),
            lambda: cf.ExtensionForm(initial=initial),
            reason=str(_("An extension of this case is already waiting for the chief representative."))
            if pending is not None
            else "",
        )

    decide_reason = ""
    if case.open_tasks:
        decide_reason = _("%(count)d tasks of the case are still open.") % {"count": case.open_tasks}
    try:
        rules.check_separation_of_duties(accepted_by_id=case.accepted_by_id, actor=staff)
    except CaseError as exc:
        decide_reason = exc.message
    simple("decide", _("Decide"), lambda: cf.DecideForm(initial=initial), reason=decide_reason)
    complete_reason = (
        _("Materials accepted to follow (容缺) have not all arrived.") if case.pending_materials_due else ""
    )
    simple(
        "complete", _("Complete the case"), lambda: cf.CompleteForm(initial=initial), reason=complete_reason
    )
    mains = [i for i in items if i.main and not i.reason] or [
        i for i in items if i.action in ("route", "decide", "complete") and not i.reason
    ]
    if mains:
        mains[0].main = True
    return items


def _materials(case: Case) -> list[CaseMaterial]:
    """The case's materials, each with its scans (`scans`, linked to the permission-checked
    file view) and whether a 容缺 one is overdue (`overdue`): two queries in all."""
    rows = list(
        CaseMaterial.objects.filter(case_id=case.pk)
        .select_related("requirement", "material")
        .order_by("requirement__order", "pk")
    )
    scans: dict[str, list[MaterialFile]] = {}
    for scan in files.material_files_of(application_id=case.application_id):
        scans.setdefault(scan.material_code, []).append(scan)
    today = clock.today()
    for row in rows:
        material = row.material
        row.scans = scans.get(row.requirement.code, [])  # type: ignore[attr-defined]
        row.overdue = bool(  # type: ignore[attr-defined]
            material is not None
            and material.status == ApplicationMaterial.Status.PENDING
            and material.due_date is not None
            and material.due_date < today
        )
    return rows


def _commitment(case: Case) -> dict[str, Any] | None:
    """The applicant's signed 容缺受理承诺书 of the case's application, as the page shows it."""
    commitment = selectors.application_commitment(application_id=case.application_id)
    if commitment is None:
        return None
    return {"row": commitment, "record": commitment_record_text(commitment)}


def _form_rows(case: Case) -> list[dict[str, Any]]:
    """The unified form's answers in the item's order; personal ones masked (with the name a
    reveal asks for)."""
    application = case.application
    plan = version_plan(case.version_id)
    plain = application.form_data or {}
    personal = personal_fields(application)
    rows = []
    for f in plan.form_fields:
        name = f"form.{f.key}"
        if name in personal:
            rows.append({"label": f.label, "value": personal_masked(application, name), "what": name})
        elif f.key in plain:
            rows.append({"label": f.label, "value": plain[f.key], "what": ""})
    return rows


def _situations(case: Case) -> list[dict[str, str]]:
    """The 情形 answers the case was taken in under: the question and the chosen label."""
    answers = case.application.situation_answers or {}
    return [
        {"question": q.text, "answer": q.label_of(answers[q.code])}
        for q in version_plan(case.version_id).questions
        if q.code in answers
    ]


def case_context(
    request: HttpRequest, case: Case, bound: tuple[str, forms.Form] | None = None, error: str = ""
) -> dict[str, Any]:
    staff: Staff = request.staff  # type: ignore[attr-defined]
    events = list(selectors.case_timeline(case=case))
    tasks = list(selectors.case_tasks(case=case))
    applicant = case.application.applicant
    return {
        "case": case,
        "applicant": applicant,
        "applicant_name": mask_name(applicant.name),
        "applicant_personal": [
            {"label": label, "value": personal_masked(applicant, name), "what": name}
            for name, label in personal_fields(applicant).items()
        ],
        "paused": case.state == CaseState.SUSPENDED,
        "form_rows": _form_rows(case),
        "situations": _situations(case),
        "materials": _materials(case),
        "commitment": _commitment(case),
        "tasks": tasks,
        "trail": case_trail(events=events),
        "notices": notices_issued(events),
        "panel": build_panel(staff, case, tasks, events, bound),
        "pending_extension": _pending_extension(events),
        "error": error,
        # The applicant's portal binding, for the clerks who print the slip and may change it.
        "binding": binding_status(applicant=applicant) if staff.roles & BINDING_ROLES else None,
    }


def _case(request: HttpRequest, number: str) -> Case:
    try:
        return selectors.case_get(actor=request.staff, number=number)  # type: ignore[attr-defined]
    except CaseError as exc:
        raise Http404(exc.message) from exc


@require_GET
@staff_required
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    return render(request, "workbench/casepage/page.html", case_context(request, case))


# ----------------------------------------------------------------------------- actions

FORMS: dict[str, type[cf.ActionForm]] = {
    "route": cf.RouteForm,
    "task_claim": cf.ClaimForm,
    "task_complete": cf.TaskForm,
    "report_back": cf.TaskForm,
    "opinion": cf.OpinionForm,
    "send_back": cf.SendBackForm,
    "request_inspection": cf.InspectionForm,
    "report_up": cf.ReportUpForm,
    "suspend": cf.SuspendForm,
    "resume": cf.ResumeForm,
    "extension_request": cf.ExtensionForm,
    "extend": cf.ExtensionForm,
    "extension_refuse": cf.RefuseExtensionForm,
    "decide": cf.DecideForm,
    "complete": cf.CompleteForm,
}
DONE = {
    "route": gettext_lazy("The case went to the back office: its departments' tasks are open."),
    "task_claim": gettext_lazy("You claimed the task."),
    "task_complete": gettext_lazy("Your opinion on the task is recorded."),
    "report_back": gettext_lazy("The case went back to the center that reported it."),
    "opinion": gettext_lazy("Your opinion is recorded."),
    "send_back": gettext_lazy("The case was sent back."),
    "request_inspection": gettext_lazy("A site inspection task was added."),
    "report_up": gettext_lazy("The case was reported to the upper center."),
    "suspend": gettext_lazy("The case is suspended: its clock stopped."),
    "resume": gettext_lazy("The case resumed: its deadlines moved by the days suspended."),
    "extension_request": gettext_lazy("Your request for an extension went to the chief representative."),
    "extend": gettext_lazy("The promised deadline moved."),
    "extension_refuse": gettext_lazy("The extension was refused."),
    "decide": gettext_lazy("The decision is recorded."),
    "complete": gettext_lazy("The case is completed."),
}


def _form_for(action: str, case: Case, data: Any) -> cf.ActionForm:
    form_class = FORMS[action]
    if form_class is cf.SendBackForm:
        return cf.SendBackForm(data, stages=_stages(case))
    if form_class is cf.InspectionForm:
        return cf.InspectionForm(data, departments=org_selectors.department_choices(center_id=case.center_id))
    if form_class is cf.ReportUpForm:
        parent_id = case.center.parent_id
        upper = org_selectors.department_choices(center_id=parent_id) if parent_id else []
        return cf.ReportUpForm(data, departments=upper)
    return form_class(data)


def _task(case: Case, task_id: int) -> CaseTask:
    for task in selectors.case_open_tasks(case=case):
        if task.pk == task_id:
            return task
    raise CaseError("TASK_ALREADY_DONE", _("This task has already been completed or cancelled."))


def _department(department_id: int) -> Department:
    department = org_selectors.department_get(pk=department_id)
    if department is None:
        raise CaseError("FIELD_INVALID", _("Choose a department from the list."), "department")
    return department


def run_action(staff: Staff, case: Case, action: str, data: dict[str, Any]) -> None:
    """Take the action through the engine, after locking the case as the form saw it."""
    with transaction.atomic():
        case = services.case_lock_unchanged(case=case, event_count=data["seq"])
        if action == "route":
            services.case_route(case=case, actor=staff)
        elif action in ("task_claim", "task_complete", "report_back"):
            task = _task(case, data["task"])
            if action == "task_claim":
                services.task_claim(task=task, actor=staff)
            elif action == "task_complete":
                services.task_complete(
                    task=task, actor=staff, opinion=data["opinion"], outcome=data["outcome"]
                )
            else:
                services.case_report_back(
                    task=task, actor=staff, opinion=data["opinion"], outcome=data["outcome"]
                )
        elif action == "opinion":
            services.case_record(case=case, actor=staff, action="opinion", opinion=data["opinion"])
        elif action == "send_back":
            services.case_send_back(
                case=case, actor=staff, to_stage=data["to_stage"], opinion=data["opinion"]
            )
        elif action == "request_inspection":
            services.case_request_inspection(
                case=case,
                actor=staff,
                opinion=data["opinion"],
                department=_department(data["department"]),
                limit_days=data["limit_days"],
            )
        elif action == "report_up":
            services.case_report_up(
                case=case,
                actor=staff,
                department=_department(data["department"]),
                opinion=data["opinion"],
                limit_days=data["limit_days"],
            )
        elif action == "suspend":
            services.case_suspend(
                case=case,
                actor=staff,
                reason=data["reason"],
                expected_end=data["expected_end"],
                note=data["note"],
            )
        elif action == "resume":
            services.case_resume(case=case, actor=staff, note=data["note"])
        elif action == "extension_request":
            services.case_extension_request(case=case, actor=staff, days=data["days"], reason=data["reason"])
        elif action == "extend":
            services.case_extend(case=case, actor=staff, days=data["days"], reason=data["reason"])
        elif action == "extension_refuse":
            services.case_extension_refuse(case=case, actor=staff, reason=data["reason"])
        elif action == "decide":
            services.case_decide(
                case=case,
                actor=staff,
                decision=data["decision"],
                opinion=data["opinion"],
                reasons=data["reasons"],
                legal_basis=data["legal_basis"],
            )
        elif action == "complete":
            services.case_complete(case=case, actor=staff, opinion=data["opinion"])


def _bound_key(action: str, form: forms.Form) -> str:
    task = form.data.get("task")
    return f"{action}-{task}" if action in ("task_claim", "task_complete", "report_back") and task else action


@require_POST
@staff_required
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """One back-office action on the case; the page's body again (htmx) or a redirect to it."""
    staff: Staff = request.staff  # type: ignore[attr-defined]
    if action not in FORMS:
        raise Http404(_("No such action."))
    case = _case(request, number)
    form = _form_for(action, case, request.POST)
    error, field_error = "", ("", "")
    if form.is_valid():
        try:
            run_action(staff, case, action, form.cleaned_data)
        except CaseError as exc:
            if exc.field and exc.field in form.fields:
                field_error = (exc.field, exc.message)
            else:
                error = exc.message
        else:
            messages.success(request, str(DONE[action]))
            if request.POST.get("back") == "extensions":
                return redirect("workbench:extensions")
            if not _is_htmx(request):
                return redirect("workbench:case", number=case.number)
            case = _case(request, number)
            return render(
                request, "workbench/casepage/_body.html", {**case_context(request, case), "htmx": True}
            )
    elif "seq" in form.errors:
        error = _("The form is incomplete: reload the case and try again.")
    # Refused: the page as it is now (someone may have acted), this form as it was typed, with
    # the case's current event count, so the next submit is against what is on screen.
    case = _case(request, number)
    data = request.POST.copy()
    data["seq"] = str(case.event_count)
    refused = _form_for(action, case, data)
    refused.is_valid()
    if field_error[0]:
        refused.add_error(field_error[0], field_error[1])
    context = case_context(request, case, bound=(_bound_key(action, form), refused), error=error)
    if _is_htmx(request):
        return render(request, "workbench/casepage/_body.html", {**context, "htmx": True})
    return render(request, "workbench/casepage/page.html", context, status=400)


# ----------------------------------------------------------------------------- personal data


@require_POST
@staff_required
def case_reveal(request: HttpRequest, number: str) -> HttpResponse:
    """A personal value of the case's form or applicant in full, for a reason the access log keeps."""
    case = _case(request, number)
    form = cf.RevealForm(request.POST)
    context: dict[str, Any] = {"case": case, "value": None, "error": "", "form": form}
    status = 200
    if form.is_valid():
        subject = (
            case.application if form.cleaned_data["subject"] == "application" else case.application.applicant
        )
        try:
            with transaction.atomic():
                context["value"] = personal_data_reveal(
                    actor=request.staff,  # type: ignore[attr-defined]
                    subject=subject,
                    what=form.cleaned_data["what"],
                    why=form.cleaned_data["why"],
                )
        except PersonalDataError as exc:
            context["error"] = exc.message
            status = 400
    else:
        context["error"] = _("Say why you need to see this value (at most 500 characters).")
        status = 400
    if _is_htmx(request):
        status = 200
    context["what"] = request.POST.get("what", "")
    context["subject"] = request.POST.get("subject", "")
    context["back"] = reverse("workbench:case", kwargs={"number": case.number})
    return render(request, "workbench/casepage/_reveal.html", context, status=status)
