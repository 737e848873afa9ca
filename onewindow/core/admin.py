"""Admin for the shared kernel: calendar overrides (through the services) and counters.

Calendar overrides are saved and deleted through `onewindow.core.services`, never by the
admin's own `save()`, so the compiled working-day calendar is rebuilt at once. When next
year's official schedule is missing, a warning is shown on the admin index and on the
override list until someone enters it.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onewindow.core import calendar, services
from onewindow.core.models import CalendarDay, Counter


class YearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


def _warn_about_coverage(request) -> None:
    warning = calendar.calendar_coverage_warning()
    if warning:
        messages.warning(request, warning)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "is_working_day", "note")
    list_filter = ("is_working_day", YearFilter)
    search_fields = ("note", "date")
    ordering = ("date",)
    date_hierarchy = "date"

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, obj: CalendarDay) -> str:
        names = [
            _("Monday"),
            _("Tuesday"),
            _("Wednesday"),
            _("Thursday"),
            _("Friday"),
            _("Saturday"),
            _("Sunday"),
        ]
        return str(names[obj.date.weekday()])

    def changelist_view(self, request, extra_context=None):
        _warn_about_coverage(request)
        return super().changelist_view(request, extra_context)

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        if change and "date" in form.changed_data:
            previous = CalendarDay.objects.get(pk=obj.pk).date
            services.calendar_day_remove(date=previous)
        saved = services.calendar_day_set(date=obj.date, is_working_day=obj.is_working_day, note=obj.note)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.calendar_day_remove(date=obj.date)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for date in list(queryset.values_list("date", flat=True)):
            services.calendar_day_remove(date=date)


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    """Read-only: counters are advanced only under a row lock by the numbering code."""

    list_display = ("name", "value")
    search_fields = ("name",)
    ordering = ("name",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _index_with_calendar_warning(site_index):
    def index(request, extra_context=None):
        _warn_about_coverage(request)
        return site_index(request, extra_context)

    return index


# The admin index is the first page an operator sees; the hook wraps the default site's
# view (this module is imported by admin autodiscovery before the URLs are built).
if not getattr(admin.site.index, "calendar_warning", False):
    admin.site.index = _index_with_calendar_warning(admin.site.index)
    admin.site.index.calendar_warning = True
