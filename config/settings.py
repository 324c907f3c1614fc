"""One settings module, read from the environment. See .env.example for every variable.

With nothing configured it runs on embedded defaults: SQLite in var/, a filesystem Celery broker,
console/file providers. DATABASE_URL, CELERY_BROKER_URL and the provider variables switch to
PostgreSQL, Redis and the real providers without a code change.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from kombu import Exchange, Queue

from config.env import env, envbool, envfloat, envint, envlist

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _embedded_secret_key() -> str:
    """A per-checkout key kept in var/, so `make run` needs no configuration."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


# Under pytest (or TESTING=1 for a worker a test starts) tasks go to a queue of their own.
TESTING = envbool("TESTING", "pytest" in sys.modules)

SECRET_KEY = env("SECRET_KEY") or _embedded_secret_key()
DEBUG = envbool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# The address providers reach us at (webhook callbacks are signed against it).
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_fsm",
    "django_celery_beat",
    "collections_app",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language (Accept-Language, or the django_language cookie), then a signed-in
    # person's own language and time zone from their profile (collections_app/web/locale.py).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "collections_app.web.locale.WorkspaceLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The project's own overrides of Django's templates (admin/base_site.html: the header
        # links to a person's preferences); searched before the apps' templates.
        "DIRS": [BASE_DIR / "config" / "templates"],
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

# --- Database -------------------------------------------------------------------------------
# SQLite, embedded or given by URL, gets the same options: IMMEDIATE takes the write lock when a
# transaction starts, so two workers queue on the timeout instead of failing with "database is
# locked" when a read lock is upgraded; WAL lets readers run beside the writer.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASE_URL = env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not :memory:, so a real worker process can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_db.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / ("broker-test" if TESTING else "broker")
    (_broker_dir / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir / "processed"),
        # Exchange bindings; kombu's default is ./control in whatever directory the process runs.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # Redis re-delivers an unacked task after this long. Due times live in the database, so a
    # task never waits in the broker longer than a few seconds (no long ETAs).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 3600)
    }
