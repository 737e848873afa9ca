"""`python -m bench pages [--size N]`: the workbench's pages under an open-loop load, at a county's size.

What it does (docs/performance.md, "pages"):

1. A kept template database on the configured PostgreSQL server, named by a hash of the
   migrations, the generator's version and the size (`bench_pages_<hash>_<size>`): built
   once by the real commands (`migrate`, `load_demo`, `trail_keygen`, `generate_cases
   --count N`, `verify_case_chain`), each as its own process, and kept, so a rerun does not
   reload. Each run copies it (`CREATE DATABASE … TEMPLATE …`) and drops the copy at exit.
   On SQLite (small sizes only) the template is a kept file, copied the same way.
2. gunicorn (2 workers, the production settings: DEBUG off, whitenoise) on 127.0.0.1.
3. Real demo staff signed in through the real sign-in page (`/workbench/login/`).
4. A second process sends requests at fixed intervals whatever the answers (open loop);
   each latency is measured from the request's scheduled time, so a slow answer delays
   the next requests' numbers too (no coordinated omission). Pages: the department inbox,
   case search with the filters people use and its next pages by keyset, case pages of
   varied cases in the staff member's scope.
5. 20 requests a second for a minute (the target: p50 < 30 ms, p99 < 150 ms), then the
   rate stepped up to find the highest one whose p99 stays under 150 ms; last, each role's
   home page.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from multiprocessing import Process, Queue
from pathlib import Path

from bench import common

DEFAULT_SIZE = 1_000_000
ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "onewindow-demo"
P50_TARGET, P99_TARGET = 0.030, 0.150
TARGET = f"at 20 req/s: p50 < {P50_TARGET * 1000:.0f} ms, p99 < {P99_TARGET * 1000:.0f} ms; highest rate with p99 < 150 ms"


def fingerprint(size: int) -> str:
    """What the kept database depends on: every migration file, the generator's version, the size."""
    from onewindow.demo import bulk

    digest = hashlib.sha256()
    for path in sorted((ROOT / "onewindow").glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    digest.update(f"generator {bulk.VERSION} size {size}".encode())
    return digest.hexdigest()[:10]


def template_name(size: int) -> str:
    return f"bench_pages_{fingerprint(size)}_{size}"


def kept_dir(name: str) -> Path:
    """The kept database's trail key and exported checkpoints (and the SQLite file)."""
    from django.conf import settings

    return Path(settings.DATA_DIR) / "bench" / name


# --- the kept database -------------------------------------------------------------------


def _pg_url(name: str) -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    user = urllib.parse.quote(db.get("USER") or "")
    password = urllib.parse.quote(db.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}{port}/{name}"


def _admin_sql(sql: str, params: list[object] | None = None) -> list[tuple]:
    """A statement on the server outside any database of ours (CREATE/DROP DATABASE)."""
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall() if cursor.description else []


def _pg_exists(name: str) -> bool:
    return bool(_admin_sql("SELECT 1 FROM pg_database WHERE datname = %s", [name]))


def _trail_env(kept: Path) -> dict[str, str]:
    return {
        "ONEWINDOW_TRAIL_SIGNING_KEY": str(kept / "trail" / "signing-key.pem"),
        "ONEWINDOW_TRAIL_PUBLIC_KEY": str(kept / "trail" / "signing-key.pem.pub"),
        "ONEWINDOW_TRAIL_CHECKPOINTS": str(kept / "trail" / "checkpoints.jsonl"),
    }


def _manage(args: list[str], env: dict[str, str]) -> None:
    started = time.monotonic()
    print(f"  manage.py {' '.join(args)} …", flush=True)
    subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *args], env={**os.environ, **env}, cwd=ROOT, check=True
    )
    print(f"  … {time.monotonic() - started:.0f} s (load average {_load()})", flush=True)


