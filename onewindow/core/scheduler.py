"""The scheduler of periodic tasks (`manage.py run_scheduler`).

django-tasks 0.12 and its database backend (django-tasks-db) run tasks but schedule
nothing, so this small loop does (docs/decisions/0009-trail-checkpoints.md): the schedule
is code, `settings.PERIODIC_TASKS` (task path, every N seconds); each task is enqueued when
due, and `manage.py db_worker` runs it. Due times are kept in memory: at start every task
is due, so a restart catches up at once. A task still waiting in the queue is not enqueued
again, so a stopped worker does not pile up copies. Run one scheduler per installation; a
second one would only enqueue twice, which idempotent tasks (the checkpoint is) tolerate.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult


@dataclass(frozen=True)
class Periodic:
    """One entry of the schedule: a task (no arguments) and its period in seconds."""

    task: Task[[], Any]
    every: float

    @property
    def path(self) -> str:
        return self.task.module_path


def load_schedule(entries: Iterable[tuple[str, float]] | None = None) -> list[Periodic]:
    """The schedule from `settings.PERIODIC_TASKS` (or `entries`), each path imported and checked."""
    schedule = []
    for path, every in settings.PERIODIC_TASKS if entries is None else entries:
        task = import_string(path)
        if not isinstance(task, Task):
            raise TypeError(f"{path} is not a task")
        if every <= 0:
            raise ValueError(f"{path}: the period must be positive")
        schedule.append(Periodic(task=task, every=float(every)))
    return schedule


def waiting(task: Task[[], Any]) -> bool:
    """Whether the task is already in the queue and not started (database backend only)."""
    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(task_path=task.module_path, status=TaskResultStatus.READY).exists()


class Scheduler:
    """Enqueue each periodic task when it is due; `tick()` once per loop."""

    def __init__(self, schedule: Sequence[Periodic], *, clock: Callable[[], float] = time.monotonic) -> None:
        self.schedule = list(schedule)
        self.clock = clock
        start = clock()
        self.due = {p.path: start for p in self.schedule}

    def tick(self) -> list[str]:
        """Enqueue what is due now; the paths enqueued (a task still waiting is skipped, its period restarts)."""
        now = self.clock()
        enqueued = []
        for periodic in self.schedule:
            if now < self.due[periodic.path]:
                continue
            self.due[periodic.path] = now + periodic.every
            if waiting(periodic.task):
                continue
            periodic.task.enqueue()
            enqueued.append(periodic.path)
        return enqueued

    def seconds_to_next(self) -> float:
        return max(0.0, min(self.due.values(), default=self.clock() + 60) - self.clock())
