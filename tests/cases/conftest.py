import contextlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.cases import make_world


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def max_statements():
    """Assert a block runs at most N data statements (SAVEPOINT / RELEASE / BEGIN are not counted:
    they are transaction control, and the test's own transaction adds the savepoints)."""

    @contextlib.contextmanager
    def check(n: int):
        with CaptureQueriesContext(connection) as ctx:
            yield ctx
        sql = [
            q["sql"]
            for q in ctx.captured_queries
            if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "ROLLBACK TO"))
        ]
        assert len(sql) <= n, f"{len(sql)} statements (budget {n}):\n" + "\n".join(s[:160] for s in sql)

    return check
