"""The admin of a version's procedure: its stages and their tasks."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.catalog.adminbase import CatalogAdmin, FrozenAwareInline, FrozenAwareMixin, _fields
from onewindow.catalog.drafts import (
    procedure_update,
    stage_create,
    stage_delete,
    stage_task_create,
    stage_task_delete,
    stage_task_update,
    stage_update,
)
from onewindow.catalog.models import Procedure, ServiceItemVersion, Stage, StageTask
from onewindow.core.serviceadmin import ServiceInlineMixin, adopt
from onewindow.org.adminscope import ScopedInlineMixin, ScopedRelatedFilter

TASK_ADMIN_FIELDS = ("name", "action", "department", "role", "limit_days")


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
