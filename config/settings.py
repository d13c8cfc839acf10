"""Settings for the whole site, driven by environment variables.

Defaults suit a laptop: SQLite in the project folder and, with DEBUG on, a
secret key generated once into a git-ignored file. Production sets
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and DJANGO_HTTPS=1 (see
README).

Longer than 300 lines, as one module: Django reads its settings from one, and
settings lean on each other (the request size on the picture limit, the rate
limits and lock-outs on the proxies), which one file read top to bottom shows;
split, they would come back through star imports that hide where a name is set.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from redis.backoff import NoBackoff
from redis.retry import Retry

from config.env import env_bool, env_email, env_float, env_host, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent


def _secret_key(debug: bool) -> str:
    """DJANGO_SECRET_KEY; in development only, a key of this checkout's own.

    Without DEBUG this is a server, maybe one of several behind a load
    balancer: a key made up on each machine would break sessions and CSRF
    at random between them, so start-up refuses instead.
    """
    key = env_str("DJANGO_SECRET_KEY", "")
    if key:
        return key
    if not debug:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set: with DJANGO_DEBUG off, set it to a long random "
            "string, the same on every app server (make serve passes one from .secret_key)"
        )
    # Development: one random key per checkout, kept out of git, so sessions
    # survive restarts and nothing secret is ever committed.
    path = BASE_DIR / ".secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = _secret_key(DEBUG)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

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
    "django_tasks",
    "django_tasks_db",
    "axes",
    "accounts",
    "recognizer",
    "throttles",
    "learning",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but one: every response gets the policy, the 503 page of an unreachable database too.
    "csp.middleware.CSPMiddleware",
    "restapi.middleware.refuse_chunked_bodies",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.VisitorTimeZoneMiddleware",
    # Last, as axes asks: turns a locked-out log-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

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

# --- Database -----------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE transactions and a
    # busy timeout make concurrent writers wait instead of failing "locked".
    # Connections persist (DATABASE_CONN_MAX_AGE) as with PostgreSQL: opening one
    # (Django registers its SQL functions, runs the PRAGMAs) and closing the last
    # one (a WAL checkpoint) cost ~3 ms, a fifth of an API request's time.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests: a file of this run's own rather than a memory database, whose one connection
    # pytest-django's live server shares among all its threads (their transactions would
    # interleave); concurrent requests need connections of their own. Random, so that no
    # run ever meets another's leftover -wal file.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"digits-test-{secrets.token_hex(8)}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -------------------------------------------------------------------------


# Rate-limit counts live in throttles.ThrottleCount or Redis (restapi/throttling.py),
# and lock-outs in axes' tables: nothing the workers must share is in Django's cache any
# more, so without Redis each process keeps its own in memory (nothing to create: `migrate`
# prepares the whole database). The cache is then used only by /readyz's check, and by
# whatever may cache later. Redis calls give up after REDIS_TIMEOUT_SECONDS, without retries.
def cache_settings(redis_url: str, timeout: float) -> dict:
    if not redis_url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout, "retry": Retry(NoBackoff(), 0)},
        }
    }


REDIS_URL = env_str("REDIS_URL", "")
# A Redis that does not answer within this holds up every request: give up on it soon (seconds).
REDIS_TIMEOUT_SECONDS = env_float("REDIS_TIMEOUT_SECONDS", 0.25, minimum=0.01, maximum=10.0)
CACHES = cache_settings(REDIS_URL, REDIS_TIMEOUT_SECONDS)

# --- Client addresses -----------------------------------------------------------------

# How many proxies of the site's own (load balancers) stand in front of it. Each appends
# the address it was connected from to X-Forwarded-For; the client's address is the entry
# that many places from the right (throttles.addresses.client_address). 0: the
# connection's own address, X-Forwarded-For ignored (any client can write one).
NUM_PROXIES = env_int("DJANGO_NUM_PROXIES", 0, maximum=10)

# --- Auth -----------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: Django's hook for a saved new password, which revokes the API token.
    {"NAME": "accounts.passwords.NewPasswordRevokesToken"},
]
# Axes first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "recognizer:draw"
LOGOUT_REDIRECT_URL = "login"

# --- Lock-outs (django-axes): the log-in page, the admin's and the API's token ----------

# At most LOGIN_FAILURE_LIMIT wrong passwords for one account, or from one address, within
# LOGIN_LOCKOUT_MINUTES; then log-ins are refused, the right password too, until that much
# time has passed since the last counted failure. Staff see and lift lock-outs in the admin
# ("Access attempts"), or with `manage.py axes_reset`.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: an account, or an address
# Tries while locked out do not make the lock-out longer (an attacker would keep a person out for ever).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "throttles.addresses.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # failures are what matters; no row for every successful log-in
# Accounts made from one address through the sign-up page.
SIGNUP_RATE = env_rate("SIGNUP_RATE", "5/hour")

# --- E-mail: only ever password-reset links -------------------------------------------

# With EMAIL_HOST set, mail goes out through that SMTP server; without it, each
# message is printed on the console, which suits development. `check --deploy`
# warns about the console in production (accounts/checks.py): reset links would
# end up in the logs instead of people's inboxes.
EMAIL_HOST = env_host("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    # A mail server that hangs must not hold a web worker past gunicorn's 30 s.
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    _without_host = [
        name for name in ("EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS") if env_str(name, "")
    ]
    if _without_host:
        raise ImproperlyConfigured(f"{', '.join(_without_host)} set without EMAIL_HOST: set EMAIL_HOST too")
DEFAULT_FROM_EMAIL = env_email("DEFAULT_FROM_EMAIL", "Digits <noreply@localhost>")

# --- Internationalisation ---------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files and uploaded pictures -----------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Pictures people upload are private: they live under MEDIA_ROOT, are never
# served as public files, and reach their owner through a view that checks.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.storage.StaticFilesStorage"},
}

# The largest picture accepted, in bytes; a larger upload gets 413.
RECOGNIZER_MAX_UPLOAD_BYTES = env_int("RECOGNIZER_MAX_UPLOAD_BYTES", 5 * 1024 * 1024, minimum=1024)
# The bytes of stored pictures one person may keep: about 100,000 drawings (a drawing
# is stored in 1 to 3 KB, a photo in up to about 1 MB). Over it, saving answers 413.
RECOGNIZER_USER_QUOTA_BYTES = env_int("RECOGNIZER_USER_QUOTA_BYTES", 200 * 1024 * 1024, minimum=1024 * 1024)
# Readings older than this many days are deleted, pictures and all, by
# `manage.py prune_predictions` (run it daily); 0 keeps them for ever.
RECOGNIZER_RETENTION_DAYS = env_int("RECOGNIZER_RETENTION_DAYS", 0)
# A JSON body carries the picture in base64 (4/3 larger) plus a little JSON.
DATA_UPLOAD_MAX_MEMORY_SIZE = RECOGNIZER_MAX_UPLOAD_BYTES * 4 // 3 + 64 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# --- The learning loop: model versions, training in a worker, the gate --------------

# A task queue in the database: `python manage.py db_worker` works it; on several
# machines the workers share the PostgreSQL queue. Training runs on a queue of its own.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "training"]}}
# Where each app server keeps its copy of the versions it loads (from the default storage).
MODEL_CACHE_DIR = Path(env_str("MODEL_CACHE_DIR", str(BASE_DIR / ".cache" / "models")))
# What training learns from: MNIST (IDX folder or .npz), the other writers' sets beside it, and
# where their renders are kept between runs; the width of the trained network (see ml.architecture).
LEARNING_MNIST = Path(env_str("LEARNING_MNIST", str(BASE_DIR.parent / "shared" / "datasets" / "mnist")))
LEARNING_HANDWRITING = Path(env_str("LEARNING_HANDWRITING", str(BASE_DIR.parent / "shared" / "datasets")))
LEARNING_CACHE = Path(env_str("LEARNING_CACHE", str(BASE_DIR / ".cache")))
LEARNING_WIDTH = env_float("LEARNING_WIDTH", 1.5, minimum=0.25, maximum=4.0)
# How much worse than the version in service a candidate may be on a test and still be promoted.
LEARNING_GATE_MARGIN = env_float("LEARNING_GATE_MARGIN", 0.002, maximum=1.0)  # accuracies, 0 to 1
LEARNING_GATE_ECE_MARGIN = env_float("LEARNING_GATE_ECE_MARGIN", 0.01, maximum=1.0)
LEARNING_GATE_MS_MARGIN = env_float("LEARNING_GATE_MS_MARGIN", 1.0)  # one canvas read, milliseconds
LEARNING_GATE_MB_MARGIN = env_float("LEARNING_GATE_MB_MARGIN", 20.0)  # a serving process's memory

# --- REST API ---------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "restapi.throttling.AnonThrottle",
        "restapi.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("API_THROTTLE_ANON", "30/minute"),
        "user": env_rate("API_THROTTLE_USER", "600/minute"),
        # Reading without storing (the drawing page's live reading, open to visitors).
        "reading": env_rate("API_THROTTLE_READING", "360/minute"),
        "reading_address": env_rate("API_THROTTLE_READING_ADDRESS", "1200/minute"),
    },
    "DEFAULT_PAGINATION_CLASS": "restapi.pagination.PageSizePagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "restapi.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "NUM_PROXIES": NUM_PROXIES,
}
# The apps' answers to their own exceptions, which restapi.errors asks before its own rules:
# each returns a response, or None for an exception that is not its own.
API_ERROR_ANSWERS = ["recognizer.api.errors.reading_error_answer"]
SPECTACULAR_SETTINGS = {
    "TITLE": "Digits API",
    "DESCRIPTION": "Read handwritten digits from pictures; every reading is stored for its owner.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    # Deep links put a link inside each operation's expand button (nested controls,
    # which screen readers announce badly: axe's "nested-interactive").
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- HTTPS and production hardening -------------------------------------------------

HTTPS = env_bool("DJANGO_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
# The load balancer checks liveness and readiness over plain HTTP inside the
# network; a redirect would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0)
# HSTS for every subdomain, and a place in the browsers' preload list, bind
# sites beyond this one for months and are slow to undo: only when asked.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
if SECURE_HSTS_PRELOAD and not SECURE_HSTS_INCLUDE_SUBDOMAINS:
    raise ImproperlyConfigured(
        "DJANGO_HSTS_PRELOAD=1 needs DJANGO_HSTS_INCLUDE_SUBDOMAINS=1: the preload list "
        "takes only sites whose HSTS covers their subdomains"
    )
# `check --deploy` warns whenever either is off (security.W005, security.W021);
# off is this site's deliberate default, above.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
if env_bool("DJANGO_BEHIND_PROXY", False):
    # The load balancer terminates TLS and says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts and styles only from the site's own files, no
# inline code or style attributes, so injected markup can neither run nor restyle anything.
# img-src allows data: URLs for the drawing page's 28x28 pictures of what the model saw (and
# Swagger UI's icons) and blob: URLs for a picture a person adds, shown before it is sent;
# connect-src allows data: for the page to fetch back, after a reload, the picture it kept as
# a data: URL (static/js/draw/main.js). The API docs' one inline script (drf-spectacular's
# start-up of Swagger UI) runs by a nonce made for each response (request.csp_nonce).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}