CELERY_TASK_DEFAULT_QUEUE = env(
    "CELERY_TASK_DEFAULT_QUEUE", f"collections-test-{os.getpid()}" if TESTING else "collections"
)
# Sends have a queue of their own, so a send batch waiting on a slow provider never holds up
# the every-minute dispatcher, the sweepers or the nightly run, and a dedicated worker (see
# docker-compose.yml) can serve it. A worker started without --queues consumes both.
OUTBOX_SEND_QUEUE = env("OUTBOX_SEND_QUEUE", f"{CELERY_TASK_DEFAULT_QUEUE}-outbox")
# Signed webhooks to the lender's systems, on a queue of their own too: a receiver that answers
# slowly holds up neither the dispatcher nor the borrowers' messages.
LENDER_EVENTS_QUEUE = env("LENDER_EVENTS_QUEUE", f"{CELERY_TASK_DEFAULT_QUEUE}-lender")
# Each queue its own exchange and key: two queues bound by the same key would both get a copy.
CELERY_TASK_QUEUES = tuple(
    Queue(name, Exchange(name), routing_key=name)
    for name in (CELERY_TASK_DEFAULT_QUEUE, OUTBOX_SEND_QUEUE, LENDER_EVENTS_QUEUE)
)
CELERY_TASK_ROUTES = {
    "collections.send_messages": {"queue": OUTBOX_SEND_QUEUE},
    "collections.drain_lender_deliveries": {"queue": LENDER_EVENTS_QUEUE},
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a task killed mid-way is re-delivered, and claims make it safe
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Static entries; the database scheduler copies them into django-celery-beat's tables.
CELERY_BEAT_SCHEDULE: dict = {
    "dispatch-outbox": {"task": "collections.dispatch_outbox", "schedule": 60.0},
    "sweep-outbox": {"task": "collections.sweep_outbox", "schedule": 60.0},
    "sweep-bulk-actions": {"task": "collections.sweep_bulk_actions", "schedule": 300.0},
    "sweep-import-jobs": {"task": "collections.sweep_import_jobs", "schedule": 60.0},
}
CELERY_TIMEZONE = "UTC"

# --- Providers ------------------------------------------------------------------------------
# "console" writes to the log, "file" appends JSON lines under var/outbox/, "twilio" sends.
SMS_PROVIDER = env("SMS_PROVIDER", "file")
VOICE_PROVIDER = env("VOICE_PROVIDER", "file")
PROVIDER_OUTBOX_DIR = VAR_DIR / "outbox"
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN")
TWILIO_FROM_NUMBER = env("TWILIO_FROM_NUMBER")
TWILIO_MESSAGING_SERVICE_SID = env("TWILIO_MESSAGING_SERVICE_SID")
# Connect vs read: a connect timeout means the request was never sent (safe to retry); a read
# timeout means Twilio may have it (recorded as unknown, checked by lookup, never resent blindly).
TWILIO_CONNECT_TIMEOUT = envfloat("TWILIO_CONNECT_TIMEOUT", 5.0)
TWILIO_READ_TIMEOUT = envfloat("TWILIO_READ_TIMEOUT", 15.0)
# Open connections per process (sync pool) / per event loop (async batch sends).
TWILIO_MAX_CONNECTIONS = envint("TWILIO_MAX_CONNECTIONS", 100)
# Only tests and local contract mocks change this; production talks to api.twilio.com.
TWILIO_API_BASE_URL = env("TWILIO_API_BASE_URL", "https://api.twilio.com")
# Click-to-call from the call screen: Twilio rings the agent's own phone (Agent profiles →
# phone) and bridges the borrower. Off: agents dial themselves and log the call.
CLICK_TO_CALL = envbool("CLICK_TO_CALL", False)
PAYMENTS_WEBHOOK_SECRET = env("PAYMENTS_WEBHOOK_SECRET")
# Named in messages and in the voicemail-safe call script.
COMPANY_NAME = env("COMPANY_NAME", "Example Lending")
COMPANY_CALLBACK_NUMBER = env("COMPANY_CALLBACK_NUMBER", "+14155550000")
# The validation notice (third-party profiles, 12 CFR 1006.34): where disputes are mailed, and
# the creditor the debt is owed to (the lender; a loan's lender_data "creditor" overrides it).
COMPANY_MAILING_ADDRESS = env("COMPANY_MAILING_ADDRESS", "")
CREDITOR_NAME = env("CREDITOR_NAME", "")
# The lender's payment page for a loan; {loan_id} is the lender's loan id.
PAYMENT_URL_TEMPLATE = env("PAYMENT_URL_TEMPLATE", "https://pay.example.com/loans/{loan_id}")
# Payment links an agent sends during a call (lender/checkout.py has the scheme): the lender's
# checkout page and the secret both sides sign links with. Either unset: no links are offered.
LENDER_CHECKOUT_URL = env("LENDER_CHECKOUT_URL", "")
LENDER_CHECKOUT_SECRET = env("LENDER_CHECKOUT_SECRET", "")
PAYMENT_LINK_HOURS = envint("PAYMENT_LINK_HOURS", 48)

# --- Outbox ---------------------------------------------------------------------------------
# Messages claimed per dispatcher batch, and per send task.
OUTBOX_BATCH_SIZE = envint("OUTBOX_BATCH_SIZE", 500)
OUTBOX_SEND_BATCH = envint("OUTBOX_SEND_BATCH", 500)
# Requests in flight per send task (async I/O).
OUTBOX_SEND_CONCURRENCY = envint("OUTBOX_SEND_CONCURRENCY", 200)
# Outcomes written per chunk while the rest of a send batch is still in flight.
OUTBOX_RECORD_CHUNK = envint("OUTBOX_RECORD_CHUNK", 100)
# A claimed message not sent within this many seconds goes back to the gate (the hour may
# have changed); the gate also requires the contact window to stay open this long.
OUTBOX_CLAIM_TTL = envint("OUTBOX_CLAIM_TTL", 120)
# Rows left in "sending" this long are checked by the sweeper.
OUTBOX_SENDING_TIMEOUT = envint("OUTBOX_SENDING_TIMEOUT", 600)
OUTBOX_MAX_ATTEMPTS = envint("OUTBOX_MAX_ATTEMPTS", 5)
# Shared by all workers through Redis (a process-local limit without Redis).
RATE_LIMIT_REDIS_URL = env(
    "RATE_LIMIT_REDIS_URL", CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else ""
)
SMS_MESSAGES_PER_SECOND = envfloat("SMS_MESSAGES_PER_SECOND", 100.0)
VOICE_CALLS_PER_SECOND = envfloat("VOICE_CALLS_PER_SECOND", 1.0)
EMAILS_PER_SECOND = envfloat("EMAILS_PER_SECOND", 20.0)

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "collections@example.com")

# --- Security -------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
if envbool("USE_X_FORWARDED_PROTO", False):
    # Behind a TLS-terminating proxy that sets this header (and strips it from clients).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

