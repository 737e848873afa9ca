"""N cases through their whole life, through the service layer, in a fresh database.

    .venv/bin/python -m bench lifecycle [--size N]

Per case (the shape of a 联办 permit): `application_create` + `application_intake`
(accepted at the window by an intake clerk), `case_route`, one joint (并联) stage of three
tasks in three departments (`task_claim` + `task_complete` by an approver of each),
`case_decide` by a fourth approver (not the accepting clerk), `case_complete` and
`case_deliver` (pickup): 12 case events per case.

The county, catalog and staff are built first through the services (catalog_import,
staff_create, applicant_create) and every Staff instance is loaded once with its roles
cached, as a request or batch would; a few warm-up cases fill the per-process caches
(version plan, calendar). Only the lifecycle loop is timed, without query capture. A
second pass of the same loop (not timed) counts statements per action with
`CaptureQueriesContext`; the department inbox read between routing and the tasks (one
SELECT of the case's open tasks) is counted apart, since it is a read, not a transition.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections import Counter

from bench import common

DEFAULT_SIZE = 2000
DEFAULT_WORKERS = None  # 1 on SQLite (one writer at a time), WORKERS_POSTGRESQL on PostgreSQL
WORKERS_POSTGRESQL = 2  # more threads only add GIL hand-offs on two cores (measured: 4 → fewer cases/s)
WARMUP = 5
COUNTED_MAX = 500  # cases in the (untimed) query-counting pass
TARGET = ">= 100 cases/s on SQLite, >= 60 on PostgreSQL with 2 sessions, on the one locked path"
TX_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")
DEPARTMENTS = [
    ("XZSP", "县行政审批服务局"),
    ("ZJJ", "县住房和城乡建设局"),
    ("XFJY", "县消防救援大队"),
]
ITEM_CODE = "371699-ZJ-00001"


def _catalog(center_code: str) -> dict:
    """One 联办 item: two materials, a joint stage of three departments (XZSP decides)."""
    material = {
        "form": "original",
        "copies": 1,
        "medium": "either",
        "required": True,
        "tolerable": False,
        "tolerance_days": 5,
        "source": "applicant",
        "licence_type": "",
        "notes": "",
    }
    task = {"action": "review", "role": "approver", "limit_days": 3}
    return {
        "format": "onewindow-catalog/1",
        "center": center_code,
        "items": [
            {
                "code": ITEM_CODE,
                "name": "建筑工程施工许可（联办）",
                "category": "licensing",
                "department": "XZSP",
                "sector": "",
                "is_active": True,
                "version": {
                    "case_kind": "joint",
                    "applicant_kinds": "both",
                    "legal_basis": "《中华人民共和国建筑法》第八条",
                    "conditions": "已经办理用地批准手续，有满足施工需要的资金安排。",
                    "limit_unit": "working_days",
                    "legal_limit_days": 15,
                    "promised_limit_days": 5,
                    "is_free": True,
                    "fee": "",
                    "fee_basis": "",
                    "where_to_apply": "县政务服务中心综合受理窗口",
                    "office_hours": "工作日 8:30-12:00，14:00-17:30",
                    "consult_phone": "0543-5388000",
                    "complaint_phone": "12345",
                    "online_available": True,
                    "max_visits": 1,
                    "delivery_methods": ["pickup", "mail"],
                    "result_name": "建筑工程施工许可证",
                    "result_licence_type": "",
                    "notes": "",
                    "materials": [
                        {**material, "code": "id_card", "name": "申请人身份证明"},
                        {**material, "code": "application_form", "name": "建筑工程施工许可申请表"},
                    ],
                    "form_fields": [
                        {
                            "key": "project",
                            "label": "项目名称",
                            "kind": "text",
                            "required": True,
                            "choices": [],
                        }
                    ],
                    "stages": [
                        {
                            "name": "并联审查",
                            "tasks": [
                                {**task, "name": "施工许可审查", "department": "XZSP"},
                                {**task, "name": "质量安全监督", "department": "ZJJ"},
                                {**task, "name": "消防设计审查", "department": "XFJY"},
                            ],
                        }
                    ],
                },
            }
        ],
        "lists": [],
        "bundles": [],
    }


def build_fixture():
    """The county, its staff (roles cached on each instance), an applicant and the published item."""
    from onewindow.cases.services import staff_roles
    from onewindow.catalog.models import ServiceItem
    from onewindow.catalog.services import catalog_import
    from onewindow.org.models import Department, Region, Role, ServiceCenter, Staff
    from onewindow.org.services import applicant_create, roles_sync, staff_create

    roles_sync()
    region = Region.objects.create(code="371699000000", name="安和县", level=Region.Level.COUNTY)
    center = ServiceCenter.objects.create(code="AHX", name="安和县政务服务中心", tier="county", region=region)
    depts = {
        code: Department.objects.create(center=center, code=code, name=name) for code, name in DEPARTMENTS
    }
    catalog_import(center=center, data=_catalog(center.code))
    item = ServiceItem.objects.get(center=center, code=ITEM_CODE)

    def person(username, roles, department=None):
        staff_create(center=center, username=username, name=username, roles=roles, department=department)
        # Loaded once, as a request or a batch does, with its roles read once and cached.
        staff = Staff.objects.select_related("user").get(user__username=username)
        staff_roles(staff)
        return staff

    people = {
        "clerk": person("ahx_a01a", [Role.INTAKE_CLERK]),
        "approvers": [
            person("ahx_xzsp_1", [Role.APPROVER], depts["XZSP"]),
            person("ahx_zjj_1", [Role.APPROVER], depts["ZJJ"]),
            person("ahx_xfjy_1", [Role.APPROVER], depts["XFJY"]),
        ],
        "decider": person("ahx_xzsp_2", [Role.APPROVER], depts["XZSP"]),
        "pickup": person("ahx_b01a", [Role.PICKUP_CLERK]),
    }
    applicant = applicant_create(
        kind="organisation",
        name="安和县恒信建筑工程有限公司",
        uscc="91371699MA3C8B1X3C",
        legal_representative="王建国",
        mobile="13805431234",
    )
    return center, item, applicant, people


class Counting:
    """Per-action statement counts, one CaptureQueriesContext per call (transaction control apart)."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.by_action: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self.control: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()

    def run(self, action: str, fn, /, **kwargs):
        from django.test.utils import CaptureQueriesContext

        self.connection.queries_log.clear()  # the log keeps 9,000 entries; start each call empty
        started = time.perf_counter()
        with CaptureQueriesContext(self.connection) as ctx:
            result = fn(**kwargs)
        self.seconds[action] += time.perf_counter() - started
        for q in ctx.captured_queries:
            if q["sql"].upper().startswith(TX_CONTROL):
                self.control[action] += 1
            else:
                self.by_action[action] += 1
        self.calls[action] += 1
        return result


