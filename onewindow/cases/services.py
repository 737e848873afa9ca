"""The case engine: every write to applications, cases, tasks and events goes through here.

One function per business action (`application_*`, `case_*`, `task_*`), keyword-only and
atomic. Every case action:

1. locks the case row (`select_for_update`; lock order center → counter → case → task),
2. checks the action in `transitions.TRANSITIONS` against the state and the actor (roles
   read once per Staff instance, no query),
3. validates its inputs, raising `CaseError` before any write (so a refused action
   changes nothing),
4. writes: at most one statement on tasks / suspensions / extensions, one UPDATE of the
   case row (state, clock, counters and the new chain head together) and one INSERT of
   exactly one `CaseEvent` whose hash covers `case.last_event_hash`.

That is at most four statements per transition (three for most), which
tests/cases/test_queries.py asserts; those statements are prepared once per model
(`cases.sql`) instead of compiled by the ORM on every call. The version's procedure and
materials come from `selectors.version_plan` (memoised per process), never from a query
per transition.

Called outside a transaction (a request, a batch job), the common case actions
(`_case_action`) take the optimistic path instead: steps 2–3 run on the instance given,
without a lock, and step 4 is sent at the end as one batch whose case UPDATE matches only
while the chain head is still the one decided on; otherwise the action runs again as
above. See "optimistic case actions" below and docs/decisions/0004.

Services return the updated case; use it instead of the one passed in.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import DataError, IntegrityError, connections, models, router, transaction
from django.db.models import Case as SqlCase
from django.db.models import F, Q, Value, When
from django.utils.translation import gettext as _

from onewindow.cases.chain import event_hash
from onewindow.cases.errors import CaseError, case_error
from onewindow.cases.models import (
    GENESIS_HASH,
    Application,
    ApplicationMaterial,
    Case,
    CaseEvent,
    CaseMaterial,
    CaseState,
    CaseTask,
    Channel,
    Decision,
    Extension,
    Suspension,
)
from onewindow.cases.selectors import StagePlan, VersionPlan, version_plan
from onewindow.cases.sql import Table as _Table
from onewindow.cases.sql import select_rows as _select
from onewindow.cases.sql import table_of as _table
from onewindow.cases.transitions import TRANSITIONS, Transition, check_transition, staff_roles
from onewindow.catalog.models import (
    Bundle,
    CaseKind,
    DeliveryMethod,
    LimitUnit,
    ServiceItem,
    ServiceItemVersion,
)
from onewindow.core import calendar, clock
from onewindow.core.models import Counter
from onewindow.core.numbering import counter_next
from onewindow.org.models import Applicant, Department, Role, ServiceCenter, Staff

S = CaseState
T = CaseTask.State
Actor = Staff | Applicant

OUTCOMES = ("approve", "reject")
CREATE_STATES = (S.DRAFT, S.SUBMITTED, S.PREREVIEW)
DEFAULT_INSPECTION_DAYS = 3
DEFAULT_REPORT_DAYS = 5


# =========================================================================== helpers


def _actor_identity(actor: Actor | None) -> tuple[int | None, str]:
    if actor is None:
        return None, ""
    return actor.user_id, actor.name


def _set_sql(table: _Table, names: tuple[str, ...]) -> str:
    """`UPDATE table SET a = %s, b = %s` for these attnames (cached per column set)."""
    sql = table.updates.get(names)
    if sql is None:
        sql = table.updates[names] = "UPDATE {} SET {}".format(  # noqa: S608 (names from model meta)
            table.table, ", ".join(f"{table.columns[n]} = %s" for n in names)
        )
    return sql


def _fast_update(model: type[models.Model], pk: int, fields: dict[str, Any]) -> None:
    """UPDATE one row by primary key with plain values (attnames)."""
    table, conn = _table(model)
    names = tuple(fields)
    params = [table.prep(conn, n, fields[n]) for n in names]
    params.append(pk)
    _update(conn, _set_sql(table, names), f"{table.pk_column} = %s", params, expect=None)


def _update(conn: Any, sql: str, where: str, params: list[Any], *, expect: int | None) -> bool:
    """Run `sql WHERE where`; True when no row count is expected or it is `expect`.

    In an optimistic action the statement joins the action's batch, whose row counts are
    checked when it is sent (`_Batch.send`); here it then answers True.
    """
    batch = _batch()
    if batch is not None:
        batch.writes.append((sql, where, params, expect))
        return True
    with conn.cursor() as cursor:
        cursor.execute(f"{sql} WHERE {where}", params)
        return expect is None or cursor.rowcount == expect


def _fast_insert(obj: models.Model) -> None:
    """INSERT one row without reading back its id (events: nothing needs the id)."""
    _insert_rows([obj], returning=False)


def _insert_rows(objs: Sequence[models.Model], *, returning: bool) -> None:
    """Multi-row INSERT of new objects of one model; with `returning`, set their ids.

    Like the ORM's insert compiler it runs each field's `pre_save` (a FileField stores its
    file) and `get_db_prep_save` adapter. Falls back to `bulk_create` on a backend that
    cannot return ids from a multi-row insert.
    """
    if not objs:
        return
    model = type(objs[0])
    table, conn = _table(model)
    batch = _batch()
    if batch is not None and returning:
        raise _Retry  # ids are needed now: only the locked path can give them
    if returning and not conn.features.can_return_rows_from_bulk_insert:
        model._default_manager.bulk_create(objs)
        return
    sql = table.insert_sql(len(objs))
    params = table.insert_params(objs, conn)
    if batch is not None:
        batch.writes.append((sql, None, params, None))
        for obj in objs:
            obj._state.adding = False
            obj._state.db = conn.alias
        return
    if returning:
        sql += f" RETURNING {table.pk_column}"
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            ids = [row[0] for row in cursor.fetchall()]
    if returning:
        for obj, pk in zip(objs, ids, strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = conn.alias
    else:
        for obj in objs:
            obj._state.adding = False
            obj._state.db = conn.alias


def _lock(case: Case | int, *, with_center: bool = False) -> Case:
    """Lock and read the case row (one statement). `with_center` also loads the center (not locked).

    In an optimistic action nothing is locked: a given `Case` is used as it is, an id is
    read without a lock, and the case's UPDATE at the end checks that its chain head is
    still the one read (`_Batch.send`).
    """
    batch = _batch()
    if batch is not None:
        if with_center:
            raise _Retry
        if not isinstance(case, Case) or case.pk is None or case.get_deferred_fields():
            case = _read_case(case.pk if isinstance(case, Case) else case)
        batch.track(case)
        return case
    pk = case.pk if isinstance(case, Case) else case
    if with_center:
        return Case.objects.select_for_update(of=("self",)).select_related("center").get(pk=pk)
    return _read_case(pk, lock=True)


def _read_case(pk: int, *, lock: bool = False) -> Case:
    table, conn = _table(Case)
    sql = table.select + (" FOR UPDATE" if lock and conn.features.has_select_for_update else "")
    with conn.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        raise Case.DoesNotExist(pk)
    return table.load(conn, row)


# ---- optimistic case actions. Outside a transaction (a request, a batch job), a case action
# first runs without taking a lock: it decides on the case instance it was given (or one
# read without a lock), collects its writes, and sends them at the end in one transaction
# whose case UPDATE matches only if the case's chain head is still the one it decided on.
# Every change of a case appends an event and so moves its head: a matching head means
# nothing changed since, which is exactly what the row lock would have guaranteed. If the
# head moved, a guarded write matched the wrong number of rows, the action refused, or it
# needs something the batch cannot do (ids of new rows), nothing has been written: the
# instances it touched are restored and the action runs again the classic way (lock, then
# write, in `transaction.atomic`), which also gives the authoritative refusal.
#
# On PostgreSQL the batch is ONE statement (data-modifying CTEs; its own transaction in
# autocommit), so an action costs one round trip: the case UPDATEs come first and every
# other UPDATE waits for them (`EXISTS (SELECT 1 FROM w0)`), keeping the lock order
# case → task of the classic path; the final SELECT divides by zero when a row count is
# not the expected one, which aborts the whole statement. On SQLite it is
# `BEGIN IMMEDIATE`, the statements, `COMMIT`, on the driver's connection.


class _Retry(Exception):  # noqa: N818 (control flow, never leaves this module)
    """The optimistic attempt cannot finish: run the action again under the case row lock."""


_local = threading.local()


def _batch() -> _Batch | None:
    return getattr(_local, "batch", None)


class _Batch:
    """The writes of one optimistic case action, sent together by `send`."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.saved: list[tuple[models.Model, dict[str, Any]]] = []
        self.cases: dict[int, tuple[Case, str, dict[str, Any]]] = {}  # pk → (case, head read, fields set)
        self.writes: list[tuple[str, str | None, list[Any], int | None]] = []  # sql, where, params, rows
        self.events: list[list[Any]] = []  # prepared INSERT parameters, one list per event
        self.case_updates = 0  # how many of `statements()` are case UPDATEs (they come first)

    def keep(self, obj: models.Model) -> None:
        self.saved.append((obj, obj.__dict__.copy()))

    def restore(self) -> None:
        for obj, state in reversed(self.saved):
            obj.__dict__.clear()
            obj.__dict__.update(state)

    def track(self, case: Case) -> None:
        if case.pk not in self.cases:
            self.keep(case)
            self.cases[case.pk] = (case, case.last_event_hash, {})

    def statements(self) -> list[tuple[str, str | None, list[Any], int | None]]:
        """Case UPDATEs (compare-and-set on the head) first, then the other writes, then the events."""
        table, conn = _table(Case)
        out = []
        for case, head, fields in self.cases.values():
            if not fields:
                continue
            names = tuple(fields)
            params = [table.prep(conn, n, fields[n]) for n in names]
            params += [case.pk, head]
            where = f"{table.pk_column} = %s AND {table.columns['last_event_hash']} = %s"
            out.append((_set_sql(table, names), where, params, 1))
        self.case_updates = len(out)
        out += self.writes
        if self.events:
            events, _conn = _table(CaseEvent)
            params = [p for row in self.events for p in row]
            out.append((events.insert_sql(len(self.events)), None, params, None))
        return out

    def send(self) -> None:
        statements = self.statements()
        if not statements:
            return
        if self.conn.vendor == "postgresql":
            self._send_one_statement(statements)
        else:
            self._send_transaction(statements)

    def _send_transaction(self, statements: list[tuple[str, str | None, list[Any], int | None]]) -> None:
        conn = self.conn
        conn.ensure_connection()
        # Always IMMEDIATE: take the write lock before reading anything (the settings' mode too).
        _raw(conn, "BEGIN IMMEDIATE")
        try:
            for sql, where, params, expect in statements:
                _rows, count = _raw(conn, sql if where is None else f"{sql} WHERE {where}", params)
                if expect is not None and count != expect:
                    raise _Retry
            _raw(conn, "COMMIT")
        except BaseException:
            _raw(conn, "ROLLBACK")
            raise

    def _send_one_statement(self, statements: list[tuple[str, str | None, list[Any], int | None]]) -> None:
        parts, params, checks = [], [], []
        gate = " AND EXISTS (SELECT 1 FROM w0)" if self.case_updates else ""
        for i, (sql, where, p, expect) in enumerate(statements):
            body = sql
            if where is not None:
                body += f" WHERE ({where})" + (gate if i >= self.case_updates else "")
            if expect is not None:
                body += " RETURNING 1"
                checks.append(f"(SELECT count(*) FROM w{i}) = {int(expect)}")  # noqa: S608 (our own names)
            parts.append(f"w{i} AS ({body})")
            params += p
        check = " AND ".join(checks) or "TRUE"
        sql = f"WITH {', '.join(parts)} SELECT 1 / ({check})::int"
        self.conn.ensure_connection()
        try:
            _raw(self.conn, sql, params)
        except DataError as exc:
            if getattr(exc.__cause__, "sqlstate", None) == "22012":  # division_by_zero: a count was off
                raise _Retry from exc
            raise


