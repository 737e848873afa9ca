"""Catalog admin: items, versions with their guide, procedures, lists, bundles, and the
Excel/JSON import-export page (an import is a background job; its page follows it to the report).

Every write goes through the catalog services (`onewindow.catalog.services` and, for a
draft's materials, form fields, stages and tasks, `onewindow.catalog.drafts`; see
`onewindow.core.serviceadmin`): a refusal shows the service's Chinese message on the field
or inline row it names, and nothing is stored. A new item is created with its first draft
(`item_create`); further drafts come from the action "create new draft", and "publish"
freezes one. Published and retired versions (and everything hanging off them) are
read-only: `has_change_permission` is false for a frozen version. Items, versions,
procedures, lists and bundles are not deleted here (cases and applications point at them;
deactivate an item or bundle instead); a draft's parts are.
"""

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

from onewindow.catalog.drafts import (
    form_field_create,
    form_field_delete,
    form_field_update,
    material_create,
    material_delete,
    material_files_set,
    material_update,
    procedure_update,
    situation_question_create,
    situation_question_delete,
    situation_question_update,
    stage_create,
    stage_delete,
    stage_task_create,
    stage_task_delete,
    stage_task_update,
    stage_update,
)
from onewindow.catalog.errors import CatalogError, CatalogImportError
from onewindow.catalog.exchange.excel import data_to_xlsx, template_xlsx
from onewindow.catalog.exchange.json import catalog_to_data
from onewindow.catalog.exchange.limits import check_file_size
from onewindow.catalog.exchange.run import catalog_job_create, catalog_job_get, catalog_report_problems
from onewindow.catalog.guide import VERSION_FIELDS
from onewindow.catalog.models import (
    Bundle,
    BundleItem,
    CatalogList,
    FormField,
    MainItem,
    MaterialRequirement,
    Procedure,
    ServiceItem,
    ServiceItemVersion,
    SituationQuestion,
    Stage,
    StageTask,
)
from onewindow.catalog.services import (
    bundle_create,
    bundle_set_items,
    bundle_update,
    catalog_list_create,
    catalog_list_set_items,
    catalog_list_update,
    item_create,
    item_update,
    version_draft_create,
    version_publish,
    version_update,
)
from onewindow.core.jobs import JobError, job_progress, job_resumable, job_resume
from onewindow.core.models import Job
from onewindow.core.serviceadmin import ServiceAdminMixin, ServiceInlineMixin, adopt
from onewindow.org.access import centers_managed, centers_visible, may_import_catalog
from onewindow.org.adminscope import ScopedAdminMixin, ScopedInlineMixin, ScopedRelatedFilter
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


class CatalogAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Writes through the catalog services; their `guide.` paths name the form's fields.
    Scoped by the access rules: the items of one's own center and the centers below."""

    refused_by = (CatalogError,)

    def refusal_field(self, field: str) -> str:
        return field.removeprefix("guide.")

    def fixed_after_create(self) -> tuple[str, ...]:
        """Fields chosen when the row is created and read-only afterwards."""
        return ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, *self.fixed_after_create()) if obj is not None else fields