def build_template(size: int, url: str, kept: Path) -> None:
    """Build the kept database at `url` by the project's own commands, each its own process."""
    shutil.rmtree(kept / "trail", ignore_errors=True)
    env = {"DATABASE_URL": url, **_trail_env(kept)}
    workers = "2" if url.startswith("postgres") else "1"
    _manage(["migrate", "-v", "0"], env)
    _manage(["load_demo", "-v", "0"], env)
    _manage(["trail_keygen"], env)
    _manage(["generate_cases", "--count", str(size), "--workers", workers, "-v", "0"], env)
    _manage(["verify_case_chain"], env)  # exits non-zero when anything is wrong


def prepare_database(size: int) -> tuple[str, str, Path, object]:
    """(DATABASE_URL of this run's copy, the template's name, the kept folder, a cleanup function)."""
    from django.db import connection

    name = os.environ.get("BENCH_PAGES_TEMPLATE") or template_name(size)
    kept = kept_dir(name)
    if connection.vendor == "postgresql":
        if not _pg_exists(name):
            print(f"Building the kept database {name} (once; later runs reuse it) …", flush=True)
            building = f"{name}_building"
            _admin_sql(f'DROP DATABASE IF EXISTS "{building}"')
            _admin_sql(f'CREATE DATABASE "{building}"')
            build_template(size, _pg_url(building), kept)
            _admin_sql(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
        else:
            print(f"Reusing the kept database {name}.", flush=True)
        run = f"bench_pages_run_{os.getpid()}"
        started = time.monotonic()
        _admin_sql(f'CREATE DATABASE "{run}" TEMPLATE "{name}"')
        print(f"Copied it to {run} in {time.monotonic() - started:.1f} s.", flush=True)

        def drop() -> None:
            _admin_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [run],
            )
            _admin_sql(f'DROP DATABASE IF EXISTS "{run}"')

        return _pg_url(run), name, kept, drop
    if size > 100_000:
        raise SystemExit("bench pages: on SQLite use --size 100000 or less (PostgreSQL for a county's year)")
    kept.mkdir(parents=True, exist_ok=True)
    template = kept / "template.sqlite3"
    if not template.exists():
        print(f"Building the kept database {template} …", flush=True)
        building = kept / "building.sqlite3"
        building.unlink(missing_ok=True)
        build_template(size, f"sqlite:///{building}", kept)
        building.rename(template)
    tmp = Path(tempfile.mkdtemp(prefix="onewindow-bench-pages-"))
    run_file = tmp / "run.sqlite3"
    shutil.copyfile(template, run_file)
    return f"sqlite:///{run_file}", str(template), kept, lambda: shutil.rmtree(tmp, ignore_errors=True)


