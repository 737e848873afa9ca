"""The checkpoint task: one log across all cases, signed heads, exported outside the database."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.cases import services
from onewindow.cases.models import CaseEvent
from onewindow.trail import keys, log
from onewindow.trail.errors import TrailError
from onewindow.trail.models import Checkpoint, LogEntry
from onewindow.trail.services import checkpoint_create, checkpoint_export, checkpoint_statement
from onewindow.trail.tasks import trail_checkpoint
from tests.factories.cases import completed_case, in_progress_case, make_world

from .conftest import checkpoint, findings

pytestmark = pytest.mark.django_db


def test_a_checkpoint_logs_every_event_of_every_case_once_and_signs_the_head(signing_key):
    world = make_world()
    cases = [completed_case(world), in_progress_case(world)]
    (made,) = checkpoint()
    events = CaseEvent.objects.count()
    assert made.number == 1 and made.size == events == LogEntry.objects.count()
    assert set(LogEntry.objects.values_list("event_id", flat=True)) == set(
        CaseEvent.objects.values_list("pk", flat=True)
    )
    # The head is the hash chain over the entries in index order.
    head = log.GENESIS
    for e in LogEntry.objects.order_by("index"):
        head = log.extend(head, index=e.index, case_number=e.case_number, seq=e.seq, event_hash=e.event_hash)
    assert head == made.head
    public = keys.public_keys()[made.key_id]
    assert log.signature_valid(checkpoint_statement(made), made.signature, public)
    assert findings() == {}
    assert {e.case_number for e in LogEntry.objects.all()} == {c.number for c in cases}


def test_the_checkpoint_task_is_idempotent(signing_key):
    world = make_world()
    completed_case(world)
    first = trail_checkpoint.call()
    assert first["checkpoints"] == 1 and first["exported"] == 1
    again = trail_checkpoint.call()
    assert again == {"checkpoints": 0, "exported": 0, "size": 0}
    assert Checkpoint.objects.count() == 1
    assert LogEntry.objects.count() == CaseEvent.objects.count()


def test_the_next_checkpoint_logs_only_what_is_new_and_extends_the_same_log(signing_key):
    world = make_world()
    case = in_progress_case(world)
    (first,) = checkpoint()
    case = services.case_extend(case=case, actor=world.chief, days=2, reason="补充检测")
    (second,) = checkpoint()
    assert second.number == 2 and second.size == first.size + 1
    entry = LogEntry.objects.get(index=second.size)
    assert (entry.case_number, entry.seq) == (case.number, case.event_count)
    assert findings() == {}


def test_a_large_backlog_is_cut_into_several_checkpoints(signing_key):
    world = make_world()
    for _ in range(3):
        completed_case(world)
    total = CaseEvent.objects.count()
    made = checkpoint(batch=5)
    assert [c.size for c in made] == [min(5 * (i + 1), total) for i in range(len(made))]
    assert made[-1].size == total
    assert all(c.snapshot_xmax is None for c in made[:-1])  # a full batch settles nothing
    assert findings() == {}


def test_each_checkpoint_is_exported_once_as_a_signed_line_of_json(signing_key, settings):
    world = make_world()
    case = in_progress_case(world)
    checkpoint()
    services.case_extend(case=case, actor=world.chief, days=1, reason="延期")
    checkpoint()
    assert checkpoint_export() == 0
    lines = settings.TRAIL_CHECKPOINT_FILE.read_text().splitlines()
    assert [json.loads(line)["number"] for line in lines] == [1, 2]
    body, signature = log.parse_line(lines[1])
    assert log.signature_valid(body, signature, keys.public_keys()[body["key"]])


def test_a_partly_written_last_line_is_repaired_on_the_next_export(signing_key, settings):
    world = make_world()
    case = in_progress_case(world)
    checkpoint()
    with settings.TRAIL_CHECKPOINT_FILE.open("a") as f:
        f.write('{"v":1,"log":"onewi')  # the machine stopped mid-write
    services.case_extend(case=case, actor=world.chief, days=1, reason="延期")
    checkpoint()
    lines = settings.TRAIL_CHECKPOINT_FILE.read_text().splitlines()
    assert [json.loads(line)["number"] for line in lines] == [1, 2]


def test_without_the_signing_key_the_task_fails_clearly_and_writes_nothing(settings):
    world = make_world()
    in_progress_case(world)
    with CaptureQueriesContext(connection) as ctx, pytest.raises(TrailError) as exc:
        checkpoint_create()
    assert exc.value.code == "SIGNING_KEY_MISSING"
    assert str(settings.TRAIL_SIGNING_KEY) in exc.value.message
    assert "trail_keygen" in exc.value.message
    assert not [q for q in ctx.captured_queries if "trail_" in q["sql"]]
    assert Checkpoint.objects.count() == 0 and LogEntry.objects.count() == 0


def test_a_file_that_is_not_an_ed25519_key_is_refused(settings):
    settings.TRAIL_SIGNING_KEY.parent.mkdir(parents=True)
    settings.TRAIL_SIGNING_KEY.write_text("not a key")
    with pytest.raises(TrailError) as exc:
        checkpoint_create()
    assert exc.value.code == "SIGNING_KEY_INVALID"


def test_a_checkpoint_refuses_to_fork_the_log_when_the_export_is_ahead_of_the_database(signing_key):
    world = make_world()
    case = in_progress_case(world)
    checkpoint()
    services.case_extend(case=case, actor=world.chief, days=1, reason="延期")
    checkpoint()
    Checkpoint.objects.filter(number=2).delete()  # or the database came back from an older backup
    LogEntry.objects.filter(index__gt=Checkpoint.objects.get().size).delete()
    with pytest.raises(TrailError) as exc:
        checkpoint_create()
    assert exc.value.code == "EXPORT_AHEAD"
    assert Checkpoint.objects.count() == 1
