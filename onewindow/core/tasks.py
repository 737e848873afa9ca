"""The core tasks: the background jobs' one task (`job_task`), and the housekeeping of the queue (scheduled
in settings.PERIODIC_TASKS)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django_tasks import task

from onewindow.core.jobs import job_files_prune, job_run

# Finished task results are kept this long (days) for the admin and for debugging.
KEEP_DAYS = 7


@task()
def task_results_prune() -> None:
    """Delete finished task results older than a week (a checkpoint a minute is 10,000 rows a
    week), and the stored inputs of background jobs finished that long ago."""
    call_command("prune_db_task_results", queue_name="*", min_age_days=KEEP_DAYS, verbosity=0)
    job_files_prune(keep_days=KEEP_DAYS)


@task()
def job_task(job_id: int, attempt: int) -> dict[str, Any] | None:
    """Run one attempt of a background job (`core.jobs.job_run`: the same function a command
    runs inline); the report it stored, or None when the job was not this attempt's to run."""
    return job_run(job_id, attempt)


@task()
def sms_send_task(message_id: int) -> str:
    """Hand one queued text message to the SMS gateway (`core.sms.sms_deliver`); its state."""
    from onewindow.core.sms import sms_deliver

    message = sms_deliver(message_id)
    return message.state if message is not None else "missing"


@task()
def sms_retry_task() -> dict[str, int]:
    """Try again the text messages whose next try is due (`core.sms.sms_retry`); scheduled every
    settings.SMS_RETRY_TICK_SECONDS in settings.PERIODIC_TASKS."""
    from onewindow.core.sms import sms_retry

    return sms_retry()


@task()
def sms_prune_task() -> int:
    """Erase the texts (they hold codes) of messages finished more than settings.SMS_KEEP_TEXT_DAYS
    days ago (`core.sms.sms_bodies_prune`); scheduled daily."""
    from django.conf import settings

    from onewindow.core.sms import sms_bodies_prune

    return sms_bodies_prune(keep_days=settings.SMS_KEEP_TEXT_DAYS)
