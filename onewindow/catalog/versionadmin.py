"""The admin of item versions and a draft's materials, form fields and 情形 questions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.catalog.adminbase import (
    CatalogAdmin,
    FrozenAwareInline,
    FrozenAwareMixin,
    _fields,
    _report_errors,
)
from onewindow.catalog.drafts import (
    form_field_create,
    form_field_delete,
    form_field_update,
    material_create,
    material_delete,
    material_files_set,
    material_update,
    situation_question_create,
    situation_question_delete,
    situation_question_update,
)
from onewindow.catalog.errors import CatalogError
from onewindow.catalog.guide import VERSION_FIELDS
from onewindow.catalog.models import (
    FormField,
    MaterialRequirement,
    Procedure,
    ServiceItemVersion,
    SituationQuestion,
)
from onewindow.catalog.services import version_draft_create, version_publish, version_update
from onewindow.core.serviceadmin import ServiceInlineMixin, adopt
from onewindow.org.adminscope import ScopedInlineMixin, ScopedRelatedFilter

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
