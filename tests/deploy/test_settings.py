"""The deploy variables of README's configuration table, read by config/settings.py.

The settings module is run afresh with the variables given (runpy), so the running test
process keeps its own settings."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

SETTINGS = Path(__file__).resolve().parents[2] / "config" / "settings.py"
VARIABLES = (
    "ONEWINDOW_PROXY_SSL_HEADER",
    "ONEWINDOW_PUBLIC_URL",
    "ONEWINDOW_HTTPS",
    "ONEWINDOW_USE_X_FORWARDED_HOST",
    "ONEWINDOW_HSTS_SECONDS",
    "CSRF_TRUSTED_ORIGINS",
    "DEBUG",
    "ONEWINDOW_SSL_REDIRECT",
    "ONEWINDOW_HSTS_INCLUDE_SUBDOMAINS",
    "ONEWINDOW_HSTS_PRELOAD",
    "ONEWINDOW_SIGNIN_FAILURES",
    "ONEWINDOW_SIGNIN_LOCKOUT_MINUTES",
    "ONEWINDOW_SESSION_IDLE_MINUTES",
    "ONEWINDOW_SESSION_MAX_HOURS",
    "ONEWINDOW_BATCH_MAX_BYTES",
    "ONEWINDOW_BATCH_MAX_ROWS",
)


@pytest.fixture
def settings_with(monkeypatch, tmp_path):
    def read(**variables: str) -> dict:
        for name in VARIABLES:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("ONEWINDOW_DATA_DIR", str(tmp_path))
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS))

    return read


def test_by_default_nothing_is_trusted_from_a_proxy_and_cookies_also_travel_over_http(settings_with):
    values = settings_with()
    assert "SECURE_PROXY_SSL_HEADER" not in values
    assert values["USE_X_FORWARDED_HOST"] is False
    assert values["CSRF_TRUSTED_ORIGINS"] == []
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0


def test_behind_a_tls_proxy_the_forwarded_scheme_counts_and_cookies_are_secure(settings_with):
    values = settings_with(ONEWINDOW_PROXY_SSL_HEADER="1")
    assert values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True


def test_secure_cookies_can_be_turned_off_behind_the_proxy(settings_with):
    values = settings_with(ONEWINDOW_PROXY_SSL_HEADER="1", ONEWINDOW_HTTPS="0")
    assert values["SESSION_COOKIE_SECURE"] is False


def test_the_public_url_is_the_trusted_origin_without_its_path(settings_with):
    values = settings_with(ONEWINDOW_PUBLIC_URL="https://ZWFW.example.gov.cn:8443/progress/")
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://zwfw.example.gov.cn:8443"]


def test_explicit_trusted_origins_replace_the_public_url(settings_with):
    values = settings_with(
        ONEWINDOW_PUBLIC_URL="https://zwfw.example.gov.cn",
        CSRF_TRUSTED_ORIGINS="https://a.example.gov.cn, https://b.example.gov.cn:8443",
    )
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://a.example.gov.cn", "https://b.example.gov.cn:8443"]


def test_a_public_url_without_a_scheme_adds_no_origin(settings_with):
    assert settings_with(ONEWINDOW_PUBLIC_URL="zwfw.example.gov.cn")["CSRF_TRUSTED_ORIGINS"] == []


def test_forwarded_host_and_hsts_are_opt_in(settings_with):
    values = settings_with(ONEWINDOW_USE_X_FORWARDED_HOST="1", ONEWINDOW_HSTS_SECONDS="3600")
    assert values["USE_X_FORWARDED_HOST"] is True
    assert values["SECURE_HSTS_SECONDS"] == 3600


# ------------------------------------------------------------------ the documented production settings

ROOT = SETTINGS.parents[1]
OPERATIONS = ROOT / "docs" / "operations.md"


def documented_production_env() -> dict[str, str]:
    """The variables of docs/operations.md's "Production settings" block, as written there."""
    text = OPERATIONS.read_text()
    block = text.split("<!-- production-env:start -->", 1)[1].split("<!-- production-env:end -->", 1)[0]
    variables = {}
    for line in block.splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "```")):
            name, _, value = line.partition("=")
            variables[name] = value
    return variables


