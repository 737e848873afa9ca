"""`manage.py run_scheduler [--once]`: enqueue the periodic tasks when they are due (onewindow.core.scheduler)."""

from __future__ import annotations

import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils.translation import gettext as _

from onewindow.core.scheduler import Scheduler, load_schedule


class Command(BaseCommand):
    help = _("Enqueue the periodic tasks (settings.PERIODIC_TASKS) when they are due; the worker runs them.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help=_("Enqueue every task once and exit."))

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        scheduler = Scheduler(load_schedule())
        running = True

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal running
            running = False

        if not once:
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
            for periodic in scheduler.schedule:
                self.stdout.write(
                    _("Every %(seconds)g s: %(task)s") % {"seconds": periodic.every, "task": periodic.path}
                )
            self.stdout.flush()
        while True:
            close_old_connections()
            for path in scheduler.tick():
                self.stdout.write(_("Enqueued %(task)s") % {"task": path})
            self.stdout.flush()
            close_old_connections()
            if once:
                return
            deadline = time.monotonic() + min(scheduler.seconds_to_next(), 5.0)
            while running and time.monotonic() < deadline:
                time.sleep(0.2)
            if not running:
                self.stdout.write(_("Scheduler stopped."))
                return
