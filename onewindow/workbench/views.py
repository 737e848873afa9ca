"""Staff pages: notice PDFs of the cases a staff member may see, batch intake (the sheet, the
upload, the job's progress and report).

Every view needs a signed-in staff member (the admin's sign-in page is reused) and scopes
through the domain selectors: a case outside the staff member's scope is a 404, exactly
like a case that does not exist.
"""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onewindow.cases import channels
from onewindow.cases.documents.notice import NoticeKind
from onewindow.cases.documents.render import render_notice
from onewindow.cases.errors import CaseError
from onewindow.cases.notices import case_notice, notice_ordinal
from onewindow.cases.selectors import case_get
from onewindow.catalog.models import ServiceItem
from onewindow.catalog.selectors import item_get
from onewindow.core.jobs import JobError, job_progress, job_resumable, job_resume
from onewindow.core.models import Job
from onewindow.org.models import Role, Staff
from onewindow.org.selectors import staff_get_by_username

LOGIN_URL = "workbench:login"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A batch report on its page lists this many refused rows and this many cases (the download has all).
REPORT_ROWS = 200


def _staff(request: HttpRequest) -> Staff:
    """The signed-in user's active Staff row (roles prefetched), or 403 for other accounts."""
    staff = staff_get_by_username(username=request.user.get_username())
    if staff is None or not staff.is_active:
        raise PermissionDenied(_("Only staff of a service center can use the workbench."))
    return staff


def _clerk_item(request: HttpRequest, code: str) -> tuple[Staff, ServiceItem]:
    staff = _staff(request)
    if not staff.has_role(Role.INTAKE_CLERK):  # groups prefetched by the selector
        raise PermissionDenied(_("Only intake clerks can run a batch intake."))
    item = item_get(center=staff.center, code=code)
    if item is None:
        raise Http404(_("No such item in your center."))
    return staff, item


@require_GET
@login_required(login_url=LOGIN_URL)
def notice_pdf(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    """The notice of `kind` for a case the staff member may see (404 otherwise, or when the
    case has not reached that notice)."""
    staff = _staff(request)
    ordinal = notice_ordinal(request.GET.get("n"))
    if kind not in NoticeKind.values or ordinal == 0:
        raise Http404(_("No such notice."))
    try:
        case = case_get(actor=staff, number=number)
        notice = case_notice(case=case, kind=kind, ordinal=ordinal)
    except CaseError as exc:
        raise Http404(exc.message) from exc
    response = HttpResponse(render_notice(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{notice.filename}"'
    response["Cache-Control"] = "private, no-store"  # personal data
    return response


@require_GET
@login_required(login_url=LOGIN_URL)
def batch_template_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    """The empty batch sheet of an item of the clerk's center."""
    _staff_member, item = _clerk_item(request, code)
    try:
        data = channels.batch_template(item=item)
    except CaseError as exc:
        raise Http404(exc.message) from exc
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{item.code}-batch.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
@login_required(login_url=LOGIN_URL)
def batch_upload(request: HttpRequest, code: str) -> HttpResponse:
    """Upload a filled-in sheet: it is stored and queued as a background job, and the clerk is
    sent to the job's page, which follows its progress until the report. An empty, too large
    or non-xlsx file is refused here, before anything is stored."""
    staff, item = _clerk_item(request, code)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("sheet")
        try:
            if upload is None:
                raise channels.channel_error("BATCH_FILE_MISSING", field="xlsx")
            channels.batch_sheet_check(size=upload.size or 0, head=upload.read(4))
            upload.seek(0)
            job = channels.batch_job_create(
                center=staff.center,
                item=item,
                actor=staff,
                content=upload.read(),
                name=upload.name or "",
                language=request.LANGUAGE_CODE,
            )
        except CaseError as exc:
            error = exc.message
        else:
            return redirect("workbench:batch_job", job=job.uuid)
    context = {"item": item, "error": error, "jobs": channels.batch_job_list(actor=staff, item=item)}
    return render(request, "workbench/batch.html", context, status=400 if error else 200)


def _batch_job(request: HttpRequest, job: uuid.UUID) -> Job:
    """The batch job, when the signed-in staff member may see it (404 otherwise)."""
    found = channels.batch_job_get(actor=_staff(request), uuid=job)
    if found is None:
        raise Http404(_("No such batch intake."))
    return found


def _batch_job_context(request: HttpRequest, job: Job) -> dict[str, Any]:
    context: dict[str, Any] = {
        "job": job,
        "progress": job_progress(job),
        "resumable": job_resumable(job),
        "report": job.report,
        "limit": REPORT_ROWS,
    }
    if job.state == Job.State.DONE and not job.report.get("error"):
        refused = list(channels.batch_job_rows(job, refused=True)[:REPORT_ROWS])
        context["errors"] = channels.row_errors(refused)
        context["results"] = channels.row_results(
            list(channels.batch_job_rows(job, refused=False)[:REPORT_ROWS])
        )
        context["more_refused"] = max(0, int(job.report.get("refused", 0)) - len(refused))
        shown = len(context["results"])
        context["more_results"] = max(
            0, int(job.report.get("created", 0)) + int(job.report.get("skipped", 0)) - shown
        )
    return context


@require_GET
@login_required(login_url=LOGIN_URL)
def batch_job(request: HttpRequest, job: uuid.UUID) -> HttpResponse:
    """A batch intake's page: its progress, refreshed by htmx until the final report."""
    found = _batch_job(request, job)
    return render(request, "workbench/batch_job.html", _batch_job_context(request, found))


@require_GET
@login_required(login_url=LOGIN_URL)
def batch_job_status(request: HttpRequest, job: uuid.UUID) -> HttpResponse:
    """The part of the job's page that changes (what htmx polls)."""
    found = _batch_job(request, job)
    response = render(request, "workbench/batch_job_status.html", _batch_job_context(request, found))
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required(login_url=LOGIN_URL)
def batch_job_resume(request: HttpRequest, job: uuid.UUID) -> HttpResponse:
    """Resume a batch intake whose run stopped (its worker died or it failed): the rows it
    recorded stay as they are, the rest are taken in."""
    found = _batch_job(request, job)
    try:
        job_resume(found)
    except JobError as exc:
        messages.error(request, exc.message)
    return redirect("workbench:batch_job", job=found.uuid)


@require_GET
@login_required(login_url=LOGIN_URL)
def batch_job_report_xlsx(request: HttpRequest, job: uuid.UUID) -> HttpResponse:
    """The whole report of a finished batch intake as a workbook (the page shows the first rows)."""
    found = _batch_job(request, job)
    if found.state != Job.State.DONE or found.report.get("error"):
        raise Http404(_("This batch intake has no report yet."))
    response = HttpResponse(channels.batch_report_xlsx(found), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="batch-{found.uuid}.xlsx"'
    response["Cache-Control"] = "private, no-store"  # personal data
    return response
