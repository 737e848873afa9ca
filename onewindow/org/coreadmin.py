"""The admin of core's records, scoped by the org's access rules: the log of staff views of
personal data and the background jobs, both read-only here."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from onewindow.core.models import Job, PersonalDataAccess
from onewindow.core.serviceadmin import ViewOnlyMixin as ViewOnlyAdminMixin
from onewindow.org.adminscope import ScopedAdminMixin


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ViewOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The access log (访问日志): every view of personal data in the clear. Read-only; a
    center's supervisors see the views of the staff of their centers."""

    list_display = ["at", "actor_name", "what_label", "subject_label", "subject_type", "why"]
    list_filter = [("subject_type", admin.RelatedOnlyFieldListFilter), "what"]
    search_fields = ["actor_name", "actor__username", "why"]
    date_hierarchy = "at"
    list_select_related = ["subject_type"]
    fields = [
        "at",
        "actor",
        "actor_name",
        "subject_type",
        "subject_id",
        "subject_label",
        "what",
        "what_label",
        "why",
    ]


# Where a job's own page is, by kind (the page shows its progress and whole report).
JOB_PAGES = {
    Job.Kind.BATCH_INTAKE: "workbench:batch_job",
    Job.Kind.CATALOG_IMPORT: "admin:catalog_import_job",
}


@admin.register(Job)
class JobAdmin(ViewOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Background jobs (后台任务): batch intakes and catalog imports, their state and report.
    Read-only (only `core.jobs` writes them); scoped like their pages (`access.scope_jobs`)."""

    list_display = ["created_at", "kind", "center", "created_by", "state", "progress", "finished_at", "page"]
    list_filter = ["kind", "state"]
    search_fields = ["original_name", "created_by__username"]
    date_hierarchy = "created_at"
    list_select_related = ["center", "created_by"]
    fields = [
        "uuid",
        "kind",
        "center",
        "created_by",
        "state",
        "original_name",
        "size",
        "params",
        "total",
        "done",
        "attempt",
        "report",
        "error",
        "task_id",
        "created_at",
        "started_at",
        "finished_at",
    ]

    @admin.display(description=_("progress"))
    def progress(self, obj: Job) -> str:
        return f"{obj.done}/{obj.total}" if obj.total else ""

    @admin.display(description=_("page"))
    def page(self, obj: Job) -> str:
        return format_html('<a href="{}">{}</a>', reverse(JOB_PAGES[obj.kind], args=[obj.uuid]), _("open"))
