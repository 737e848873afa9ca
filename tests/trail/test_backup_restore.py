"""A database backup, the public key and the exported checkpoints, restored on a fresh machine, verify.

The restored installation is a separate process with its own data folder (no signing key,
a different SECRET_KEY), as on a new machine: `manage.py verify_case_chain` must pass.
"""

import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from onewindow.cases import services
from tests.factories.cases import completed_case, in_progress_case, make_world

from .conftest import checkpoint

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(django_settings.BASE_DIR)


def history(world):
    cases = [completed_case(world), in_progress_case(world)]
    checkpoint()
    services.case_extend(case=cases[1], actor=world.chief, days=2, reason="补充检测")
    checkpoint()
    return cases


def fresh_machine(tmp_path, settings, database_url):
    """A new data folder holding only the public key and the exported checkpoints."""
    data = tmp_path / "restored"
    (data / "trail").mkdir(parents=True)
    shutil.copy(settings.TRAIL_PUBLIC_KEY, data / "trail" / "signing-key.pem.pub")
    shutil.copy(settings.TRAIL_CHECKPOINT_FILE, data / "trail" / "checkpoints.jsonl")
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("ONEWINDOW_", "DATABASE_URL", "SECRET_KEY"))
    }
    env.update(ONEWINDOW_DATA_DIR=str(data), DATABASE_URL=database_url)
    return data, env


def verify(env):
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "verify_case_chain"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backup")


def test_a_sqlite_backup_restored_on_a_fresh_machine_verifies(sqlite_only, signing_key, settings, tmp_path):
    world = make_world()
    history(world)
    backup = tmp_path / "onewindow-backup.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(backup)])
    data, env = fresh_machine(tmp_path, settings, "")
    shutil.copy(backup, data / "onewindow.sqlite3")
    env.pop("DATABASE_URL")  # the default: the SQLite file in the data folder
    done = verify(env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (data / "trail" / "signing-key.pem").exists()


def test_a_sqlite_backup_older_than_the_exported_checkpoints_shows_what_was_lost(
    sqlite_only, signing_key, settings, tmp_path
):
    world = make_world()
    case = in_progress_case(world)
    checkpoint()
    backup = tmp_path / "older.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(backup)])
    services.case_extend(case=case, actor=world.chief, days=2, reason="备份之后")
    checkpoint()
    data, env = fresh_machine(tmp_path, settings, "")
    shutil.copy(backup, data / "onewindow.sqlite3")
    env.pop("DATABASE_URL")
    done = verify(env)
    # The exported copy holds the signed heads, not the entries: the verifier names the
    # checkpoint the database lacks and how much of the log is gone, and fails.
    assert done.returncode != 0
    assert re.search(r"(checkpoint|检查点) 2", done.stdout), done.stdout


@pytest.mark.postgres
@pytest.mark.skipif(not shutil.which("pg_dump") or not shutil.which("pg_restore"), reason="needs pg_dump")
def test_a_pg_dump_restored_into_a_fresh_database_verifies(signing_key, settings, tmp_path):
    world = make_world()
    history(world)
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    server = f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    dump = tmp_path / "onewindow.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), f"{server}/{db['NAME']}"], check=True, timeout=120)  # noqa: S603, S607
    fresh = f"ow_restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{fresh}"')
    try:
        subprocess.run(  # noqa: S603
            ["pg_restore", "--no-owner", "-d", f"{server}/{fresh}", str(dump)],  # noqa: S607
            check=True,
            timeout=120,
        )
        _data, env = fresh_machine(tmp_path, settings, f"{server}/{fresh}")
        done = verify(env)
        assert done.returncode == 0, done.stdout + done.stderr
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [fresh]
            )
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
