"""Admin for applications, cases, tasks and events: read-only windows onto the engine's rows.

Nothing here adds, changes or deletes a domain row: every change to a case goes through
`onewindow.cases.services`, so it is checked, locked and leaves a hash-chained event.
Every list and page is scoped by the access rules (`org.access`: one's own centers, cases
reported to them). Personal data is shown masked: the delivery address and the personal
answers of the form (kept encrypted in `form_personal`), each with a "show" link that asks
for a reason and writes the access log.
"""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from onewindow.cases.models import (
    Application,
    ApplicationMaterial,
    Case,
    CaseEvent,
    CaseMaterial,
    CaseTask,
    Extension,
    Suspension,
)
from onewindow.core.personal import personal_fields
from onewindow.core.personaladmin import PersonalDataAdminMixin, personal_display
from onewindow.org.adminscope import ScopedAdminMixin, ScopedRelatedFilter


class ReadOnlyMixin:
    """No add, change or delete: the admin only looks."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "id"]


class ApplicationMaterialInline(ReadOnlyInline):
    model = ApplicationMaterial
    fields = ("code", "name", "status", "due_date", "received_at", "licence_number", "note")


class CaseInline(ReadOnlyInline):
    model = Case
    fields = ("number", "item", "state", "decision", "deadline")
    show_change_link = True


@admin.register(Application)
class ApplicationAdmin(ReadOnlyMixin, PersonalDataAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("number", "center", "applicant", "channel", "created_at", "submitted_at")
    list_filter = ("channel", ("center", ScopedRelatedFilter))
    search_fields = ("number",)
    date_hierarchy = "created_at"
    list_select_related = ("center", "applicant")
    exclude = ("delivery_address",)
    readonly_fields = ("masked_delivery_address", "personal_answers")
    inlines = (ApplicationMaterialInline, CaseInline)

    @admin.display(description=_("delivery address"))
    def masked_delivery_address(self, obj):
        return personal_display(obj, "delivery_address")

    @admin.display(description=_("personal answers"))
    def personal_answers(self, obj):
        """Each personal answer of the form, masked, with its "show" link."""
        rows = [
            (label, personal_display(obj, what))
            for what, label in personal_fields(obj).items()
            if what.startswith("form.")
        ]
        if not rows:
            return "—"
        return format_html_join(mark_safe("<br>"), "{}：{}", rows)  # noqa: S308 - a constant


class CaseTaskInline(ReadOnlyInline):
    model = CaseTask
    fields = (
        "stage_order",
        "stage_name",
        "name",
        "department",
        "state",
        "assignee",
        "outcome",
        "opinion",
        "due_at",
        "completed_at",
    )


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ("seq", "at", "action", "actor_name", "from_state", "to_state", "opinion", "data")
    ordering = ("seq",)


class CaseMaterialInline(ReadOnlyInline):
    model = CaseMaterial
    fields = ("requirement", "material")


class SuspensionInline(ReadOnlyInline):
    model = Suspension
    fields = ("reason", "note", "started_at", "expected_end", "ended_at", "days")


class ExtensionInline(ReadOnlyInline):
    model = Extension
    fields = ("days", "reason", "authorised_by", "at")


@admin.register(Case)
class CaseAdmin(ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("number", "item", "department", "kind", "state", "decision", "deadline", "center")
    list_filter = ("state", "kind", ("department", ScopedRelatedFilter), ("center", ScopedRelatedFilter))
    search_fields = ("number", "application__number")
    date_hierarchy = "created_at"
    list_select_related = ("item", "department", "center")
    raw_id_fields = ("application", "item", "version", "department", "center", "reported_to")
    inlines = (CaseMaterialInline, CaseTaskInline, SuspensionInline, ExtensionInline, CaseEventInline)


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("case", "seq", "action", "actor_name", "from_state", "to_state", "at")
    list_filter = ("action",)
    search_fields = ("case__number",)
    date_hierarchy = "at"
    list_select_related = ("case",)
    raw_id_fields = ("case", "actor")


@admin.register(CaseTask)
class CaseTaskAdmin(ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Department tasks across cases: who holds what, and what is due."""

    list_display = (
        "case",
        "stage_order",
        "name",
        "action",
        "department",
        "state",
        "assignee",
        "due_at",
        "completed_at",
    )
    list_filter = ("state", "action", ("department", ScopedRelatedFilter))
    search_fields = ("case__number", "name")
    date_hierarchy = "opened_at"
    list_select_related = ("case", "department", "assignee")
    raw_id_fields = ("case", "stage_task", "department", "assignee")
