"""Catalog admin: items, versions with their guide, procedures, lists, bundles, and the
Excel/JSON import-export page.

Published and retired versions (and everything hanging off them) are read-only here:
`has_change_permission` is false for a frozen version, and the only ways forward are the
actions "create new draft" and "publish", which call the services and show their Chinese,
field-named errors as messages.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.catalog.errors import CatalogError, CatalogImportError
from onewindow.catalog.exchange.excel import data_to_xlsx, template_xlsx
from onewindow.catalog.exchange.json import catalog_to_data
from onewindow.catalog.exchange.load import catalog_import_file
from onewindow.catalog.models import (
    Bundle,
    BundleItem,
    CatalogList,
    FormField,
    MaterialRequirement,
    Procedure,
    ServiceItem,
    ServiceItemVersion,
    Stage,
    StageTask,
)
from onewindow.catalog.services import version_draft_create, version_publish
from onewindow.org.models import ServiceCenter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _frozen(version: ServiceItemVersion | None) -> bool:
    return version is not None and version.is_frozen


class FrozenAwareMixin:
    """Read-only once the version the object belongs to is frozen."""

    def version_of(self, obj: Any) -> ServiceItemVersion | None:
        return obj

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and _frozen(self.version_of(obj)):
            return False
        return super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and _frozen(self.version_of(obj)):
            return False
        return super().has_delete_permission(request, obj)  # type: ignore[misc]


class FrozenAwareInline(FrozenAwareMixin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and _frozen(self.version_of(obj)):
            return False
        return super().has_add_permission(request, obj)  # type: ignore[misc]


def _report_errors(request: HttpRequest, exc: CatalogError) -> None:
    if exc.errors:
        for error in exc.errors:
            messages.error(request, error["message"])
    else:
        messages.error(request, exc.message)


# ---------------------------------------------------------------- items


class VersionInline(admin.TabularInline):
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


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "department", "sector", "published_number", "is_active")
    list_filter = ("category", "is_active", "center", "sector")
    search_fields = ("code", "name", "department__name")
    list_select_related = ("department", "sector")
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
            *super().get_urls(),
        ]

    def transfer_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    report = catalog_import_file(
                        center=form.cleaned_data["center"],
                        content=upload.read(),
                        filename=upload.name,
                        actor=request.user,
                        dry_run=form.cleaned_data["dry_run"],
                    )
                    messages.success(request, report.summary())
                except CatalogImportError as exc:
                    report = exc.report
                    messages.error(
                        request,
                        _("The catalog was not imported (nothing was saved). %(count)d problems:")
                        % {"count": len(report.problems)},
                    )
        else:
            form = ImportForm()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import and export the catalog"),
            "opts": self.model._meta,
            "form": form,
            "export_form": ExportForm(),
            "report": report,
        }
        return TemplateResponse(request, "admin/catalog/transfer.html", context)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ExportForm(request.GET)
        if not form.is_valid():
            messages.error(request, _("Choose a service center to export."))
            return TemplateResponse(
                request,
                "admin/catalog/transfer.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Import and export the catalog"),
                    "opts": self.model._meta,
                    "form": ImportForm(),
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


class ImportForm(forms.Form):
    center = forms.ModelChoiceField(ServiceCenter.objects.all(), label=gettext_lazy("center"))
    file = forms.FileField(
        label=gettext_lazy("Catalog file"),
        help_text=gettext_lazy("An Excel (.xlsx) or JSON (.json) catalog."),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Check only, save nothing"), required=False, initial=False
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".json")):
            raise forms.ValidationError(_("The file must end in .xlsx or .json."))
        return upload


class ExportForm(forms.Form):
    center = forms.ModelChoiceField(ServiceCenter.objects.all(), label=gettext_lazy("center"))


# ---------------------------------------------------------------- versions


class MaterialInline(FrozenAwareInline, admin.TabularInline):
    model = MaterialRequirement
    extra = 0
    fields = (
        "order",
        "code",
        "name",
        "form",
        "copies",
        "medium",
        "required",
        "tolerable",
        "tolerance_days",
        "source",
        "licence_type",
    )


class FormFieldInline(FrozenAwareInline, admin.TabularInline):
    model = FormField
    extra = 0
    fields = ("order", "key", "label", "kind", "required", "choices")


@admin.register(ServiceItemVersion)
class ServiceItemVersionAdmin(FrozenAwareMixin, admin.ModelAdmin):
    list_display = (
        "item",
        "number",
        "status",
        "case_kind",
        "promised_limit_days",
        "legal_limit_days",
        "published_at",
    )
    list_filter = ("status", "case_kind", "limit_unit", "item__center")
    search_fields = ("item__code", "item__name", "legal_basis")
    list_select_related = ("item",)
    raw_id_fields = ("item",)
    readonly_fields = ("status", "published_at", "published_by", "created_at", "procedure_link")
    inlines = [MaterialInline, FormFieldInline]
    actions = ["publish", "create_drafts"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, "item", "number") if obj is not None else fields

    @admin.display(description=gettext_lazy("procedure"))
    def procedure_link(self, obj: ServiceItemVersion) -> str:
        procedure = Procedure.objects.filter(version=obj).first()
        if procedure is None:
            return "—"
        url = reverse("admin:catalog_procedure_change", args=[procedure.pk])
        return format_html('<a href="{}">{}</a>', url, _("stages and tasks"))

    def save_model(self, request: HttpRequest, obj: ServiceItemVersion, form: Any, change: bool) -> None:
        if not change:
            obj.status = ServiceItemVersion.Status.DRAFT
        super().save_model(request, obj, form, change)
        Procedure.objects.get_or_create(version=obj)

    @admin.action(description=gettext_lazy("Publish the selected drafts"))
    def publish(self, request: HttpRequest, queryset: QuerySet[ServiceItemVersion]) -> None:
        done = 0
        for version in queryset.select_related("item"):
            try:
                version_publish(version=version, actor=request.user)
                done += 1
            except CatalogError as exc:
                _report_errors(request, exc)
        if done:
            messages.success(request, _("%(count)d versions published.") % {"count": done})

    @admin.action(description=gettext_lazy("Create a new draft of the selected versions' items"))
    def create_drafts(self, request: HttpRequest, queryset: QuerySet[ServiceItemVersion]) -> None:
        made = 0
        for version in queryset.select_related("item"):
            try:
                version_draft_create(item=version.item, actor=request.user)
                made += 1
            except CatalogError as exc:
                _report_errors(request, exc)
        if made:
            messages.success(request, _("%(count)d drafts ready.") % {"count": made})


@admin.register(MaterialRequirement)
class MaterialRequirementAdmin(FrozenAwareMixin, admin.ModelAdmin):
    list_display = ("name", "code", "version", "required", "tolerable", "source")
    list_filter = ("required", "tolerable", "source", "medium", "version__status")
    search_fields = ("code", "name", "version__item__code", "version__item__name")
    list_select_related = ("version__item",)
    raw_id_fields = ("version",)

    def version_of(self, obj: MaterialRequirement) -> ServiceItemVersion:
        return obj.version


@admin.register(FormField)
class FormFieldAdmin(FrozenAwareMixin, admin.ModelAdmin):
    list_display = ("label", "key", "kind", "required", "version")
    list_filter = ("kind", "required", "version__status")
    search_fields = ("key", "label", "version__item__code", "version__item__name")
    list_select_related = ("version__item",)
    raw_id_fields = ("version",)

    def version_of(self, obj: FormField) -> ServiceItemVersion:
        return obj.version


# ---------------------------------------------------------------- procedures


class StageInline(FrozenAwareInline, admin.TabularInline):
    model = Stage
    extra = 0
    fields = ("order", "name", "stage_link")
    readonly_fields = ("stage_link",)

    def version_of(self, obj: Procedure) -> ServiceItemVersion:
        return obj.version

    @admin.display(description=gettext_lazy("stage tasks"))
    def stage_link(self, obj: Stage) -> str:
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:catalog_stage_change", args=[obj.pk]), _("tasks")
        )


@admin.register(Procedure)
class ProcedureAdmin(FrozenAwareMixin, admin.ModelAdmin):
    list_display = ("__str__", "version")
    list_filter = ("version__status", "version__item__center")
    search_fields = ("name", "version__item__code", "version__item__name")
    list_select_related = ("version__item",)
    raw_id_fields = ("version",)
    inlines = [StageInline]

    def version_of(self, obj: Procedure) -> ServiceItemVersion:
        return obj.version


class StageTaskInline(FrozenAwareInline, admin.TabularInline):
    model = StageTask
    extra = 0
    fields = ("name", "action", "department", "role", "limit_days")

    def version_of(self, obj: Stage) -> ServiceItemVersion:
        return obj.procedure.version

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "department":
            kwargs["queryset"] = db_field.related_model.objects.select_related("center")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Stage)
class StageAdmin(FrozenAwareMixin, admin.ModelAdmin):
    list_display = ("name", "order", "procedure")
    list_filter = ("procedure__version__status",)
    search_fields = ("name", "procedure__version__item__code", "procedure__version__item__name")
    list_select_related = ("procedure__version__item",)
    raw_id_fields = ("procedure",)
    inlines = [StageTaskInline]

    def version_of(self, obj: Stage) -> ServiceItemVersion:
        return obj.procedure.version


@admin.register(StageTask)
class StageTaskAdmin(FrozenAwareMixin, admin.ModelAdmin):
    list_display = ("name", "stage", "action", "department", "limit_days")
    list_filter = ("action", "role", "stage__procedure__version__status")
    search_fields = ("name", "department__name", "stage__procedure__version__item__code")
    list_select_related = ("stage", "department")
    raw_id_fields = ("stage", "department")

    def version_of(self, obj: StageTask) -> ServiceItemVersion:
        return obj.stage.procedure.version


# ---------------------------------------------------------------- lists and bundles


@admin.register(CatalogList)
class CatalogListAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "center", "published_on")
    list_filter = ("kind", "center")
    search_fields = ("name",)
    list_select_related = ("center",)
    filter_horizontal = ("items",)


class BundleItemInline(admin.TabularInline):
    model = BundleItem
    extra = 0
    raw_id_fields = ("item",)


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "center", "is_active")
    list_filter = ("is_active", "center")
    search_fields = ("code", "name")
    list_select_related = ("center",)
    inlines = [BundleItemInline]


@admin.register(BundleItem)
class BundleItemAdmin(admin.ModelAdmin):
    list_display = ("bundle", "item", "order")
    list_filter = ("bundle__center",)
    search_fields = ("bundle__code", "bundle__name", "item__code", "item__name")
    list_select_related = ("bundle", "item")
    raw_id_fields = ("bundle", "item")
