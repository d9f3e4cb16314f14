"""Settings for the coding tool, read from environment variables.

Defaults are safe for production (DEBUG off, secure cookies, HSTS); `make run` sets DEBUG=1 and
uses the embedded defaults: SQLite under var/ and a Celery broker in a SQLite file.
See the settings tables in docs/deployment.md.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "django-insecure-local-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "coding",
    "sources",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.csp.CSPMiddleware",  # django-csp's, with its headers built once
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # body size, characters PostgreSQL refuses, JSON depth: before any view reads the body
    "config.request_guard.RequestGuardMiddleware",
    "config.unavailable.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into coding.logins' 429
]

# Failed logins (django-axes): after AXES_FAILURE_LIMIT failures for a username, or from an
# address, that username or address is locked out for AXES_COOLOFF_MINUTES, on the login page and
# on /api/auth/token/ alike (429 with Retry-After). A success resets the username's count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "coding.logins.lockout_response"
AXES_USERNAME_CALLABLE = "coding.logins.axes_username"
# proxies in front of the server that set X-Forwarded-For (0: use REMOTE_ADDR)
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0) or None
AXES_VERBOSE = False
# API tokens: deleted on logout and on a password change; with a positive value, also refused
# once older than this many hours (0: no expiry).
API_TOKEN_MAX_AGE_HOURS = env_int("API_TOKEN_MAX_AGE_HOURS", 0)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL names another (postgres://...).
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
}
# A connection kept between requests is checked before reuse, so a database restart costs
# no request a 500. Timeouts in seconds: a stalled network fails requests fast (503) instead
# of hanging them.
DB_CONNECT_TIMEOUT = env_int("DB_CONNECT_TIMEOUT", 5)
DB_STATEMENT_TIMEOUT = env_int("DB_STATEMENT_TIMEOUT", 30)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that reads the socket instead of running SELECT 1
    DATABASES["default"]["ENGINE"] = "config.postgresql"
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": DB_CONNECT_TIMEOUT,
            "options": f"-c statement_timeout={DB_STATEMENT_TIMEOUT * 1000}",
        }
    )
    # Prepared statements: with server-side binding psycopg prepares a statement once it has run
    # DB_PREPARE_THRESHOLD times on a connection, so the queries of every save are parsed and
    # planned once per connection, not once per save (issue 20: 2.0 -> 1.5 ms of server time per
    # save). Behind a pooler that cannot keep them (PgBouncer in transaction mode): DB_PREPARED=0.
    if env_bool("DB_PREPARED", True):
        DATABASES["default"]["OPTIONS"].update(
            server_side_binding=True, prepare_threshold=env_int("DB_PREPARE_THRESHOLD", 5)
        )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the worker writes; IMMEDIATE avoids
        # "database is locked" on lock upgrades; the timeout waits out short write locks.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security: secure by default, relaxed only with DEBUG on (local http://127.0.0.1).
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every response (django-csp). Scripts only from our own static files:
# no inline script, no event-handler attribute, no eval. Styles only from our stylesheet: no style
# attributes or <style> elements in the markup (colours are set through the CSSOM by
# static/js/colors.js, which the policy allows). Images: ours, data: (the reliability heat maps
# and ECharts' PNG export) and blob: (the SVG export).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "coding.api.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "coding.api.renderers.BrowsableAPIRenderer",  # without its inline <style>
    ],
    "DEFAULT_PARSER_CLASSES": [
        "config.request_guard.CheckedJSONParser",  # the JSON the request guard read
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "coding.api.schema.ErrorAnswersSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Security-ties coding API",
    "DESCRIPTION": "Projects, codebooks, sources and codings of the coding tool.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # request and response components apart: uploads are `format: binary`, read-only
    # fields are left out of request bodies
    "COMPONENT_SPLIT_REQUEST": True,
    # slugs in paths match Django's slug converter (else a generated value is an unroutable URL)
    "PATH_CONVERTER_OVERRIDES": {"slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}},
}

# Celery: Redis when REDIS_URL is set; otherwise the embedded default, kombu's SQLAlchemy
# transport on a SQLite file under var/celery/ (no server needed; see docs: jobs under faults).
# Messages are acknowledged after the task ran (acks late) and requeued when the process
# running them dies; the sweeper (a beat task) requeues what a broker outage or a dead worker
# left behind, so every ingestion item ends done or failed exactly once.
REDIS_URL = env_str("REDIS_URL")
CELERY_QUEUE_DIR = VAR_DIR / "celery"
# seconds a task taken by a worker that vanished waits before Redis gives it to another worker;
# longer than the longest task (a reliability report), or a slow task runs twice (harmless)
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 900)
BROKER_CONNECT_TIMEOUT = env_int("BROKER_CONNECT_TIMEOUT", 3)  # seconds, then "broker down"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        "socket_connect_timeout": BROKER_CONNECT_TIMEOUT,
        "socket_timeout": 10,
    }
else:
    CELERY_QUEUE_DIR.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = f"sqlite-queue+sqlite:///{CELERY_QUEUE_DIR / 'broker.sqlite3'}"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "polling_interval": 0.03,  # seconds between looks at an empty queue
        "connect_args": {"timeout": 30},  # wait out the other processes' write locks
    }
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_CONNECT_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# sending a task: a few quick retries, then the caller hears that the broker is down
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
# Cache: shared by web processes and workers (the reliability report's results and progress):
# Redis when REDIS_URL is set, otherwise files under VAR_DIR/cache. Readers treat a cache
# that does not answer as empty (coding.cache_safe), so Redis down never breaks a page.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
CELERY_TASK_IGNORE_RESULT = True  # progress and outcomes are stored in our own models
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# tasks a worker process reserves ahead: one with Redis (fair between workers); four on the
# embedded broker, whose worker acknowledges between polls (20 vs 53 items/s, bench/ingest.py)
CELERY_WORKER_PREFETCH_MULTIPLIER = env_int("CELERY_PREFETCH_MULTIPLIER", 1 if REDIS_URL else 4)
# a task running when the broker goes away finishes (its outcome is in the database); its
# message, not acknowledged, comes again and finds the item final
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")

# The sweeper and the heartbeat run on Celery beat (`celery -A config beat`); other periodic
# work is added here. Seconds.
SWEEP_INTERVAL = env_int("SWEEP_INTERVAL", 30)
HEARTBEAT_INTERVAL = env_int("HEARTBEAT_INTERVAL", 30)
# an item pending this long since it was last sent is sent again (a lost message, broker down)
SWEEP_PENDING_AFTER = env_int("SWEEP_PENDING_AFTER", 120)
# an item fails after this many starts (retries of network errors and starts its worker died in)
INGEST_MAX_ATTEMPTS = env_int("INGEST_MAX_ATTEMPTS", 6)
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_QUEUE_DIR / "beat-schedule")
CELERY_BEAT_SCHEDULE = {
    "sweep-ingestion": {"task": "sources.sweep_jobs", "schedule": float(SWEEP_INTERVAL)},
    "worker-heartbeat": {"task": "coding.heartbeat", "schedule": float(HEARTBEAT_INTERVAL)},
}

# Ingestion of sources (see docs/deployment.md, "Ingestion settings", and docs/ingestion.md).
# Hosts fetched even though they resolve to private/loopback addresses (tests, intranets).
INGEST_ALLOW_HOSTS = env_list("INGEST_ALLOW_HOSTS")
# The coding workspace waits this long for an answer to a save before it keeps the save pending
# and retries it (a hung server, not an offline browser).
WORKSPACE_SAVE_TIMEOUT_MS = env_int("WORKSPACE_SAVE_TIMEOUT_MS", 10_000)

INGEST_MAX_BYTES = env_int("INGEST_MAX_BYTES", 10 * 1024 * 1024)  # per download and per file
INGEST_TIMEOUT = env_int("INGEST_TIMEOUT", 20)  # seconds for a whole fetch, redirects included
INGEST_MAX_REDIRECTS = env_int("INGEST_MAX_REDIRECTS", 5)
INGEST_MAX_ITEMS = env_int("INGEST_MAX_ITEMS", 2000)  # items in one job
INGEST_ZIP_MAX_FILES = env_int("INGEST_ZIP_MAX_FILES", 500)
INGEST_ZIP_MAX_TOTAL_BYTES = env_int("INGEST_ZIP_MAX_TOTAL_BYTES", 200 * 1024 * 1024)
INGEST_MAX_UPLOAD_BYTES = env_int("INGEST_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)  # a .zip upload
INGEST_PDF_MAX_PAGES = env_int("INGEST_PDF_MAX_PAGES", 300)  # a longer PDF is refused
# pasted text and URL lists arrive as form fields; uploads beyond 2.5 MB spool to disk
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 12 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DATA_UPLOAD_MAX_NUMBER_FILES", 500)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The one maximum for a request body (JSON included: DRF's parsers do not apply
# DATA_UPLOAD_MAX_MEMORY_SIZE), checked from Content-Length before the body is read
# (config/request_guard.py): 413 beyond it. Multipart uploads (a .zip of sources) may reach the
# upload limit plus 1 MB of form fields.
REQUEST_MAX_BODY_BYTES = env_int("REQUEST_MAX_BODY_BYTES", DATA_UPLOAD_MAX_MEMORY_SIZE)
REQUEST_MAX_UPLOAD_BYTES = env_int(
    "REQUEST_MAX_UPLOAD_BYTES", INGEST_MAX_UPLOAD_BYTES + 1024 * 1024
)
# The longest text a source may have, in characters (pasted, uploaded, fetched, from the CLI):
# sources/text.py check_text_length, one message for every path.
SOURCE_MAX_TEXT_CHARS = env_int("SOURCE_MAX_TEXT_CHARS", 1_000_000)
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "IngestJobStatusEnum": "sources.models.JobStatus",
        "IngestItemKindEnum": "sources.models.ItemKind",
    }
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_without_traceback": {"()": "config.logs.RefusalsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"filters": ["refusals_without_traceback"]}},
}

# Feeds (sources.feeds): Celery beat sends "sources.poll_feeds" every FEED_BEAT_SECONDS; it
# polls the feeds whose interval has passed. A feed failing FEED_MAX_FAILURES polls in a row
# is paused.
FEED_BEAT_SECONDS = env_int("FEED_BEAT_SECONDS", 60)
FEED_MAX_FAILURES = env_int("FEED_MAX_FAILURES", 5)
FEED_MAX_ENTRIES = env_int("FEED_MAX_ENTRIES", 200)  # new entries taken from one poll
CELERY_BEAT_SCHEDULE["poll-feeds"] = {
    "task": "sources.poll_feeds",
    "schedule": float(FEED_BEAT_SECONDS),
}
