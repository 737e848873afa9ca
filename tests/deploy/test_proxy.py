"""The HTTPS deployment of docs/operations.md, for real: nginx with the documented configuration
terminates TLS (a self-signed certificate made here) in front of gunicorn, both on loopback, and
a client that behaves like a browser signs in to the admin and saves a form through it.

nginx reaches gunicorn from 127.0.0.2 (`proxy_bind`), standing for a proxy on another machine:
gunicorn trusts X-Forwarded-Proto by itself only from 127.0.0.1, so there only OneWindow's own
settings decide whether Django knows the browser used HTTPS. The same sign-in without those
settings is refused with a CSRF 403, which is the fault the settings fix.

Every process is started here, waited for with a deadline and stopped by its own id; the database
is an SQLite file in a temporary data folder that the test and gunicorn both open.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "operations.md"
PUBLIC_NAME = "zwfw.example.gov.cn"  # the name in the documented configuration; never resolved
PROXY_ADDRESS = "127.0.0.2"  # where nginx connects from: "another machine", still loopback
PASSWORD = "pw-for-the-proxy-test"
TIMEOUT = 20  # seconds for any one step (a start, a request)


def _nginx() -> str | None:
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def _loopback_alias_usable() -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((PROXY_ADDRESS, 0))
        except OSError:
            return False
    return True


pytestmark = [
    pytest.mark.proxy,
    pytest.mark.skipif(
        _nginx() is None, reason="nginx is missing: `make proxy-tools` installs Debian's nginx"
    ),
    pytest.mark.skipif(
        shutil.which("openssl") is None, reason="openssl is missing (Debian's openssl package)"
    ),
    pytest.mark.skipif(
        not _loopback_alias_usable(), reason=f"{PROXY_ADDRESS} is not a usable loopback address here"
    ),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def documented_nginx_config() -> str:
    """The ```nginx block of docs/operations.md, exactly as an operator copies it."""
    blocks = re.findall(r"```nginx\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert len(blocks) == 1, "docs/operations.md should show one nginx configuration"
    return blocks[0]


def localise(config: str, *, replacements: dict[str, str]) -> str:
    """The documented configuration with its ports, certificate and upstream made local; each
    documented value must be there once, so the test breaks when the documentation changes."""
    for documented, local in replacements.items():
        assert config.count(documented) == 1, f"{documented!r} not found once in the documented config"
        config = config.replace(documented, local)
    return config


def run(args: list[str], *, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, f"{args[:4]} failed:\n{result.stdout}\n{result.stderr}"


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"{process.args!r} exited with {process.returncode}:\n{log.read_text(errors='replace')}"
            )
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail(f"nothing listened on 127.0.0.1:{port} within {TIMEOUT}s:\n{log.read_text(errors='replace')}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process this test started, and its children (gunicorn's and nginx's workers)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@dataclass
class Site:
    """A prepared deployment: certificate, data folder with a migrated database and an account."""

    tmp: Path
    data_dir: Path
    cert: Path
    key: Path

    def child_env(self, **variables: str) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("ONEWINDOW_", "CSRF_", "DJANGO_SUPERUSER_", "GUNICORN_"))
            and k not in {"DATABASE_URL", "ALLOWED_HOSTS", "DEBUG", "FORWARDED_ALLOW_IPS", "SECRET_KEY"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            ONEWINDOW_DATA_DIR=str(self.data_dir),
            ALLOWED_HOSTS=PUBLIC_NAME,
            DEBUG="0",
        )
        env.update(variables)
        return env


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    tmp = tmp_path_factory.mktemp("proxy")
    cert, key = tmp / "fullchain.pem", tmp / "privkey.pem"
    run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={PUBLIC_NAME}",
            "-addext", f"subjectAltName=DNS:{PUBLIC_NAME},IP:127.0.0.1",
        ]
    )  # fmt: skip
    built = Site(tmp=tmp, data_dir=tmp / "data", cert=cert, key=key)
    built.data_dir.mkdir()
    env = built.child_env(DJANGO_SUPERUSER_PASSWORD=PASSWORD)
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env=env)
    account = "createsuperuser --noinput --username root --email root@example.com".split()
    run([sys.executable, "manage.py", *account], env=env)
    return built


@dataclass
class Served:
    https_port: int
    http_port: int
    gunicorn_log: Path
    nginx_log: Path


