"""The department inbox (/workbench/inbox/): the open tasks of one's department, the case with
the earliest promised deadline first; claim a task from the list.

One page is one scoped SELECT (`selectors.task_inbox`: the department is the scope of a
task), keyset-paginated with `?after=` (no OFFSET, no COUNT), so the page costs the same
with ten tasks or ten thousand. Whether the claim button shows is the engine's pure role
check (`rules.check_task_role`), asked per row in memory, never a query.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from onewindow.cases import rules, selectors, services
from onewindow.cases.errors import CaseError
from onewindow.cases.models import CaseState, CaseTask
from onewindow.core.fields import mask_name
from onewindow.org.models import Role, Staff
from onewindow.workbench.staff import staff_required

DEPARTMENT_ROLES = (Role.APPROVER, Role.CHIEF_REPRESENTATIVE)


def _may_claim(staff: Staff, task: CaseTask) -> bool:
    if task.state != CaseTask.State.OPEN or task.case.state != CaseState.IN_PROGRESS:
        return False
    try:
        rules.check_task_role(task_role=task.role, actor=staff, action="task_claim")
    except CaseError:
        return False
    return True


def _row(staff: Staff, task: CaseTask) -> dict[str, Any]:
    case = task.case
    due = timezone.localtime(task.due_at).strftime("%m-%d") if task.due_at else ""
    may_claim = _may_claim(staff, task)
    return {
        "due": _("task due %(due)s") % {"due": due} if due else "",
        "task": task,
        "case": case,
        "applicant": mask_name(case.application.applicant.name),
        "paused": case.state == CaseState.SUSPENDED,
        "may_claim": may_claim,
        # An open task one's role may not claim says whose it is, so its missing button is no riddle.
        "claim_role": Role(task.role).label
        if not may_claim
        and task.state == CaseTask.State.OPEN
        and case.state == CaseState.IN_PROGRESS
        and task.role in Role.values
        else "",
        "mine": task.assignee_id == staff.pk,
    }


@require_GET
@staff_required(roles=DEPARTMENT_ROLES)
def inbox(request: HttpRequest) -> HttpResponse:
    staff: Staff = request.staff  # type: ignore[attr-defined]
    after = selectors.InboxCursor.decode(request.GET.get("after"))
    tasks, next_cursor = selectors.task_inbox(actor=staff, after=after)
    return render(
        request,
        "workbench/inbox/page.html",
        {
            "rows": [_row(staff, t) for t in tasks],
            "next": next_cursor.encode() if next_cursor else "",
            "first_page": after is None,
        },
    )


@require_POST
@staff_required(roles=DEPARTMENT_ROLES)
def task_claim(request: HttpRequest, task_id: int) -> HttpResponse:
    """Claim a task of one's department; the row again (htmx) or back to the inbox.

    Claiming a task one already holds (a double click) is no error."""
    staff: Staff = request.staff  # type: ignore[attr-defined]
    task = selectors.task_get(actor=staff, pk=task_id)
    if task is None:
        raise Http404(_("No such task in your department."))
    error = ""
    try:
        with transaction.atomic():
            services.task_claim(task=task, actor=staff)
    except CaseError as exc:
        error = "" if exc.code == "TASK_CLAIMED_BY_OTHER" and _held_by(staff, task_id) else exc.message
    task = selectors.task_get(actor=staff, pk=task_id) or task
    if request.headers.get("HX-Request") == "true":
        return render(request, "workbench/inbox/_row.html", {"row": _row(staff, task), "error": error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("You claimed the task."))
    return redirect("workbench:inbox")


def _held_by(staff: Staff, task_id: int) -> bool:
    task = selectors.task_get(actor=staff, pk=task_id)
    return task is not None and task.assignee_id == staff.pk