class Plain:
    """The timed pass: calls the services, records nothing."""

    @staticmethod
    def run(action: str, fn, /, **kwargs):
        return fn(**kwargs)


def lifecycle(n: int, *, center, item, applicant, people, runner) -> None:
    from onewindow.cases import selectors, services

    clerk, pickup, decider = people["clerk"], people["pickup"], people["decider"]
    by_department = {a.department_id: a for a in people["approvers"]}
    materials = ["id_card", "application_form"]
    run = runner.run
    for _ in range(n):
        application = run(
            "application_create",
            services.application_create,
            center=center,
            applicant=applicant,
            items=[item],
            channel="window",
            form_data={"project": "安和县恒信商业综合体建设项目"},
            materials=materials,
            actor=clerk,
        )
        result = run("application_intake", services.application_intake, application=application, actor=clerk)
        case = run("case_route", services.case_route, case=result.cases[0], actor=clerk)
        tasks = run("(read open tasks)", selectors.case_open_tasks, case=case)
        for task in tasks:
            # The engine reads the task and its case afresh under the case lock.
            approver = by_department[task.department_id]
            task = run("task_claim", services.task_claim, task=task, actor=approver)
            task = run("task_complete", services.task_complete, task=task, actor=approver, opinion="同意")
            case = task.case
        case = run(
            "case_decide",
            services.case_decide,
            case=case,
            actor=decider,
            decision="granted",
            opinion="准予许可",
        )
        case = run("case_complete", services.case_complete, case=case, actor=decider)
        run(
            "case_deliver",
            services.case_deliver,
            case=case,
            actor=pickup,
            method="pickup",
            signed_by="王建国",
        )


