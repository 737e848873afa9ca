"""The trail's periodic task (scheduled by `manage.py run_scheduler`, run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from onewindow.trail.services import checkpoint_create, checkpoint_export


@task()
def trail_checkpoint() -> dict[str, int]:
    """Checkpoint what was committed since the last run, then bring the exported copy up to date.

    The export runs after the checkpoints' transactions have committed, and also when there
    was nothing new (it catches up after a failed write of the file).
    """
    made = checkpoint_create()
    exported = checkpoint_export()
    return {"checkpoints": len(made), "exported": exported, "size": made[-1].size if made else 0}
