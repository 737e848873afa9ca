"""Admin for the shared kernel: calendar overrides (through the services) and counters.

Calendar overrides are saved and deleted through `onewindow.core.services`, never by the
admin's own `save()`, so the compiled working-day calendar is rebuilt at once. When next
year's official schedule is missing, a warning is shown on the admin index and on the
override list until someone enters it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from onewindow.core import calendar, services, sms
from onewindow.core.models import CalendarDay, Counter, SmsMessage
from onewindow.core.serviceadmin import ViewOnlyMixin

if TYPE_CHECKING:
    _CalendarDayAdmin = admin.ModelAdmin[CalendarDay]
    _CounterAdmin = admin.ModelAdmin[Counter]
else:  # the admin classes are not generic at run time
    _CalendarDayAdmin = _CounterAdmin = admin.ModelAdmin


class YearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        # A year of dates (1 to 9999); anything else in the address filters nothing.
        if value and value.isascii() and value.isdigit() and len(value) <= 4 and int(value) > 0:
            return queryset.filter(date__year=int(value))
        return queryset


def _warn_about_coverage(request: HttpRequest) -> None:
    warning = calendar.calendar_coverage_warning()
    if warning:
        messages.warning(request, warning)


@admin.register(CalendarDay)
class CalendarDayAdmin(_CalendarDayAdmin):
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

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        _warn_about_coverage(request)
        return super().changelist_view(request, extra_context)

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        if change and "date" in form.changed_data:
            previous = CalendarDay.objects.get(pk=obj.pk).date
            services.calendar_day_remove(date=previous)
        saved = services.calendar_day_set(date=obj.date, is_working_day=obj.is_working_day, note=obj.note)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        services.calendar_day_remove(date=obj.date)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        for date in list(queryset.values_list("date", flat=True)):
            services.calendar_day_remove(date=date)


@admin.register(Counter)
class CounterAdmin(_CounterAdmin):
    """Read-only: counters are advanced only under a row lock by the numbering code."""

    list_display = ("name", "value")
    search_fields = ("name",)
    ordering = ("name",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Counter | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Counter | None = None) -> bool:
        return False


_IndexView = Callable[[HttpRequest, "dict[str, Any] | None"], HttpResponse]


def _index_with_calendar_warning(site_index: _IndexView) -> _IndexView:
    def index(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        _warn_about_coverage(request)
        return site_index(request, extra_context)

    index.calendar_warning = True  # type: ignore[attr-defined]
    return index


# The admin index is the first page an operator sees; the hook wraps the default site's
# view (this module is imported by admin autodiscovery before the URLs are built).
if not getattr(admin.site.index, "calendar_warning", False):
    admin.site.index = _index_with_calendar_warning(admin.site.index)  # type: ignore[method-assign,assignment]


if TYPE_CHECKING:
    _SmsMessageAdmin = admin.ModelAdmin[SmsMessage]
else:
    _SmsMessageAdmin = admin.ModelAdmin


def text_masked(message: SmsMessage) -> str:
    """The message's text with its template parameters (the codes) blotted out."""
    text = message.text or ""
    for value in (message.params or {}).values():
        value = str(value)
        if value:
            text = text.replace(value, "•" * len(value))
    return text


@admin.register(SmsMessage)
class SmsMessageAdmin(ViewOnlyMixin, _SmsMessageAdmin):
    """The outbox of text messages, read-only, for superusers (messages belong to no center). The
    number is masked and the codes in a text are blotted out; the one exception is the local
    backend while it is the configured one (the demo, an intranet without a gateway), where this
    list is the phone and nothing else shows the code (docs/decisions/0024). Tries, the last error,
    the next try and the expiry show how the worker is doing (core.sms)."""

    list_display = (
        "masked_mobile",
        "purpose_shown",
        "state",
        "attempts",
        "backend",
        "created_at",
        "sent_at",
        "next_attempt_at",
        "short_error",
    )
    list_filter = ("state", "purpose", "backend")
    fields = (
        "masked_mobile",
        "purpose_shown",
        "shown_text",
        "state",
        "backend",
        "provider_id",
        "attempts",
        "error",
        "next_attempt_at",
        "expires_at",
        "created_at",
        "sent_at",
        "erased_at",
    )
    readonly_fields = fields
    ordering = ("-created_at", "-pk")
    date_hierarchy = "created_at"
    list_per_page = 50
    show_full_result_count = False

    @admin.display(description=_("mobile phone"))
    def masked_mobile(self, obj: SmsMessage) -> str:
        return obj.masked_mobile

    @admin.display(description=_("purpose"), ordering="purpose")
    def purpose_shown(self, obj: SmsMessage) -> str:
        return sms.purpose_label(obj.purpose)

    @admin.display(description=_("text"))
    def shown_text(self, obj: SmsMessage) -> str:
        if settings.SMS_BACKEND == "local" and obj.backend in ("local", ""):
            return obj.text
        return text_masked(obj)

    @admin.display(description=_("last error"))
    def short_error(self, obj: SmsMessage) -> str:
        return obj.error[:60] + ("…" if len(obj.error) > 60 else "")

    def has_view_permission(self, request: HttpRequest, obj: SmsMessage | None = None) -> bool:
        return bool(getattr(request.user, "is_superuser", False))
