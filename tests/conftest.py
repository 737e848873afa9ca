import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import translation

from onewindow.cases.plans import version_plan_cache_clear
from onewindow.core.calendar import calendar_reload


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need real row locks and concurrent connections.

    The browser journeys (tests/e2e) drive pages, not the database: CI runs them on SQLite only,
    so the suite stays inside its time on two cores (issue 9 allows journeys on one database).
    ONEWINDOW_E2E_ON_POSTGRES=1 runs them on PostgreSQL too."""
    import os

    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        if os.environ.get("ONEWINDOW_E2E_ON_POSTGRES") == "1":
            return
        journey = pytest.mark.skip(
            reason="browser journeys run on SQLite (ONEWINDOW_E2E_ON_POSTGRES=1 runs them here)"
        )
        for item in items:
            if item.nodeid.startswith("tests/e2e/"):
                item.add_marker(journey)
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def fresh_calendar(request, settings):
    """Each test sees the calendar compiled from its own database state: overrides a rolled-back
    test wrote must not linger in the in-process cache, and no periodic re-read may land inside
    a query-count assertion (test_calendar tests the re-read itself)."""
    if request.module.__name__ != "tests.core.test_calendar":
        settings.ONEWINDOW_CALENDAR_RECHECK_SECONDS = 0
    # Argon2 is deliberately slow; factories hash a password for every user they make.
    # Argon2 stays listed so passwords hashed before the fixture (module-scoped data) still verify.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
    calendar_reload()
    version_plan_cache_clear()  # ids are reused after a rollback on SQLite: no stale plans
    yield
    calendar_reload()
    version_plan_cache_clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's language (Chinese): a request to an /en/ page activates
    English in the test's thread, and nothing in Django switches it back after the response."""
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def jobs_dir(settings, tmp_path_factory):
    """Each test stores its background jobs' inputs in a folder of its own, never in var/."""
    settings.JOBS_DIR = tmp_path_factory.mktemp("jobs")
    return settings.JOBS_DIR


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file in WAL mode, as production's is (not Django's
    shared in-memory database): concurrent connections (threads, the worker) then wait for
    the one writer as in production instead of failing with "database table is locked"."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["TEST"]["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session")
def _exports_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("exports")


@pytest.fixture(autouse=True)
def exports_dir(settings, _exports_dir):
    """Case search exports written by a test land in a temporary directory, never in var/."""
    settings.ONEWINDOW_EXPORT_DIR = _exports_dir
    return _exports_dir


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """End sessions other tests left behind (threads, the live server) before the test
    database is dropped: PostgreSQL refuses to drop a database someone is connected to."""
    yield
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
