"""The admin of service items and main items, with the Excel/JSON import-export pages (an import
is a background job; its page follows it to the report)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.catalog.adminbase import XLSX, CatalogAdmin, _report_errors
from onewindow.catalog.errors import CatalogError, CatalogImportError
from onewindow.catalog.exchange.excel import data_to_xlsx, template_xlsx
from onewindow.catalog.exchange.json import catalog_to_data
from onewindow.catalog.exchange.limits import check_file_size
from onewindow.catalog.exchange.run import catalog_job_create, catalog_job_get, catalog_report_problems
from onewindow.catalog.models import MainItem, ServiceItem, ServiceItemVersion
from onewindow.catalog.services import item_create, item_update, version_draft_create
from onewindow.core.jobs import JobError, job_progress, job_resumable, job_resume
from onewindow.core.models import Job
from onewindow.core.serviceadmin import adopt
from onewindow.org.access import centers_managed, centers_visible, may_import_catalog
from onewindow.org.adminscope import ScopedAdminMixin, ScopedInlineMixin, ScopedRelatedFilter
from onewindow.org.models import ServiceCenter


class VersionInline(ScopedInlineMixin, admin.TabularInline):
    model = ServiceItemVersion
    fields = (
        "version_link",
        "status",
        "case_kind",
        "promised_limit_days",
        "legal_limit_days",
        "published_at",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    ordering = ("-number",)

    @admin.display(description=gettext_lazy("version"))
    def version_link(self, obj: ServiceItemVersion) -> str:
        url = reverse("admin:catalog_serviceitemversion_change", args=[obj.pk])
        return format_html('<a href="{}">v{}</a>', url, obj.number)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


FIRST_DRAFT_FIELDS = (
    "case_kind",
    "legal_basis",
    "conditions",
    "limit_unit",
    "legal_limit_days",
    "promised_limit_days",
)
ITEM_FIELDS = ("center", "code", "name", "category", "department", "sector", "is_active")


_FIRST_DRAFT = forms.fields_for_model(ServiceItemVersion, fields=FIRST_DRAFT_FIELDS)


class ItemAddForm(forms.ModelForm):
    """A new item with the guide fields its first draft cannot do without; the rest of the
    guide is filled in on the draft's page before it is published."""

    case_kind = _FIRST_DRAFT["case_kind"]
    legal_basis = _FIRST_DRAFT["legal_basis"]
    conditions = _FIRST_DRAFT["conditions"]
    limit_unit = _FIRST_DRAFT["limit_unit"]
    legal_limit_days = _FIRST_DRAFT["legal_limit_days"]
    promised_limit_days = _FIRST_DRAFT["promised_limit_days"]

    class Meta:
        model = ServiceItem
        fields = ITEM_FIELDS