# --- the server ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, kept: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        **_trail_env(kept),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = open(kept / "gunicorn.log", "ab")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(  # noqa: S603 - fixed arguments
        [str(gunicorn), "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "120"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"bench pages: gunicorn exited (see {kept / 'gunicorn.log'})")
        try:
            with urllib.request.urlopen(f"{base}/workbench/login/", timeout=5) as r:  # noqa: S310 - loopback
                if r.status == 200:
                    return proc, base
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise SystemExit("bench pages: gunicorn did not answer within 120 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


# --- signing in ----------------------------------------------------------------------------


def sign_in(base: str, username: str) -> str:
    """Sign in through the real sign-in page; the Cookie header of the signed-in session."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    with opener.open(f"{base}/workbench/login/", timeout=30) as r:
        html = r.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if token is None:
        raise SystemExit("bench pages: no CSRF token on the sign-in page")
    body = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{base}/workbench/login/", data=body, headers={"Referer": f"{base}/workbench/login/"}
    )
    page = ""
    try:
        with opener.open(request, timeout=30) as r:
            status, page = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status = e.code
    if status != 302:
        said = re.findall(r'class="[^"]*(?:invalid-feedback|alert)[^"]*"[^>]*>([^<]+)', page)
        raise SystemExit(f"bench pages: signing in as {username} answered {status}, not a redirect: {said}")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def fetch(base: str, path: str, cookie: str) -> tuple[int, str]:
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=60) as r:  # noqa: S310 - loopback
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, ""


# --- the open-loop load (a second process) -------------------------------------------------


@dataclass
class Target:
    page: str
    path: str
    cookie: str


def _load_process(
    base: str, targets: list[Target], rate: float, seconds: float, seed: int, out: Queue
) -> None:
    """Send `rate` requests a second for `seconds`, each at its scheduled time whatever the
    earlier ones did; latency counted from the scheduled time (no coordinated omission)."""
    import http.client
    import queue
    import threading

    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    rng = random.Random(seed)
    total = int(rate * seconds)
    plan = [rng.choice(targets) for _ in range(total)]
    work: queue.Queue[tuple[float, Target] | None] = queue.Queue()
    results: list[tuple[str, float, int]] = []
    lock = threading.Lock()

    def worker() -> None:
        while True:
            item = work.get()
            if item is None:
                return
            scheduled, target = item
            status = 0
            try:
                conn = http.client.HTTPConnection(host, port, timeout=60)
                conn.request("GET", target.path, headers={"Cookie": target.cookie, "Connection": "close"})
                response = conn.getresponse()
                response.read()
                status = response.status
                conn.close()
            except (OSError, http.client.HTTPException):
                status = -1
            latency = time.perf_counter() - scheduled
            with lock:
                results.append((target.page, latency, status))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(min(256, max(16, int(rate * 2))))]
    for t in threads:
        t.start()
    start = time.perf_counter() + 0.2
    for i, target in enumerate(plan):
        scheduled = start + i / rate
        pause = scheduled - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        work.put((scheduled, target))
    for _ in threads:
        work.put(None)
    for t in threads:
        t.join(timeout=120)
    elapsed = time.perf_counter() - start
    out.put((results, elapsed))


def run_load(
    base: str, targets: list[Target], rate: float, seconds: float, seed: int
) -> tuple[list[tuple[str, float, int]], float]:
    out: Queue = Queue()
    proc = Process(target=_load_process, args=(base, targets, rate, seconds, seed, out))
    proc.start()
    results, elapsed = out.get()
    proc.join()
    return results, elapsed


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


@dataclass
class Summary:
    rate: float
    achieved: float
    count: int
    errors: int
    p50: float
    p90: float
    p99: float
    worst: float
    pages: dict[str, tuple[int, float, float, float, float]] = field(default_factory=dict)
    load: str = ""


def summarise(rate: float, results: list[tuple[str, float, int]], elapsed: float) -> Summary:
    ok = [lat for _p, lat, status in results]
    errors = sum(1 for _p, _lat, status in results if status != 200)
    s = Summary(
        rate=rate,
        achieved=len(results) / elapsed if elapsed else 0.0,
        count=len(results),
        errors=errors,
        p50=_pct(ok, 50),
        p90=_pct(ok, 90),
        p99=_pct(ok, 99),
        worst=max(ok) if ok else float("nan"),
        load=_load(),
    )
    for page in sorted({p for p, _l, _s in results}):
        lats = [lat for p, lat, _s in results if p == page]
        s.pages[page] = (len(lats), _pct(lats, 50), _pct(lats, 90), _pct(lats, 99), max(lats))
    return s


def _ms(v: float) -> str:
    return f"{v * 1000:7.1f}"


def show(s: Summary) -> None:
    print(
        f"\n{s.rate:.0f} req/s asked, {s.achieved:.1f} req/s done, {s.count} requests, {s.errors} errors "
        f"(load average {s.load})"
    )
    print(f"  {'page':<14} {'n':>6} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for page, (n, p50, p90, p99, worst) in s.pages.items():
        print(f"  {page:<14} {n:>6} {_ms(p50)} {_ms(p90)} {_ms(p99)} {_ms(worst)}")
    print(f"  {'all':<14} {s.count:>6} {_ms(s.p50)} {_ms(s.p90)} {_ms(s.p99)} {_ms(s.worst)}", flush=True)


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


# --- what to ask for -----------------------------------------------------------------------


ROLE_LOGINS = {
    "center_admin": "ahx_admin",
    "supervisor": "ahx_sup1",
    "intake_clerk": "ahx_a01a",
    "approver": "ahx_xzsp_1",
    "chief_representative": "ahx_xzsp_chief",
    "pickup_clerk": "ahx_b01a",
    "proxy_agent": "ahx_t001v201",
}


def choose(seed: int) -> dict[str, object]:
    """Who to sign in as and which pages to ask for, read from this run's database."""
    from django.db.models import Count

    from onewindow.cases.models import Case, CaseTask
    from onewindow.org.models import Staff

    rng = random.Random(seed)
    # The approver of the department with the most open tasks: the fullest inbox.
    busiest = (
        CaseTask.objects.filter(state__in=["open", "claimed"])
        .values("department_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    approver = (
        Staff.objects.filter(
            department_id=busiest["department_id"], user__groups__name="approver", user__is_active=True
        )
        .exclude(user__username__endswith="_chief")
        .order_by("user__username")
        .select_related("user")
        .first()
        if busiest
        else None
    )
    if approver is None:
        approver = Staff.objects.select_related("user").get(user__username=ROLE_LOGINS["approver"])
    department_id = approver.department_id
    ids = list(Case.objects.filter(department_id=department_id).values_list("pk", flat=True))
    sample = rng.sample(ids, min(300, len(ids)))
    numbers = list(Case.objects.filter(pk__in=sample).values_list("number", flat=True))
    open_numbers = list(
        Case.objects.filter(
            department_id=department_id, state__in=["in_progress", "accepted", "suspended"]
        ).values_list("number", flat=True)[:100]
    )
    item_ids = list(
        Case.objects.filter(department_id=department_id).values_list("item_id", flat=True).distinct()[:20]
    )
    return {
        "approver": approver.user.username,
        "department": department_id,
        "department_cases": len(ids),
        "case_numbers": numbers + open_numbers,
        "items": item_ids,
    }


def search_paths(chosen: dict[str, object], rng: random.Random) -> list[str]:
    items = chosen["items"] or [None]
    department = chosen["department"]
    year_ago = time.strftime("%Y-%m-%d", time.localtime(time.time() - 365 * 86400))
    month_ago = time.strftime("%Y-%m-%d", time.localtime(time.time() - 30 * 86400))
    paths = [
        "/workbench/cases/",
        "/workbench/cases/?state=in_progress",
        "/workbench/cases/?state=delivered",
        "/workbench/cases/?overdue=1",
        f"/workbench/cases/?department={department}",
        f"/workbench/cases/?department={department}&state=closed",
        "/workbench/cases/?channel=portal",
        f"/workbench/cases/?accepted_from={month_ago}",
        f"/workbench/cases/?accepted_from={year_ago}&accepted_to={month_ago}&state=delivered",
    ]
    paths += [f"/workbench/cases/?item={i}" for i in rng.sample(items, min(5, len(items))) if i]
    return paths


def next_pages(base: str, cookie: str, paths: list[str], depth: int = 3) -> list[str]:
    """Each search's next pages by keyset, as the page's own "next page" link gives them."""
    found = []
    for path in paths:
        current = path
        for _ in range(depth):
            status, html = fetch(base, current, cookie)
            if status != 200:
                raise SystemExit(f"bench pages: {current} answered {status}")
            link = re.search(r'href="([^"]*[?&]after=[^"]+)"', html)
            if link is None:
                break
            current = link.group(1).replace("&amp;", "&")
            if current.startswith("?"):
                current = "/workbench/cases/" + current
            found.append(current)
    return found


# --- the run -------------------------------------------------------------------------------


def main(size: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    seconds = float(os.environ.get("BENCH_PAGES_SECONDS", "60"))
    step_seconds = float(os.environ.get("BENCH_PAGES_STEP_SECONDS", "30"))
    url, template, kept, cleanup = prepare_database(size)
    import atexit

    atexit.register(cleanup)  # type: ignore[arg-type]
    # From here on this process reads the run's copy (to choose pages), never the configured database.
    import dj_database_url

    connections.close_all()
    settings.DATABASES["default"].update(dj_database_url.parse(url, conn_max_age=0))
    common._state["ready"] = True
    print(common.environment())
    print(f"template: {template}; load average {_load()}")
    from onewindow.cases.models import Case, CaseEvent

    print(f"cases in the database: {Case.objects.count():,}; events: {CaseEvent.objects.count():,}")
    chosen = choose(20261201)
    connections.close_all()
    proc, base = start_server(url, kept)
    try:
        rng = random.Random(7)
        approver = sign_in(base, chosen["approver"])
        supervisor = sign_in(base, ROLE_LOGINS["supervisor"])
        print(
            f"signed in through /workbench/login/ as {chosen['approver']} (approver of department "
            f"{chosen['department']}, {chosen['department_cases']:,} cases) and {ROLE_LOGINS['supervisor']} (supervisor)"
        )
        searches = search_paths(chosen, rng)
        deeper = next_pages(base, supervisor, searches)
        approver_searches = next_pages(base, approver, ["/workbench/cases/"], depth=2)
        targets = [Target("inbox", "/workbench/inbox/", approver)]
        targets += [Target("case_search", p, supervisor) for p in searches + deeper]
        targets += [Target("case_search", p, approver) for p in ["/workbench/cases/", *approver_searches]]
        targets += [Target("case_page", f"/workbench/cases/{n}/", approver) for n in chosen["case_numbers"]]
        # One request in three of each page kind, whatever the number of distinct addresses.
        by_page: dict[str, list[Target]] = {}
        for t in targets:
            by_page.setdefault(t.page, []).append(t)
        mix = [
            t
            for page in by_page.values()
            for t in page * (max(len(p) for p in by_page.values()) // len(page))
        ]
        print(
            f"pages: inbox 1 address, case_search {len(by_page['case_search'])} addresses "
            f"({len(deeper) + len(approver_searches)} of them next pages by keyset), case_page {len(by_page['case_page'])} cases"
        )
        # Warm up: every address once (each worker's first requests pay for imports and caches).
        for t in targets:
            status, _html = fetch(base, t.path, t.cookie)
            if status != 200:
                raise SystemExit(f"bench pages: {t.path} answered {status}")
        run_load(base, mix, 10, 5, 1)

        results, elapsed = run_load(base, mix, 20, seconds, 2)
        first = summarise(20, results, elapsed)
        print(f"\n== 20 requests a second for {seconds:.0f} s, open loop ==")
        show(first)
        met = first.p50 < P50_TARGET and first.p99 < P99_TARGET and first.errors == 0
        print(f"target at 20 req/s (p50 < 30 ms, p99 < 150 ms, no errors): {'met' if met else 'NOT met'}")

        print(f"\n== stepping the rate up, {step_seconds:.0f} s each ==")
        best = 20.0 if first.p99 < P99_TARGET and first.errors == 0 else 0.0
        for rate in (30, 40, 50, 60, 80, 100, 120, 150, 200):
            results, elapsed = run_load(base, mix, rate, step_seconds, rate)
            s = summarise(rate, results, elapsed)
            show(s)
            if s.p99 >= P99_TARGET or s.errors or s.achieved < rate * 0.95:
                break
            best = float(rate)

        print("\n== each role's home page (/workbench/), one request at a time ==")
        for role, username in ROLE_LOGINS.items():
            cookie = sign_in(base, username)
            times = []
            for _ in range(15):
                started = time.perf_counter()
                status, _html = fetch(base, "/workbench/", cookie)
                times.append(time.perf_counter() - started)
                if status != 200:
                    print(f"  {role}: answered {status}")
                    break
            print(
                f"  {role:<22} {username:<14} p50 {_ms(_pct(times, 50))} ms  max {_ms(max(times))} ms "
                f"(load average {_load()})"
            )
        print()
        print(common.environment())
        common.report("pages_p50_at_20", first.p50 * 1000, "ms", "< 30 ms")
        common.report("pages_p99_at_20", first.p99 * 1000, "ms", "< 150 ms")
        common.report("pages_highest_rate_p99_under_150ms", best, "req/s", "≥ 20 req/s")
    finally:
        stop_server(proc)
