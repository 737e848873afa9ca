"""`manage.py load_demo`: build (or complete) the demo county 安和县. Safe to run again."""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.demo.county import DEMO_PASSWORD
from onewindow.demo.steps import STEPS, load_demo
from onewindow.demo.summary import demo_counts
from onewindow.org.models import Role

CREATED_LABELS = {
    "regions": gettext_lazy("regions"),
    "centers": gettext_lazy("service centers"),
    "sectors": gettext_lazy("sectors"),
    "departments": gettext_lazy("departments"),
    "windows": gettext_lazy("windows"),
    "staff": gettext_lazy("staff"),
    "superusers": gettext_lazy("superusers"),
    "applicants": gettext_lazy("applicants"),
    "items": gettext_lazy("service items"),
    "versions": gettext_lazy("published versions"),
    "cases": gettext_lazy("cases"),
}


class Command(BaseCommand):
    help = "Load the demo county (regions, halls, staff, applicants, catalog, a few months of cases). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--only",
            action="append",
            choices=[s.name for s in STEPS],
            help="Run only this step (repeatable).",
        )

    def handle(self, *args, only=None, verbosity=1, **options):
        started = time.monotonic()
        log = self.stdout.write if verbosity >= 1 else None
        ctx = load_demo(only=only, log=log)
        if verbosity < 1:
            return
        elapsed = time.monotonic() - started
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(_("Demo county loaded in %(seconds).1f s.") % {"seconds": elapsed})
        )
        created = "，".join(
            f"{CREATED_LABELS.get(k, k)} {v}" for k, v in sorted(ctx.created.items()) if v
        ) or _("nothing (already complete)")
        self.stdout.write(_("Created this run: %(created)s") % {"created": created})
        self.stdout.write("")
        self.stdout.write(_("Rows in the database:"))
        for label, n in demo_counts():
            self.stdout.write(f"  {label}: {n}")
        self.stdout.write("")
        self.stdout.write(_("Demo logins (password for all: %(password)s):") % {"password": DEMO_PASSWORD})
        if get_user_model().objects.filter(username="admin", is_superuser=True).exists():
            superuser = _("superuser")
            self.stdout.write(f"  {superuser}: admin")
        labels = dict(Role.choices)
        for role in Role.values:
            if role in ctx.logins:
                self.stdout.write(f"  {labels[role]} ({role}): {ctx.logins[role]}")
        self.stdout.write("")
        if settings.FIELD_ENCRYPTION_KEY_FILE:
            self.stdout.write(
                _(
                    "Personal data is encrypted with the field key in %(path)s, kept apart from the "
                    "database: back it up on its own, without it nothing personal can be read."
                )
                % {"path": settings.FIELD_ENCRYPTION_KEY_FILE}
            )
        else:
            self.stdout.write(_("Personal data is encrypted with the field key from ONEWINDOW_FIELD_KEY."))
