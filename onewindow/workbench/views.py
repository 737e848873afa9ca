"""Staff pages: notice PDFs of the cases a staff member may see, and the batch intake sheet.

Every view needs a signed-in staff member (the admin's sign-in page is reused) and scopes
through the domain selectors: a case outside the staff member's scope is a 404, exactly
like a case that does not exist.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from onewindow.cases import channels
from onewindow.cases.documents import NoticeKind, render_notice
from onewindow.cases.errors import CaseError
from onewindow.cases.notices import case_notice
from onewindow.cases.selectors import case_get
from onewindow.catalog.models import ServiceItem
from onewindow.catalog.selectors import item_get
from onewindow.org.models import Role, Staff
from onewindow.org.selectors import staff_get_by_username

LOGIN_URL = "workbench:login"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


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
    if kind not in NoticeKind.values:
        raise Http404(_("No such notice."))
    try:
        case = case_get(actor=staff, number=number)
        notice = case_notice(case=case, kind=kind)
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
    """Upload a filled-in sheet; every good row is accepted, the page lists refused rows by cell."""
    staff, item = _clerk_item(request, code)
    context = {"item": item, "report": None, "error": ""}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("sheet")
        if upload is None:
            context["error"] = _("Choose the filled-in sheet (.xlsx).")
            status = 400
        elif upload.size > MAX_UPLOAD_BYTES:
            context["error"] = _("The file is larger than 10 MB.")
            status = 400
        else:
            try:
                context["report"] = channels.batch_intake(
                    center=staff.center, item=item, actor=staff, xlsx=upload.read()
                )
            except CaseError as exc:
                context["error"] = exc.message
                status = 400
    return render(request, "workbench/batch.html", context, status=status)