def _fields(form: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


def _report_errors(request: HttpRequest, exc: CatalogError) -> None:
    if exc.errors:
        for error in exc.errors:
            messages.error(request, error["message"])
    else:
        messages.error(request, exc.message)


# ---------------------------------------------------------------- items


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


# ---------------------------------------------------------------- versions


MATERIAL_ADMIN_FIELDS = (
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
    "applies_when",
    "commitment_allowed",
)
QUESTION_ADMIN_FIELDS = ("order", "code", "text", "choices")
FORM_FIELD_ADMIN_FIELDS = ("order", "key", "label", "kind", "required", "choices")
TASK_ADMIN_FIELDS = ("name", "action", "department", "role", "limit_days")


class MaterialInline(ServiceInlineMixin, FrozenAwareInline, ScopedInlineMixin, admin.TabularInline):
    model = MaterialRequirement
    extra = 0
    fields = MATERIAL_ADMIN_FIELDS

    def save_row(self, request: HttpRequest, parent: Any, form: Any, change: bool) -> Any:
        fields = _fields(form, MATERIAL_ADMIN_FIELDS)
        if change:
            return material_update(material=form.instance, **fields)
        return material_create(version=parent, **fields)

    def delete_row(self, request: HttpRequest, obj: Any) -> None:
        material_delete(material=obj)


class FormFieldInline(ServiceInlineMixin, FrozenAwareInline, ScopedInlineMixin, admin.TabularInline):
    model = FormField
    extra = 0
    fields = FORM_FIELD_ADMIN_FIELDS

    def save_row(self, request: HttpRequest, parent: Any, form: Any, change: bool) -> Any:
        fields = _fields(form, FORM_FIELD_ADMIN_FIELDS)
        if change:
            return form_field_update(form_field=form.instance, **fields)
        return form_field_create(version=parent, **fields)

    def delete_row(self, request: HttpRequest, obj: Any) -> None:
        form_field_delete(form_field=obj)


class SituationQuestionInline(ServiceInlineMixin, FrozenAwareInline, ScopedInlineMixin, admin.TabularInline):
    """情形 questions, written through `drafts.situation_question_*` (the guide's rules)."""

    model = SituationQuestion
    extra = 0
    fields = QUESTION_ADMIN_FIELDS

    def save_row(self, request: HttpRequest, parent: Any, form: Any, change: bool) -> Any:
        fields = _fields(form, QUESTION_ADMIN_FIELDS)
        if change:
            return situation_question_update(question=form.instance, **fields)
        return situation_question_create(version=parent, **fields)

    def delete_row(self, request: HttpRequest, obj: Any) -> None:
        situation_question_delete(question=obj)


@admin.register(ServiceItemVersion)
class ServiceItemVersionAdmin(FrozenAwareMixin, CatalogAdmin):
    """A draft's guide is edited here (`version_update`, the inlines through the draft
    services); new drafts come from the actions, never from an add form."""

    list_display = (
        "item",
        "number",
        "status",
        "case_kind",
        "promised_limit_days",
        "legal_limit_days",
        "published_at",
    )
    list_filter = ("status", "case_kind", "limit_unit", ("item__center", ScopedRelatedFilter))
    search_fields = ("item__code", "item__name", "legal_basis")
    list_select_related = ("item",)
    raw_id_fields = ("item",)
    readonly_fields = ("status", "published_at", "published_by", "created_at", "procedure_link")
    inlines = [SituationQuestionInline, MaterialInline, FormFieldInline]
    actions = ["publish", "create_drafts"]

    def fixed_after_create(self) -> tuple[str, ...]:
        return ("item", "number")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("procedure"))
    def procedure_link(self, obj: ServiceItemVersion) -> str:
        procedure = Procedure.objects.filter(version=obj).first()
        if procedure is None:
            return "—"
        url = reverse("admin:catalog_procedure_change", args=[procedure.pk])
        return format_html('<a href="{}">{}</a>', url, _("stages and tasks"))

    def save_model(self, request: HttpRequest, obj: ServiceItemVersion, form: Any, change: bool) -> None:
        adopt(obj, version_update(version=obj, **_fields(form, tuple(VERSION_FIELDS))))

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
class MaterialRequirementAdmin(FrozenAwareMixin, CatalogAdmin):
    list_display = ("name", "code", "version", "required", "tolerable", "source")
    list_filter = ("required", "tolerable", "source", "medium", "version__status")
    search_fields = ("code", "name", "version__item__code", "version__item__name")
    list_select_related = ("version__item",)
    raw_id_fields = ("version",)
    fields = ("version", *MATERIAL_ADMIN_FIELDS, "notes", "template", "sample")

    def version_of(self, obj: MaterialRequirement) -> ServiceItemVersion:
        return obj.version

    def fixed_after_create(self) -> tuple[str, ...]:
        return ("version",)

    def save_model(self, request: HttpRequest, obj: MaterialRequirement, form: Any, change: bool) -> None:
        fields = _fields(form, (*MATERIAL_ADMIN_FIELDS, "notes"))
        if change:
            saved = material_update(material=obj, **fields)
        else:
            saved = material_create(version=form.cleaned_data["version"], **fields)
        files = {n: form.files.get(n) for n in ("template", "sample") if form.files.get(n) is not None}
        adopt(obj, material_files_set(material=saved, **files) if files else saved)

    def delete_model(self, request: HttpRequest, obj: MaterialRequirement) -> None:
        material_delete(material=obj)


