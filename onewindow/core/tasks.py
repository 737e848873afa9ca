"""Housekeeping tasks of the task queue itself (scheduled in settings.PERIODIC_TASKS)."""

from __future__ import annotations

from django.core.management import call_command
from django_tasks import task

# Finished task results are kept this long (days) for the admin and for debugging.
KEEP_DAYS = 7


@task()
def task_results_prune() -> None:
    """Delete finished task results older than a week: a checkpoint a minute is 10,000 rows a week."""
    call_command("prune_db_task_results", queue_name="*", min_age_days=KEEP_DAYS, verbosity=0)
