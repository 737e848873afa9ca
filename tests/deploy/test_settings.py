"""The deploy variables of README's configuration table, read by config/settings.py.

The settings module is run afresh with the variables given (runpy), so the running test
process keeps its own settings."""

import runpy
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