# --- I18n / static ------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Our catalogue (zh_Hans), compiled .mo committed; `make messages` refreshes both.
LOCALE_PATHS = [BASE_DIR / "collections_app" / "locale"]
# Dates and times as each language writes them, always with the zone (config/formats/).
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Uploaded files (portfolio imports). Never served by URL: they hold personal data, and admin
# hands out what a person may download. In production web and workers must share this folder.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG or TESTING:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

if TESTING:
    # Hashing test users' passwords at full strength would dominate the suite's run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The twilio SDK logs every request and response at INFO (six lines each): at hundreds of
# messages a second that drowns everything else. Our channels log what matters.
LOGGING["loggers"] = {
    **LOGGING.get("loggers", {}),
    "twilio": {"level": env("TWILIO_LOG_LEVEL", "WARNING")},
}

# --- Nightly escalation run (collections_app/services/escalation.py) --------------------------
# The hour (UTC, CELERY_TIMEZONE) the beat entry is created with; supervisors change it in admin
# (Periodic tasks). Chunks: cases per worker task; batches: cases per transaction.
ESCALATION_HOUR = envint("ESCALATION_HOUR", 1)
ESCALATION_CHUNK_SIZE = envint("ESCALATION_CHUNK_SIZE", 10000)
ESCALATION_BATCH_SIZE = envint("ESCALATION_BATCH_SIZE", 2000)

# --- The agent's queue (collections_app/policies/recovery.py) ---------------------------------
# Likelihood of recovery per segment, as JSON ({"self_cure": 0.8, ...}); blank: the shipped
# table. The queue orders cases with nothing due today by amount overdue x this likelihood.
RECOVERY_LIKELIHOOD = env("RECOVERY_LIKELIHOOD", "")
# Search reads a national-format phone number ("(415) 555-0100") in the countries of the
# jurisdiction profiles and in these (ISO 3166 codes, comma-separated), e.g. "GB,CA".
PHONE_SEARCH_REGIONS = envlist("PHONE_SEARCH_REGIONS", "")

# --- Webhooks ---------------------------------------------------------------------------------
INSTALLED_APPS += ["anymail"]
CELERY_BEAT_SCHEDULE["sweep-webhooks"] = {"task": "collections.sweep_webhooks", "schedule": 60.0}
# A stored webhook not processed after this many seconds (its task lost) is processed by the
# sweeper; a failing one is tried this many times, then left with its error for a person.
WEBHOOK_SWEEP_AFTER = envint("WEBHOOK_SWEEP_AFTER", 30)
WEBHOOK_MAX_ATTEMPTS = envint("WEBHOOK_MAX_ATTEMPTS", 5)
# Only benchmarks/webhooks.py sets this: it adds the minimal view the benchmark compares with.
WEBHOOK_BENCH_MINIMAL_VIEW = envbool("WEBHOOK_BENCH_MINIMAL_VIEW", False)
# django-anymail: the HTTP basic auth "user:password" your email provider's webhooks carry.
ANYMAIL = {"WEBHOOK_SECRET": env("ANYMAIL_WEBHOOK_SECRET") or None}

