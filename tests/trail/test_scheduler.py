"""The scheduler enqueues the periodic tasks; the database worker runs them."""

import pytest
from django.core.management import call_command
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from onewindow.core.scheduler import Scheduler, load_schedule
from onewindow.trail.models import Checkpoint
from tests.factories.cases import in_progress_case, make_world

pytestmark = pytest.mark.django_db

CHECKPOINT = "onewindow.trail.tasks.trail_checkpoint"


def test_the_schedule_holds_the_checkpoint_task_at_its_setting(settings):
    schedule = {p.path: p.every for p in load_schedule()}
    assert schedule[CHECKPOINT] == settings.TRAIL_CHECKPOINT_SECONDS


def test_a_task_is_enqueued_when_due_and_not_again_while_it_waits_in_the_queue():
    now = [0.0]
    scheduler = Scheduler(load_schedule([(CHECKPOINT, 60)]), clock=lambda: now[0])
    assert scheduler.tick() == [CHECKPOINT]  # due at start
    now[0] = 30
    assert scheduler.tick() == []
    now[0] = 61
    assert scheduler.tick() == []  # the first one has not run yet: no pile-up
    assert DBTaskResult.objects.filter(task_path=CHECKPOINT, status=TaskResultStatus.READY).count() == 1
    DBTaskResult.objects.update(status=TaskResultStatus.SUCCESSFUL)
    now[0] = 122
    assert scheduler.tick() == [CHECKPOINT]


# The worker closes stale connections between tasks, which would end a test's transaction.
@pytest.mark.django_db(transaction=True)
def test_the_scheduler_enqueues_and_the_worker_takes_the_checkpoint(signing_key):
    world = make_world()
    in_progress_case(world)
    call_command("run_scheduler", "--once")
    assert DBTaskResult.objects.filter(task_path=CHECKPOINT, status=TaskResultStatus.READY).exists()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    result = DBTaskResult.objects.get(task_path=CHECKPOINT)
    assert result.status == TaskResultStatus.SUCCESSFUL, result.exception_class_path
    assert Checkpoint.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failing_checkpoint_is_recorded_as_a_failed_task(settings):
    world = make_world()
    in_progress_case(world)
    call_command("run_scheduler", "--once")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    result = DBTaskResult.objects.get(task_path=CHECKPOINT)
    assert result.status == TaskResultStatus.FAILED
    assert result.exception_class_path == "onewindow.trail.errors.TrailError"
