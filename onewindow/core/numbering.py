"""Human-readable numbers from named counters (application and case numbers, tickets).

`counter_next` increments a `Counter` row under a row lock (`SELECT … FOR UPDATE`) inside
the caller's transaction, so two clerks never get the same number and a rolled-back
transaction gives its numbers back. The first use of a name creates the row
(get-or-create); two first uses at once are resolved by the unique name: the loser's
insert fails inside a savepoint and it re-reads the winner's row under lock.
Lock order: take counters before locking cases (center → counter → case → task).

The common path is one statement, `UPDATE … SET value = value + n … RETURNING value`,
which takes the row lock and reads the new value at once (PostgreSQL, SQLite ≥ 3.35); the
row's first use, and databases without RETURNING, take the lock-then-update path. The
statements are prepared from the model's columns rather than built by the ORM per call:
numbering runs on every intake, and on SQLite the ORM's query compilation cost more than
the statements. No savepoint is taken on the common path (it would be a statement per
number); the caller's transaction holds the row lock until it commits.
"""

from __future__ import annotations

from typing import Any, cast

from django.db import IntegrityError, connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from onewindow.core.models import Counter


def _sql(conn: BaseDatabaseWrapper) -> tuple[str, str, str | None]:
    qn = conn.ops.quote_name
    meta = Counter._meta
    table = qn(meta.db_table)
    pk, name, value = (
        qn(cast("models.Field[Any, Any]", meta.get_field(f)).column) for f in ("id", "name", "value")
    )
    lock = " FOR UPDATE" if conn.features.has_select_for_update else ""
    select = f"SELECT {pk}, {value} FROM {table} WHERE {name} = %s{lock}"  # noqa: S608 (names from model meta)
    update = f"UPDATE {table} SET {value} = %s WHERE {pk} = %s"  # noqa: S608 (names from model meta)
    bump = None
    if conn.features.can_return_columns_from_insert:  # the same versions support UPDATE … RETURNING
        bump = f"UPDATE {table} SET {value} = {value} + %s WHERE {name} = %s RETURNING {value}"  # noqa: S608
    return select, update, bump


@transaction.atomic(savepoint=False)
def counter_next(name: str, n: int = 1) -> int:
    """Reserve `n` numbers of the counter `name` and return the last one (the block is last-n+1..last)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    conn = connections[router.db_for_write(Counter)]
    select, update, bump = _sql(conn)
    with conn.cursor() as cursor:
        if bump is not None:
            cursor.execute(bump, [n, name])
            bumped = cursor.fetchone()
            if bumped is not None:
                last: int = bumped[0]
                return last
        cursor.execute(select, [name])
        row = cursor.fetchone()
    if row is None:
        try:
            with transaction.atomic(using=conn.alias):
                created = Counter.objects.using(conn.alias).create(name=name, value=0)
            row = (created.pk, 0)
        except IntegrityError:
            with conn.cursor() as cursor:
                cursor.execute(select, [name])
                row = cursor.fetchone()
    value: int = row[1] + n
    with conn.cursor() as cursor:
        cursor.execute(update, [value, row[0]])
    return value
