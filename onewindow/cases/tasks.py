"""The engine's background tasks (run by `manage.py db_worker`).

A case search export is a `core.Job` run by `core.tasks.job_task` (cases.actions.export);
`case_export_run_task` stays only for tasks enqueued before that change: it runs the job
the migration made of their export (params `legacy_export`).
"""

from __future__ import annotations

from django_tasks import task

from onewindow.cases.services import case_export_prune, case_export_run
from onewindow.core.models import Job


@task()
def case_export_run_task(export_id: int) -> dict[str, object]:
    """An export queued before exports became jobs (cases migration 0012): run its job."""
    job = Job.objects.filter(kind=Job.Kind.CASE_EXPORT, params__legacy_export=export_id).first()
    if job is None or job.state == Job.State.DONE:
        return {"export": export_id, "state": "missing" if job is None else job.state}
    job = case_export_run(export_id=job.pk)
    return {"export": export_id, "job": job.pk, "state": job.state}


@task()
def case_exports_prune() -> int:
    """Remove exports (files and jobs) older than `ONEWINDOW_EXPORT_KEEP_DAYS` (daily, settings.PERIODIC_TASKS)."""
    return case_export_prune()
