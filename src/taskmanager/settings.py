"""The one settings module. Everything that differs between machines comes from the environment.

A `.env` file in the project root is read first (real environment variables win). Defaults are
safe for local use; production (DEBUG off) refuses the development secret key.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent  # src/
PROJECT_DIR = BASE_DIR.parent

load_dotenv(PROJECT_DIR / ".env", override=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str | None = None) -> str | None:
    """Read NAME, or the contents of the file named by NAME_FILE (Docker/compose secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: {exc}") from None
    return os.environ.get(name, default)


DEBUG = env_bool("DEBUG", False)

# The development key only exists so `scripts/run` works out of the box; production refuses it.
DEV_SECRET_KEY = "dev-insecure-do-not-use-in-production-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
SECRET_KEY = env_secret("SECRET_KEY") or DEV_SECRET_KEY
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY and not env_bool("ALLOW_DEV_SECRET_KEY", False):
    raise ImproperlyConfigured(
        "DEBUG is off but SECRET_KEY is not set: set SECRET_KEY (or SECRET_KEY_FILE) to a long "
        "random value, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "widget_tweaks",
    "accounts",
    "tasks",
    "sharing",
    "feeds",
    "django_tasks_db",
    "reminders",
]

MIDDLEWARE = [
    # Outside whitenoise and the HTTPS redirect so every response carries the header.
    "taskmanager.middleware.CrossOriginResourcePolicyMiddleware",
    # Its HTTPS redirect exempts /healthz (SECURE_REDIRECT_EXEMPT); it reads no Host otherwise.
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before CommonMiddleware: its 400 for a bad Host must carry these headers too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # /healthz must answer Docker and load balancer probes, whatever Host they send and over
    # plain HTTP: before host validation (CommonMiddleware), inside the security headers.
    "taskmanager.middleware.HealthCheckMiddleware",
    # Before anything reads request.POST (CSRF, the login throttle): a form body in a charset
    # Django refuses is a 400.
    "taskmanager.middleware.FormCharsetMiddleware",
    # Before SessionMiddleware: a session cookie with a NUL byte was a 500 on every page.
    "taskmanager.middleware.SessionCookieGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # With a read replica (DATABASE_REPLICA_URL): marks a browser that just wrote, whose reads
    # then stay on the primary for a few seconds (taskmanager.replica).
    "taskmanager.replica.ReadYourWritesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Needs request.user; inside WhiteNoise, so static files keep their long cache lifetime.
    "taskmanager.middleware.PrivatePagesMiddleware",
    # The person's time zone for "today", "overdue" and displayed times.
    "accounts.timezones.TimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tasks.middleware.HtmxLoginRedirectMiddleware",
    "tasks.middleware.AccessScopeMiddleware",
    # Turns a locked-out login into the lockout page (accounts.throttle).
    "accounts.throttle.LoginThrottleMiddleware",
]

ROOT_URLCONF = "taskmanager.urls"
WSGI_APPLICATION = "taskmanager.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "tasks.context_processors.today",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{PROJECT_DIR / 'db.sqlite3'}"
try:
    _db = dj_database_url.parse(DATABASE_URL)
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None

if _db["ENGINE"] == "django.db.backends.postgresql":
    if env_bool("DATABASE_POOL", False):
        # psycopg's pool keeps connections per process; CONN_MAX_AGE must stay 0 with it.
        _db["OPTIONS"] = {"pool": {"min_size": 1, "max_size": env_int("DATABASE_POOL_SIZE", 4)}}
        _db["CONN_MAX_AGE"] = 0
    else:
        _db["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
        _db["CONN_HEALTH_CHECKS"] = True
    if env_bool("DATABASE_PGBOUNCER", False):
        # PgBouncer in transaction pooling mode hands each transaction to whichever server
        # connection is free: a server-side cursor (declared in one transaction, fetched in the
        # next) or a prepared statement (planned on one server connection) would not be there.
        _db["DISABLE_SERVER_SIDE_CURSORS"] = True
        _db.setdefault("OPTIONS", {})["prepare_threshold"] = None
elif _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while another request writes; IMMEDIATE avoids
    # "database is locked" upgrades in concurrent writes.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES = {"default": _db}
DATABASE_PGBOUNCER = env_bool("DATABASE_PGBOUNCER", False)

# A read replica (a PostgreSQL hot standby) for the heavy reads that opt in with
# taskmanager.replica.reads_from_replica: the calendar feed and board searches. Everything else,
# and everyone who wrote in the last DATABASE_REPLICA_STICKY_SECONDS, reads from the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
DATABASE_REPLICA_STICKY_SECONDS = env_int("DATABASE_REPLICA_STICKY_SECONDS", 10)
if DATABASE_REPLICA_URL:
    try:
        _replica = dj_database_url.parse(DATABASE_REPLICA_URL)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URL is not a valid database URL: {exc}"
        ) from None
    if _replica["ENGINE"] != "django.db.backends.postgresql" or _db["ENGINE"] != _replica["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs PostgreSQL for both databases")
    # The primary's options (pool, PgBouncer), a short connect timeout so a replica that is
    # down costs little before the reads fall back to the primary, and in tests the primary
    # itself (a test database has no standby).
    _replica["OPTIONS"] = {**_db.get("OPTIONS", {}), "connect_timeout": 2}
    for _key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "DISABLE_SERVER_SIDE_CURSORS"):
        if _key in _db:
            _replica[_key] = _db[_key]
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["taskmanager.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ----------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The throttle goes first so a locked-out attempt is refused before the password is checked. It
# only refuses; Django's ModelBackend does the authenticating. accounts.backends.ModelBackend
# only keeps the sessions it logged in signed in, until its removal check says 0 (its module).
AUTHENTICATION_BACKENDS = [
    "accounts.throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
    "accounts.backends.ModelBackend",
]
# Login throttling (accounts/throttle.py, docs/deploy.md "Security checklist"): within one
# cool-off, FAILURE_LIMIT failures lock one account from one address; ACCOUNT_ and ADDRESS_ limits
# lock an account attacked from many addresses, or an address trying many accounts, for every
# browser that has not logged in to that account before. Failures are rows in the database, so
# every web container sees the same counts; a success does not wipe them (else an attacker
# holding any account could log in between guesses to reset their address's count).
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 50)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30)
LOGIN_COOLOFF = dt.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
if min(LOGIN_FAILURE_LIMIT, LOGIN_ACCOUNT_FAILURE_LIMIT, LOGIN_ADDRESS_FAILURE_LIMIT) < 1:
    raise ImproperlyConfigured("LOGIN_*_FAILURE_LIMIT settings must be at least 1")
