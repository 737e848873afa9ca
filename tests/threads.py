"""Real threads for race tests: each callable on its own database connection, all at once."""

import threading

from django.db import connection


def race(functions):
    """Run the callables at the same moment, each on its own connection; their results or exceptions."""
    barrier = threading.Barrier(len(functions))
    results: list[object] = [None] * len(functions)

    def run(i, fn):
        try:
            barrier.wait(timeout=10)
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results