@admin.register(FormField)
class FormFieldAdmin(FrozenAwareMixin, CatalogAdmin):
    list_display = ("label", "key", "kind", "required", "version")
    list_filter = ("kind", "required", "version__status")
    search_fields = ("key", "label", "version__item__code", "version__item__name")
    list_select_related = ("version__item",)
    raw_id_fields = ("version",)
    fields = ("version", *FORM_FIELD_ADMIN_FIELDS)

    def version_of(self, obj: FormField) -> ServiceItemVersion:
        return obj.version

    def fixed_after_create(self) -> tuple[str, ...]:
        return ("version",)

    def save_model(self, request: HttpRequest, obj: FormField, form: Any, change: bool) -> None:
        fields = _fields(form, FORM_FIELD_ADMIN_FIELDS)
        if change:
            adopt(obj, form_field_update(form_field=obj, **fields))
        else:
            adopt(obj, form_field_create(version=form.cleaned_data["version"], **fields))

    def delete_model(self, request: HttpRequest, obj: FormField) -> None:
        form_field_delete(form_field=obj)


# ---------------------------------------------------------------- procedures


class StageInline(ServiceInlineMixin, FrozenAwareInline, ScopedInlineMixin, admin.TabularInline):
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

    def save_row(self, request: HttpRequest, parent: Any, form: Any, change: bool) -> Any:
        data = form.cleaned_data
        if change:
            return stage_update(stage=form.instance, name=data["name"], order=data["order"])
        return stage_create(procedure=parent, name=data["name"], order=data["order"])

    def delete_row(self, request: HttpRequest, obj: Any) -> None:
        stage_delete(stage=obj)


@admin.register(Procedure)
class ProcedureAdmin(FrozenAwareMixin, CatalogAdmin):
    """Every version has its procedure (made with the version); only its name and stages change."""

    list_display = ("__str__", "version")
    list_filter = ("version__status", ("version__item__center", ScopedRelatedFilter))
    search_fields = ("name", "version__item__code", "version__item__name")
    list_select_related = ("version__item",)
    raw_id_fields = ("version",)
    inlines = [StageInline]

    def version_of(self, obj: Procedure) -> ServiceItemVersion:
        return obj.version

    def fixed_after_create(self) -> tuple[str, ...]:
        return ("version",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Procedure, form: Any, change: bool) -> None:
        adopt(obj, procedure_update(procedure=obj, name=form.cleaned_data["name"]))


class StageTaskInline(ServiceInlineMixin, FrozenAwareInline, ScopedInlineMixin, admin.TabularInline):
    model = StageTask
    extra = 0
    fields = TASK_ADMIN_FIELDS

    def version_of(self, obj: Stage) -> ServiceItemVersion:
        return obj.procedure.version

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "department":
            kwargs["queryset"] = db_field.related_model.objects.select_related("center")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_row(self, request: HttpRequest, parent: Any, form: Any, change: bool) -> Any:
        fields = _fields(form, TASK_ADMIN_FIELDS)
        if change:
            return stage_task_update(task=form.instance, **fields)
        return stage_task_create(stage=parent, **fields)

    def delete_row(self, request: HttpRequest, obj: Any) -> None:
        stage_task_delete(task=obj)


