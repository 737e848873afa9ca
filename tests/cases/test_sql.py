"""The engine's prepared SQL adapts values exactly as the model fields do."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from onewindow.cases.models import Case, CaseEvent
from onewindow.cases.sql import table_of

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2026, 11, 23, 9, 30, tzinfo=SHANGHAI),
        dt.datetime(2026, 11, 23, 9, 30, 0, 123456, tzinfo=SHANGHAI),
        dt.datetime(2026, 2, 17, 0, 0, tzinfo=dt.UTC),
        None,
    ],
)
@pytest.mark.parametrize(("model", "attname"), [(Case, "deadline"), (Case, "updated_at"), (CaseEvent, "at")])
def test_datetimes_are_stored_as_the_field_would_store_them(model, attname, value):
    table, conn = table_of(model)
    field = model._meta.get_field(attname)
    assert table.prep(conn, attname, value) == field.get_db_prep_save(value, connection)
    assert table.adapt(field, value, conn) == field.get_db_prep_save(value, connection)