if LOGIN_COOLOFF.total_seconds() < 60:
    raise ImproperlyConfigured("LOGIN_COOLOFF_MINUTES must be at least 1")
# How many reverse proxies (nginx, a load balancer) append to X-Forwarded-For in front of
# gunicorn. 0 = gunicorn faces clients directly and X-Forwarded-For is ignored (it is forgeable).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tasks:board"
LOGOUT_REDIRECT_URL = "login"

# --- I18N ----------------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", PROJECT_DIR / "staticfiles"))
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names + gzip/brotli copies; in DEBUG the plain storage avoids a collectstatic step.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG and not env_bool("STATIC_MANIFEST", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0

# --- UI ------------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"

TASKS_PAGE_SIZE = env_int("TASKS_PAGE_SIZE", 25)
# Rendered task rows ({% taskrowcache %}) and the filter bar ({% cache %}) in tasks/board.html:
# rendering 25 rows was three quarters of a list's CPU time. Keys name everything a row's HTML
# depends on, so there is nothing to invalidate; per process and bounded (rows are ~1.7 KB:
# 5,000 of them take ~11 MB of a worker).
# Rendered HTML, in caches each bounded by bytes per process (taskmanager.cache): `rows`
# (task rows and kanban cards, about 1.7 KB each), `pages` (whole lists and board pages,
# 70-150 KB each, and the sidebar) and `feeds` (each calendar feed's last body). With
# CACHE_URL (redis://...) they live in Redis instead, shared by every process and node (its
# maxmemory bounds them; docs/scaling.md).
MIB = 1024 * 1024
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("CACHE_URL must be a redis://, rediss:// or unix:// URL.")
    _rendered = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    CACHES = {
        "default": _rendered | {"KEY_PREFIX": "default"},
        "rows": _rendered | {"KEY_PREFIX": "rows"},
        "pages": _rendered | {"KEY_PREFIX": "pages"},
        "feeds": _rendered | {"KEY_PREFIX": "feeds"},
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "default",
        },
        "rows": {
            "BACKEND": "taskmanager.cache.MemoryCache",
            "LOCATION": "task-rows",
            "OPTIONS": {"MAX_BYTES": env_int("TASKS_ROW_CACHE_MB", 16) * MIB},
        },
        "pages": {
            "BACKEND": "taskmanager.cache.MemoryCache",
            "LOCATION": "task-pages",
            "OPTIONS": {"MAX_BYTES": env_int("TASKS_PAGE_CACHE_MB", 32) * MIB},
        },
        # The calendar feeds' last rendered bodies (one per feed, replaced when the feed
        # changes), for calendars that poll without If-None-Match.
        "feeds": {
            "BACKEND": "taskmanager.cache.MemoryCache",
            "LOCATION": "feeds",
            "OPTIONS": {"MAX_BYTES": env_int("FEEDS_CACHE_MB", 32) * MIB},
        },
    }
