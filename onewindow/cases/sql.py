"""Prepared SQL for the case engine's hot path, built from the models' own fields.

The ORM's per-query compilation costs several times the statement itself on SQLite, so
the engine's statements are prepared once per model and connection vendor from the
model's fields (same columns, same adapters and converters as the ORM uses) and stay
portable across SQLite and PostgreSQL. Reads return model instances built with
`Model.from_db`, as the ORM's would be.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connections, models, router


class Table:
    """Column list, quoted names, adapters and converters of one model for one connection vendor."""

    def __init__(self, model: type[models.Model], conn: Any) -> None:
        qn = conn.ops.quote_name
        meta = model._meta
        self.model = model
        self.table = qn(meta.db_table)
        self.fields = list(meta.concrete_fields)
        self.by_attname = {f.attname: f for f in self.fields}
        self.columns = {f.attname: qn(f.column) for f in self.fields}
        self.select_all = "SELECT {} FROM {}".format(  # noqa: S608 (names from model meta)
            ", ".join(self.columns[f.attname] for f in self.fields), self.table
        )
        self.select = f"{self.select_all} WHERE {qn(meta.pk.column)} = %s"
        self.pk_column = qn(meta.pk.column)
        self.converters = []
        for i, f in enumerate(self.fields):
            col = f.get_col(meta.db_table)
            convs = conn.ops.get_db_converters(col) + col.get_db_converters(conn)
            if convs:
                self.converters.append((i, convs, col))
        # Fields of exactly these classes store a str / int / bool / None as it is; every other
        # field (dates, JSON, files, encrypted text…) and every other value type goes through
        # the field's own adapter.
        self.plain = {f.attname for f in self.fields if type(f) in PLAIN_FIELDS}
        self.pre_save = {
            f.attname
            for f in self.fields
            if isinstance(f, models.FileField)
            or (isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add))
        }
        self.insert_fields = [f for f in self.fields if not f.primary_key]
        # (attname, field, plain, needs pre_save) per inserted column, in column order.
        self.insert_plan = [
            (f.attname, f, f.attname in self.plain, f.attname in self.pre_save) for f in self.insert_fields
        ]
        self.insert_columns = ", ".join(self.columns[f.attname] for f in self.insert_fields)
        self.insert_row = "(" + ", ".join(["%s"] * len(self.insert_fields)) + ")"
        pk = meta.pk
        self.insert_plan_pk = [(pk.attname, pk, True, False), *self.insert_plan]  # ids chosen beforehand
        self.insert_columns_pk = f"{self.pk_column}, {self.insert_columns}"
        self.insert_row_pk = "(" + ", ".join(["%s"] * (len(self.insert_fields) + 1)) + ")"
        self.updates: dict[tuple[str, ...], str] = {}  # UPDATE statements by the columns they set
        self.datetimes = {f.attname for f in self.fields if type(f) is models.DateTimeField}
        self.sqlite_tz = conn.timezone if conn.vendor == "sqlite" and settings.USE_TZ else None
        self.aware_as_is = conn.vendor == "postgresql" and settings.USE_TZ

    def load(self, conn: Any, row: Sequence[Any]) -> models.Model:
        values = list(row)
        for i, convs, col in self.converters:
            value = values[i]
            for convert in convs:
                value = convert(value, col, conn)
            values[i] = value
        return self.model.from_db(conn.alias, None, values)

    def prep(self, conn: Any, attname: str, value: Any) -> Any:
        if attname in self.plain and (value is None or type(value) in PLAIN_VALUES):
            return value
        return self.adapt(self.by_attname[attname], value, conn)

    def adapt(self, field: models.Field, value: Any, conn: Any) -> Any:
        """`field.get_db_prep_save(value)`; an aware datetime without the field machinery.

        Django stores it on SQLite as the naive time in the connection's zone, as `str()`
        writes it, and hands it to psycopg as it is on PostgreSQL; every other value goes
        through the field itself.
        """
        if type(value) is dt.datetime and value.tzinfo is not None and field.attname in self.datetimes:
            if self.sqlite_tz is not None:
                return str(value.astimezone(self.sqlite_tz).replace(tzinfo=None))
            if self.aware_as_is:
                return value  # what Django's PostgreSQL adapter returns for an aware datetime
        return field.get_db_prep_save(value, conn)

    def insert_params(self, rows: Sequence[Any], conn: Any, *, with_pk: bool = False) -> list[Any]:
        """The parameters of `insert_sql(len(rows))` (or `insert_sql_pk`) for model instances
        or attname → value dicts, adapted as the ORM's insert compiler does (a field's
        `pre_save` runs for instances: a FileField stores its file)."""
        plan = self.insert_plan_pk if with_pk else self.insert_plan
        params: list[Any] = []
        for row in rows:
            is_dict = isinstance(row, dict)
            for attname, f, plain, pre_save in plan:
                if is_dict:
                    value = row[attname]
                else:
                    value = f.pre_save(row, True) if pre_save else getattr(row, attname)
                if not (plain and (value is None or type(value) in PLAIN_VALUES)):
                    value = self.adapt(f, value, conn)
                params.append(value)
        return params

    def insert_sql_pk(self, rows: int) -> str:
        """INSERT of `rows` rows whose ids are given (the first parameter of each row)."""
        return "INSERT INTO {} ({}) VALUES {}".format(  # noqa: S608 (names from model meta)
            self.table, self.insert_columns_pk, ", ".join([self.insert_row_pk] * rows)
        )

    def insert_sql(self, rows: int) -> str:
        return "INSERT INTO {} ({}) VALUES {}".format(  # noqa: S608 (names from model meta)
            self.table, self.insert_columns, ", ".join([self.insert_row] * rows)
        )


PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.BooleanField,
    models.ForeignKey,
    models.OneToOneField,
    models.AutoField,
    models.BigAutoField,
)
PLAIN_VALUES = (str, int, bool)


TABLES: dict[tuple[str, str], Table] = {}


def table_of(model: type[models.Model]) -> tuple[Table, Any]:
    conn = connections[router.db_for_write(model)]
    key = (conn.vendor, model._meta.label)
    table = TABLES.get(key)
    if table is None:
        table = TABLES[key] = Table(model, conn)
    return table, conn


def select_rows(
    model: type[models.Model], where: str, params: Sequence[Any], order: str = "", *, lock: bool = False
) -> list:
    """Rows of `model` matching a WHERE over its attnames ({name} placeholders), locked if asked."""
    table, conn = table_of(model)
    sql = table.select_all + " WHERE " + where.format(**table.columns)
    if order:
        sql += " ORDER BY " + order.format(**table.columns)
    if lock and conn.features.has_select_for_update:
        sql += " FOR UPDATE"
    with conn.cursor() as cursor:
        cursor.execute(sql, list(params))
        return [table.load(conn, row) for row in cursor.fetchall()]
