"""Writers touch no global row: a case action writes its case, its event and its own rows, never the log."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.cases import services
from onewindow.core import clock
from tests.factories.cases import make_world, open_tasks, submit

from .conftest import checkpoint

pytestmark = pytest.mark.django_db

WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.IGNORECASE)
# The rows of the case itself (and its application's materials at intake): nothing shared.
OWN_TABLES = {
    "cases_case",
    "cases_caseevent",
    "cases_casetask",
    "cases_suspension",
    "cases_extension",
    "cases_applicationmaterial",
}


def test_the_statements_of_every_case_action_touch_no_checkpoint_table_and_no_shared_row(signing_key):
    world = make_world()
    app = submit(world)
    checkpoint()  # the log and a checkpoint exist: an action must still not touch them
    steps = [
        lambda c: services.application_intake(application=app, actor=world.clerk).cases[0],
        lambda c: services.case_route(case=c, actor=world.clerk),
        lambda c: services.task_claim(task=open_tasks(c)[0], actor=world.approver) and c,
        lambda c: services.case_suspend(
            case=c, actor=world.chief, reason="hearing", expected_end=clock.today() + dt.timedelta(days=5)
        ),
        lambda c: services.case_resume(case=c, actor=world.chief),
        lambda c: services.case_extend(case=c, actor=world.chief, days=2, reason="补充检测"),
        lambda c: services.task_complete(task=open_tasks(c)[0], actor=world.approver, opinion="同意") and c,
        lambda c: services.case_decide(case=c, actor=world.approver2, decision="granted"),
        lambda c: services.case_complete(case=c, actor=world.approver2),
        lambda c: services.case_deliver(case=c, actor=world.pickup, method="pickup", signed_by="张三"),
        lambda c: services.case_close(case=c, actor=world.pickup),
    ]
    case = None
    for step in steps:
        with CaptureQueriesContext(connection) as ctx:
            case = step(case)
        sql = [q["sql"] for q in ctx.captured_queries]
        assert not [s for s in sql if "trail_" in s or "core_counter" in s], sql
        written = {m.group(2) for s in sql if (m := WRITE.match(s))}
        assert written <= OWN_TABLES, written
        # Every UPDATE of the case table names one case row.
        for s in sql:
            if re.match(r'^\s*UPDATE\s+"?cases_case"?\s', s, re.IGNORECASE):
                assert re.search(r'WHERE\s+"?cases_case"?\."?id"?\s*=', s, re.IGNORECASE), s
    assert case.state == "closed"