@contextlib.contextmanager
def serve(site: Site, **variables: str) -> Iterator[Served]:
    """gunicorn with `variables` in its environment, behind nginx with the documented config."""
    upstream, https_port, http_port = free_port(), free_port(), free_port()
    run_dir = site.tmp / f"run-{https_port}"
    run_dir.mkdir()
    gunicorn_log, nginx_log = run_dir / "gunicorn.log", run_dir / "nginx-error.log"
    servers = localise(
        documented_nginx_config(),
        replacements={
            "listen 80;": f"listen 127.0.0.1:{http_port};",
            "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
            "/etc/ssl/onewindow/fullchain.pem": str(site.cert),
            "/etc/ssl/onewindow/privkey.pem": str(site.key),
            "proxy_pass http://127.0.0.1:8000;": f"proxy_pass http://127.0.0.1:{upstream}; proxy_bind {PROXY_ADDRESS};",
        },
    )
    temp_paths = "\n".join(
        f"    {kind}_temp_path {run_dir / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # The http block around the documented servers: everything in the run folder; responses and
    # request bodies are relayed from memory (workers may not be able to write in this folder when
    # nginx runs as root; a deployed nginx writes large bodies to its own client_body_temp_path).
    (run_dir / "nginx.conf").write_text(
        f"worker_processes 1;\npid {run_dir / 'nginx.pid'};\nerror_log {nginx_log} info;\n"
        f"events {{ worker_connections 64; }}\n"
        f"http {{\n    access_log off;\n{temp_paths}\n    proxy_max_temp_file_size 0;\n"
        f"    client_body_buffer_size 128m;\n{servers}\n}}\n"
    )
    with gunicorn_log.open("wb") as out:
        gunicorn = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{upstream}",
             "--workers", "1", "--timeout", "30", "--graceful-timeout", "5"],
            cwd=ROOT, env=site.child_env(**variables), stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    nginx: subprocess.Popen[bytes] | None = None
    try:
        wait_for_port(upstream, gunicorn, gunicorn_log)
        with nginx_log.open("ab") as out:
            nginx = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
                [str(_nginx()), "-p", str(run_dir), "-c", str(run_dir / "nginx.conf"), "-e", str(nginx_log),
                 "-g", "daemon off;"],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        wait_for_port(https_port, nginx, nginx_log)
        yield Served(
            https_port=https_port, http_port=http_port, gunicorn_log=gunicorn_log, nginx_log=nginx_log
        )
    finally:
        if nginx is not None:
            stop(nginx)
        stop(gunicorn)


@dataclass
class Browser:
    """Just enough of a browser: HTTPS checked against the test's certificate, the public name in
    Host, cookies kept, and Origin and Referer sent with every POST as browsers do."""

    site: Site
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    set_cookie_headers: list[str] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return f"https://{PUBLIC_NAME}:{self.port}"

    def request(self, method: str, path: str, data: dict[str, str] | None = None) -> http.client.HTTPResponse:
        context = ssl.create_default_context(cafile=str(self.site.cert))
        connection = http.client.HTTPSConnection("127.0.0.1", self.port, context=context, timeout=TIMEOUT)
        headers = {"Host": f"{PUBLIC_NAME}:{self.port}", "Accept-Language": "zh-hans"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.body = response.read().decode("utf-8", errors="replace")  # type: ignore[attr-defined]
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.set_cookie_headers.append(header)
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def form_token(self, path: str) -> str:
        response = self.request("GET", path)
        assert response.status == 200, response.status
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.body)  # type: ignore[attr-defined]
        assert match, "no CSRF token in the form"
        assert "csrftoken" in self.cookies
        return match.group(1)

    def sign_in(self) -> http.client.HTTPResponse:
        token = self.form_token("/admin/login/?next=/admin/")
        return self.request(
            "POST",
            "/admin/login/?next=/admin/",
            {"csrfmiddlewaretoken": token, "username": "root", "password": PASSWORD, "next": "/admin/"},
        )


