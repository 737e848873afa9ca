"""The engine's background tasks (run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from onewindow.cases.services import case_export_prune, case_export_run


@task()
def case_export_run_task(export_id: int) -> dict[str, object]:
    """Write the spreadsheet of one case export (`cases.actions.export`)."""
    export = case_export_run(export_id=export_id)
    if export is None:
        return {"export": export_id, "state": "missing"}
    return {"export": export_id, "state": export.state, "rows": export.rows}


@task()
def case_exports_prune() -> int:
    """Remove exports (files and rows) older than `ONEWINDOW_EXPORT_KEEP_DAYS` (daily, settings.PERIODIC_TASKS)."""
    return case_export_prune()
