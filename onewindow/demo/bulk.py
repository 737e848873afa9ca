"""Many cases at once, for a database the size of a county's year (`manage.py generate_cases`).

The demo history (`demo.history`) plays cases through the services, a few hundred a
second at best: a million would take hours. This generator instead COPIES what the
engine produced. Its templates are the cases already in the database (the demo history,
every state and channel, made by the real services); each generated application is a
clone of one template application with all its rows (application, materials, cases, their
material links, stage tasks, events, suspensions, extensions), moved back by a whole
number of weeks, with:

* its own numbers from the real counters (`core.numbering.counter_next`, the names and
  formats of `cases.actions.submission`), so intake after the run never repeats a number;
* a new query code (`cases.models.new_query_code`) and new row ids;
* every time and date (columns, and ISO dates in the events' data) moved by the same
  weeks, so each stored deadline still equals the one its events record;
* events re-hashed with the engine's own function (`cases.chain.event_hash`) over the new
  case number, times and data, chained from the genesis hash, the head stored on the case;
* personal data copied as the template's ciphertext (the same applicant, the same key).

Which templates: an application whose cases have all ended (delivered, closed, refused,
returned, withdrawn, voided) is cloned 0–51 weeks back, spread over a year; one with a
case still open (submitted … completed and not collected) is cloned only 0 weeks back,
into the recent days it came from, and such clones make `OPEN_SHARE` of the cases, so the
inboxes hold the recent work of a busy hall rather than a year of forgotten cases. The
first clones take one template of each state, so even a small run has every state.

Rows are written in chunks of `chunk` cases, each chunk one transaction: `COPY … FROM
STDIN` on PostgreSQL (psycopg's `cursor.copy`), a multi-row INSERT on SQLite. After each
chunk the trail's own periodic work runs (`trail.services.checkpoint_create` and
`checkpoint_export`): the new events enter the log and its head is signed, exactly as the
task worker would do it, so `verify_case_chain` finds nothing wrong.

Deterministic for a given database and seed, apart from the query codes (secrets).
"""

from __future__ import annotations

import datetime as dt
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction

from onewindow.cases.chain import event_hash
from onewindow.cases.models import (
    GENESIS_HASH,
    Application,
    ApplicationMaterial,
    Case,
    CaseEvent,
    CaseMaterial,
    CaseState,
    CaseTask,
    Extension,
    Suspension,
    new_query_code,
)
from onewindow.core import calendar
from onewindow.core.numbering import counter_next
from onewindow.org.models import ServiceCenter

