"""Checkpoints: order the events committed since the last one into the log, sign its head, export it.

`checkpoint_create` is the body of the periodic task (`trail.tasks.trail_checkpoint`,
enqueued by `manage.py run_scheduler`, run by `manage.py db_worker`). It is the only
writer of the log: case actions touch no shared row, and the order across cases is made
here, after the fact.

Ordering without skipping a late commit. Event ids are drawn from a sequence when the row
is inserted, not when it commits: on PostgreSQL an event with a lower id may commit after
one with a higher id that the last checkpoint already logged. So a run does not continue
"after the highest id logged"; it takes every event above a *settled* id that is not in
the log yet (an anti-join on the log's unique event id, bounded below by the settled id,
so it reads only recent events):

* SQLite has one writer at a time and draws ids under the write lock, so every id below
  the highest one committed is committed: the settled id is the last checkpoint's highest
  logged id.
* PostgreSQL: each checkpoint stores the `xmax` of a snapshot taken after it read its
  events. An event still uncommitted then, with an id below what that run logged, belongs
  to a transaction older than that xmax (every writer writes the case row before the
  event, so its transaction id is assigned before the event's id is drawn). Once a later
  complete run began with an `xmin` past a checkpoint's `xmax`, all those transactions had
  ended before it read, it logged their events, and that checkpoint's highest id is settled.

Runs are serialised: on PostgreSQL by a transaction-level advisory lock, on SQLite by the
IMMEDIATE transaction's write lock. A run with nothing new writes nothing (idempotent).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from onewindow.cases.models import CaseEvent
from onewindow.core import clock
from onewindow.trail import keys, log
from onewindow.trail.errors import TrailError
from onewindow.trail.models import Checkpoint, LogEntry

# pg_advisory_xact_lock key of the checkpoint run ("owtrail").
ADVISORY_LOCK = 0x6F77747261696C


def checkpoint_statement(checkpoint: Checkpoint) -> dict[str, object]:
    """The statement a checkpoint row signs."""
    return log.statement(
        number=checkpoint.number,
        size=checkpoint.size,
        head=checkpoint.head,
        at=checkpoint.at,
        settled_id=checkpoint.settled_id,
        high_id=checkpoint.high_id,
        key=checkpoint.key_id,
    )


def checkpoint_create(*, batch: int | None = None) -> list[Checkpoint]:
    """Log every event committed since the last checkpoint and sign the new head(s).

    One checkpoint per `batch` events (settings.TRAIL_CHECKPOINT_BATCH), each in its own
    transaction; none when nothing is new. Refuses (TrailError, nothing written) when the
    signing key is missing or unreadable, or when the exported copy is ahead of the
    database (checkpoints removed, or an older backup restored): the log would fork.
    """
    key = keys.signing_key()
    stored = Checkpoint.objects.order_by("-number").values_list("number", flat=True).first() or 0
    exported = exported_last_number()
    if exported > stored:
        raise TrailError("EXPORT_AHEAD", path=str(export_path()), exported=exported, stored=stored)
    size = batch or settings.TRAIL_CHECKPOINT_BATCH
    made: list[Checkpoint] = []
    while True:
        result = _checkpoint_next(key, size)
        if result is None:
            break
        checkpoint, count = result
        made.append(checkpoint)
        if count < size:
            break
    return made


def _snapshot(function: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(pg_current_snapshot())::text")  # noqa: S608 - a constant
        return int(cursor.fetchone()[0])


def _settled_id(last: Checkpoint | None, postgres: bool) -> int:
    """The event id up to which every event that will ever commit is already in the log.

    PostgreSQL: a checkpoint C's `high_id` is settled once a later run R read every visible
    event (R did not fill its batch) and began (`R.snapshot_xmin`) after every transaction
    that could hold an id up to C's `high_id` had ended (`C.snapshot_xmax <= R.snapshot_xmin`):
    R then logged their events. The xmin of the run now starting is not enough — a
    transaction that ended a moment ago has its event visible, but not yet logged.
    """
    if last is None:
        return 0
    if not postgres:  # SQLite: ids are drawn and committed under the one write lock
        return last.high_id
    reader = (
        Checkpoint.objects.filter(snapshot_xmax__isnull=False, snapshot_xmin__isnull=False)
        .order_by("-number")
        .first()
    )
    settled = None
    if reader is not None:
        settled = (
            Checkpoint.objects.filter(
                number__lte=reader.number,
                snapshot_xmax__isnull=False,
                snapshot_xmax__lte=reader.snapshot_xmin,
            )
            .order_by("-number")
            .values_list("high_id", flat=True)
            .first()
        )
    return max(settled or 0, last.settled_id)


@transaction.atomic
def _checkpoint_next(key: Ed25519PrivateKey, batch: int) -> tuple[Checkpoint, int] | None:
    postgres = connection.vendor == "postgresql"
    xmin_now: int | None = None
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
        xmin_now = _snapshot("pg_snapshot_xmin")
    last = Checkpoint.objects.order_by("-number").first()
    settled = _settled_id(last, postgres)
    rows = list(
        CaseEvent.objects.filter(pk__gt=settled)
        .filter(~Exists(LogEntry.objects.filter(event_id=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", "case__number", "seq", "hash")[:batch]
    )
    if not rows:
        return None
    xmax = _snapshot("pg_snapshot_xmax") if postgres else None
    head, size = (last.head, last.size) if last else (log.GENESIS, 0)
    entries = []
    for event_id, case_number, seq, event_hash in rows:
        size += 1
        head = log.extend(head, index=size, case_number=case_number, seq=seq, event_hash=event_hash)
        entries.append(
            LogEntry(index=size, event_id=event_id, case_number=case_number, seq=seq, event_hash=event_hash)
        )
    LogEntry.objects.bulk_create(entries, batch_size=1000)
    checkpoint = Checkpoint(
        number=(last.number if last else 0) + 1,
        size=size,
        head=head,
        at=clock.now(),
        settled_id=settled,
        high_id=max(last.high_id if last else 0, rows[-1][0]),
        key_id=keys.key_id(key.public_key()),
        # A full batch may have left visible events below its highest id for the next batch:
        # such a checkpoint never settles anything (PostgreSQL's rule needs every visible
        # event up to `high_id` logged).
        snapshot_xmax=xmax if len(rows) < batch else None,
        snapshot_xmin=xmin_now,
    )
    checkpoint.signature = log.sign(checkpoint_statement(checkpoint), key)
    checkpoint.save(force_insert=True)
    return checkpoint, len(rows)


def export_path() -> Path:
    return Path(settings.TRAIL_CHECKPOINT_FILE)


def _last_line(f: IO[bytes], *, repair: bool) -> bytes:
    """The file's last complete line; with `repair`, a partly written last line (a crash) is cut off."""
    f.seek(0, os.SEEK_END)
    end = f.tell()
    start = max(0, end - 65536)
    f.seek(start)
    tail = f.read()
    if tail and not tail.endswith(b"\n"):
        cut = tail.rfind(b"\n") + 1
        if repair:
            f.truncate(start + cut)
        tail = tail[:cut]
    lines = tail.rstrip(b"\n").rsplit(b"\n", 1)
    return lines[-1] if lines else b""


def _number_of(line: bytes, path: Path) -> int:
    if not line.strip():
        return 0
    try:
        body, _signature = log.parse_line(line.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise TrailError("EXPORT_UNREADABLE", path=str(path)) from None
    return int(body["number"])


def exported_last_number() -> int:
    """The number of the last checkpoint in the exported file (0 when there is none)."""
    path = export_path()
    if not path.exists():
        return 0
    with path.open("rb") as f:
        return _number_of(_last_line(f, repair=False), path)


def checkpoint_export() -> int:
    """Append to the exported file (settings.TRAIL_CHECKPOINT_FILE) every checkpoint it lacks.

    Idempotent and safe to run beside another run (an exclusive lock on the file); the lines
    are flushed to disk before it returns. Returns how many lines were appended.
    """
    path = export_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        last = _number_of(_last_line(f, repair=True), path)
        appended = 0
        for checkpoint in (
            Checkpoint.objects.filter(number__gt=last).order_by("number").iterator(chunk_size=500)
        ):
            line = log.export_line(checkpoint_statement(checkpoint), checkpoint.signature)
            f.write((line + "\n").encode("utf-8"))
            appended += 1
        f.flush()
        os.fsync(f.fileno())
    return appended