@admin.register(Stage)
class StageAdmin(FrozenAwareMixin, CatalogAdmin):
    list_display = ("name", "order", "procedure")
    list_filter = ("procedure__version__status",)
    search_fields = ("name", "procedure__version__item__code", "procedure__version__item__name")
    list_select_related = ("procedure__version__item",)
    raw_id_fields = ("procedure",)
    fields = ("procedure", "order", "name")
    inlines = [StageTaskInline]

    def version_of(self, obj: Stage) -> ServiceItemVersion:
        return obj.procedure.version

    def fixed_after_create(self) -> tuple[str, ...]:
        return ("procedure",)

    def save_model(self, request: HttpRequest, obj: Stage, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            adopt(obj, stage_update(stage=obj, name=data["name"], order=data["order"]))
        else:
            adopt(obj, stage_create(procedure=data["procedure"], name=data["name"], order=data["order"]))

    def delete_model(self, request: HttpRequest, obj: Stage) -> None:
        stage_delete(stage=obj)


@admin.register(StageTask)
class StageTaskAdmin(FrozenAwareMixin, CatalogAdmin):
    list_display = ("name", "stage", "action", "department", "limit_days")
    list_filter = ("action", "role", "stage__procedure__version__status")
    search_fields = ("name", "department__name", "stage__procedure__version__item__code")
    list_select_related = ("stage", "department")
    raw_id_fields = ("stage", "department")
    fields = ("stage", *TASK_ADMIN_FIELDS)

    def version_of(self, obj: StageTask) -> ServiceItemVersion:
        return obj.stage.procedure.version

    def fixed_after_create(self) -> tuple[str, ...]:
        return ("stage",)

    def save_model(self, request: HttpRequest, obj: StageTask, form: Any, change: bool) -> None:
        fields = _fields(form, TASK_ADMIN_FIELDS)
        if change:
            adopt(obj, stage_task_update(task=obj, **fields))
        else:
            adopt(obj, stage_task_create(stage=form.cleaned_data["stage"], **fields))

    def delete_model(self, request: HttpRequest, obj: StageTask) -> None:
        stage_task_delete(task=obj)


# ---------------------------------------------------------------- lists and bundles


@admin.register(CatalogList)
class CatalogListAdmin(CatalogAdmin):
    list_display = ("name", "kind", "center", "published_on")
    list_filter = ("kind", ("center", ScopedRelatedFilter))
    search_fields = ("name",)
    list_select_related = ("center",)
    filter_horizontal = ("items",)

    def fixed_after_create(self) -> tuple[str, ...]:
        return ("center",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: CatalogList, form: Any, change: bool) -> None:
        """The items go to the service with the rest (it checks they are the center's)."""
        data = form.cleaned_data
        fields = {"kind": data["kind"], "name": data["name"], "published_on": data["published_on"]}
        if change:
            catalog_list = catalog_list_update(catalog_list=obj, **fields)
            catalog_list_set_items(catalog_list=catalog_list, items=data["items"])
        else:
            catalog_list = catalog_list_create(center=data["center"], **fields, items=data["items"])
        adopt(obj, catalog_list)


class BundleItemInline(ScopedInlineMixin, admin.TabularInline):
    """The bundle's items in their order; written as a whole by `bundle_set_items`."""

    model = BundleItem
    extra = 0
    raw_id_fields = ("item",)


@admin.register(Bundle)
class BundleAdmin(CatalogAdmin):
    list_display = ("code", "name", "center", "is_active")
    list_filter = ("is_active", ("center", ScopedRelatedFilter))
    search_fields = ("code", "name")
    list_select_related = ("center",)
    inlines = [BundleItemInline]

    def fixed_after_create(self) -> tuple[str, ...]:
        return ("center", "code")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Bundle, form: Any, change: bool) -> None:
        data = form.cleaned_data
        fields = {"name": data["name"], "description": data["description"], "is_active": data["is_active"]}
        if change:
            adopt(obj, bundle_update(bundle=obj, **fields))
            return
        bundle = bundle_create(
            center=data["center"], code=data["code"], name=data["name"], description=data["description"]
        )
        if not data["is_active"]:
            bundle = bundle_update(bundle=bundle, **fields)
        adopt(obj, bundle)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """The kept and added rows, by their order, become the bundle's items in one
        `bundle_set_items` (which checks they are items of the bundle's center)."""
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if not formset.has_changed():
            return
        kept = [
            (row.cleaned_data.get("order") or 0, n, row.cleaned_data["item"])
            for n, row in enumerate(formset.forms)
            if row.cleaned_data.get("item") is not None and not formset._should_delete_form(row)
        ]
        bundle_set_items(bundle=form.instance, items=[item for _order, _n, item in sorted(kept)])


@admin.register(BundleItem)
class BundleItemAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """A view across bundles; a bundle's items are edited on the bundle's page."""

    list_display = ("bundle", "item", "order")
    list_filter = (("bundle__center", ScopedRelatedFilter),)
    search_fields = ("bundle__code", "bundle__name", "item__code", "item__name")
    list_select_related = ("bundle", "item")
    raw_id_fields = ("bundle", "item")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
