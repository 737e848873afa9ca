"""OneWindow settings: one module, driven by environment variables.

Deploy settings live here (database, secrets, hosts); settings a center changes at run
time (warning thresholds, opening hours, calendar overrides) are database rows.
"""

import datetime as dt
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated variable as a list, blanks dropped."""
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


def url_origin(url: str) -> list[str]:
    """`scheme://host[:port]` of an http(s) URL, as CSRF_TRUSTED_ORIGINS wants it; [] otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return []
    return [f"{parts.scheme}://{parts.netloc.lower()}"]


DATA_DIR = Path(os.environ.get("ONEWINDOW_DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and env_bool("ONEWINDOW_REQUIRE_SECRET", False):
        raise RuntimeError("SECRET_KEY must be set in production")
    # A per-installation key kept in the data folder, so a demo or a test run needs no setup
    # and restarts keep sessions and encrypted personal data readable.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

# Key(s) for personal data at rest (docs/access.md): Fernet keys, comma-separated; the first
# encrypts, every one decrypts (rotation: put the new key first, run `personal_data_rekey`,
# then drop the old one). Production sets ONEWINDOW_FIELD_KEY (`check --deploy` fails without
# it, and ONEWINDOW_REQUIRE_SECRET refuses to start). Without it (the demo, development, tests)
# a key is generated once into a file kept apart from the data folder and never derived from
# SECRET_KEY, so the database and `secret_key` together decrypt nothing.
FIELD_ENCRYPTION_KEY_FILE = ""
if not os.environ.get("ONEWINDOW_FIELD_KEY", "").strip():
    if not DEBUG and env_bool("ONEWINDOW_REQUIRE_SECRET", False):
        raise RuntimeError("ONEWINDOW_FIELD_KEY must be set in production")
    _config_home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    _field_key_file = Path(
        os.environ.get("ONEWINDOW_FIELD_KEY_FILE") or _config_home / "onewindow" / "field-key"
    )
    if not _field_key_file.exists():
        import tempfile

        from cryptography.fernet import Fernet

        _field_key_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.NamedTemporaryFile("wb", dir=_field_key_file.parent, delete=False) as _tmp:
            _tmp.write(Fernet.generate_key() + b"\n")
        os.chmod(_tmp.name, 0o600)
        try:  # a link never replaces a file: of two processes starting at once, one key wins
            os.link(_tmp.name, _field_key_file)
        except FileExistsError:
            pass
        finally:
            os.unlink(_tmp.name)
    FIELD_ENCRYPTION_KEY_FILE = str(_field_key_file)
FIELD_ENCRYPTION_KEY = (
    os.environ.get("ONEWINDOW_FIELD_KEY", "").strip() or Path(FIELD_ENCRYPTION_KEY_FILE).read_text().strip()
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

# Behind a reverse proxy that terminates TLS (docs/operations.md). The proxy talks plain HTTP
# to gunicorn, so Django only knows the browser used HTTPS from the header the proxy sets; without
# it, CSRF compares the browser's `Origin: https://…` with `http://…` and refuses every form
# (gunicorn itself trusts the header only from 127.0.0.1, not from a proxy on another machine).
# Turn it on only when the proxy overwrites X-Forwarded-Proto and nothing else can reach gunicorn.
PROXY_SSL_HEADER = env_bool("ONEWINDOW_PROXY_SSL_HEADER", False)
if PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Only for a proxy that sends the public name in X-Forwarded-Host instead of passing Host on.
USE_X_FORWARDED_HOST = env_bool("ONEWINDOW_USE_X_FORWARDED_HOST", False)
# Origins whose forms are accepted besides the Host a request names: the public address by default,
# for a proxy that rewrites Host (or drops the port) on its way to gunicorn.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS") or url_origin(
    os.environ.get("ONEWINDOW_PUBLIC_URL", "")
)
# Served over HTTPS: cookies only travel encrypted. On by default behind a TLS proxy.
HTTPS = env_bool("ONEWINDOW_HTTPS", PROXY_SSL_HEADER)
SECURE_HSTS_SECONDS = int(os.environ.get("ONEWINDOW_HSTS_SECONDS", "0"))
# Only once every name under the domain is served over HTTPS (and, for preload, the name is
# meant for the browsers' preload list): a browser remembers both for HSTS_SECONDS.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ONEWINDOW_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("ONEWINDOW_HSTS_PRELOAD", False)
# Redirect plain HTTP to HTTPS here too (nginx already does it for the public name; this covers a
# request that reaches gunicorn another way). Needs ONEWINDOW_PROXY_SSL_HEADER behind the proxy,
# or every request would look like HTTP and redirect forever.
SECURE_SSL_REDIRECT = env_bool("ONEWINDOW_SSL_REDIRECT", False)

# A refused form gets our page (in the visitor's language) instead of Django's English one.
CSRF_FAILURE_VIEW = "onewindow.core.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "onewindow.core",
    "onewindow.org",
    "onewindow.catalog",
    "onewindow.cases",
    "onewindow.trail",
    "onewindow.portal",
    "onewindow.workbench",
    "onewindow.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the session, the user or a parameter; after the language is known,
    # so its 400 page is in the visitor's language.
    "onewindow.core.middleware.RejectNulCharacters",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "onewindow.core.middleware.AdminParameterCheck",
    "onewindow.core.middleware.SessionIdleTimeout",
    # A temporary password is changed before any other workbench or admin page opens.
    "onewindow.workbench.password.PasswordChangeRequired",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "onewindow" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'onewindow.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at
    # BEGIN, so two writers queue instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters travel apart from the SQL and statements run often are prepared once per
    # session (psycopg prepares after 5 runs): less work in the client and in the server.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("server_side_binding", True)
DATABASES["default"].setdefault("TEST", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sign-in (docs/operations.md, docs/decisions/0013-workbench-foundation.md). Staff sign in on the
# workbench's own page; the admin keeps its page for the same accounts. django-axes counts failed
# sign-ins per account and address and locks that pair out for a while after too many.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Portal accounts sign in with their mobile number (the seam for a province's unified
    # identity platform: onewindow/org/identity.py); staff with their username.
    "onewindow.org.identity.PortalAccountBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "workbench:login"
LOGIN_REDIRECT_URL = "workbench:home"
AXES_FAILURE_LIMIT = int(os.environ.get("ONEWINDOW_SIGNIN_FAILURES", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("ONEWINDOW_SIGNIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The staff's lockout page; a citizen locked out on the portal's sign-in gets a portal page
# (onewindow.portal.accounts.lockout_response chooses). The count is per (account, address) only:
# docs/decisions/0019-portal-accounts.md says why there is no per-account limit across addresses.
AXES_LOCKOUT_TEMPLATE = "workbench/locked_out.html"
AXES_LOCKOUT_CALLABLE = "onewindow.portal.accounts.lockout_response"
AXES_VERBOSE = False
# Behind the TLS proxy the client's address is the proxy's unless gunicorn is told otherwise
# (docs/operations.md); django-axes reads the same REMOTE_ADDR Django sees.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# A session ends after this many idle minutes, and in any case this many hours after sign-in
# (onewindow.core.middleware.SessionIdleTimeout); the cookie dies with the browser.
SESSION_IDLE_MINUTES = int(os.environ.get("ONEWINDOW_SESSION_IDLE_MINUTES", "30"))
SESSION_MAX_HOURS = int(os.environ.get("ONEWINDOW_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# A strict Content-Security-Policy (django-csp): scripts, styles, fonts and images only from our
# own origin; no inline script or style, no eval, no framing. htmx runs with eval off and its
# indicator styles in our stylesheet (the htmx-config meta tag in the base templates).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "onewindow.core.validators.MinimumLengthValidator"},  # Django's, with a translated message
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS: list[Path] = []  # each app keeps its own catalog in onewindow/<app>/locale
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise expects it even before collectstatic
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Scans of materials (cases.files): outside MEDIA_ROOT and the static root, never served by the
# web server; read only through the permission-checked /workbench/files/<id>/.
ONEWINDOW_FILES_DIR = Path(os.environ.get("ONEWINDOW_FILES_DIR", DATA_DIR / "files"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# How often each process re-reads the calendar overrides (seconds; 0: only when the override
# services change them in this process).
ONEWINDOW_CALENDAR_RECHECK_SECONDS = float(os.environ.get("ONEWINDOW_CALENDAR_RECHECK_SECONDS", "60"))
# The largest request body the app reads, in MB (its Content-Length): the portal's apply form
# posts every material's chosen files at once (10 MB a file, 5 a material, 50 an application).
# A larger one is refused with a Chinese 413 page before it is read (core.middleware); the
# proxy's client_max_body_size (docs/operations.md) is set above it, so that answer is the app's.
ONEWINDOW_MAX_REQUEST_MB = int(os.environ.get("ONEWINDOW_MAX_REQUEST_MB", "100"))
# Bounds on an uploaded catalog file (onewindow/catalog/exchange/limits.py, docs/catalog.md).
ONEWINDOW_IMPORT_MAX_BYTES = int(os.environ.get("ONEWINDOW_IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
ONEWINDOW_IMPORT_MAX_ROWS = int(os.environ.get("ONEWINDOW_IMPORT_MAX_ROWS", "100000"))
# Bounds on every uploaded workbook, catalog file and batch sheet alike, checked before it is
# opened (onewindow/core/xlsx.py): its parts unpacked, and a part's compression ratio.
ONEWINDOW_IMPORT_MAX_UNZIPPED_BYTES = int(
    os.environ.get("ONEWINDOW_IMPORT_MAX_UNZIPPED_BYTES", str(100 * 1024 * 1024))
)
ONEWINDOW_IMPORT_MAX_RATIO = int(os.environ.get("ONEWINDOW_IMPORT_MAX_RATIO", "100"))
# Case search exports (cases.actions.export): where the files are kept (never under the web
# root) and how many rows one file holds at most.
ONEWINDOW_EXPORT_DIR = Path(os.environ.get("ONEWINDOW_EXPORT_DIR", DATA_DIR / "exports"))
ONEWINDOW_EXPORT_MAX_ROWS = int(os.environ.get("ONEWINDOW_EXPORT_MAX_ROWS", "100000"))
ONEWINDOW_EXPORT_KEEP_DAYS = int(os.environ.get("ONEWINDOW_EXPORT_KEEP_DAYS", "7"))
# Bounds on a batch intake sheet (onewindow/cases/channels/sheet.py, docs/intake.md).
ONEWINDOW_BATCH_MAX_BYTES = int(os.environ.get("ONEWINDOW_BATCH_MAX_BYTES", str(10 * 1024 * 1024)))
ONEWINDOW_BATCH_MAX_ROWS = int(os.environ.get("ONEWINDOW_BATCH_MAX_ROWS", "5000"))

# The public progress page: look-ups (number with query code, or name and ID tail) per client
# address and window before it answers 429 (onewindow.core.ratelimit).
ONEWINDOW_TRACKING_LIMIT = int(os.environ.get("ONEWINDOW_TRACKING_LIMIT", "20"))
ONEWINDOW_TRACKING_WINDOW_MINUTES = int(os.environ.get("ONEWINDOW_TRACKING_WINDOW_MINUTES", "10"))
# ... and wrong answers per case number and window, from every address together (many addresses
# guessing one case's query code); a right answer costs the case nothing.
ONEWINDOW_TRACKING_CASE_LIMIT = int(os.environ.get("ONEWINDOW_TRACKING_CASE_LIMIT", "10"))
ONEWINDOW_TRACKING_CASE_WINDOW_MINUTES = int(os.environ.get("ONEWINDOW_TRACKING_CASE_WINDOW_MINUTES", "60"))

# Text messages (onewindow/core/sms.py, docs/operations.md "SMS"): "local" keeps them in the
# admin's 短信 table (the demo), "aliyun" sends them through Alibaba Cloud's SendSms API.
SMS_BACKEND = os.environ.get("ONEWINDOW_SMS_BACKEND", "local")
SMS_TIMEOUT_SECONDS = float(os.environ.get("ONEWINDOW_SMS_TIMEOUT_SECONDS", "10"))
SMS_ALIYUN_ENDPOINT = os.environ.get("ONEWINDOW_SMS_ALIYUN_ENDPOINT", "https://dysmsapi.aliyuncs.com/")
SMS_ALIYUN_REGION = os.environ.get("ONEWINDOW_SMS_ALIYUN_REGION", "cn-hangzhou")
SMS_ALIYUN_ACCESS_KEY_ID = os.environ.get("ONEWINDOW_SMS_ALIYUN_ACCESS_KEY_ID", "")
SMS_ALIYUN_ACCESS_KEY_SECRET = os.environ.get("ONEWINDOW_SMS_ALIYUN_ACCESS_KEY_SECRET", "")
SMS_ALIYUN_SIGN_NAME = os.environ.get("ONEWINDOW_SMS_ALIYUN_SIGN_NAME", "")
# purpose=TemplateCode pairs, e.g. "signup_code=SMS_1001,reset_code=SMS_1002".
SMS_ALIYUN_TEMPLATES = dict(
    pair.split("=", 1) for pair in env_list("ONEWINDOW_SMS_ALIYUN_TEMPLATES", "") if "=" in pair
)
# Verification codes sent by SMS, per number and per client address (onewindow.core.ratelimit):
# at most one a minute and SMS_PER_NUMBER_DAY a day to a number, SMS_PER_ADDRESS_HOUR an hour
# from one address.
SMS_PER_NUMBER_DAY = int(os.environ.get("ONEWINDOW_SMS_PER_NUMBER_DAY", "10"))
SMS_PER_ADDRESS_HOUR = int(os.environ.get("ONEWINDOW_SMS_PER_ADDRESS_HOUR", "20"))
# Binding code attempts (/my/bind/) per account and per address in ten minutes.
BIND_ATTEMPTS = int(os.environ.get("ONEWINDOW_BIND_ATTEMPTS", "10"))
# How long a binding code stays valid (days).
BIND_CODE_DAYS = int(os.environ.get("ONEWINDOW_BIND_CODE_DAYS", "30"))
# A failed text message is tried again by the worker (onewindow/core/sms.py): SMS_SEND_ATTEMPTS
# tries in all, the first retry SMS_RETRY_SECONDS after the failure, doubling; the retry task runs
# every SMS_RETRY_TICK_SECONDS.
SMS_SEND_ATTEMPTS = max(1, int(os.environ.get("ONEWINDOW_SMS_SEND_ATTEMPTS", "5")))
SMS_RETRY_SECONDS = max(1, int(os.environ.get("ONEWINDOW_SMS_RETRY_SECONDS", "30")))
SMS_RETRY_TICK_SECONDS = max(5.0, float(os.environ.get("ONEWINDOW_SMS_RETRY_TICK_SECONDS", "30")))
# Retention (days): the texts of finished messages (they hold codes) are erased, spent or expired
# verification codes and revoked or expired unused binding codes deleted, after this long.
SMS_KEEP_TEXT_DAYS = max(0, int(os.environ.get("ONEWINDOW_SMS_KEEP_TEXT_DAYS", "1")))
MOBILE_CODES_KEEP_DAYS = max(0, int(os.environ.get("ONEWINDOW_MOBILE_CODES_KEEP_DAYS", "7")))
BIND_CODES_KEEP_DAYS = max(0, int(os.environ.get("ONEWINDOW_BIND_CODES_KEEP_DAYS", "90")))
# Binding changes (revoke and reissue, unbind) one member of staff may make an hour.
BINDING_CHANGES_PER_HOUR = int(os.environ.get("ONEWINDOW_BINDING_CHANGES_PER_HOUR", "20"))

# Public address printed in QR codes on notices (the progress page lives under it).
PUBLIC_BASE_URL = os.environ.get("ONEWINDOW_PUBLIC_URL", "http://127.0.0.1:8000")

# The TrueType fonts the PDF notices embed (docs/notices.md, docs/decisions/0012-notice-font.md):
# Debian's fonts-wqy-zenhei for the text and fonts-babelstone-han for rare characters (`make
# fonts`). `path#N` names the Nth face of a .ttc collection; the fallbacks are comma-separated.
NOTICE_FONT = os.environ.get("ONEWINDOW_NOTICE_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc#0")
NOTICE_FALLBACK_FONTS = env_list(
    "ONEWINDOW_NOTICE_FALLBACK_FONTS", "/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf"
)

# Background work: Django's Tasks API (the django-tasks backport) with its database backend.
# `manage.py db_worker` runs the queue; `manage.py run_scheduler` enqueues the periodic tasks
# below (docs/decisions/0008-trail-checkpoints.md, docs/operations.md).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("ONEWINDOW_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# The trail's checkpoints (docs/security.md). The signing key is a file the database never
# holds; only the worker reads it. The verifier needs the public key file and the exported
# checkpoints (a file outside the database: put it on another disk or machine in production).
TRAIL_SIGNING_KEY = Path(
    os.environ.get("ONEWINDOW_TRAIL_SIGNING_KEY", DATA_DIR / "trail" / "signing-key.pem")
)
TRAIL_PUBLIC_KEY = Path(os.environ.get("ONEWINDOW_TRAIL_PUBLIC_KEY", f"{TRAIL_SIGNING_KEY}.pub"))
TRAIL_CHECKPOINT_FILE = Path(
    os.environ.get("ONEWINDOW_TRAIL_CHECKPOINTS", DATA_DIR / "trail" / "checkpoints.jsonl")
)
# How often the scheduler enqueues a checkpoint (seconds): the window in which a rewrite of the
# newest events leaves no trace in a signed checkpoint.
TRAIL_CHECKPOINT_SECONDS = float(os.environ.get("ONEWINDOW_TRAIL_CHECKPOINT_SECONDS", "60"))
# At most this many events per checkpoint (a first run over an old database makes several).
TRAIL_CHECKPOINT_BATCH = int(os.environ.get("ONEWINDOW_TRAIL_CHECKPOINT_BATCH", "20000"))

# The periodic tasks `manage.py run_scheduler` enqueues: (task path, every N seconds).
PERIODIC_TASKS = [
    ("onewindow.trail.tasks.trail_checkpoint", TRAIL_CHECKPOINT_SECONDS),
    ("onewindow.core.tasks.task_results_prune", 24 * 3600.0),
    ("onewindow.cases.tasks.case_exports_prune", 24 * 3600.0),
    ("onewindow.core.tasks.sms_retry_task", SMS_RETRY_TICK_SECONDS),
    ("onewindow.core.tasks.sms_prune_task", 24 * 3600.0),
    ("onewindow.org.tasks.codes_prune_task", 24 * 3600.0),
]

# Long work runs as a background job (onewindow/core/jobs.py, docs/decisions/0011-background-jobs.md):
# a page or command stores the input file here (encrypted with the field key, under a generated
# name, outside the web root), the worker runs the job's handler and keeps the report. The server
# and the worker must both reach this folder (the same machine, or a shared mount).
JOBS_DIR = Path(os.environ.get("ONEWINDOW_JOBS_DIR", DATA_DIR / "jobs"))
# A running job shows a sign of life every few seconds; after this long without one the page and
# `--resume` offer to resume it (its worker died or was killed).
JOB_STALE_SECONDS = float(os.environ.get("ONEWINDOW_JOB_STALE_SECONDS", "60"))
# The work of each kind of job (`core.models.Job.Kind`): a function taking the running job.
JOB_HANDLERS = {
    "batch_intake": "onewindow.cases.channels.batchrun.batch_job_run",
    "catalog_import": "onewindow.catalog.exchange.run.catalog_job_run",
    "case_export": "onewindow.cases.actions.export.case_export_job_run",
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SESSION_COOKIE_SECURE = HTTPS
    CSRF_COOKIE_SECURE = HTTPS

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