def test_sign_in_and_a_form_work_through_the_documented_tls_proxy(site: Site) -> None:
    public_url = f"https://{PUBLIC_NAME}"
    with serve(site, ONEWINDOW_PROXY_SSL_HEADER="1", ONEWINDOW_PUBLIC_URL=public_url) as served:
        browser = Browser(site, served.https_port)
        response = browser.sign_in()
        assert response.status == 302, (response.status, served.gunicorn_log.read_text(errors="replace"))
        assert response.getheader("Location") == "/admin/"
        assert "sessionid" in browser.cookies
        # Behind TLS the cookies only travel encrypted.
        for name in ("csrftoken", "sessionid"):
            header = next(h for h in browser.set_cookie_headers if h.startswith(f"{name}="))
            assert "; Secure" in header, header
        assert browser.request("GET", "/admin/").status == 200

        # A form of the admin, saved through the proxy: a calendar override lands in the database.
        token = browser.form_token("/admin/core/calendarday/add/")
        response = browser.request(
            "POST",
            "/admin/core/calendarday/add/",
            {
                "csrfmiddlewaretoken": token,
                "date": "2031-10-11",
                "is_working_day": "on",
                "note": "调休上班",
                "_save": "1",
            },
        )
        assert response.status == 302, response.status
        assert response.getheader("Location") == "/admin/core/calendarday/"
        with contextlib.closing(sqlite3.connect(site.data_dir / "onewindow.sqlite3", timeout=TIMEOUT)) as db:
            rows = db.execute(
                "SELECT is_working_day, note FROM core_calendarday WHERE date = '2031-10-11'"
            ).fetchall()
        assert rows == [(1, "调休上班")]

        # Plain HTTP is sent to HTTPS by the documented first server.
        plain = http.client.HTTPConnection("127.0.0.1", served.http_port, timeout=TIMEOUT)
        try:
            plain.request("GET", "/admin/", headers={"Host": PUBLIC_NAME})
            redirect = plain.getresponse()
        finally:
            plain.close()
        assert redirect.status == 301
        assert redirect.getheader("Location") == f"https://{PUBLIC_NAME}/admin/"


def test_without_the_proxy_settings_the_same_sign_in_is_refused_as_csrf(site: Site) -> None:
    with serve(site) as served:
        browser = Browser(site, served.https_port)
        response = browser.sign_in()
        assert response.status == 403
        assert "表单未能提交" in response.body  # type: ignore[attr-defined]  # the CSRF page, in Chinese
        assert "sessionid" not in browser.cookies
        assert "Forbidden (Origin checking failed" in served.gunicorn_log.read_text(errors="replace")


def _post_bytes(served: Served, site: Site, path: str, size: int) -> tuple[int, str]:
    """POST `size` bytes through the proxy, as a browser's multipart save of large scans would."""
    context = ssl.create_default_context(cafile=str(site.cert))
    connection = http.client.HTTPSConnection("127.0.0.1", served.https_port, context=context, timeout=60)
    headers = {
        "Host": f"{PUBLIC_NAME}:{served.https_port}",
        "Accept-Language": "zh-hans",
        "Content-Type": "application/octet-stream",
        "Content-Length": str(size),
    }
    try:
        connection.putrequest("POST", path, skip_host=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        chunk = b"0" * 2**20
        sent = 0
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            while sent < size:
                part = chunk[: size - sent]
                connection.send(part)
                sent += len(part)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()


def test_the_proxy_passes_every_save_the_app_takes_and_the_app_refuses_larger_ones_itself(site: Site) -> None:
    """The portal's apply form posts all its files at once: nginx's limit must sit above the app's,
    so a citizen reads OneWindow's Chinese answer, never nginx's bare 413 (docs/operations.md)."""
    from django.conf import settings

    limit = settings.ONEWINDOW_MAX_REQUEST_MB * 2**20
    with serve(site, ONEWINDOW_PROXY_SSL_HEADER="1", ONEWINDOW_PUBLIC_URL=f"https://{PUBLIC_NAME}") as served:
        # A dozen phone photos (30 MB) reach the app (its CSRF check answers this bare POST).
        status, body = _post_bytes(served, site, "/account/login/", 30 * 2**20)
        assert status == 403 and "表单未能提交" in body, (status, body[:300])
        # One byte past the app's own limit: still under nginx's, answered by the app in Chinese.
        status, body = _post_bytes(served, site, "/account/login/", limit + 1)
        assert status == 413 and f"{settings.ONEWINDOW_MAX_REQUEST_MB} MB" in body, (status, body[:300])
        assert "nginx" not in body