class ItemLevelFilter(admin.SimpleListFilter):
    """Sub-items of a main item (子项) or items without sub-items."""

    title = gettext_lazy("main item / sub-item")
    parameter_name = "level"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("sub", gettext_lazy("sub-items of a main item")),
            ("single", gettext_lazy("items without sub-items")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> QuerySet[ServiceItem]:
        if self.value() == "sub":
            return queryset.filter(main_item__isnull=False)
        if self.value() == "single":
            return queryset.filter(main_item__isnull=True)
        return queryset


@admin.register(ServiceItem)
class ServiceItemAdmin(CatalogAdmin):
    list_display = (
        "code",
        "name",
        "main_item",
        "category",
        "department",
        "sector",
        "published_number",
        "is_active",
    )
    list_filter = (
        ItemLevelFilter,
        "category",
        "is_active",
        ("center", ScopedRelatedFilter),
        ("sector", ScopedRelatedFilter),
    )
    search_fields = ("code", "name", "main_item__code", "main_item__name", "department__name")
    list_select_related = ("department", "sector", "main_item")
    autocomplete_fields = ()
    inlines = [VersionInline]
    actions = ["create_drafts"]
    change_list_template = "admin/catalog/serviceitem/change_list.html"
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceItem]:
        published = ServiceItemVersion.objects.filter(
            item=OuterRef("pk"), status=ServiceItemVersion.Status.PUBLISHED
        ).values("number")[:1]
        return super().get_queryset(request).annotate(published_number=Subquery(published))

    @admin.display(description=gettext_lazy("published version"), ordering="published_number")
    def published_number(self, obj: ServiceItem) -> str:
        return f"v{obj.published_number}" if getattr(obj, "published_number", None) else "—"

    def fixed_after_create(self) -> tuple[str, ...]:
        return ("center", "code", "main_item")  # the main item comes with the imported catalog

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = ItemAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> Any:
        return super().get_inline_instances(request, obj) if obj is not None else []

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [(None, {"fields": ITEM_FIELDS}), (_("First draft"), {"fields": FIRST_DRAFT_FIELDS})]
        return super().get_fieldsets(request, obj)

    def save_model(self, request: HttpRequest, obj: ServiceItem, form: Any, change: bool) -> None:
        """`item_create` with its first draft on add (then `is_active` through
        `item_update`), `item_update` on change."""
        data = form.cleaned_data
        identity = {n: data[n] for n in ("name", "category", "department", "sector")}
        if change:
            adopt(obj, item_update(item=obj, **identity, is_active=data["is_active"]))
            return
        item = item_create(
            center=data["center"],
            code=data["code"],
            **identity,
            guide={name: data[name] for name in FIRST_DRAFT_FIELDS},
            actor=request.user,
        )
        if not data.get("is_active", True):
            item = item_update(item=item, **identity, is_active=False)
        adopt(obj, item)

    @admin.action(description=gettext_lazy("Create a new draft of the selected items"))
    def create_drafts(self, request: HttpRequest, queryset: QuerySet[ServiceItem]) -> None:
        made = 0
        for item in queryset:
            try:
                version_draft_create(item=item, actor=request.user)
                made += 1
            except CatalogError as exc:
                _report_errors(request, exc)
        if made:
            messages.success(request, _("%(count)d drafts ready.") % {"count": made})

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("transfer/", view(self.transfer_view), name="catalog_transfer"),
            path("transfer/export/", view(self.export_view), name="catalog_export"),
            path("transfer/template/", view(self.template_view), name="catalog_template"),
            path("transfer/jobs/<uuid:job>/", view(self.import_job_view), name="catalog_import_job"),
            path(
                "transfer/jobs/<uuid:job>/status/",
                view(self.import_job_status_view),
                name="catalog_import_job_status",
            ),
            path(
                "transfer/jobs/<uuid:job>/resume/",
                view(self.import_job_resume_view),
                name="catalog_import_job_resume",
            ),
            *super().get_urls(),
        ]

    def transfer_view(self, request: HttpRequest) -> HttpResponse:
        """The import form: a good upload is stored and queued as a background job, and the
        page of that job follows it until its report (the import itself is the worker's)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES, actor=request.user)
            if form.is_valid():
                if not may_import_catalog(request.user, form.cleaned_data["center"]):
                    raise PermissionDenied  # the form offers only such centers: a forged post
                upload = form.cleaned_data["file"]
                try:
                    job = catalog_job_create(
                        center=form.cleaned_data["center"],
                        actor=request.user,
                        content=upload.read(),
                        filename=upload.name,
                        dry_run=form.cleaned_data["dry_run"],
                        language=request.LANGUAGE_CODE,
                    )
                except CatalogImportError as exc:
                    form.add_error("file", exc.report.problems[0].message)
                else:
                    return redirect("admin:catalog_import_job", job=job.uuid)
        else:
            form = ImportForm(actor=request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import and export the catalog"),
            "opts": self.model._meta,
            "form": form,
            "export_form": ExportForm(actor=request.user),
        }
        return TemplateResponse(request, "admin/catalog/transfer.html", context)

    def _import_job(self, request: HttpRequest, job: uuid.UUID) -> Job:
        if not self.has_view_permission(request):
            raise PermissionDenied
        found = catalog_job_get(actor=request.user, uuid=job)
        if found is None:
            raise Http404(_("No such catalog import."))
        return found

    def _import_job_context(self, request: HttpRequest, job: Job) -> dict[str, Any]:
        report = job.report
        problems = catalog_report_problems(report)
        return {
            **self.admin_site.each_context(request),
            "title": _("Catalog import"),
            "opts": self.model._meta,
            "job": job,
            "progress": job_progress(job),
            "resumable": job_resumable(job),
            "report": report,
            "problems": problems,
            "more_problems": max(0, int(report.get("problem_count", 0)) - len(problems)),
        }

    def import_job_view(self, request: HttpRequest, job: uuid.UUID) -> HttpResponse:
        """A catalog import's page: its progress (htmx refreshes it) until the report."""
        found = self._import_job(request, job)
        return TemplateResponse(
            request, "admin/catalog/import_job.html", self._import_job_context(request, found)
        )

    def import_job_status_view(self, request: HttpRequest, job: uuid.UUID) -> HttpResponse:
        found = self._import_job(request, job)
        response = TemplateResponse(
            request, "admin/catalog/import_job_status.html", self._import_job_context(request, found)
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def import_job_resume_view(self, request: HttpRequest, job: uuid.UUID) -> HttpResponse:
        """Run again an import whose worker died or that failed (it wrote nothing: it is one
        transaction)."""
        found = self._import_job(request, job)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            job_resume(found)
        except JobError as exc:
            messages.error(request, exc.message)
        return redirect("admin:catalog_import_job", job=found.uuid)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ExportForm(request.GET, actor=request.user)
        if not form.is_valid():
            messages.error(request, _("Choose a service center to export."))
            return TemplateResponse(
                request,
                "admin/catalog/transfer.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Import and export the catalog"),
                    "opts": self.model._meta,
                    "form": ImportForm(actor=request.user),
                    "export_form": form,
                },
            )
        center = form.cleaned_data["center"]
        response = HttpResponse(data_to_xlsx(catalog_to_data(center)), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="catalog-{center.code}.xlsx"'
        return response

    def template_view(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(template_xlsx(), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="catalog-template.xlsx"'
        return response


@admin.register(MainItem)
class MainItemAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Main items come with an imported catalog (the import creates and renames them):
    listed here with a link to their sub-items, never edited by hand."""

    list_display = ("code", "name", "center", "sub_item_count")
    list_filter = ("center",)
    search_fields = ("code", "name")
    list_select_related = ("center",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[MainItem]:
        return super().get_queryset(request).annotate(_sub_items=Count("sub_items"))

    @admin.display(description=gettext_lazy("sub-items"), ordering="_sub_items")
    def sub_item_count(self, obj: MainItem) -> str:
        url = reverse("admin:catalog_serviceitem_changelist") + f"?main_item__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, getattr(obj, "_sub_items", 0))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ImportForm(forms.Form):
    """An upload into one of the centers the user administers (`access.may_import_catalog`)."""

    center = forms.ModelChoiceField(ServiceCenter.objects.none(), label=gettext_lazy("center"))
    file = forms.FileField(
        label=gettext_lazy("Catalog file"),
        help_text=gettext_lazy("An Excel (.xlsx) or JSON (.json) catalog."),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Check only, save nothing"), required=False, initial=False
    )

    def __init__(self, *args: Any, actor: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = centers_managed(actor)  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".json")):
            raise forms.ValidationError(_("The file must end in .xlsx or .json."))
        try:
            check_file_size(upload.size)  # before the view reads it
        except CatalogImportError as exc:
            raise forms.ValidationError(exc.report.problems[0].message, code="FILE_TOO_LARGE") from exc
        return upload


class ExportForm(forms.Form):
    """A download of one of the centers the user sees."""

    center = forms.ModelChoiceField(ServiceCenter.objects.none(), label=gettext_lazy("center"))

    def __init__(self, *args: Any, actor: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = centers_visible(actor)  # type: ignore[attr-defined]
