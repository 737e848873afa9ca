"""Human-readable numbers from named counters (application and case numbers, tickets).

`counter_next` increments a `Counter` row under a row lock inside the caller's
transaction, so two clerks never get the same number and a rolled-back transaction gives
its number back. The first use of a name creates the row; two first uses at once are
resolved by the unique name (the loser re-reads the winner's row under lock).
Lock order: take counters before locking cases (center → counter → case → task).
No savepoint is taken (it would be a statement per number); the caller's transaction
holds the row lock until it commits.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from onewindow.core.models import Counter


@transaction.atomic(savepoint=False)
def counter_next(name: str, n: int = 1) -> int:
    """Reserve `n` numbers of the counter `name` and return the last one (the block is last-n+1..last)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    try:
        row = Counter.objects.select_for_update().get(name=name)
    except Counter.DoesNotExist:
        try:
            with transaction.atomic():
                row = Counter.objects.create(name=name, value=0)
        except IntegrityError:
            row = Counter.objects.select_for_update().get(name=name)
    value = row.value + n
    Counter.objects.filter(pk=row.pk).update(value=value)
    return value