# --- The lender API (collections_app/api/, README "The lender API") --------------------------
INSTALLED_APPS += [
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as our static files (no CDN)
]
REST_FRAMEWORK = {
    # Keys only: the API has no sessions, so no CSRF and no browsable pages to protect.
    "DEFAULT_AUTHENTICATION_CLASSES": ["collections_app.api.auth.IntegrationKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["collections_app.api.auth.CanRead"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["collections_app.api.parsing.StrictJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "collections_app.api.problems.problem_exception_handler",
    "UNAUTHENTICATED_USER": None,
    # Decimals stay strings on the wire ("120.00"): a float would lose cents.
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Collections engine: the lender API",
    "DESCRIPTION": (
        "Borrowers, loans, payments, reversals and ability-to-pay signals in; cases out. "
        "Authenticate with `Authorization: Api-Key <key>` (admin → Integration keys). "
        "Errors are `application/problem+json`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several "status" fields with their own values: each set named, so clients get clear types.
    "ENUM_NAME_OVERRIDES": {
        "LoanStatusEnum": "collections_app.models.loans.LoanStatus",
        "ReportedLoanStatusEnum": "collections_app.api.serializers_lender.REPORTED_LOAN_STATUSES",
        "UpsertStatusEnum": "collections_app.api.serializers_out.RESULT_STATUSES",
        "BulkRowStatusEnum": "collections_app.api.serializers_out.ROW_STATUSES",
    },
}
# Sweeps Idempotency-Key answers older than API_IDEMPOTENCY_TTL_HOURS (24 h by default).
API_IDEMPOTENCY_TTL_HOURS = envint("API_IDEMPOTENCY_TTL_HOURS", 24)
CELERY_BEAT_SCHEDULE["sweep-idempotency-records"] = {
    "task": "collections.sweep_idempotency_records",
    "schedule": 3600.0,
}
# --- Portfolio imports (collections_app/services/imports.py) -------------------------------------
# Rows per chunk: one transaction, one heartbeat, the point a crashed import resumes from.
IMPORT_CHUNK_ROWS = envint("IMPORT_CHUNK_ROWS", 1000)
# Parse the file in a forked process of its own while this one writes (imports/parse_process.py):
# both cores busy. Off: one process does both. Files under the minimum are parsed inline.
IMPORT_PARSE_PROCESS = envbool("IMPORT_PARSE_PROCESS", True)
IMPORT_PARSE_PROCESS_MIN_BYTES = envint("IMPORT_PARSE_PROCESS_MIN_BYTES", 4 << 20)
# --- Events back to the lender (collections_app/lender/) -------------------------------------
CELERY_BEAT_SCHEDULE["sweep-lender-deliveries"] = {
    "task": "collections.sweep_lender_deliveries",
    "schedule": 30.0,
}
# Connect vs read, per try; a try that takes longer than the claim's TTL is swept and sent again
# (the TTL is kept above connect + read, so a live sender is never swept).
LENDER_WEBHOOK_CONNECT_TIMEOUT = envfloat("LENDER_WEBHOOK_CONNECT_TIMEOUT", 5.0)
LENDER_WEBHOOK_READ_TIMEOUT = envfloat("LENDER_WEBHOOK_READ_TIMEOUT", 10.0)
LENDER_WEBHOOK_CLAIM_TTL = envint("LENDER_WEBHOOK_CLAIM_TTL", 60)
# Tries per delivery, then `failed` (admin: replay). Exponential backoff with jitter between
# tries: base * 2^(try-1), at most the cap, times a random 0.5-1.0.
LENDER_WEBHOOK_MAX_ATTEMPTS = envint("LENDER_WEBHOOK_MAX_ATTEMPTS", 12)
LENDER_WEBHOOK_RETRY_BASE_SECONDS = envfloat("LENDER_WEBHOOK_RETRY_BASE_SECONDS", 30.0)
LENDER_WEBHOOK_RETRY_CAP_SECONDS = envfloat("LENDER_WEBHOOK_RETRY_CAP_SECONDS", 3600.0)
# A due delivery no task has taken for this many seconds is enqueued by the sweeper (retries
# are due by their time in the database, never by a broker ETA).
LENDER_WEBHOOK_SWEEP_AFTER = envint("LENDER_WEBHOOK_SWEEP_AFTER", 10)
# Deliveries per send task.
LENDER_WEBHOOK_SEND_BATCH = envint("LENDER_WEBHOOK_SEND_BATCH", 50)
# After a rotation the old secret still signs (a second v1=) for this many hours.
LENDER_WEBHOOK_ROTATION_HOURS = envint("LENDER_WEBHOOK_ROTATION_HOURS", 24)
# Endpoints are https; plain http only to a loopback address, and only when this is on.
LENDER_WEBHOOK_ALLOW_HTTP = envbool("LENDER_WEBHOOK_ALLOW_HTTP", DEBUG)
# Events go to public addresses only (checked after DNS, on every try: lender/endpoint_urls.py).
# A lender reached over a private network or VPN: its networks here, comma-separated CIDRs,
# e.g. "10.20.0.0/16,fd00:1::/64". Loopback is allowed when LENDER_WEBHOOK_ALLOW_HTTP is on.
LENDER_WEBHOOK_PRIVATE_NETWORKS = envlist("LENDER_WEBHOOK_PRIVATE_NETWORKS")
# --- Retention (services/retention.py) ----------------------------------------------------------
# Beat ticks hourly; the run is due once a day (its row, one per date, is the due time). A run
# with no heartbeat for this long lost its worker and is taken over. Cases per transaction.
CELERY_BEAT_SCHEDULE["purge-personal-data"] = {
    "task": "collections.purge_personal_data",
    "schedule": 3600.0,
}
RETENTION_PURGE_STALE_SECONDS = envint("RETENTION_PURGE_STALE_SECONDS", 900)
RETENTION_PURGE_BATCH_SIZE = envint("RETENTION_PURGE_BATCH_SIZE", 2000)
