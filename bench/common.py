"""Shared plumbing for benchmarks: Django setup on a throwaway database, environment, report.

    from bench import common

    DEFAULT_SIZE = 1000

    def main(size: int) -> None:
        common.setup()                      # Django + a FRESH database, dropped at exit
        print(common.environment())
        ... measure with time.perf_counter() ...
        common.report("my_bench", seconds, "s", "< 2 s")

`setup()` never touches the configured (demo or production) database: it creates a new
one next to it through Django's test-database machinery, migrates it, and registers its
destruction with `atexit`. On SQLite the throwaway database is a temporary FILE (not
`:memory:`), so numbers include real I/O; on PostgreSQL it is a database named
`bench_<pid>` on the configured server, so two benchmarks (or a test run) never collide.
"""

import atexit
import os
import platform
import shutil
import sys
import tempfile

_state: dict[str, object] = {}


def setup() -> None:
    """Configure Django and create a fresh, migrated throwaway database (idempotent)."""
    if _state.get("ready"):
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()

    from django.conf import settings
    from django.db import connection, connections

    db = settings.DATABASES["default"]
    db.setdefault("TEST", {})
    tmpdir: str | None = None
    if connection.vendor == "sqlite":
        tmpdir = tempfile.mkdtemp(prefix="onewindow-bench-")
        db["TEST"]["NAME"] = os.path.join(tmpdir, "bench.sqlite3")
    else:
        db["TEST"]["NAME"] = f"bench_{os.getpid()}"
    old_name = db["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)

    def teardown() -> None:
        throwaway = connection.settings_dict["NAME"]
        try:
            connections.close_all()
            if connection.vendor == "postgresql":
                # Worker threads of a benchmark may still hold sessions: end them, or the
                # DROP DATABASE below fails with "being accessed by other users".
                with connection._nodb_cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()",
                        [throwaway],
                    )
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        except Exception as exc:  # noqa: BLE001 - at exit: say what is left behind, don't hide the report
            print(f"bench: could not drop the throwaway database {throwaway}: {exc}", file=sys.stderr)
        finally:
            if tmpdir:
                shutil.rmtree(tmpdir, ignore_errors=True)

    atexit.register(teardown)
    _state["ready"] = True


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def _cores() -> str:
    total = os.cpu_count() or 1
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = total
    return f"{usable} usable of {total} cores" if usable != total else f"{total} cores"


def _database() -> str:
    if not _state.get("ready"):
        return "database: not set up"
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        return f"PostgreSQL {version} (database {connection.settings_dict['NAME']})"
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} (file {connection.settings_dict['NAME']})"
    return f"{connection.vendor} {connection.Database.__version__}"


def environment() -> str:
    """One line describing the machine: CPU model, cores, Python, database vendor and version."""
    python = f"Python {platform.python_version()} ({platform.python_implementation()})"
    return f"{_cpu_model()}, {_cores()}, {python}, {_database()}, {sys.platform}"


def report(name: str, value: float, unit: str, target: str) -> None:
    """Print the final single line: `NAME: VALUE UNIT (target: TARGET)`."""
    shown = f"{value:.3f}" if isinstance(value, float) else str(value)
    print(f"{name}: {shown} {unit} (target: {target})", flush=True)