def run_concurrently(n: int, workers: int, fixture: dict) -> None:
    """`n` cases split over `workers` threads, each with its own database session.

    The threads share one Python process, so the engine's Python work runs on one core at a
    time (the GIL); what overlaps is each session's wait for the database, as it does for
    the requests of a server with several workers.
    """
    from django.db import connection

    if workers == 1:
        lifecycle(n, runner=Plain, **fixture)
        return
    shares = [n // workers + (1 if i < n % workers else 0) for i in range(workers)]
    start = threading.Barrier(workers)
    failures: list[BaseException] = []

    def work(share: int) -> None:
        try:
            start.wait()
            lifecycle(share, runner=Plain, **fixture)
        except BaseException as exc:  # noqa: BLE001 - reported after the join
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


FLOOR_CASES = 300  # cases replayed (SQLite) / commits timed (PostgreSQL) for the floor


class _Recorder:
    """Stands in for the sqlite3 connection while recording every statement, its parameters and commits."""

    def __init__(self, raw, log: list) -> None:
        self._raw = raw
        self._log = log

    def execute(self, sql, params=()):
        self._log.append((sql, params))
        return self._raw.execute(sql, params)

    def commit(self):
        self._log.append(("COMMIT", ()))
        return self._raw.commit()

    def __getattr__(self, name):
        return getattr(self._raw, name)


def sqlite_floor(n: int, fixture: dict) -> float:
    """Seconds per case that plain sqlite3 needs for exactly the engine's statements.

    Records every statement of `n` more cases with its parameters (the engine's own
    statements through Django's cursor, BEGIN IMMEDIATE and the commits), then replays them through a bare `sqlite3`
    connection with the same settings on a copy of the database taken just before: the
    database's own share of a case, with no Python engine around it.
    """
    import shutil
    import sqlite3

    from django.db import connection
    from django.db.backends.sqlite3.base import SQLiteCursorWrapper

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.fetchall()
    path = connection.settings_dict["NAME"]
    copy = f"{path}.floor"
    shutil.copyfile(path, copy)
    log: list[tuple[str, object]] = []
    django_execute = SQLiteCursorWrapper.execute

    def execute(cursor, query, params=None):
        log.append((cursor.convert_query(query) if params is not None else query, params or ()))
        return django_execute(cursor, query, params)

    connection.ensure_connection()
    raw = connection.connection
    connection.connection = _Recorder(raw, log)
    SQLiteCursorWrapper.execute = execute
    try:
        lifecycle(n, runner=Plain, **fixture)
    finally:
        SQLiteCursorWrapper.execute = django_execute
        connection.connection = raw
    replay = sqlite3.connect(copy, isolation_level=None)
    try:
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL"):
            replay.execute(f"PRAGMA {pragma}").fetchall()
        started = time.perf_counter()
        for sql, params in log:
            replay.execute(sql, params).fetchall()
        return (time.perf_counter() - started) / n
    finally:
        replay.close()
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(copy + suffix)


def postgresql_commit_seconds(n: int) -> float:
    """Seconds one session waits for the smallest durable write: a one-row UPDATE committed."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_floor (id integer PRIMARY KEY, n integer NOT NULL)")
        cursor.execute("INSERT INTO bench_floor VALUES (1, 0)")
        started = time.perf_counter()
        for _ in range(n):
            cursor.execute("UPDATE bench_floor SET n = n + 1 WHERE id = 1")
        seconds = (time.perf_counter() - started) / n
        cursor.execute("DROP TABLE bench_floor")
    return seconds


def main(size: int, workers: int | None = None) -> None:
    common.setup()
    from django.db import connection

    from onewindow.cases.chain import chain_verify_all
    from onewindow.cases.models import Case, CaseEvent

    print(common.environment())
    center, item, applicant, people = build_fixture()
    fixture = {"center": center, "item": item, "applicant": applicant, "people": people}
    lifecycle(WARMUP, runner=Plain, **fixture)  # version plan, calendar table

    cases_before = Case.objects.count()
    events_before = CaseEvent.objects.count()
    where = (
        "SQLite runs in this process" if connection.vendor == "sqlite" else "the server's CPU not included"
    )
    if workers is None:
        workers = 1 if connection.vendor == "sqlite" else WORKERS_POSTGRESQL
    load_before = os.getloadavg()[0]
    started, cpu_started = time.perf_counter(), time.process_time()
    run_concurrently(size, workers, fixture)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    events = CaseEvent.objects.count() - events_before
    delivered = Case.objects.filter(state="delivered").count() - cases_before
    assert delivered == size, f"{delivered} of {size} cases delivered"

    counted = min(size, COUNTED_MAX)
    events_before = CaseEvent.objects.count()
    counter = Counting(connection)
    lifecycle(counted, runner=counter, **fixture)
    counted_events = CaseEvent.objects.count() - events_before
    broken = sum(1 for _ in chain_verify_all(center_code=center.code))
    assert broken == 0, f"{broken} broken chains"

    transitions = sum(n for a, n in counter.by_action.items() if not a.startswith("("))
    reads = sum(n for a, n in counter.by_action.items() if a.startswith("("))
    print(f"workload: {size:,} cases x {events / size:.0f} events (submit, accept, route, 3 x claim,")
    print("          3 x complete, decide, complete, deliver); one joint stage of three departments")
    sessions = "one session" if workers == 1 else f"{workers} sessions (threads of one process)"
    print(f"          run by {sessions}, each action its own transaction")
    print(f"timed:    {seconds:.2f} s, {size / seconds:,.0f} cases/s, {events / seconds:,.0f} transitions/s")
    print(
        f"          this process used {cpu:.2f} s of CPU ({size / cpu:,.0f} cases per CPU-second, "
        f"{events / cpu:,.0f} transitions per CPU-second; {where}); "
        f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after on {os.cpu_count()} cores"
    )
    print(
        f"queries:  {transitions / counted_events:.2f} per transition "
        f"({transitions:,} statements / {counted_events:,} events over {counted:,} cases, untimed pass); "
        f"with the inbox read {(transitions + reads) / counted_events:.2f}; "
        f"transaction control (BEGIN, COMMIT, savepoints; not counted) {sum(counter.control.values()) / counted:.1f} per case"
    )
    print("per action (statements per call):")
    for action in [*sorted(a for a in counter.calls if not a.startswith("(")), "(read open tasks)"]:
        calls = counter.calls[action]
        print(
            f"  {action:<20} {counter.by_action[action] / calls:5.2f}  ({calls:,} calls; "
            f"+{counter.control[action] / calls:.2f} transaction control; "
            f"{counter.seconds[action] / calls * 1000:.2f} ms per call)"
        )
    print(f"chains verified: {Case.objects.count():,} cases, none broken")
    commits = counted_events // counted  # each event is its own transaction here
    if connection.vendor == "sqlite":
        floor = sqlite_floor(FLOOR_CASES, fixture)
        print(
            f"floor:    the same statements replayed through plain sqlite3 take {floor * 1000:.2f} ms per case "
            f"({FLOOR_CASES} cases, {commits} commits each): no engine on this machine can pass "
            f"{1 / floor:,.0f} cases/s with this schema and these settings"
        )
    else:
        commit = postgresql_commit_seconds(FLOOR_CASES)
        print(
            f"floor:    one committed one-row UPDATE takes {commit * 1000:.2f} ms on one session here; "
            f"{commits} commits per case cap one session at {1 / (commits * commit):,.0f} cases/s"
        )
    common.report("lifecycle", round(size / seconds), "cases/s", TARGET)
