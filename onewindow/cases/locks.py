"""Row locks of the case engine, all in one place and one order.

Lock order, everywhere: **counter → case (by ascending id) → task**. A transaction that
needs several takes them in this order, so two never wait on each other in a cycle.

* Counters (`core.numbering.counter_next`) are taken first, by `application_create`.
* Cases are locked with `SELECT … FOR UPDATE` on PostgreSQL; several cases (an
  application's) in ascending id order, in one statement.
* Tasks are never locked on their own: every write to a task happens under its case's
  lock, so the case lock serialises them. A task is read in its own statement *after*
  its case is locked. (Not joined to the case in one `SELECT … FOR UPDATE OF case`: when
  that statement waits for the lock, PostgreSQL re-reads only the locked case row and
  keeps the task row as it was before the wait, so two approvers could both see the task
  open. tests/cases/test_concurrency.py races exactly that.)

On SQLite there are no row locks: `transaction_mode = "IMMEDIATE"` in the settings makes
every transaction take the database's write lock at BEGIN, which serialises writers
the same way (and a read inside it is always current).

Every function here must run inside `transaction.atomic` — it refuses to run outside one,
where a lock would end with the statement.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q

from onewindow.cases.models import Case, CaseTask


def _in_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("case locks are taken inside transaction.atomic")


def lock_case(case: Case | int, *, with_center: bool = False) -> Case:
    """Lock and read the case row afresh (the instance given may be stale). `with_center`
    also loads its center (not locked)."""
    _in_transaction()
    pk = case.pk if isinstance(case, Case) else case
    qs = Case.objects.select_for_update(of=("self",))
    if with_center:
        qs = qs.select_related("center")
    return qs.get(pk=pk)


def lock_cases(*, application_id: int, states: Sequence[str], extra: Q | None = None) -> list[Case]:
    """Lock and read an application's cases in `states` (and `extra`), in ascending id order."""
    _in_transaction()
    qs = Case.objects.select_for_update(of=("self",)).filter(application_id=application_id, state__in=states)
    if extra is not None:
        qs = qs.filter(extra)
    return list(qs.order_by("pk"))


def lock_task_case(task: CaseTask) -> tuple[CaseTask, Case]:
    """Lock the task's case (which guards the task), then read the task afresh."""
    case = lock_case(task.case_id)
    fresh = CaseTask.objects.get(pk=task.pk)
    fresh.case = case
    return fresh, case
