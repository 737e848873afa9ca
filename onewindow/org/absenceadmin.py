"""The admin of staff absences (A/B posts): listed by status, ended or cancelled by actions."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from onewindow.core import clock
from onewindow.core.serviceadmin import adopt
from onewindow.org.adminbase import OrgAdmin, _actor
from onewindow.org.adminscope import ScopedAdminMixin
from onewindow.org.errors import OrgError
from onewindow.org.models import StaffAbsence
from onewindow.org.services import staff_absence_cancel, staff_absence_create, staff_absence_end


class AbsenceStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("current", _("absent now")), ("coming", _("coming")), ("over", _("over"))]

    def queryset(self, request, queryset):
        now = clock.now()
        if self.value() == "current":
            return queryset.filter(starts_at__lte=now, ends_at__gt=now)
        if self.value() == "coming":
            return queryset.filter(starts_at__gt=now)
        if self.value() == "over":
            return queryset.filter(ends_at__lte=now)
        return queryset


@admin.register(StaffAbsence)
class StaffAbsenceAdmin(OrgAdmin):
    """Absences of every A post: added here or on the staff page, never edited; "end now"
    shortens a current one, "cancel" removes a coming one (through the services)."""

    list_display = [
        "staff",
        "center",
        "starts_at",
        "ends_at",
        "status",
        "reason",
        "set_by",
        "ended_by",
        "created_at",
    ]
    list_filter = [
        AbsenceStatusFilter,
        ("staff__center", admin.RelatedOnlyFieldListFilter),
        ("staff__department", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["staff__name", "staff__user__username", "reason"]
    list_select_related = ["staff__center", "set_by", "ended_by"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["staff"]
    actions = ["end_now", "cancel"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["staff", "starts_at", "ends_at", "reason"]
        return ["staff", "starts_at", "ends_at", "reason", "set_by", "created_at", "ended_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        """Only a coming absence is removed (cancelled); one that started is ended."""
        allowed = ScopedAdminMixin.has_delete_permission(self, request, obj)
        return allowed and (obj is None or obj.starts_at > clock.now())

    def has_end_permission(self, request):
        return self.has_add_permission(request)

    @admin.display(description=_("center"), ordering="staff__center")
    def center(self, obj: StaffAbsence):
        return obj.staff.center

    @admin.display(description=_("status"))
    def status(self, obj: StaffAbsence) -> str:
        now = clock.now()
        if obj.starts_at > now:
            return _("coming")
        return _("absent now") if obj.ends_at > now else _("over")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        absence = staff_absence_create(
            staff=data["staff"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            reason=data["reason"],
            actor=_actor(request),
        )
        adopt(obj, absence)

    def delete_model(self, request, obj):
        staff_absence_cancel(absence=obj, actor=_actor(request))

    def _each(self, request, queryset, service, done_message) -> None:
        done = 0
        for absence in queryset.select_related("staff"):
            try:
                service(absence=absence, actor=_actor(request))
                done += 1
            except OrgError as exc:
                messages.error(request, f"{absence}：{exc.message}")
        if done:
            messages.success(request, done_message(done))

    @admin.action(description=_("End the selected absences now"), permissions=["end"])
    def end_now(self, request, queryset):
        self._each(
            request,
            queryset,
            staff_absence_end,
            lambda n: ngettext("%(count)d absence ended.", "%(count)d absences ended.", n) % {"count": n},
        )

    @admin.action(description=_("Cancel the selected coming absences"), permissions=["end"])
    def cancel(self, request, queryset):
        self._each(
            request,
            queryset,
            staff_absence_cancel,
            lambda n: (
                ngettext("%(count)d absence cancelled.", "%(count)d absences cancelled.", n) % {"count": n}
            ),
        )