# Bumped whenever what the generator writes changes (bench/pages.py keys its kept database on it).
VERSION = 1
SEED = 20261201
CHUNK = 5000
WEEKS = 52
OPEN_SHARE = 0.02
TEMPLATES = 5000  # the first applications written (the demo history) are the templates
ENDED = frozenset(
    {
        CaseState.DELIVERED,
        CaseState.CLOSED,
        CaseState.REFUSED,
        CaseState.RETURNED,
        CaseState.WITHDRAWN,
        CaseState.VOIDED,
    }
)
_INTEGERS = (
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


class BulkError(Exception):
    """The generator cannot run (no template cases in the database)."""


@dataclass
class BulkReport:
    applications: int = 0
    cases: int = 0
    events: int = 0
    tasks: int = 0
    checkpoints: int = 0
    seconds: float = 0.0
    states: Counter = field(default_factory=Counter)


class _Table:
    """One model's concrete columns and how a Python value becomes what the database stores."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.at = {name: i for i, name in enumerate(self.attnames)}
        self.name = model._meta.db_table
        self.moved = [
            i
            for i, f in enumerate(self.fields)
            if isinstance(f, models.DateTimeField | models.DateField) and not f.primary_key
        ]

        # Columns whose Python value is what the database driver takes (no field conversion):
        # ids, numbers, plain text, and on PostgreSQL times and dates too. Preparing them
        # through the field costs more than everything else a clone does.
        plain = {"AutoField", "BigAutoField", "ForeignKey", "CharField", "TextField", "BooleanField"}
        plain |= set(_INTEGERS)
        if connection.vendor == "postgresql":
            plain |= {"DateTimeField", "DateField"}
        self.direct = [
            f.get_internal_type() in plain and not type(f).__module__.startswith("onewindow.")
            for f in self.fields
        ]

    def prep(self, index: int, value: Any) -> Any:
        if value is None or self.direct[index]:
            return value
        return self.fields[index].get_db_prep_save(value, connection)

    def template_rows(self, queryset: models.QuerySet[Any]) -> list[Template]:
        """The rows as Python values (decrypted, parsed) and as stored (prepared once per template)."""
        out = []
        for values in queryset.values_list(*self.attnames):
            prepped = [f.get_db_prep_save(v, connection) for f, v in zip(self.fields, values, strict=True)]
            out.append(Template(list(values), prepped))
        return out

    def clone(self, template: Template, delta: dt.timedelta, **changes: Any) -> list[Any]:
        """The template's stored row with its times moved by `delta` and `changes` (by attname) applied."""
        row = list(template.prepped)
        if delta:
            for i in self.moved:
                value = template.values[i]
                if value is not None:
                    row[i] = self.prep(i, value + delta)
        for name, value in changes.items():
            i = self.at[name]
            row[i] = self.prep(i, value)
        return row


@dataclass
class Template:
    values: list[Any]
    prepped: list[Any]


@dataclass
class AppTemplate:
    row: Template
    materials: list[Template]
    cases: list[CaseTemplate]
    open: bool
    states: frozenset[str]


@dataclass
class CaseTemplate:
    row: Template
    center_code: str
    materials: list[Template]
    tasks: list[Template]
    events: list[Template]
    suspensions: list[Template]
    extensions: list[Template]


TABLES = {
    m: _Table(m)
    for m in (
        Application,
        ApplicationMaterial,
        Case,
        CaseMaterial,
        CaseTask,
        CaseEvent,
        Suspension,
        Extension,
    )
}


def _by(rows: list[Template], table: _Table, attname: str) -> dict[int, list[Template]]:
    i = table.at[attname]
    out: dict[int, list[Template]] = defaultdict(list)
    for r in rows:
        out[r.values[i]].append(r)
    return out


def load_templates(*, limit: int | None = None) -> list[AppTemplate]:
    """The applications already in the database with every row that belongs to them, in id order."""
    apps_q = Application.objects.order_by("pk")
    if limit:
        apps_q = apps_q[:limit]
    ids = list(apps_q.values_list("pk", flat=True))
    if not ids:
        return []
    t = TABLES
    apps = t[Application].template_rows(Application.objects.filter(pk__in=ids).order_by("pk"))
    app_materials = _by(
        t[ApplicationMaterial].template_rows(
            ApplicationMaterial.objects.filter(application_id__in=ids).order_by("pk")
        ),
        t[ApplicationMaterial],
        "application_id",
    )
    cases = t[Case].template_rows(Case.objects.filter(application_id__in=ids).order_by("pk"))
    case_ids = [c.values[t[Case].at["id"]] for c in cases]
    per_case = {
        model: _by(
            t[model].template_rows(model.objects.filter(case_id__in=case_ids).order_by(*order)),
            t[model],
            "case_id",
        )
        for model, order in (
            (CaseMaterial, ("pk",)),
            (CaseTask, ("pk",)),
            (CaseEvent, ("case_id", "seq")),
            (Suspension, ("pk",)),
            (Extension, ("pk",)),
        )
    }
    codes = dict(ServiceCenter.objects.values_list("pk", "code"))
    cases_by_app: dict[int, list[CaseTemplate]] = defaultdict(list)
    ci = t[Case].at
    for c in cases:
        pk = c.values[ci["id"]]
        cases_by_app[c.values[ci["application_id"]]].append(
            CaseTemplate(
                row=c,
                center_code=codes[c.values[ci["center_id"]]],
                materials=per_case[CaseMaterial].get(pk, []),
                tasks=per_case[CaseTask].get(pk, []),
                events=per_case[CaseEvent].get(pk, []),
                suspensions=per_case[Suspension].get(pk, []),
                extensions=per_case[Extension].get(pk, []),
            )
        )
    out = []
    for a in apps:
        pk = a.values[t[Application].at["id"]]
        mine = cases_by_app.get(pk, [])
        if not mine:
            continue
        states = frozenset(c.row.values[ci["state"]] for c in mine)
        out.append(
            AppTemplate(
                row=a,
                materials=app_materials.get(pk, []),
                cases=mine,
                open=not states <= ENDED,
                states=states,
            )
        )
    return out


def _pick(rng: random.Random, pool: list[AppTemplate], cases: int) -> list[AppTemplate]:
    """Templates adding up to exactly `cases` cases: one of each state first, then at random."""
    if not pool or cases <= 0:
        return []
    picked: list[AppTemplate] = []
    total = 0
    seen: set[str] = set()
    singles = [a for a in pool if len(a.cases) == 1]
    for app in pool:
        new = app.states - seen
        if new and total + len(app.cases) <= cases:
            picked.append(app)
            seen |= app.states
            total += len(app.cases)
    while total < cases:
        app = rng.choice(pool)
        if total + len(app.cases) > cases:
            if not singles:
                break
            app = rng.choice(singles)
        picked.append(app)
        total += len(app.cases)
    return picked


def plan(templates: list[AppTemplate], *, count: int, seed: int = SEED) -> list[tuple[AppTemplate, int]]:
    """(template, weeks back) for each application to generate, in the order they are written."""
    rng = random.Random(seed)
    open_pool = [a for a in templates if a.open]
    ended_pool = [a for a in templates if not a.open]
    if not ended_pool:
        ended_pool = open_pool
    n_open = round(count * OPEN_SHARE) if open_pool else 0
    if count < 200 and open_pool:  # a small run still shows every open state
        n_open = min(count, max(n_open, len({s for a in open_pool for s in a.states})))
    out = [(a, 0) for a in _pick(rng, open_pool, n_open)]
    opened = sum(len(a.cases) for a, _w in out)
    out += [(a, rng.randrange(WEEKS)) for a in _pick(rng, ended_pool, count - opened)]
    # Oldest first, as a year of intake would have been written.
    out.sort(key=lambda pair: -pair[1])
    return out


def _move_data(value: Any, delta: dt.timedelta, changes: dict[str, Any]) -> Any:
    """Event data with every ISO date or time moved by `delta` and the named keys replaced."""
    if isinstance(value, dict):
        return {k: changes[k] if k in changes else _move_data(v, delta, {}) for k, v in value.items()}
    if isinstance(value, list):
        return [_move_data(v, delta, {}) for v in value]
    if isinstance(value, str) and delta:
        if _ISO_DATE.match(value):
            return (dt.date.fromisoformat(value) + delta).isoformat()
        if _ISO_TIME.match(value):
            try:
                return (dt.datetime.fromisoformat(value) + delta).isoformat()
            except ValueError:
                return value
    return value


class _Ids:
    """Row ids taken from each table's own sequence (PostgreSQL) or after its highest id (SQLite)."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def take(self, table: _Table, n: int) -> list[int]:
        if n == 0:
            return []
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [qn(table.name), n],
                )
                return [r[0] for r in cursor.fetchall()]
            if table.name not in self.next:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {qn(table.name)}")  # noqa: S608 - model meta
                self.next[table.name] = cursor.fetchone()[0] + 1
        first = self.next[table.name]
        self.next[table.name] = first + n
        return list(range(first, first + n))


def _write(table: _Table, rows: Sequence[list[Any]]) -> None:
    if not rows:
        return
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in table.fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {qn(table.name)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        width = len(table.fields)
        per = max(1, 900 // width)  # SQLite's limit on bound parameters per statement
        marks = "(" + ", ".join(["%s"] * width) + ")"
        for start in range(0, len(rows), per):
            part = rows[start : start + per]
            sql = f"INSERT INTO {qn(table.name)} ({columns}) VALUES " + ", ".join([marks] * len(part))  # noqa: S608
            cursor.execute(sql, [v for row in part for v in row])


def _numbers(batch: list[tuple[AppTemplate, int]]) -> tuple[list[str], list[list[str]]]:
    """Application and case numbers for a chunk, reserved from the real counters by day and center."""
    a_i = TABLES[Application].at
    app_days: Counter[str] = Counter()
    case_days: Counter[tuple[str, str]] = Counter()
    days: list[str] = []
    for app, weeks in batch:
        created = app.row.values[a_i["created_at"]] - dt.timedelta(weeks=weeks)
        ymd = created.astimezone(calendar.TZ).strftime("%Y%m%d")
        days.append(ymd)
        app_days[ymd] += 1
        for c in app.cases:
            case_days[(c.center_code, ymd)] += 1
    app_next = {ymd: counter_next(f"application:{ymd}", n) - n + 1 for ymd, n in sorted(app_days.items())}
    case_next = {
        key: counter_next(f"case:{key[0]}:{key[1]}", n) - n + 1 for key, n in sorted(case_days.items())
    }
    app_numbers, case_numbers = [], []
    for (app, _weeks), ymd in zip(batch, days, strict=True):
        app_numbers.append(f"SQ{ymd}{app_next[ymd]:06d}")
        app_next[ymd] += 1
        mine = []
        for c in app.cases:
            key = (c.center_code, ymd)
            mine.append(f"{c.center_code}-{ymd}-{case_next[key]:06d}")
            case_next[key] += 1
        case_numbers.append(mine)
    return app_numbers, case_numbers


Numbered = tuple[AppTemplate, int, str, list[str]]  # template, weeks back, application number, case numbers


def _chunk(batch: list[Numbered], ids: _Ids, report: BulkReport) -> None:
    t = TABLES
    A, AM, C, CM, CT, CE, SU, EX = (
        t[Application],
        t[ApplicationMaterial],
        t[Case],
        t[CaseMaterial],
        t[CaseTask],
        t[CaseEvent],
        t[Suspension],
        t[Extension],
    )
    cases = [c for app, _w, _n, _c in batch for c in app.cases]
    take = {
        tbl: iter(ids.take(tbl, n))
        for tbl, n in (
            (A, len(batch)),
            (AM, sum(len(a.materials) for a, _w, _n, _c in batch)),
            (C, len(cases)),
            (CM, sum(len(c.materials) for c in cases)),
            (CT, sum(len(c.tasks) for c in cases)),
            (CE, sum(len(c.events) for c in cases)),
            (SU, sum(len(c.suspensions) for c in cases)),
            (EX, sum(len(c.extensions) for c in cases)),
        )
    }
    out: dict[_Table, list[list[Any]]] = {tbl: [] for tbl in take}
    ev = CE.at
    for app, weeks, app_number, numbers in batch:
        delta = -dt.timedelta(weeks=weeks)
        app_id = next(take[A])
        out[A].append(A.clone(app.row, delta, id=app_id, number=app_number, idempotency_key=None))
        material_ids = {}
        for m in app.materials:
            new = next(take[AM])
            material_ids[m.values[AM.at["id"]]] = new
            out[AM].append(AM.clone(m, delta, id=new, application_id=app_id))
        for c, number in zip(app.cases, numbers, strict=True):
            case_id = next(take[C])
            task_ids = {}
            for task in c.tasks:
                new = next(take[CT])
                task_ids[task.values[CT.at["id"]]] = new
                out[CT].append(CT.clone(task, delta, id=new, case_id=case_id))
            for m in c.materials:
                old = m.values[CM.at["material_id"]]
                out[CM].append(
                    CM.clone(
                        m,
                        dt.timedelta(0),
                        id=next(take[CM]),
                        case_id=case_id,
                        material_id=material_ids.get(old),
                    )
                )
            for s in c.suspensions:
                out[SU].append(SU.clone(s, delta, id=next(take[SU]), case_id=case_id))
            for x in c.extensions:
                out[EX].append(EX.clone(x, delta, id=next(take[EX]), case_id=case_id))
            head = GENESIS_HASH
            for e in c.events:
                values = e.values
                data = values[ev["data"]]
                changes: dict[str, Any] = {}
                if isinstance(data, dict):
                    if "application" in data:
                        changes["application"] = app_number
                    if isinstance(data.get("task"), int) and data["task"] in task_ids:
                        changes["task"] = task_ids[data["task"]]
                    data = _move_data(data, delta, changes)
                at = values[ev["at"]] + delta
                digest = event_hash(
                    head,
                    case_number=number,
                    seq=values[ev["seq"]],
                    action=values[ev["action"]],
                    actor_id=values[ev["actor_id"]],
                    actor_name=values[ev["actor_name"]],
                    from_state=values[ev["from_state"]],
                    to_state=values[ev["to_state"]],
                    at=at,
                    opinion=values[ev["opinion"]],
                    data=data,
                )
                out[CE].append(
                    CE.clone(
                        e,
                        dt.timedelta(0),
                        id=next(take[CE]),
                        case_id=case_id,
                        at=at,
                        data=data,
                        prev_hash=head,
                        hash=digest,
                    )
                )
                head = digest
            out[C].append(
                C.clone(
                    c.row,
                    delta,
                    id=case_id,
                    number=number,
                    query_code=new_query_code(),
                    application_id=app_id,
                    last_event_hash=head,
                )
            )
            report.states[c.row.values[C.at["state"]]] += 1
    # Parents before children (foreign keys are checked at once on SQLite, at commit on PostgreSQL).
    for tbl in (A, AM, C, CM, CT, CE, SU, EX):
        _write(tbl, out[tbl])
    report.applications += len(out[A])
    report.cases += len(out[C])
    report.events += len(out[CE])
    report.tasks += len(out[CT])


def _run_chunks(chunks: list[list[Numbered]], checkpoint: bool, progress: Any, report: BulkReport) -> None:
    """Write the chunks one after another in this process, each its own transaction then a checkpoint."""
    from onewindow.trail.services import checkpoint_create, checkpoint_export

    ids = _Ids()
    for batch in chunks:
        with transaction.atomic():
            _chunk(batch, ids, report)
        if checkpoint:
            report.checkpoints += len(checkpoint_create())
            checkpoint_export()
        if progress:
            progress(report)


def _worker(chunks: list[list[Numbered]], checkpoint: bool, out: Any) -> None:
    from django.db import connections

    report = BulkReport()
    sent = BulkReport()

    def tell(r: BulkReport) -> None:  # what this worker wrote since it last told the parent
        step = BulkReport(
            applications=r.applications - sent.applications,
            cases=r.cases - sent.cases,
            events=r.events - sent.events,
            tasks=r.tasks - sent.tasks,
            checkpoints=r.checkpoints - sent.checkpoints,
            states=r.states - sent.states,
        )
        for name in ("applications", "cases", "events", "tasks", "checkpoints"):
            setattr(sent, name, getattr(r, name))
        sent.states = Counter(r.states)
        out.put(("chunk", step))

    try:
        _run_chunks(chunks, checkpoint, tell, report)
        out.put(("done", None))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises
        out.put(("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        connections.close_all()


def generate(
    *,
    count: int,
    seed: int = SEED,
    chunk: int = CHUNK,
    checkpoint: bool = True,
    workers: int = 1,
    progress: Callable[[BulkReport], None] | None = None,
) -> BulkReport:
    """Write `count` cases cloned from the cases in the database (see the module docstring).

    The numbers of every application and case are reserved first, in one transaction (the
    counters by day and center). Each chunk is then one transaction, followed by the trail's
    checkpoint and export (the signing key must exist: `trail_keygen`); on PostgreSQL
    `workers` processes write chunks side by side (ids from the tables' sequences, the
    checkpoint runs serialised by their own advisory lock). Raises BulkError when there is
    nothing to clone.
    """
    started = time.monotonic()
    templates = load_templates(limit=TEMPLATES)
    if not templates:
        raise BulkError("no cases to clone: load the demo first (manage.py load_demo)")
    if checkpoint:
        from onewindow.trail import keys

        keys.signing_key()  # TrailError naming the missing key before anything is written
    planned = plan(templates, count=count, seed=seed)
    with transaction.atomic():
        app_numbers, case_numbers = _numbers(planned)
    numbered = [
        (app, weeks, a, c) for (app, weeks), a, c in zip(planned, app_numbers, case_numbers, strict=True)
    ]
    chunks: list[list[Numbered]] = []
    batch: list[Numbered] = []
    size = 0
    for item in numbered:
        batch.append(item)
        size += len(item[0].cases)
        if size >= chunk:
            chunks.append(batch)
            batch, size = [], 0
    if batch:
        chunks.append(batch)
    report = BulkReport()

    def tick(r: BulkReport) -> None:
        r.seconds = time.monotonic() - started
        if progress:
            progress(r)

    if workers <= 1 or connection.vendor != "postgresql" or len(chunks) < 2:
        _run_chunks(chunks, checkpoint, tick, report)
    else:
        import multiprocessing

        from django.db import connections

        connections.close_all()  # each forked worker opens its own connection
        ctx = multiprocessing.get_context("fork")
        out = ctx.Queue()
        procs = [
            ctx.Process(target=_worker, args=(chunks[w::workers], checkpoint, out), daemon=True)
            for w in range(workers)
        ]
        for proc in procs:
            proc.start()
        failures = []
        running = workers
        while running:
            status, value = out.get()
            if status != "chunk":
                running -= 1
                if status == "failed":
                    failures.append(value)
                continue
            for name in ("applications", "cases", "events", "tasks", "checkpoints"):
                setattr(report, name, getattr(report, name) + getattr(value, name))
            report.states.update(value.states)
            tick(report)
        for proc in procs:
            proc.join()
        if failures:
            raise BulkError("; ".join(failures))
        if checkpoint:  # the last events of a worker may have committed after another's last run
            from onewindow.trail.services import checkpoint_create, checkpoint_export

            report.checkpoints += len(checkpoint_create())
            checkpoint_export()
    _analyze()
    report.seconds = time.monotonic() - started
    return report


def _analyze() -> None:
    """Fresh planner statistics for the tables just filled, as any bulk load ends.

    Without them PostgreSQL plans with the row counts of before the load until autovacuum
    comes round (measured: the case page's material list took 20 ms by a scan of every
    requirement instead of 0.15 ms through the (case, requirement) index). On PostgreSQL the
    tables are vacuumed too (outside a transaction: a test's is left alone), so the visibility
    map is set and index-only scans work at once, as they would once autovacuum has been
    (measured: the department scope's task index, 4,541 buffers and 33 ms without, 559 and
    8 ms with, at 363,000 cases; autovacuum is off on the shared machine)."""
    from onewindow.trail.models import LogEntry

    qn = connection.ops.quote_name
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        for name in [t.name for t in TABLES.values()] + [LogEntry._meta.db_table]:
            cursor.execute(f"{'VACUUM (ANALYZE)' if vacuum else 'ANALYZE'} {qn(name)}")