def _raw(conn: Any, sql: str, params: Sequence[Any] = ()) -> tuple[list[tuple], int]:
    """Run one statement on the driver's connection, past Django's cursor: (rows, row count).

    Logged in `connection.queries` like Django's own when query logging is on. On
    PostgreSQL through a RawCursor with PostgreSQL's own $n placeholders: psycopg neither
    parses nor caches our long statements per call (it skips its cache above 4 kB or 50
    parameters); on SQLite with sqlite3's `?`.
    """
    started = time.monotonic()
    try:
        with conn.wrap_database_errors:
            if conn.vendor == "postgresql":
                import psycopg

                with psycopg.RawCursor(conn.connection) as cursor:
                    cursor.execute(_dollar(sql), list(params) or None)
                    return (cursor.fetchall() if cursor.description else []), cursor.rowcount
            cursor = conn.connection.execute(_qmark(sql), params)
            return cursor.fetchall(), cursor.rowcount
    finally:
        if conn.queries_logged:
            conn.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})


_dollars: dict[str, str] = {}


def _dollar(sql: str) -> str:
    """The statement with PostgreSQL's `$1, $2, …` placeholders (our SQL has no literal `%`)."""
    out = _dollars.get(sql)
    if out is None:
        pieces = sql.split("%s")
        out = pieces[0] + "".join(f"${i}{piece}" for i, piece in enumerate(pieces[1:], start=1))
        _dollars[sql] = out
    return out


_qmarks: dict[str, str] = {}


def _qmark(sql: str) -> str:
    """The statement with sqlite3's `?` placeholders (our SQL has no literal `%`)."""
    out = _qmarks.get(sql)
    if out is None:
        out = _qmarks[sql] = sql.replace("%s", "?")
    return out


def _case_action(fn: Any) -> Any:
    """Decorate a case service: optimistic outside a transaction, classic (locked, atomic) inside one."""
    locked = transaction.atomic(fn)

    @functools.wraps(fn)
    def action(*args: Any, **kwargs: Any) -> Any:
        conn = connections[router.db_for_write(Case)]
        if not _unlocked(conn):
            return locked(*args, **kwargs)
        batch = _local.batch = _Batch(conn)
        for value in (*args, *kwargs.values()):
            if isinstance(value, models.Model):
                batch.keep(value)
        try:
            result = fn(*args, **kwargs)
            batch.send()
            return result
        except (_Retry, CaseError):
            batch.restore()
        except BaseException:
            batch.restore()
            raise
        finally:
            _local.batch = None
        return locked(*args, **kwargs)

    return action


OPTIMISTIC = True  # tests switch it off to compare both paths


def _unlocked(conn: Any) -> bool:
    """May an action take the optimistic path on this connection (not inside a transaction)?"""
    return (
        OPTIMISTIC
        and not conn.in_atomic_block
        and conn.get_autocommit()
        and conn.vendor in ("sqlite", "postgresql")
        and _batch() is None
        and _create() is None
    )


def _create() -> _Create | None:
    return getattr(_local, "create", None)


class _Create:
    """`application_create` outside a transaction: its own short transaction on the driver's connection.

    `begin` opens it, bumps the day's counters (one statement, row locks held to the end)
    and reserves the ids of the new application, materials and cases; the rows are then
    built with those ids and inserted together by `commit`. On PostgreSQL that is four
    round trips (BEGIN, counters and ids, one statement of INSERTs, COMMIT) instead of
    eleven; on SQLite the same statements without Django's cursor and transaction
    machinery. A counter not created yet (its first use of the day) raises `_Retry`: the
    classic path creates it.
    """

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.open = False
        self.inserts: list[tuple[str, list[Any]]] = []

    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return _raw(self.conn, sql, params)[0]

    def begin(
        self, counters: list[tuple[str, int]], ids: dict[type[models.Model], int]
    ) -> tuple[list[int], dict[type[models.Model], list[int]]]:
        """Open the transaction; the counters' new values (in order) and reserved ids per model."""
        conn = self.conn
        conn.ensure_connection()
        counter, _conn = _table(Counter)
        name, value = counter.columns["name"], counter.columns["value"]
        whens = " ".join(f"WHEN %s THEN {value} + %s" for _c in counters)
        marks = ", ".join(["%s"] * len(counters))
        bump = (
            f"UPDATE {counter.table} SET {value} = CASE {name} {whens} END "  # noqa: S608 (names from model meta)
            f"WHERE {name} IN ({marks}) RETURNING {name}, {value}"
        )
        params: list[Any] = [p for key, n in counters for p in (key, n)] + [key for key, _n in counters]
        self._run("BEGIN IMMEDIATE" if conn.vendor == "sqlite" else "BEGIN")
        self.open = True
        wanted = {model: n for model, n in ids.items() if n}
        if conn.vendor == "postgresql":
            parts = [f"SELECT {name}::text, {value}::bigint FROM bumped"]  # noqa: S608 (names from model meta)
            for model, n in wanted.items():
                parts.append("SELECT %s::text, nextval(%s::regclass) FROM generate_series(1, %s::integer)")
                params += [model._meta.label, _sequence(conn, model), n]
            rows = self._run(f"WITH bumped AS ({bump}) {' UNION ALL '.join(parts)}", params)
        else:
            rows = self._run(bump, params)
            seqs = dict(
                self._run(
                    "SELECT name, seq FROM sqlite_sequence WHERE name IN ({})".format(  # noqa: S608
                        ", ".join(["%s"] * len(wanted))
                    ),
                    [model._meta.db_table for model in wanted],
                )
            )
            for model, n in wanted.items():
                start = seqs.get(model._meta.db_table, 0) + 1  # the write lock is ours until COMMIT
                rows += [(model._meta.label, pk) for pk in range(start, start + n)]
        values = dict(row for row in rows if row[0] in dict(counters))
        if len(values) != len(counters):
            raise _Retry  # a counter's first use: created on the classic path
        reserved: dict[type[models.Model], list[int]] = {model: [] for model in ids}
        by_label = {model._meta.label: model for model in ids}
        for label, pk in rows:
            if label in by_label:
                reserved[by_label[label]].append(pk)
        return [values[key] for key, _n in counters], reserved

    def insert(self, objs: Sequence[models.Model], *, with_pk: bool) -> None:
        table, conn = _table(type(objs[0]))
        params = table.insert_params(objs, conn, with_pk=with_pk)
        for obj in objs:
            obj._state.adding = False
            obj._state.db = conn.alias
        self.inserts.append(
            (table.insert_sql_pk(len(objs)) if with_pk else table.insert_sql(len(objs)), params)
        )

    def commit(self) -> None:
        if self.conn.vendor == "postgresql":
            parts = [f"i{n} AS ({sql})" for n, (sql, _p) in enumerate(self.inserts)]
            self._run(f"WITH {', '.join(parts)} SELECT 1", [p for _s, ps in self.inserts for p in ps])
        else:
            for sql, params in self.inserts:
                self._run(sql, params)
        self._run("COMMIT")
        self.open = False

    def abort(self) -> None:
        if self.open:
            self.open = False
            self._run("ROLLBACK")


_sequences: dict[tuple[str, str], str] = {}


def _sequence(conn: Any, model: type[models.Model]) -> str:
    """The sequence behind a PostgreSQL id column (identity or serial)."""
    key = (conn.alias, model._meta.db_table)
    name = _sequences.get(key)
    if name is None:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column]
            )
            name = _sequences[key] = cursor.fetchone()[0]
    return name


def _require(value: Any, name: str) -> None:
    if value is None or (
        isinstance(value, str | list | tuple) and not (value.strip() if isinstance(value, str) else value)
    ):
        raise case_error("FIELD_REQUIRED", field=name)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _new_event(case: Case, **kwargs: Any) -> CaseEvent:
    """The next event of `case` as an unsaved model (bulk inserts); advances the head in memory."""
    return CaseEvent(**_event_values(case, **kwargs))