# bench/ only: routes /bench/ceiling, a minimal logged-in view that measures what the middleware
# stack alone costs. Never set in production.
BENCH_CEILING = env_bool("BENCH_CEILING", False)
# Deleted tasks stay restorable (undo) for this long before `purge_deleted_tasks` removes them.
TASKS_PURGE_AFTER_HOURS = env_int("TASKS_PURGE_AFTER_HOURS", 24)

# --- Background work, reminders and email (src/reminders/, docs/deploy.md "Worker") ----------
# django.tasks with django-tasks-db's database backend: jobs are rows in the database and
# `manage.py db_worker` (its own process) runs them. TASKS_BACKEND swaps the backend, e.g.
# django.tasks.backends.immediate.ImmediateBackend to run jobs inside the caller.
TASKS = {
    "default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")},
}
# The dispatcher job runs every REMINDERS_TICK_SECONDS, reads REMINDERS_BATCH_SIZE due reminders
# at a time (each then claimed, sent and committed on its own), and keeps going for at most
# REMINDERS_TICK_BUDGET_SECONDS per run.
REMINDERS_TICK_SECONDS = env_int("REMINDERS_TICK_SECONDS", 20)
REMINDERS_BATCH_SIZE = env_int("REMINDERS_BATCH_SIZE", 20)
REMINDERS_TICK_BUDGET_SECONDS = env_int("REMINDERS_TICK_BUDGET_SECONDS", 15)
# The worker lowers its own CPU priority by this much (os.nice) on its first run: the web
# server's latency is what people feel, a reminder a few seconds later is not.
REMINDERS_WORKER_NICE = env_int("REMINDERS_WORKER_NICE", 10)
# A reminder delivered this long after its time says "(late)".
REMINDERS_LATE_AFTER_SECONDS = env_int("REMINDERS_LATE_AFTER_SECONDS", 120)
# Emails (reminders, digests, address confirmations) per person per UTC day; past it, reminders
# are in-app only until the next day. Reminder email goes only to an address its owner confirmed
# through an emailed link, so a person cannot make the server mail someone else.
REMINDERS_EMAILS_PER_DAY = env_int("REMINDERS_EMAILS_PER_DAY", 50)
if REMINDERS_EMAILS_PER_DAY < 1:
    raise ImproperlyConfigured("REMINDERS_EMAILS_PER_DAY must be at least 1")
# Email (Django 6.1's MAILERS): SMTP when EMAIL_HOST is set; in development without one, printed
# on the worker's console. EMAIL_BACKEND overrides the backend (e.g. ...locmem.EmailBackend).
# In production without EMAIL_HOST (or EMAIL_BACKEND) reminders send no email and stay in-app:
# a console "mailer" there would fail `check --deploy`, and SMTP to a missing localhost MTA would
# hold every reminder back while it retried.
_email_host = os.environ.get("EMAIL_HOST", "")
REMINDERS_EMAIL = env_bool(
    "REMINDERS_EMAIL", bool(_email_host or os.environ.get("EMAIL_BACKEND") or DEBUG)
)
_email_backend = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if _email_host or not DEBUG
    else "django.core.mail.backends.console.EmailBackend"
)
MAILERS = {"default": {"BACKEND": _email_backend}}
if _email_backend.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": _email_host or "localhost",
        "port": env_int("EMAIL_PORT", 25),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": env_secret("EMAIL_HOST_PASSWORD", "") or "",
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "use_ssl": env_bool("EMAIL_USE_SSL", False),
        "timeout": env_int("EMAIL_TIMEOUT", 20),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "taskmanager <taskmanager@localhost>")

# --- Security ------------------------------------------------------------------------------------
SECURE_HTTPS = env_bool("SECURE_HTTPS", not DEBUG)  # served over HTTPS (directly or via a proxy)
# Django's database sessions; with Redis, cached_db (docs/scaling.md). Either reads the rows
# the other wrote, so switching between them logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_HTTPS)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE_HTTPS)
# Behind a TLS-terminating proxy (nginx, a load balancer) that sets X-Forwarded-Proto.
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Probes (Docker, load balancers) speak plain HTTP to /healthz: SecurityMiddleware, outside
# HealthCheckMiddleware (so the probe's answer has the same headers as every other), must not
# redirect it to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Our pages and static files are for our own origin only (taskmanager.middleware).
SECURE_CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", [])

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Feed tokens are the feeds' only key: never in a log line (taskmanager/logs.py).
    "filters": {"mask_secrets": {"()": "taskmanager.logs.MaskSecrets"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_secrets"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
    },
}
