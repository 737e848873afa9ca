"""The org's periodic tasks (settings.PERIODIC_TASKS, run by `manage.py db_worker`)."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from onewindow.org.accounts import codes_prune


@task()
def codes_prune_task() -> dict[str, int]:
    """Delete spent verification codes and revoked or expired unused binding codes after their
    retention periods (settings.MOBILE_CODES_KEEP_DAYS, BIND_CODES_KEEP_DAYS); daily."""
    return codes_prune(
        mobile_keep_days=settings.MOBILE_CODES_KEEP_DAYS, binding_keep_days=settings.BIND_CODES_KEEP_DAYS
    )