def production_env(tmp_path) -> dict[str, str]:
    """The documented variables with the placeholders filled in, in an environment of its own."""
    import secrets

    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items() if not k.startswith(("ONEWINDOW_", "DJANGO_"))}
    for name in (*VARIABLES, "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"):
        env.pop(name, None)
    env.update(documented_production_env())
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["ONEWINDOW_FIELD_KEY"] = Fernet.generate_key().decode()
    env["ONEWINDOW_DATA_DIR"] = str(tmp_path)
    env.pop("DATABASE_URL")  # SQLite in the data folder: the checks below need no database server
    env["PYTHONPATH"] = str(ROOT)
    return env


def test_the_documented_block_sets_what_production_needs():
    env = documented_production_env()
    assert env["DEBUG"] == "0"
    for name in (
        "SECRET_KEY",
        "ONEWINDOW_FIELD_KEY",
        "ALLOWED_HOSTS",
        "ONEWINDOW_PROXY_SSL_HEADER",
        "ONEWINDOW_HTTPS",
        "ONEWINDOW_HSTS_SECONDS",
        "ONEWINDOW_SIGNIN_FAILURES",
        "ONEWINDOW_SIGNIN_LOCKOUT_MINUTES",
        "ONEWINDOW_SESSION_IDLE_MINUTES",
        "ONEWINDOW_SESSION_MAX_HOURS",
    ):
        assert env.get(name), name


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    """Every check, not only the security ones, in a process of its own: no warning at all."""
    result = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout, result.stdout + result.stderr


def test_without_the_https_settings_check_deploy_names_what_is_missing(tmp_path):
    env = production_env(tmp_path)
    for name in ("ONEWINDOW_SSL_REDIRECT", "ONEWINDOW_HSTS_SECONDS"):
        env.pop(name)
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout
    assert "security.W008" in result.stderr + result.stdout


def test_the_https_redirect_and_hsts_words_are_opt_in(settings_with):
    values = settings_with()
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False and values["SECURE_HSTS_PRELOAD"] is False
    values = settings_with(
        ONEWINDOW_SSL_REDIRECT="1", ONEWINDOW_HSTS_INCLUDE_SUBDOMAINS="1", ONEWINDOW_HSTS_PRELOAD="1"
    )
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True and values["SECURE_HSTS_PRELOAD"] is True


def test_the_sign_in_and_session_settings_come_from_the_environment(settings_with):
    values = settings_with(
        ONEWINDOW_SIGNIN_FAILURES="3",
        ONEWINDOW_SIGNIN_LOCKOUT_MINUTES="60",
        ONEWINDOW_SESSION_IDLE_MINUTES="10",
        ONEWINDOW_SESSION_MAX_HOURS="8",
    )
    assert values["AXES_FAILURE_LIMIT"] == 3
    assert values["AXES_COOLOFF_TIME"].total_seconds() == 3600
    assert values["SESSION_IDLE_MINUTES"] == 10
    assert values["SESSION_COOKIE_AGE"] == 8 * 3600


def test_the_batch_sheet_bounds_default_to_ten_megabytes_and_5000_rows_and_come_from_the_environment(
    settings_with,
):
    values = settings_with()
    assert (values["ONEWINDOW_BATCH_MAX_BYTES"], values["ONEWINDOW_BATCH_MAX_ROWS"]) == (
        10 * 1024 * 1024,
        5000,
    )
    values = settings_with(ONEWINDOW_BATCH_MAX_BYTES="2097152", ONEWINDOW_BATCH_MAX_ROWS="300")
    assert (values["ONEWINDOW_BATCH_MAX_BYTES"], values["ONEWINDOW_BATCH_MAX_ROWS"]) == (2 * 1024 * 1024, 300)