def _event_values(
    case: Case,
    *,
    actor: Actor | None,
    action: str,
    from_state: str,
    to_state: str,
    at: dt.datetime,
    opinion: str = "",
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The next event of `case` (attname → value) and advance the case's head in memory."""
    user_id, name = _actor_identity(actor)
    seq = case.event_count + 1
    payload = _jsonable(data or {})
    prev = case.last_event_hash
    digest = event_hash(
        prev,
        case_number=case.number,
        seq=seq,
        action=action,
        actor_id=user_id,
        actor_name=name,
        from_state=from_state,
        to_state=to_state,
        at=at,
        opinion=opinion,
        data=payload,
    )
    case.event_count = seq
    case.last_event_hash = digest
    return {
        "case_id": case.pk,
        "seq": seq,
        "action": action,
        "actor_id": user_id,
        "actor_name": name,
        "from_state": from_state,
        "to_state": to_state,
        "at": at,
        "opinion": opinion,
        "data": payload,
        "prev_hash": prev,
        "hash": digest,
    }


def _commit(
    case: Case,
    *,
    actor: Actor | None,
    action: str,
    to_state: str | None = None,
    at: dt.datetime | None = None,
    opinion: str = "",
    data: dict[str, Any] | None = None,
    **fields: Any,
) -> None:
    """Append one event and write the case in one UPDATE (state, `fields`, head). Two queries."""
    batch = _batch()
    if batch is not None:
        batch.track(case)  # before the head moves below
    at = at or clock.now()
    from_state = case.state
    to_state = to_state or from_state
    event = _event_values(
        case,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        at=at,
        opinion=opinion,
        data=data,
    )
    fields.update(
        state=to_state, event_count=case.event_count, last_event_hash=case.last_event_hash, updated_at=at
    )
    table, conn = _table(CaseEvent)
    params = table.insert_params([event], conn)
    if batch is not None:
        batch.cases[case.pk][2].update(fields)
        batch.events.append(params)
    else:
        _fast_update(Case, case.pk, fields)
        with conn.cursor() as cursor:
            cursor.execute(table.insert_sql(1), params)
    for name, value in fields.items():
        setattr(case, name, value)


def _check(
    case: Case,
    action: str,
    actor: Actor,
    *,
    task_department_id: int | None = None,
    lower_center_id: int | None = None,
) -> Transition:
    applicant_id = None
    if isinstance(actor, Applicant):
        applicant_id = Application.objects.values_list("applicant_id", flat=True).get(pk=case.application_id)
    return check_transition(
        action=action,
        state=case.state,
        actor=actor,
        center_id=case.center_id,
        department_id=case.department_id,
        applicant_id=applicant_id,
        task_department_id=task_department_id,
        lower_center_id=lower_center_id,
    )


def _deadlines(case: Case, plan: VersionPlan) -> dict[str, dt.datetime | None]:
    """Promised and legal deadlines from accepted_at, the limits, extensions and suspensions."""
    if case.accepted_at is None:
        return {"deadline": None, "legal_deadline": None}
    unit = case.limit_unit
    return {
        "deadline": calendar.deadline_at(
            case.accepted_at, case.limit_days + case.extended_days + case.suspended_days, unit
        ),
        "legal_deadline": calendar.deadline_at(
            case.accepted_at, plan.legal_limit_days + case.suspended_days, unit
        ),
    }


def _days_between(start: dt.datetime, end: dt.datetime, unit: str) -> int:
    """Days of a suspension in the limit's unit: days after the start date up to the end date."""
    a = start.astimezone(calendar.TZ).date()
    b = end.astimezone(calendar.TZ).date()
    if unit == LimitUnit.CALENDAR_DAYS:
        return max(0, (b - a).days)
    return max(0, calendar.working_days_between(a, b))


def _task_due(opened_at: dt.datetime, days: int) -> dt.datetime:
    return calendar.deadline_at(opened_at, days, LimitUnit.WORKING_DAYS)


# =========================================================================== intake


@dataclass(frozen=True)
class MaterialIn:
    """A material handed in: its code, and optionally the file, an e-licence number, a note."""

    code: str
    file: Any = None
    licence_number: str = ""
    note: str = ""


def _material_inputs(materials: Iterable[MaterialIn | str | dict]) -> list[MaterialIn]:
    out = []
    for m in materials or ():
        if isinstance(m, MaterialIn):
            out.append(m)
        elif isinstance(m, str):
            out.append(MaterialIn(code=m))
        else:
            out.append(MaterialIn(**m))
    return out


def _check_submitter(*, actor: Actor, center: ServiceCenter, applicant: Applicant) -> None:
    """Who may create an application: the applicant, an intake clerk of the center, a proxy agent near it."""
    if isinstance(actor, Applicant):
        if actor.pk != applicant.pk:
            raise case_error("NOT_OWN_APPLICATION")
        return
    roles = staff_roles(actor)
    if Role.INTAKE_CLERK in roles and actor.center_id == center.pk:
        return
    if Role.PROXY_AGENT in roles:
        # A proxy agent works at a village station or township center below the hall.
        if actor.center_id == center.pk:
            return
        chain = (
            ServiceCenter.objects.filter(pk=actor.center_id)
            .values_list("parent_id", "parent__parent_id")
            .first()
        )
        if chain and center.pk in chain:
            return
        raise case_error("OUT_OF_SCOPE")
    if Role.INTAKE_CLERK in roles:
        raise case_error("OUT_OF_SCOPE")
    raise case_error("ROLE_NOT_ALLOWED", action=str(TRANSITIONS["submit"].label))


def _published_versions(item_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The published version of each item with the item's center and name (one statement)."""
    conn = connections[router.db_for_read(ServiceItemVersion)]
    qn = conn.ops.quote_name
    v, i = ServiceItemVersion._meta, ServiceItem._meta
    vt, it = qn(v.db_table), qn(i.db_table)

    def col(meta, name):
        return qn(meta.get_field(name).column)

    marks = ", ".join(["%s"] * len(item_ids))
    sql = (
        f"SELECT {vt}.{col(v, 'id')}, {vt}.{col(v, 'item')}, {it}.{col(i, 'center')}, {it}.{col(i, 'name')} "  # noqa: S608
        f"FROM {vt} JOIN {it} ON {it}.{col(i, 'id')} = {vt}.{col(v, 'item')} "
        f"WHERE {vt}.{col(v, 'item')} IN ({marks}) AND {vt}.{col(v, 'status')} = %s"
    )
    with conn.cursor() as cursor:
        cursor.execute(sql, [*item_ids, ServiceItemVersion.Status.PUBLISHED])
        return [
            {"pk": pk, "item_id": item_id, "item__center_id": center_id, "item__name": name}
            for pk, item_id, center_id, name in cursor.fetchall()
        ]


def _resolve_items(
    *, center: ServiceCenter, items: Sequence[ServiceItem | int], bundle: Bundle | None
) -> list[tuple[int, VersionPlan]]:
    if bundle is not None:
        item_ids = list(bundle.bundle_items.order_by("order", "pk").values_list("item_id", flat=True))
    else:
        item_ids = [i.pk if isinstance(i, ServiceItem) else int(i) for i in items or ()]
    if not item_ids:
        raise case_error("NO_ITEMS", field="items")
    rows = {r["item_id"]: r for r in _published_versions(item_ids)}
    plans = []
    seen = set()
    for i, item_id in enumerate(item_ids):
        if item_id in seen:
            continue
        seen.add(item_id)
        row = rows.get(item_id)
        if row is None:
            name = ServiceItem.objects.filter(pk=item_id).values_list("name", flat=True).first() or item_id
            raise case_error("NO_PUBLISHED_VERSION", field=f"items[{i}]", item=name)
        if row["item__center_id"] != center.pk:
            raise case_error("ITEM_OTHER_CENTER", field=f"items[{i}]", item=row["item__name"])
        plans.append((i, version_plan(row["pk"])))
    return plans


def _check_form(plans: Sequence[VersionPlan], form_data: dict[str, Any]) -> dict[str, Any]:
    """The unified form of these items, filled in: every key asked once (required if any item
    requires it, its kind and choices from the first item that asks it), values checked by
    kind. Returns the form with dates as ISO strings and yes/no as booleans; refuses keys
    the form does not ask and the first missing or invalid value, naming it."""
    fields: dict[str, Any] = {}
    required: set[str] = set()
    for plan in plans:
        for f in plan.form_fields:
            fields.setdefault(f.key, f)
            if f.required:
                required.add(f.key)
    if not isinstance(form_data, dict):
        raise case_error("FIELD_INVALID", field="form_data", reason=_("not a form"))
    for key in form_data:
        if key not in fields:
            raise case_error(
                "FIELD_INVALID", field=f"form_data.{key}", label=key, reason=_("not a field of this form")
            )
    clean: dict[str, Any] = {}
    for key, f in fields.items():
        value = form_data.get(key)
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if key in required:
                raise case_error("FIELD_REQUIRED", field=f"form_data.{key}", label=f.label)
            continue
        clean[key] = _form_value(f, value)
    return clean


def _form_value(f: Any, value: Any) -> Any:
    def invalid(reason: str) -> CaseError:
        return case_error("FIELD_INVALID", field=f"form_data.{f.key}", label=f.label, reason=reason)

    if f.kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise invalid(_("not a number"))
        try:
            number = float(value)
        except ValueError:
            raise invalid(_("not a number")) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise invalid(_("not a number"))
        return value
    if f.kind == "date":
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise invalid(_("not a date (YYYY-MM-DD)")) from None
    if f.kind == "boolean":
        if isinstance(value, bool):
            return value
        raise invalid(_("answer yes or no"))
    if f.kind == "choice":
        if str(value) not in f.choices:
            raise invalid(_("choose one of: %(choices)s") % {"choices": "、".join(f.choices)})
        return str(value)
    if not isinstance(value, str | int | float):
        raise invalid(_("not text"))
    return value


def application_create(
    *,
    center: ServiceCenter,
    applicant: Applicant,
    items: Sequence[ServiceItem | int] = (),
    bundle: Bundle | None = None,
    channel: str = Channel.WINDOW,
    form_data: dict[str, Any] | None = None,
    materials: Iterable[MaterialIn | str | dict] = (),
    actor: Actor,
    delivery_method: str = "",
    delivery_address: str = "",
    idempotency_key: str | None = None,
    proxy_agent: Staff | None = None,
    state: str = S.SUBMITTED,
) -> Application:
    """Create an application with one case per item, pinned to each item's published version.

    Materials are one row per code across all items (a material two items need is handed
    in once); codes not handed in are stored as `missing`. Each case gets a 'submit' event
    (draft → submitted, or → prereview for online pre-review); `state="draft"` stores a
    draft with no event. A retried call with the same `idempotency_key` returns the first
    application. Numbers come from counters: `SQ<yyyymmdd><6 digits>` for the application,
    `<center code>-<yyyymmdd>-<6 digits>` for cases.
    """
    if idempotency_key:
        existing = Application.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_submission(existing, applicant)
    kwargs = {
        "center": center,
        "applicant": applicant,
        "items": items,
        "bundle": bundle,
        "channel": channel,
        "form_data": form_data or {},
        "materials": materials,
        "actor": actor,
        "delivery_method": delivery_method,
        "delivery_address": delivery_address,
        "idempotency_key": idempotency_key or None,
        "proxy_agent": proxy_agent,
        "state": state,
    }
    if not idempotency_key:
        conn = connections[router.db_for_write(Application)]
        if _unlocked(conn):
            create = _local.create = _Create(conn)
            try:
                return _application_create(**kwargs)
            except _Retry:
                pass
            finally:
                create.abort()
                _local.create = None
        return transaction.atomic(_application_create)(**kwargs)
    with transaction.atomic():
        return _idempotent_create(kwargs, idempotency_key, applicant)


def _idempotent_create(kwargs: dict[str, Any], idempotency_key: str, applicant: Applicant) -> Application:
    try:
        # A savepoint only when a concurrent retry can collide on the key: losing the race
        # rolls back this attempt's numbers too, and the first application is returned.
        with transaction.atomic():
            return _application_create(**kwargs)
    except IntegrityError:
        existing = Application.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_submission(existing, applicant)
        raise


def _same_submission(existing: Application, applicant: Applicant) -> Application:
    """A retry returns the first application; a key someone else used is refused, never returned."""
    if existing.applicant_id != applicant.pk:
        raise case_error("IDEMPOTENCY_KEY_REUSED", field="idempotency_key")
    return existing


def _application_create(
    *,
    center: ServiceCenter,
    applicant: Applicant,
    items: Sequence[ServiceItem | int],
    bundle: Bundle | None,
    channel: str,
    form_data: dict[str, Any],
    materials: Iterable[MaterialIn | str | dict],
    actor: Actor,
    delivery_method: str,
    delivery_address: str,
    idempotency_key: str | None,
    proxy_agent: Staff | None,
    state: str,
) -> Application:
    if state not in CREATE_STATES:
        raise case_error("INVALID_STATE_ARGUMENT", field="state")
    if channel not in Channel.values:
        raise case_error("FIELD_INVALID", field="channel", reason=channel)
    if applicant is None:
        raise case_error("FIELD_REQUIRED", field="applicant")
    _check_submitter(actor=actor, center=center, applicant=applicant)
    plans = _resolve_items(center=center, items=items, bundle=bundle)
    if state != S.DRAFT:  # a draft may be saved half-filled; it is checked when submitted
        form_data = _check_form([plan for _i, plan in plans], form_data)
    if delivery_method:
        if delivery_method not in DeliveryMethod.values:
            raise case_error("FIELD_INVALID", field="delivery_method", reason=delivery_method)
        for _i, plan in plans:
            if plan.delivery_methods and delivery_method not in plan.delivery_methods:
                raise case_error(
                    "DELIVERY_NOT_OFFERED",
                    field="delivery_method",
                    item=plan.item_name,
                    method=str(DeliveryMethod(delivery_method).label),
                )
        if delivery_method == DeliveryMethod.MAIL and not delivery_address.strip():
            raise case_error("FIELD_REQUIRED", field="delivery_address")

    # One material row per code across all items, in the order the items ask for them.
    wanted: dict[str, str] = {}
    for _i, plan in plans:
        for m in plan.materials:
            wanted.setdefault(m.code, m.name)
    handed = _material_inputs(materials)
    handed_by_code: dict[str, MaterialIn] = {}
    for i, m in enumerate(handed):
        if m.code not in wanted:
            raise case_error("MATERIAL_UNKNOWN", field=f"materials[{i}].code", material=m.code)
        handed_by_code[m.code] = m

    now = clock.now()
    ymd = clock.today().strftime("%Y%m%d")
    create = _create()
    ids: dict[type[models.Model], list[int]] = {}
    if create is not None:
        (app_no, last), ids = create.begin(
            [(f"application:{ymd}", 1), (f"case:{center.code}:{ymd}", len(plans))],
            {Application: 1, ApplicationMaterial: len(wanted), Case: len(plans)},
        )
    else:
        app_no = counter_next(f"application:{ymd}")
        last = counter_next(f"case:{center.code}:{ymd}", len(plans))
    app_number = f"SQ{ymd}{app_no:06d}"
    first = last - len(plans) + 1

    def insert(objs: Sequence[models.Model], *, returning: bool) -> None:
        if not objs:
            return
        if create is None:
            _insert_rows(objs, returning=returning)
            return
        if returning:  # ids reserved above, in the order the objects are listed
            for obj, pk in zip(objs, ids[type(objs[0])], strict=True):
                obj.pk = pk
        create.insert(objs, with_pk=returning)

    user_id = actor.user_id
    application = Application(
        number=app_number,
        center=center,
        applicant=applicant,
        bundle=bundle,
        channel=channel,
        form_data=form_data,
        idempotency_key=idempotency_key,
        submitted_by_id=user_id,
        proxy_agent=proxy_agent,
        delivery_method=delivery_method,
        delivery_address=delivery_address,
        created_at=now,
        submitted_at=None if state == S.DRAFT else now,
    )
    insert([application], returning=True)
    material_rows = [
        ApplicationMaterial(
            application=application,
            code=code,
            name=name,
            status=ApplicationMaterial.Status.RECEIVED
            if code in handed_by_code
            else ApplicationMaterial.Status.MISSING,
            file=handed_by_code[code].file or "" if code in handed_by_code else "",
            licence_number=handed_by_code[code].licence_number if code in handed_by_code else "",
            note=handed_by_code[code].note if code in handed_by_code else "",
            received_at=now if code in handed_by_code else None,
        )
        for code, name in wanted.items()
    ]
    insert(material_rows, returning=True)
    by_code = {m.code: m for m in material_rows}

    cases = []
    events_for: list[tuple[Case, CaseEvent]] = []
    for n, (_i, plan) in enumerate(plans):
        case = Case(
            number=f"{center.code}-{ymd}-{first + n:06d}",
            application=application,
            center=center,
            item_id=plan.item_id,
            version_id=plan.id,
            department_id=plan.department_id,
            kind=plan.case_kind,
            state=state,
            limit_days=plan.promised_limit_days,
            limit_unit=plan.limit_unit,
            delivery_method=delivery_method,
            created_at=now,
            updated_at=now,
            event_count=0,
            last_event_hash=GENESIS_HASH,
        )
        if state != S.DRAFT:
            event = _new_event(
                case,
                actor=actor,
                action="submit",
                from_state=S.DRAFT,
                to_state=state,
                at=now,
                data={"application": app_number, "channel": channel},
            )
            events_for.append((case, event))
        cases.append(case)
    insert(cases, returning=True)
    links = []
    for case, (_i, plan) in zip(cases, plans, strict=True):
        for m in plan.materials:
            links.append(CaseMaterial(case=case, requirement_id=m.requirement_id, material=by_code[m.code]))
    insert(links, returning=False)
    events = []
    for case, event in events_for:
        event.case_id = case.pk
        events.append(event)
    insert(events, returning=False)
    if create is not None:
        create.commit()
    # What the window usually does next is accept: an optimistic intake in this process
    # starts from these instead of reading them back (their heads are checked as usual).
    application._engine_rows = (cases, by_code)
    return application


@transaction.atomic
def application_submit(*, application: Application, actor: Actor, prereview: bool = False) -> list[Case]:
    """Submit a draft application: each draft case gets its 'submit' event (→ submitted or prereview)."""
    cases = _application_cases(application, [S.DRAFT], action="submit", actor=actor, none=_("no draft"))
    now = clock.now()
    stored = Application.objects.values_list("form_data", flat=True).get(pk=application.pk)
    form_data = _check_form([version_plan(case.version_id) for case in cases], stored or {})
    for case in cases:
        _commit(
            case,
            actor=actor,
            action="submit",
            to_state=S.PREREVIEW if prereview else S.SUBMITTED,
            at=now,
            data={"application": application.number, "channel": application.channel},
        )
    Application.objects.filter(pk=application.pk).update(submitted_at=now, form_data=form_data)
    application.submitted_at, application.form_data = now, form_data
    return cases


def _application_cases(
    application: Application, states: Sequence[str], *, action: str, actor: Actor, none: str
) -> list[Case]:
    """The application's cases in `states`, locked (in an optimistic action: read, and their
    heads checked at the end), each checked for `action` by `actor`. None of them:
    TRANSITION_NOT_ALLOWED, naming `none` as the state."""
    batch = _batch()
    created = getattr(application, "_engine_rows", None)
    if batch is not None and created is not None:
        cases = [case for case in created[0] if case.state in states]
    else:
        marks = ", ".join(["%s"] * len(states))
        cases = _select(
            Case,
            f"{{application_id}} = %s AND {{state}} IN ({marks})",
            [application.pk, *states],
            order="{id}",
            lock=batch is None,
        )
    if not cases:
        raise case_error("TRANSITION_NOT_ALLOWED", action=str(TRANSITIONS[action].label), state=none)
    for case in cases:
        if batch is not None:
            batch.track(case)
        _check(case, action, actor)
    return cases
    cases = _select(
        Case,
        f"{{application_id}} = %s AND {{state}} IN ({marks})",
        [application.pk, *states],
        order="{id}",
        lock=batch is None,
    )
    if batch is not None:
        for case in cases:
            batch.track(case)
    return cases


def _application_materials(application: Application) -> dict[str, ApplicationMaterial]:
    """The application's materials by code (in an optimistic action, those it was created with)."""
    created = getattr(application, "_engine_rows", None)
    if _batch() is not None and created is not None:
        return created[1]
    return {m.code: m for m in _select(ApplicationMaterial, "{application_id} = %s", [application.pk])}


@dataclass
class IntakeResult:
    """What the window did with an application: who was accepted, completed, or what is missing."""

    application: Application
    cases: list[Case]
    accepted: list[Case] = field(default_factory=list)
    accepted_with_pending: list[Case] = field(default_factory=list)
    completed: list[Case] = field(default_factory=list)
    supplement_requested: bool = False
    # Everything missing across all the application's cases (one notice): code, name, tolerable.
    missing: list[dict[str, Any]] = field(default_factory=list)


@_case_action
def application_intake(*, application: Application, clerk: Staff) -> IntakeResult:
    """Check every submitted case's materials against its pinned version and act once for all.

    A required, non-tolerable material missing anywhere → request_supplement for every
    submitted case of the application (one notice lists everything missing; no clock
    starts). Otherwise each case is accepted, or accepted with pending materials when only
    tolerable ones are missing (due after their tolerance days); an immediate (即办) case
    with nothing pending is accepted, decided (granted) and completed by the clerk at once.
    """
    cases = _application_cases(
        application, [S.SUBMITTED], action="accept", actor=clerk, none=_("no submitted case")
    )
    materials = _application_materials(application)
    result = IntakeResult(application=application, cases=cases)

    per_case: list[tuple[Case, VersionPlan, list, list]] = []
    blocking = False
    listed: dict[str, dict[str, Any]] = {}
    for case in cases:
        plan = version_plan(case.version_id)
        missing, pending = [], []
        for req in plan.materials:
            row = materials.get(req.code)
            if not req.required or (row is not None and row.status == ApplicationMaterial.Status.RECEIVED):
                continue
            if req.tolerable:
                pending.append(req)
            else:
                missing.append(req)
                blocking = True
            entry = listed.setdefault(req.code, {"code": req.code, "name": req.name, "tolerable": True})
            entry["tolerable"] = entry["tolerable"] and req.tolerable
        per_case.append((case, plan, missing, pending))
    result.missing = list(listed.values())

    now = clock.now()
    today = clock.today()
    if blocking:
        result.supplement_requested = True
        for case, _plan, missing, pending in per_case:
            _commit(
                case,
                actor=clerk,
                action="request_supplement",
                to_state=S.PENDING_SUPPLEMENT,
                at=now,
                data={
                    "missing": [
                        {"code": m.code, "name": m.name, "tolerable": m.tolerable} for m in missing + pending
                    ],
                    "application_missing": [m["code"] for m in result.missing],
                },
            )
        return result

    pending_due: dict[str, dt.date] = {}
    for case, plan, _missing, pending in per_case:
        fields: dict[str, Any] = {"accepted_at": now, "accepted_by_id": clerk.pk}
        case.accepted_at = now
        if pending:
            dues = {}
            for req in pending:
                due = calendar.add_working_days(today, req.tolerance_days)
                pending_due[req.code] = min(pending_due.get(req.code, due), due)
                dues[req.code] = due
            fields["pending_materials_due"] = min(dues.values())
            fields.update(_deadlines(case, plan))
            _commit(
                case,
                actor=clerk,
                action="accept_with_pending",
                to_state=S.ACCEPTED,
                at=now,
                data={"pending": [{"code": r.code, "name": r.name, "due": dues[r.code]} for r in pending]},
                **fields,
            )
            result.accepted_with_pending.append(case)
            continue
        fields.update(_deadlines(case, plan))
        _commit(case, actor=clerk, action="accept", to_state=S.ACCEPTED, at=now, **fields)
        result.accepted.append(case)
        if case.kind == CaseKind.IMMEDIATE:
            # 即办: one act at the window. There is no back-office review for separation of
            # duties to protect; the catalog marks an item immediate only when the result
            # follows directly from the materials checked at acceptance.
            _commit(
                case,
                actor=clerk,
                action="decide",
                to_state=S.DECIDED,
                at=now,
                data={"decision": Decision.GRANTED, "immediate": True},
                decision=Decision.GRANTED,
                decided_at=now,
                decided_by_id=clerk.pk,
            )
            _commit(
                case,
                actor=clerk,
                action="complete",
                to_state=S.COMPLETED,
                at=now,
                data={"immediate": True},
                completed_at=now,
            )
            result.completed.append(case)
    if pending_due:
        application.__dict__.pop("_engine_rows", None)  # those rows no longer say what is stored
    for code, due in pending_due.items():
        _fast_update(
            ApplicationMaterial,
            materials[code].pk,
            {"status": ApplicationMaterial.Status.PENDING, "due_date": due},
        )
    return result


@transaction.atomic
def application_request_supplement(
    *, application: Application, clerk: Staff, materials: Iterable[MaterialIn | str | dict], note: str = ""
) -> IntakeResult:
    """一次性告知 by hand: the clerk found handed-in materials unusable (blurred, expired, wrong).

    The named materials become `rejected`, and every submitted (or pre-review) case of the
    application waits for supplement; the result lists everything the application still
    lacks, so one notice covers it all.
    """
    handed = _material_inputs(materials)
    if not handed:
        raise case_error("FIELD_REQUIRED", field="materials")
    cases = _application_cases(
        application,
        [S.SUBMITTED, S.PREREVIEW],
        action="request_supplement",
        actor=clerk,
        none=_("no submitted case"),
    )
    rows = _application_materials(application)
    for i, m in enumerate(handed):
        if m.code not in rows:
            raise case_error("MATERIAL_UNKNOWN", field=f"materials[{i}].code", material=m.code)
    for m in handed:
        row = rows[m.code]
        row.status = ApplicationMaterial.Status.REJECTED
        row.note = m.note or note or row.note
        ApplicationMaterial.objects.filter(pk=row.pk).update(status=row.status, note=row.note)
    result = IntakeResult(application=application, cases=cases, supplement_requested=True)
    listed: dict[str, dict[str, Any]] = {}
    now = clock.now()
    for case in cases:
        plan = version_plan(case.version_id)
        mine = []
        for req in plan.materials:
            row = rows.get(req.code)
            if req.required and (row is None or row.status != ApplicationMaterial.Status.RECEIVED):
                mine.append({"code": req.code, "name": req.name, "tolerable": req.tolerable})
                entry = listed.setdefault(req.code, {"code": req.code, "name": req.name, "tolerable": True})
                entry["tolerable"] = entry["tolerable"] and req.tolerable
        _commit(
            case,
            actor=clerk,
            action="request_supplement",
            to_state=S.PENDING_SUPPLEMENT,
            at=now,
            opinion=note,
            data={
                "missing": mine,
                "rejected": [m.code for m in handed],
                "application_missing": sorted(listed),
            },
        )
    result.missing = list(listed.values())
    return result


@transaction.atomic
def application_supplement(
    *, application: Application, materials: Iterable[MaterialIn | str | dict], clerk: Staff | Applicant
) -> list[Case]:
    """Record supplemented materials; every pending_supplement case goes back to submitted.

    Call `application_intake` afterwards to accept (or ask again).
    """
    cases = _application_cases(
        application,
        [S.PENDING_SUPPLEMENT],
        action="supplement",
        actor=clerk,
        none=_("no case waiting for supplement"),
    )
    handed = _material_inputs(materials)
    rows = _application_materials(application)
    for i, m in enumerate(handed):
        if m.code not in rows:
            raise case_error("MATERIAL_UNKNOWN", field=f"materials[{i}].code", material=m.code)
    now = clock.now()
    for m in handed:
        row = rows[m.code]
        row.status = ApplicationMaterial.Status.RECEIVED
        row.received_at = now
        if m.file:
            row.file = m.file
        row.licence_number = m.licence_number or row.licence_number
        row.note = m.note or row.note
        row.save(update_fields=["status", "received_at", "file", "licence_number", "note"])
    for case in cases:
        _commit(
            case,
            actor=clerk,
            action="supplement",
            to_state=S.SUBMITTED,
            at=now,
            data={"received": [m.code for m in handed]},
        )
    return cases


def _application_step(
    *, application: Application, actor: Staff, action: str, states: Sequence[str], to_state: str, data: dict
) -> list[Case]:
    cases = _application_cases(application, states, action=action, actor=actor, none="-")
    now = clock.now()
    for case in cases:
        _commit(case, actor=actor, action=action, to_state=to_state, at=now, data=data)
    return cases


def _require_township_check(application: Application) -> None:
    if application.channel != Channel.PROXY:
        return
    checked = CaseEvent.objects.filter(case__application_id=application.pk, action="township_check").exists()
    if not checked:
        raise case_error("TOWNSHIP_CHECK_PENDING")


@transaction.atomic
def application_prereview_pass(*, application: Application, clerk: Staff) -> list[Case]:
    """Online pre-review passed: the cases wait for intake (submitted). A proxy agent's
    application reaches the hall's pre-review only after its township check."""
    _require_township_check(application)
    return _application_step(
        application=application,
        actor=clerk,
        action="prereview_pass",
        states=[S.PREREVIEW],
        to_state=S.SUBMITTED,
        data={},
    )


@transaction.atomic
def application_prereview_return(*, application: Application, clerk: Staff, reasons: str) -> list[Case]:
    """Online pre-review failed: the application goes back to the applicant with reasons."""
    _require(reasons, "reasons")
    _require_township_check(application)
    return _application_step(
        application=application,
        actor=clerk,
        action="prereview_return",
        states=[S.PREREVIEW],
        to_state=S.RETURNED,
        data={"reasons": reasons},
    )


@transaction.atomic
def application_materials_received(
    *, application: Application, materials: Iterable[MaterialIn | str | dict], clerk: Staff
) -> list[Case]:
    """Tolerated (容缺) materials arrived: mark them received and update each affected case.

    Every case still waiting for one of them gets one 'materials_received' event; its
    pending due date becomes the earliest due date of what it still waits for, or clears.
    """
    handed = _material_inputs(materials)
    if not handed:
        raise case_error("FIELD_REQUIRED", field="materials")
    cases = list(
        Case.objects.select_for_update()
        .filter(
            application_id=application.pk,
            pending_materials_due__isnull=False,
            state__in=TRANSITIONS["materials_received"].sources,
        )
        .order_by("pk")
    )
    rows = _application_materials(application)
    for i, m in enumerate(handed):
        row = rows.get(m.code)
        if row is None or row.status != ApplicationMaterial.Status.PENDING:
            raise case_error("MATERIAL_NOT_PENDING", field=f"materials[{i}].code", material=m.code)
    for case in cases:
        _check(case, "materials_received", clerk)
    now = clock.now()
    codes = {m.code for m in handed}
    for m in handed:
        row = rows[m.code]
        ApplicationMaterial.objects.filter(pk=row.pk).update(
            status=ApplicationMaterial.Status.RECEIVED, received_at=now, due_date=None
        )
        row.status = ApplicationMaterial.Status.RECEIVED
    links: dict[int, list[str]] = {}
    for case_id, code in CaseMaterial.objects.filter(case__in=cases).values_list("case_id", "material__code"):
        links.setdefault(case_id, []).append(code)
    touched = []
    for case in cases:
        mine = links.get(case.pk, [])
        if not codes & set(mine):
            continue
        still = [rows[c] for c in mine if rows[c].status == ApplicationMaterial.Status.PENDING]
        due = min((r.due_date for r in still if r.due_date), default=None)
        _commit(
            case,
            actor=clerk,
            action="materials_received",
            at=now,
            data={"received": sorted(codes & set(mine)), "still_pending": [r.code for r in still]},
            pending_materials_due=due,
        )
        touched.append(case)
    return touched


@_case_action
def case_record(
    *,
    case: Case,
    actor: Actor,
    action: str,
    opinion: str = "",
    data: dict[str, Any] | None = None,
    lower_center_id: int | None = None,
) -> Case:
    """Record a table action that changes nothing but the state (if its row has a target).

    For channel steps such as `township_check` / `township_return`: locks the case,
    checks the action against the table (for `lower_center` actions the caller names
    the lower-tier center, e.g. the township above a proxy agent's village station) and
    appends one event. Actions with their own rules (accept, decide, …) have their own
    services; use those.
    """
    case = _lock(case)
    transition = _check(case, action, actor, lower_center_id=lower_center_id)
    _commit(
        case,
        actor=actor,
        action=action,
        to_state=transition.target_from(case.state),
        opinion=opinion,
        data=data,
    )
    return case


# =========================================================================== refusal, routing


@_case_action
def case_refuse(*, case: Case, clerk: Staff, reasons: str, legal_basis: str) -> Case:
    """不予受理: refuse with reasons and the legal basis (both printed on the refusal notice)."""
    case = _lock(case)
    _check(case, "refuse", clerk)
    _require(reasons, "reasons")
    _require(legal_basis, "legal_basis")
    _commit(
        case,
        actor=clerk,
        action="refuse",
        to_state=S.REFUSED,
        data={"reasons": reasons, "legal_basis": legal_basis},
    )
    return case


@_case_action
def case_route(*, case: Case, actor: Staff) -> Case:
    """Hand an accepted case to the back office: create every task of the procedure at once.

    The first stage's tasks open (due after their limits); later stages' tasks wait and open
    when the stage before finishes, so no later transition needs more than one task write.
    A procedure without tasks leaves the case ready to decide.
    """
    case = _lock(case)
    _check(case, "route", actor)
    plan = version_plan(case.version_id)
    now = clock.now()
    first = plan.stages[0] if plan.stages else None
    tasks = []
    for stage in plan.stages:
        is_first = stage is first
        for t in stage.tasks:
            tasks.append(
                CaseTask(
                    case_id=case.pk,
                    stage_order=stage.order,
                    stage_name=stage.name,
                    stage_task_id=t.stage_task_id,
                    name=t.name,
                    action=t.action,
                    department_id=t.department_id,
                    role=t.role,
                    state=T.OPEN if is_first else T.WAITING,
                    opened_at=now,
                    due_at=_task_due(now, t.limit_days) if is_first else None,
                )
            )
    if tasks:
        _insert_rows(tasks, returning=False)
    _commit(
        case,
        actor=actor,
        action="route",
        to_state=S.IN_PROGRESS,
        at=now,
        data={"stage": first.order if first else None, "tasks": len(first.tasks) if first else 0},
        stage_order=first.order if first else 0,
        open_tasks=len(first.tasks) if first else 0,
        rejections=0,
    )
    return case


# =========================================================================== tasks


def _task_case(task: CaseTask) -> Case | int:
    """The task's case instance when the caller loaded it with the task (select_related), else its id."""
    return task.case if CaseTask.case.is_cached(task) and task.case.pk == task.case_id else task.case_id


def _task_role_check(task: CaseTask, actor: Staff, action: str) -> None:
    roles = staff_roles(actor)
    if task.role not in roles and Role.CHIEF_REPRESENTATIVE not in roles:
        raise case_error("ROLE_NOT_ALLOWED", action=str(TRANSITIONS[action].label))


def _task_refusal(task_pk: int, *, actor: Staff | None = None, now: dt.datetime | None = None) -> CaseError:
    """Why a guarded task UPDATE matched nothing (read only on this error path).

    If the task itself matched but the next stage's waiting tasks did not (a procedure
    edited under a running case), the task now reads done; the caller's rollback undoes it.
    """
    row = (
        CaseTask.objects.filter(pk=task_pk)
        .values("state", "assignee_id", "assignee__name", "completed_at")
        .first()
    )
    if (
        row
        and actor
        and row["state"] == T.DONE
        and row["assignee_id"] == actor.pk
        and row["completed_at"] == now
    ):
        return case_error("PROCEDURE_CHANGED")
    if row is None or row["state"] in (T.DONE, T.CANCELLED):
        return case_error("TASK_ALREADY_DONE")
    if row["state"] == T.CLAIMED:
        return case_error("TASK_CLAIMED_BY_OTHER", name=row["assignee__name"] or "")
    return case_error("TASK_NOT_OPEN")


@_case_action
def task_claim(*, task: CaseTask, actor: Staff) -> CaseTask:
    """Claim an open task of the current stage for oneself. Locks case then task (guarded UPDATE)."""
    case = _lock(_task_case(task))
    _check(case, "task_claim", actor, task_department_id=task.department_id)
    _task_role_check(task, actor, "task_claim")
    if task.stage_order != case.stage_order:
        raise case_error("TASK_NOT_OPEN")
    now = clock.now()
    table, conn = _table(CaseTask)
    c = table.columns
    claimed = _update(
        conn,
        _set_sql(table, ("state", "assignee_id", "claimed_at")),
        f"{c['id']} = %s AND {c['state']} = %s",
        [T.CLAIMED, actor.pk, table.prep(conn, "claimed_at", now), task.pk, T.OPEN],
        expect=1,
    )
    if not claimed:
        raise _task_refusal(task.pk)
    _commit(case, actor=actor, action="task_claim", at=now, data={"task": task.pk, "task_name": task.name})
    task.state, task.assignee, task.claimed_at = T.CLAIMED, actor, now
    task.case = case
    return task


def _complete_task_sql(
    *,
    task: CaseTask,
    actor: Staff,
    opinion: str,
    outcome: str,
    now: dt.datetime,
    case: Case,
    next_stage: StagePlan | None,
) -> bool:
    """One UPDATE: finish `task` (if still open, or claimed by `actor`) and open `next_stage`'s waiting tasks.

    Returns False when the task was not open for the actor (the caller rolls back: if the
    next stage's tasks matched anyway, their change is undone with it).
    """
    table, conn = _table(CaseTask)
    c = table.columns
    at = table.prep(conn, "completed_at", now)
    sets = [
        f"{c['state']} = CASE WHEN {c['id']} = %s THEN %s ELSE %s END",
        f"{c['opinion']} = CASE WHEN {c['id']} = %s THEN %s ELSE {c['opinion']} END",
        f"{c['outcome']} = CASE WHEN {c['id']} = %s THEN %s ELSE {c['outcome']} END",
        f"{c['assignee_id']} = CASE WHEN {c['id']} = %s THEN %s ELSE {c['assignee_id']} END",
        f"{c['claimed_at']} = CASE WHEN {c['id']} = %s AND {c['claimed_at']} IS NULL THEN %s ELSE {c['claimed_at']} END",
        f"{c['completed_at']} = CASE WHEN {c['id']} = %s THEN %s ELSE {c['completed_at']} END",
    ]
    params: list[Any] = [task.pk, T.DONE, T.OPEN, task.pk, opinion, task.pk, outcome, task.pk, actor.pk]
    params += [task.pk, at, task.pk, at]
    # The assignee, or their AB-post backup (Staff.backup), may finish a claimed task.
    staff_table, _conn = _table(Staff)
    sc = staff_table.columns
    where = (
        f"({c['id']} = %s AND {c['state']} IN (%s, %s) "  # noqa: S608 (names from model meta)
        f"AND ({c['assignee_id']} IS NULL OR {c['assignee_id']} = %s "
        f"OR {c['assignee_id']} IN (SELECT {sc['id']} FROM {staff_table.table} WHERE {sc['backup_id']} = %s)))"
    )
    where_params: list[Any] = [task.pk, T.OPEN, T.CLAIMED, actor.pk, actor.pk]
    expected = 1
    if next_stage is not None:
        sets.append(f"{c['opened_at']} = CASE WHEN {c['id']} = %s THEN {c['opened_at']} ELSE %s END")
        params += [task.pk, at]
        whens = " ".join(f"WHEN {c['stage_task_id']} = %s THEN %s" for _t in next_stage.tasks)
        sets.append(
            f"{c['due_at']} = CASE WHEN {c['id']} = %s THEN {c['due_at']} {whens} ELSE {c['due_at']} END"
        )
        params.append(task.pk)
        for t in next_stage.tasks:
            params += [t.stage_task_id, table.prep(conn, "due_at", _task_due(now, t.limit_days))]
        where += f" OR ({c['case_id']} = %s AND {c['stage_order']} = %s AND {c['state']} = %s)"
        where_params += [case.pk, next_stage.order, T.WAITING]
        expected += len(next_stage.tasks)
    sql = f"UPDATE {table.table} SET {', '.join(sets)}"  # noqa: S608 (names from model meta)
    return _update(conn, sql, where, params + where_params, expect=expected)


def _finish_task(
    *, task: CaseTask, actor: Staff, action: str, opinion: str, outcome: str, attachments: Sequence[str]
) -> CaseTask:
    case = _lock(_task_case(task))
    _check(case, action, actor, task_department_id=task.department_id)
    _task_role_check(task, actor, action)
    reported = (
        task.stage_task_id is None
        and case.reported_to_id is not None
        and actor.center_id == case.reported_to_id
    )
    if action == "report_back" and not reported:
        raise case_error("NOT_REPORTED")
    if action == "task_complete" and reported:
        raise case_error("TRANSITION_NOT_ALLOWED", action=str(TRANSITIONS[action].label), state=_("reported"))
    _require(opinion, "opinion")
    if outcome not in OUTCOMES:
        raise case_error("FIELD_INVALID", field="outcome", reason=outcome)
    if task.stage_order != case.stage_order:
        raise case_error("TASK_NOT_OPEN")

    plan = version_plan(case.version_id)
    now = clock.now()
    remaining = max(0, case.open_tasks - 1)
    rejections = case.rejections + (1 if outcome == "reject" else 0)
    next_stage = plan.next_stage(case.stage_order) if remaining == 0 and rejections == 0 else None

    if (
        _complete_task_sql(
            task=task,
            actor=actor,
            opinion=opinion,
            outcome=outcome,
            now=now,
            case=case,
            next_stage=next_stage,
        )
        is False
    ):
        # Nothing else was written yet; raising rolls this transaction (or savepoint) back.
        raise _task_refusal(task.pk, actor=actor, now=now)

    fields: dict[str, Any] = {}
    if next_stage is not None:
        fields.update(stage_order=next_stage.order, open_tasks=len(next_stage.tasks), rejections=0)
    else:
        fields.update(open_tasks=remaining, rejections=rejections)
    if action == "report_back":
        fields["reported_to_id"] = None
    _commit(
        case,
        actor=actor,
        action=action,
        at=now,
        opinion=opinion,
        data={
            "task": task.pk,
            "task_name": task.name,
            "stage": task.stage_order,
            "outcome": outcome,
            "attachments": list(attachments),
            "next_stage": next_stage.order if next_stage else None,
            "ready_to_decide": remaining == 0 and next_stage is None,
        },
        **fields,
    )
    task.state, task.opinion, task.outcome, task.completed_at = T.DONE, opinion, outcome, now
    task.assignee = actor
    task.case = case
    return task


@_case_action
def task_complete(
    *, task: CaseTask, actor: Staff, opinion: str, outcome: str = "approve", attachments: Sequence[str] = ()
) -> CaseTask:
    """Finish a task with an opinion and outcome (approve / reject).

    When it is the stage's last open task, the next stage's tasks open in the same UPDATE;
    after the last stage, or when any task of the stage rejected, the case is ready to
    decide (`open_tasks == 0`). A claimed task can be completed only by its assignee.
    """
    return _finish_task(
        task=task,
        actor=actor,
        action="task_complete",
        opinion=opinion,
        outcome=outcome,
        attachments=attachments,
    )


@_case_action
def case_report_back(
    *, task: CaseTask, actor: Staff, opinion: str, outcome: str = "approve", attachments: Sequence[str] = ()
) -> CaseTask:
    """The upper center finishes its task on a reported (上报) case and returns the case."""
    return _finish_task(
        task=task,
        actor=actor,
        action="report_back",
        opinion=opinion,
        outcome=outcome,
        attachments=attachments,
    )


@transaction.atomic
def case_send_back(*, case: Case, actor: Staff, to_stage: int, opinion: str) -> Case:
    """Send the case back to an earlier stage: its tasks reopen, later stages wait again.

    Ad-hoc tasks (inspections, reports) still open in those stages are cancelled. The
    current stage itself may be redone only once it has finished (ready to decide).
    """
    case = _lock(case)
    _check(case, "send_back", actor)
    _require(opinion, "opinion")
    plan = version_plan(case.version_id)
    stage = plan.stage(to_stage)
    if stage is None or to_stage > case.stage_order or (to_stage == case.stage_order and case.open_tasks):
        raise case_error("STAGE_INVALID", field="to_stage")
    now = clock.now()
    dt_field = models.DateTimeField()
    adhoc = Q(stage_task__isnull=True)
    CaseTask.objects.filter(case_id=case.pk, stage_order__gte=to_stage).exclude(
        adhoc & Q(state__in=[T.DONE, T.CANCELLED])
    ).update(
        state=SqlCase(
            When(adhoc, then=Value(T.CANCELLED)),
            When(stage_order=to_stage, then=Value(T.OPEN)),
            default=Value(T.WAITING),
        ),
        assignee_id=SqlCase(
            When(adhoc, then=F("assignee_id")), default=None, output_field=models.BigIntegerField()
        ),
        opinion=SqlCase(When(adhoc, then=F("opinion")), default=Value(""), output_field=models.TextField()),
        outcome=SqlCase(When(adhoc, then=F("outcome")), default=Value(""), output_field=models.CharField()),
        claimed_at=SqlCase(When(adhoc, then=F("claimed_at")), default=None, output_field=dt_field),
        completed_at=SqlCase(
            When(adhoc, then=Value(now, output_field=dt_field)), default=None, output_field=dt_field
        ),
        opened_at=SqlCase(
            When(adhoc, then=F("opened_at")), default=Value(now, output_field=dt_field), output_field=dt_field
        ),
        due_at=SqlCase(
            When(adhoc, then=F("due_at")),
            *[
                When(
                    stage_task_id=t.stage_task_id,
                    then=Value(_task_due(now, t.limit_days), output_field=dt_field),
                )
                for t in stage.tasks
            ],
            default=None,
            output_field=dt_field,
        ),
    )
    _commit(
        case,
        actor=actor,
        action="send_back",
        at=now,
        opinion=opinion,
        data={"from_stage": case.stage_order, "to_stage": to_stage},
        stage_order=to_stage,
        open_tasks=len(stage.tasks),
        rejections=0,
        reported_to_id=None,
    )
    return case


def _add_task(
    *,
    case: Case,
    department: Department,
    name: str,
    action: str,
    days: int,
    now: dt.datetime,
    stage_name: str,
) -> CaseTask:
    task = CaseTask(
        case_id=case.pk,
        stage_order=case.stage_order,
        stage_name=stage_name,
        stage_task=None,
        name=name,
        action=action,
        department_id=department.pk,
        role=Role.APPROVER,
        state=T.OPEN,
        opened_at=now,
        due_at=_task_due(now, days),
    )
    _insert_rows([task], returning=True)
    return task


@transaction.atomic
def case_request_inspection(
    *,
    case: Case,
    actor: Staff,
    opinion: str,
    department: Department | None = None,
    name: str = "",
    limit_days: int = DEFAULT_INSPECTION_DAYS,
) -> CaseTask:
    """Add a site-inspection (现场踏勘) task to the current stage (the stage waits for it)."""
    case = _lock(case)
    _check(case, "request_inspection", actor)
    _require(opinion, "opinion")
    department = department or actor.department
    if department is None:
        raise case_error("FIELD_REQUIRED", field="department")
    if department.center_id != case.center_id:
        raise case_error("DEPARTMENT_NOT_IN_CENTER", field="department")
    if case.stage_order == 0:
        raise case_error("IMMEDIATE_CASE")
    now = clock.now()
    task = _add_task(
        case=case,
        department=department,
        name=name or _("site inspection"),
        action="inspect",
        days=limit_days,
        now=now,
        stage_name=_("site inspection"),
    )
    _commit(
        case,
        actor=actor,
        action="request_inspection",
        at=now,
        opinion=opinion,
        data={"task": task.pk, "department": department.pk},
        open_tasks=case.open_tasks + 1,
    )
    return task


@transaction.atomic
def case_report_up(
    *, case: Case, actor: Staff, department: Department, opinion: str, limit_days: int = DEFAULT_REPORT_DAYS
) -> CaseTask:
    """上报: add a task for a department of the upper center (`center.parent`) to the current stage.

    The upper center's staff see the case (`case_list`), claim the task and finish it with
    `case_report_back`, which returns the case to the center.
    """
    case = _lock(case, with_center=True)
    _check(case, "report_up", actor)
    _require(opinion, "opinion")
    parent_id = case.center.parent_id
    if parent_id is None:
        raise case_error("NO_UPPER_CENTER")
    if department is None:
        raise case_error("FIELD_REQUIRED", field="department")
    if department.center_id != parent_id:
        raise case_error("DEPARTMENT_NOT_IN_UPPER_CENTER", field="department")
    if case.stage_order == 0:
        raise case_error("IMMEDIATE_CASE")
    now = clock.now()
    task = _add_task(
        case=case,
        department=department,
        name=_("review by the upper center"),
        action="review",
        days=limit_days,
        now=now,
        stage_name=_("reported to the upper center"),
    )
    _commit(
        case,
        actor=actor,
        action="report_up",
        at=now,
        opinion=opinion,
        data={"task": task.pk, "department": department.pk, "reported_to": parent_id},
        reported_to_id=parent_id,
        open_tasks=case.open_tasks + 1,
    )
    return task


# =========================================================================== clock


@_case_action
def case_suspend(*, case: Case, actor: Staff, reason: str, expected_end: dt.date, note: str = "") -> Case:
    """特别程序: stop the clock (hearing, testing, expert review, public notice…)."""
    case = _lock(case)
    _check(case, "suspend", actor)
    if reason not in Suspension.Reason.values:
        raise case_error("FIELD_REQUIRED" if not reason else "FIELD_INVALID", field="reason", reason=reason)
    if expected_end is None:
        raise case_error("FIELD_REQUIRED", field="expected_end")
    if expected_end < clock.today():
        raise case_error("FIELD_INVALID", field="expected_end", reason=expected_end.isoformat())
    if reason == Suspension.Reason.OTHER:
        _require(note, "note")
    now = clock.now()
    _fast_insert(
        Suspension(case_id=case.pk, reason=reason, note=note, started_at=now, expected_end=expected_end)
    )
    _commit(
        case,
        actor=actor,
        action="suspend",
        to_state=S.SUSPENDED,
        at=now,
        opinion=note,
        data={"reason": reason, "expected_end": expected_end},
        suspended_since=now,
    )
    return case


@transaction.atomic
def case_resume(*, case: Case, actor: Staff, note: str = "") -> Case:
    """End the suspension: its days (in the limit's unit) are added and both deadlines move."""
    case = _lock(case)
    _check(case, "resume", actor)
    now = clock.now()
    since = case.suspended_since or now
    days = _days_between(since, now, case.limit_unit)
    if (
        Suspension.objects.filter(case_id=case.pk, ended_at__isnull=True).update(
            ended_at=now, working_days=days
        )
        != 1
    ):
        raise case_error("SUSPENSION_NOT_OPEN")
    case.suspended_days += days
    plan = version_plan(case.version_id)
    _commit(
        case,
        actor=actor,
        action="resume",
        to_state=S.IN_PROGRESS,
        at=now,
        opinion=note,
        data={"days": days},
        suspended_days=case.suspended_days,
        suspended_since=None,
        **_deadlines(case, plan),
    )
    return case


@_case_action
def case_extend(*, case: Case, actor: Staff, days: int, reason: str) -> Case:
    """延期: an authorised extension of the promised limit, recorded as an Extension row.

    Only a chief representative of the case's department, or a center administrator or
    supervisor of its center. Moves the promised deadline by `days` of the limit's unit.
    """
    case = _lock(case)
    _check(case, "extend", actor)
    if not isinstance(days, int) or days < 1:
        raise case_error("FIELD_INVALID", field="days", reason=str(days))
    _require(reason, "reason")
    now = clock.now()
    _fast_insert(Extension(case_id=case.pk, days=days, reason=reason, authorised_by_id=actor.pk, at=now))
    case.extended_days += days
    plan = version_plan(case.version_id)
    _commit(
        case,
        actor=actor,
        action="extend",
        at=now,
        opinion=reason,
        data={"days": days},
        extended_days=case.extended_days,
        **_deadlines(case, plan),
    )
    return case


# =========================================================================== decision and after


@_case_action
def case_decide(
    *,
    case: Case,
    actor: Staff,
    decision: str,
    opinion: str = "",
    reasons: str = "",
    legal_basis: str = "",
    attachments: Sequence[str] = (),
) -> Case:
    """准予 / 不予许可. The procedure must have finished; whoever accepted the case may not decide it.

    A denial needs reasons and the legal basis (they are printed on the decision).
    """
    case = _lock(case)
    _check(case, "decide", actor)
    if case.accepted_by_id is not None and case.accepted_by_id == actor.pk:
        raise case_error("SEPARATION_OF_DUTIES")
    if decision not in Decision.values:
        raise case_error(
            "FIELD_REQUIRED" if not decision else "FIELD_INVALID", field="decision", reason=decision
        )
    if case.open_tasks:
        raise case_error("TASKS_OPEN", count=case.open_tasks)
    data: dict[str, Any] = {"decision": decision, "attachments": list(attachments)}
    if decision == Decision.DENIED:
        _require(reasons, "reasons")
        _require(legal_basis, "legal_basis")
        data.update(reasons=reasons, legal_basis=legal_basis)
    plan = version_plan(case.version_id)
    now = clock.now()
    if case.rejections and plan.next_stage(case.stage_order) is not None:
        # The procedure stopped early on a rejection: later stages never open.
        table, conn = _table(CaseTask)
        c = table.columns
        _update(
            conn,
            _set_sql(table, ("state", "completed_at")),
            f"{c['case_id']} = %s AND {c['state']} = %s",
            [T.CANCELLED, table.prep(conn, "completed_at", now), case.pk, T.WAITING],
            expect=None,
        )
    _commit(
        case,
        actor=actor,
        action="decide",
        to_state=S.DECIDED,
        at=now,
        opinion=opinion,
        data=data,
        decision=decision,
        decided_at=now,
        decided_by_id=actor.pk,
    )
    return case


@_case_action
def case_complete(*, case: Case, actor: Staff, opinion: str = "") -> Case:
    """办结: the decision is final. Refused while tolerated materials are still outstanding."""
    case = _lock(case)
    _check(case, "complete", actor)
    if case.pending_materials_due is not None:
        names = list(
            CaseMaterial.objects.filter(
                case_id=case.pk, material__status=ApplicationMaterial.Status.PENDING
            ).values_list("material__name", flat=True)
        )
        raise case_error("MATERIALS_MISSING", names="、".join(names))
    _commit(
        case, actor=actor, action="complete", to_state=S.COMPLETED, opinion=opinion, completed_at=clock.now()
    )
    return case


@_case_action
def case_deliver(
    *,
    case: Case,
    actor: Staff,
    method: str = "",
    signed_by: str = "",
    tracking_number: str = "",
) -> Case:
    """出件 / 送达: pickup (who signed for it), mail (tracking number) or electronic."""
    case = _lock(case)
    _check(case, "deliver", actor)
    method = method or case.delivery_method or DeliveryMethod.PICKUP
    if method not in DeliveryMethod.values:
        raise case_error("FIELD_INVALID", field="delivery_method", reason=method)
    if method == DeliveryMethod.PICKUP:
        _require(signed_by, "signed_by")
    elif method == DeliveryMethod.MAIL:
        _require(tracking_number, "tracking_number")
    now = clock.now()
    _commit(
        case,
        actor=actor,
        action="deliver",
        to_state=S.DELIVERED,
        at=now,
        data={"method": method, "signed_by": signed_by, "tracking_number": tracking_number},
        delivery_method=method,
        signed_by=signed_by,
        tracking_number=tracking_number,
        delivered_at=now,
    )
    return case


@_case_action
def case_close(*, case: Case, actor: Staff) -> Case:
    """Archive a delivered case."""
    case = _lock(case)
    _check(case, "close", actor)
    now = clock.now()
    _commit(case, actor=actor, action="close", to_state=S.CLOSED, at=now, closed_at=now)
    return case


def _end_handling(case: Case, now: dt.datetime) -> dict[str, Any]:
    """Cancel the case's unfinished tasks and end an open suspension (exits before a decision)."""
    fields: dict[str, Any] = {}
    if case.state in (S.IN_PROGRESS, S.SUSPENDED):
        CaseTask.objects.filter(case_id=case.pk, state__in=[T.OPEN, T.CLAIMED, T.WAITING]).update(
            state=T.CANCELLED, completed_at=now
        )
        fields.update(open_tasks=0, reported_to_id=None)
    if case.state == S.SUSPENDED:
        days = _days_between(case.suspended_since or now, now, case.limit_unit)
        Suspension.objects.filter(case_id=case.pk, ended_at__isnull=True).update(
            ended_at=now, working_days=days
        )
        fields.update(suspended_since=None, suspended_days=case.suspended_days + days)
    return fields


@transaction.atomic
def case_withdraw(*, case: Case, actor: Actor, reason: str = "") -> Case:
    """撤回: the applicant (or a clerk on their written request) withdraws before the decision."""
    case = _lock(case)
    _check(case, "withdraw", actor)
    now = clock.now()
    fields = _end_handling(case, now)
    _commit(
        case, actor=actor, action="withdraw", to_state=S.WITHDRAWN, at=now, opinion=reason, data={}, **fields
    )
    return case


@transaction.atomic
def case_return(*, case: Case, actor: Staff, reasons: str) -> Case:
    """退回: staff return the case to the applicant with reasons, before the decision."""
    case = _lock(case)
    _check(case, "return", actor)
    _require(reasons, "reasons")
    now = clock.now()
    fields = _end_handling(case, now)
    _commit(
        case, actor=actor, action="return", to_state=S.RETURNED, at=now, data={"reasons": reasons}, **fields
    )
    return case
