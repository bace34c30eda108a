"""Settings, all from the environment (README "Configuration" lists every variable).

With nothing set, the portal runs embedded: SQLite under var/, Celery on
kombu's filesystem transport, the local-memory cache, a development signing
key generated under var/ on first use.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured


def envbool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


def envsecret(name, default=None):
    """`NAME`, or the contents of the file named by `NAME_FILE`."""
    if os.environ.get(name):
        return os.environ[name]
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return default


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("DEBUG", True)


def _development_secret_key():
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off")
    SECRET_KEY = _development_secret_key()

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "ledger",
    "organizations",
    "fundraising",
    "sanctions",
    "donations",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "charity_portal.urls"
WSGI_APPLICATION = "charity_portal.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Database -------------------------------------------------------------------
# SQLite runs every transaction as BEGIN IMMEDIATE so writers queue for the
# database lock up front; that is what serialises ledger appends there.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}

if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=envint("DB_CONN_MAX_AGE", 60)),
    }
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "portal.sqlite3"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Session settings for a portal's short queries: no parallel workers (starting them took 25 ms
    # of a 33 ms search count on the benchmark machine, where the count alone needs 8 ms) and no JIT
    # compilation (tens of milliseconds, paid again by every query it triggers). Behind a pooler that
    # drops startup options (PgBouncer), set PG_OPTIONS="" and put these on the role: ALTER ROLE ... SET.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = os.environ.get(
        "PG_OPTIONS", "-c max_parallel_workers_per_gather=0 -c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    # Tests use a file, not :memory:, so Celery workers and live servers can share it.
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", str(VAR_DIR / "test.sqlite3"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and Celery -----------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    _celery_dir = Path(os.environ.get("CELERY_FS_DIR") or VAR_DIR / "celery")
    for _sub in ("queue", "processed", "control"):
        (_celery_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        "control_folder": str(_celery_dir / "control"),
        "store_processed": False,
    }

CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = "UTC"

# Ledger -----------------------------------------------------------------------
LEDGER_ORIGIN = os.environ.get("LEDGER_ORIGIN", "cishan.example.org/ledger")
# Private key text (PRIVATE+KEY+<origin>+<id>+<key>) or a file holding it.
LEDGER_SIGNING_KEY = envsecret("LEDGER_SIGNING_KEY")
LEDGER_SIGNING_KEY_PATH = Path(os.environ.get("LEDGER_SIGNING_KEY_PATH") or VAR_DIR / "ledger-signing.key")
# Without a configured key, a development key is generated at LEDGER_SIGNING_KEY_PATH.
LEDGER_GENERATE_DEV_KEY = envbool("LEDGER_GENERATE_DEV_KEY", DEBUG)
# Verifier keys of retired signing keys, space separated; still published.
LEDGER_OLD_VERIFIER_KEYS = os.environ.get("LEDGER_OLD_VERIFIER_KEYS", "").split()
LEDGER_ANCHOR_INTERVAL = envint("LEDGER_ANCHOR_INTERVAL", 60)
LEDGER_VERIFY_INTERVAL = envint("LEDGER_VERIFY_INTERVAL", 3600)

CELERY_BEAT_SCHEDULE = {
    "anchor-ledger": {"task": "ledger.tasks.anchor_ledger", "schedule": timedelta(seconds=LEDGER_ANCHOR_INTERVAL)},
    "verify-ledger": {"task": "ledger.tasks.verify_ledger", "schedule": timedelta(seconds=LEDGER_VERIFY_INTERVAL)},
    "campaign-statuses": {"task": "fundraising.tasks.update_campaign_statuses", "schedule": timedelta(hours=1)},
    # Credit lists: expiries and abnormal -> serious at 00:05 Beijing time (16:05 UTC), then the day's export.
    "sanctions-daily": {"task": "sanctions.tasks.daily", "schedule": crontab(hour=16, minute=5)},
}

# Credit lists -------------------------------------------------------------------
# Key of the HMAC that names a listed person by ID number (person/<hash>). It must
# never change once persons are listed; production sets it, development generates one.


def _development_id_hmac_key():
    path = VAR_DIR / "sanctions_id_hmac_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


SANCTIONS_ID_HMAC_KEY = envsecret("SANCTIONS_ID_HMAC_KEY") or (_development_id_hmac_key() if DEBUG else None)

# Internationalisation -----------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# Static files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or VAR_DIR / "media")

# APIs -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # Throttles key on the client address: trust exactly as many X-Forwarded-For hops
    # as there are reverse proxies, or clients could pick their own address.
    "NUM_PROXIES": envint("NUM_PROXIES", 0),
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "600/min")},
    "UNAUTHENTICATED_USER": None,
}
# Platform docking API: requests per platform (all its keys together) and the largest request body.
PLATFORM_API_RATE = os.environ.get("PLATFORM_API_RATE", "1200/min")
PLATFORM_API_MAX_BYTES = envint("PLATFORM_API_MAX_BYTES", 4 * 1024 * 1024)
# Donor receipt lookups (page and .tlog-proof) per client address, counted in the cache.
RECEIPT_LOOKUP_RATE = os.environ.get("RECEIPT_LOOKUP_RATE", "30/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "Charitable China portal API",
    "DESCRIPTION": "Open data of the Charitable China portal and the platform docking API.",
    "VERSION": "1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several components have a "status" field with different choices; name each set (drf_spectacular.W001).
    "ENUM_NAME_OVERRIDES": {
        "OrganizationStatusEnum": "organizations.models.Organization.Status",
        "ItemResultStatusEnum": ["accepted", "rejected"],
    },
}

# Security (production: DEBUG off) -----------------------------------------------
LOGIN_URL = "/accounts/login/"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
    if envbool("SECURE_PROXY_SSL_HEADER", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
