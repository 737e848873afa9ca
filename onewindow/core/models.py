from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """An override of the official calendar for one date.

    The `chinesecalendar` package carries the State Council's published schedule up to its
    last year; a center enters next year's holidays and make-up working days (调休) here as
    soon as they are announced, and corrects any local closure. An override always wins.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("is a working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        kind = _("working day") if self.is_working_day else _("day off")
        return f"{self.date} {kind} {self.note}".strip()


class Counter(models.Model):
    """A named sequence for human-readable numbers (case numbers, tickets).

    Incremented under a row lock, so two clerks never get the same number.
    """

    name = models.CharField(_("name"), max_length=80, unique=True)
    value = models.BigIntegerField(_("value"), default=0)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
