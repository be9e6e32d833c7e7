"""Settings for the helpdesk, driven by environment variables.

Every variable is parsed strictly: a value we do not understand stops the process
with ImproperlyConfigured rather than silently falling back to a default. With
nothing set, the project runs on an SQLite file next to manage.py.
"""

from __future__ import annotations

import ipaddress
import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    v = os.getenv(name, default=default)
    if v not in ("", "True", "False"):
        raise ImproperlyConfigured(f"Unexpected value {name}={v}, use 'True' or 'False'")
    return v == "True"


def envint(name: str, default: str) -> int:
    v = os.getenv(name, default=default)
    try:
        return int(v)
    except ValueError:
        raise ImproperlyConfigured(f"Unexpected value {name}={v}, use a whole number") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG", "False")

SECRET_KEY = os.getenv("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it, or set DJANGO_DEBUG=True for development."
        )
    # Development only: never used when DEBUG is off.
    SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.getenv("SITE_NAME", "Helpdesk")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_tasks_db",
    "accounts",
    "tickets",
    "notifications",
    "mailgate",
    "service_levels",
    "macros",
    "rules",
    # The project itself: wires the per-task log line and metrics (helpdesk/apps.py).
    "helpdesk",
]

MIDDLEWARE = [
    # Outermost: the request id, and one log line per request whatever answers it.
    "helpdesk.logs.request_log",
    # /healthz, /readyz and /metrics: answered here, before the host check, https
    # redirect, sessions and authentication (helpdesk/operations.py).
    "helpdesk.operations.operations_endpoints",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's Accept-Language (or the language cookie) first ...
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # ... then the language a signed-in person chose, which wins.
    "helpdesk.middleware.user_language",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "helpdesk.middleware.private_pages",
    # Inside the language and the headers above, so its 400 page has them too.
    "helpdesk.middleware.refuse_nul_in_query",
    "helpdesk.middleware.limit_request_size",
    "helpdesk.middleware.CheckConsoleSelection",
    # Sign-in and the email-sending forms wait while Redis is down (helpdesk/cache.py),
    # and so does a change Redis could not be told of (accounts/token_cache.py).
    "helpdesk.middleware.SignInNeedsSharedCache",
    # Last, so that it sees the outcome of every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

# Benchmark instrumentation (bench/): an X-Query-Count header on every response
# and a ceiling endpoint at /bench/ceiling/ (helpdesk/instrumentation.py). Never set it in
# production.
HELPDESK_BENCH = envbool("HELPDESK_BENCH", "False")
if HELPDESK_BENCH:
    MIDDLEWARE = ["helpdesk.instrumentation.QueryCountMiddleware", *MIDDLEWARE]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"

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
                "helpdesk.context_processors.site",
            ],
        },
    },
]

# Database: SQLite file by default, anything else through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", "0"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so two services
    # writing one ticket queue up instead of failing with "database is locked"
    # halfway through; WAL lets readers carry on while a writer works.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler pays off for long analytical queries, not for a
    # web app's short ones: at 1M tickets it spent 0.7 s compiling a 0.2 s count.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # A database that does not answer fails a request (and /readyz) in seconds,
    # rather than holding a worker until gunicorn's timeout kills it.
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", envint("DATABASE_CONNECT_TIMEOUT", "5")
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username or address is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's, reading the signed-in user from the shared cache when it is on.
    "accounts.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tickets:list"
LOGOUT_REDIRECT_URL = "home"

# Sign-in lockout (django-axes): five failures for one username from one
# address, or from one address at all, lock further attempts for a quarter of
# an hour on every login path; a username is locked from every address only
# after AXES_USERNAME_FAILURE_LIMIT failures (accounts.lockout.LockoutHandler).
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_USERNAME_FAILURE_LIMIT = envint("AXES_USERNAME_FAILURE_LIMIT", "50")
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "accounts.lockout.LockoutHandler"
# Attempts refused during a lock are not counted: one address adds at most
# AXES_FAILURE_LIMIT failures to a username's count from every address.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A success forgets that account's failures only (accounts.lockout.forget_failures):
# axes' own reset would also forget every failure from the address.
AXES_RESET_ON_SUCCESS = False
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
# How many proxies in front of the app set X-Forwarded-For; only their entries
# are believed (for lockouts and API throttles). 0: the header is ignored.
TRUSTED_PROXY_COUNT = envint("AXES_PROXY_COUNT", "0")
AXES_VERBOSE = False

# The languages the product is translated into. What users wrote is never translated.
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
]
# The site's language for whoever has chosen none and whose browser asks for none we have.
LANGUAGE_CODE = os.getenv("LANGUAGE_CODE", "en")
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(
        f"Unexpected value LANGUAGE_CODE={LANGUAGE_CODE}, use one of "
        + ", ".join(code for code, _ in LANGUAGES)
    )
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.getenv("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` gathers the files that whitenoise serves (a release step).
STATIC_ROOT = Path(os.getenv("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Attachments (tickets.attachments): files on tickets and messages, stored
# under random names in a folder of their own, outside STATIC_ROOT and never
# served by the web server, only by the views that check who may read them.
# Owner-only permissions, so no other account on the machine reads them. For
# several app servers, point the "attachments" storage at S3-compatible object
# storage (django-storages; see README), so every server reads what any wrote.
ATTACHMENTS_ROOT = Path(os.getenv("ATTACHMENTS_ROOT", str(BASE_DIR / "attachments")))
ATTACHMENTS_MAX_FILE_SIZE = envint("ATTACHMENTS_MAX_FILE_SIZE", str(10 * 1024 * 1024))
ATTACHMENTS_MAX_FILES = envint("ATTACHMENTS_MAX_FILES", "10")
ATTACHMENTS_MAX_TICKET_SIZE = envint("ATTACHMENTS_MAX_TICKET_SIZE", str(100 * 1024 * 1024))
# Images of more pixels than this (4096 x 4096) get no thumbnail and download
# as files: decoding costs memory by the pixel (a 130 KB PNG of 40 megapixels
# took 160 MB to decode), so this bounds what one upload can make a worker
# allocate. JPEG photos count at the reduced scale they are decoded at (up to
# 1/8), so a 48-megapixel phone photo still gets its thumbnail.
ATTACHMENTS_MAX_IMAGE_PIXELS = envint("ATTACHMENTS_MAX_IMAGE_PIXELS", str(4096 * 4096))
if min(ATTACHMENTS_MAX_FILE_SIZE, ATTACHMENTS_MAX_FILES, ATTACHMENTS_MAX_TICKET_SIZE) < 1:
    raise ImproperlyConfigured("The ATTACHMENTS_MAX_* limits must be 1 or more")
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Uploads above this are spooled to a temporary file by Django, not held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The largest request body accepted at all (helpdesk.middleware.limit_request_size):
# a message's files at their limits, plus a megabyte for its text.
REQUEST_MAX_SIZE = ATTACHMENTS_MAX_FILES * ATTACHMENTS_MAX_FILE_SIZE + 1024 * 1024

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": ATTACHMENTS_ROOT,
            # No URL: files are served only through the views that check access.
            "base_url": None,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Cache: Redis when configured (shared by every app process, which the API
# throttles need in production); a per-process memory cache otherwise.
if REDIS_URL := os.getenv("REDIS_URL", ""):
    CACHES = {
        "default": {
            # Django's Redis backend, failing open while Redis is down and keeping
            # one Redis client per pool (helpdesk/cache.py).
            "BACKEND": "helpdesk.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that does not answer fails fast instead of hanging the request.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Django's database sessions, read from the shared cache under the token cache's
# generation when it is on (accounts.sessions; not Django's cached_db, which could
# keep a session read during its sign-out).
SESSION_ENGINE = "accounts.sessions"

# API tokens found are kept this many seconds in the cache, and forgotten by
# every app process the moment a user or token changes (accounts.token_cache).
# Only with a cache all app processes share: on by default with REDIS_URL.
# The console dashboard's 30 days' figures, kept this long in the shared cache
# (tickets/templatetags/helpdesk_admin.py); 0 reads them on every visit.
HELPDESK_DASHBOARD_CACHE_SECONDS = envint("HELPDESK_DASHBOARD_CACHE_SECONDS", "60")
# The console queue's status tabs' counts, kept this long per list (tickets/admin/queue.py).
HELPDESK_QUEUE_COUNTS_CACHE_SECONDS = envint("HELPDESK_QUEUE_COUNTS_CACHE_SECONDS", "5")
API_TOKEN_CACHE_SECONDS = envint("API_TOKEN_CACHE_SECONDS", "300" if REDIS_URL else "0")
if API_TOKEN_CACHE_SECONDS < 0:
    raise ImproperlyConfigured("API_TOKEN_CACHE_SECONDS must be 0 (off) or more")


# Email (Django 6.1 mailers): console in development; SMTP otherwise, from
# EMAIL_URL (smtp://user:password@host:587?tls=True) or the EMAIL_* variables.
def email_mailer() -> dict:
    backend = os.getenv("EMAIL_BACKEND", "")
    url = os.getenv("EMAIL_URL", "")
    if backend.endswith("filebased.EmailBackend"):
        # Each email a file in a folder (staging, tests of a deployment).
        if not (folder := os.getenv("EMAIL_FILE_PATH", "")):
            raise ImproperlyConfigured("EMAIL_BACKEND is the file backend: set EMAIL_FILE_PATH")
        return {"BACKEND": backend, "OPTIONS": {"file_path": folder}}
    if not url and (backend or DEBUG):
        return {"BACKEND": backend or "django.core.mail.backends.console.EmailBackend"}
    options: dict = {
        "host": os.getenv("EMAIL_HOST", "localhost"),
        "port": envint("EMAIL_PORT", "25"),
        "username": os.getenv("EMAIL_HOST_USER", ""),
        "password": os.getenv("EMAIL_HOST_PASSWORD", ""),
        "use_tls": envbool("EMAIL_USE_TLS", "False"),
        "use_ssl": envbool("EMAIL_USE_SSL", "False"),
        "timeout": envint("EMAIL_TIMEOUT", "10"),
    }
    if url:
        parsed = urlsplit(url)
        if parsed.scheme not in ("smtp", "smtps"):
            raise ImproperlyConfigured(f"Unexpected EMAIL_URL scheme {parsed.scheme!r}, use smtp")
        query = dict(parse_qsl(parsed.query))
        options |= {
            "host": parsed.hostname or "localhost",
            "port": parsed.port or (465 if parsed.scheme == "smtps" else 25),
            "username": unquote(parsed.username or ""),
            "password": unquote(parsed.password or ""),
            "use_tls": query.get("tls") == "True",
            "use_ssl": parsed.scheme == "smtps" or query.get("ssl") == "True",
        }
    return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}


MAILERS = {"default": email_mailer()}
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "Helpdesk <helpdesk@localhost>")
SERVER_EMAIL = os.getenv("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Background work: a durable queue in the database, run by `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": os.getenv("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Notification emails: tries per email, and the first retry's delay (each next one is 4x).
NOTIFICATIONS_MAX_ATTEMPTS = envint("NOTIFICATIONS_MAX_ATTEMPTS", "5")
NOTIFICATIONS_RETRY_BASE_SECONDS = envint("NOTIFICATIONS_RETRY_BASE_SECONDS", "30")
# A burst of changes to one ticket is no storm of email: one person gets at most
# NOTIFICATIONS_BURST emails about one ticket in NOTIFICATIONS_WINDOW_MINUTES;
# the rest wait and go as one digest when the window allows.
NOTIFICATIONS_BURST = envint("NOTIFICATIONS_BURST", "3")
NOTIFICATIONS_WINDOW_MINUTES = envint("NOTIFICATIONS_WINDOW_MINUTES", "10")
if NOTIFICATIONS_BURST < 1 or NOTIFICATIONS_WINDOW_MINUTES < 0:
    raise ImproperlyConfigured(
        "NOTIFICATIONS_BURST must be 1 or more, NOTIFICATIONS_WINDOW_MINUTES 0 or more"
    )

# Email in (mailgate): the address people write to; notifications carry
# Reply-To: <local>+<signed token>@<domain> on it. Empty: email in is off and
# notifications carry no reply address.
HELPDESK_EMAIL_ADDRESS = os.getenv("HELPDESK_EMAIL_ADDRESS", "").strip().lower()
# Mail from an address no account has makes an account for it (no usable
# password); False refuses such mail instead.
HELPDESK_EMAIL_UNKNOWN_SENDERS = envbool("HELPDESK_EMAIL_UNKNOWN_SENDERS", "True")
HELPDESK_EMAIL_MAX_BYTES = envint("HELPDESK_EMAIL_MAX_BYTES", str(25 * 1024 * 1024))
# Tries at processing one message before it is recorded as failed (a message
# that stops its worker every time must not be handed on for ever).
HELPDESK_EMAIL_MAX_ATTEMPTS = envint("HELPDESK_EMAIL_MAX_ATTEMPTS", "5")
# A staff reply whose first line is this becomes an internal note.
HELPDESK_EMAIL_NOTE_MARKER = os.getenv("HELPDESK_EMAIL_NOTE_MARKER", "#note").strip()
# New tickets by email per sender address ("N/m", "N/h", "N/d"), counted in the database.
HELPDESK_EMAIL_TICKET_RATE = os.getenv("HELPDESK_EMAIL_TICKET_RATE", "5/h")
if not re.fullmatch(r"[1-9]\d*/[mhd]", HELPDESK_EMAIL_TICKET_RATE):
    raise ImproperlyConfigured(
        f"Unexpected value HELPDESK_EMAIL_TICKET_RATE={HELPDESK_EMAIL_TICKET_RATE}, use e.g. '5/h'"
    )
# The authserv-ids of the receiving servers whose Authentication-Results are
# believed (the others are the sender's to write, and ignored).
HELPDESK_EMAIL_TRUSTED_AUTHSERV_IDS = [
    v.lower() for v in envlist("HELPDESK_EMAIL_TRUSTED_AUTHSERV_IDS", "")
]
# IMAP mailboxes fetch_mail polls, space-separated URLs:
# imaps://user:password@host:993/INBOX?processed=Processed (or ?after=delete),
# imap://...?starttls=True for STARTTLS on port 143.
HELPDESK_EMAIL_IMAP = os.getenv("HELPDESK_EMAIL_IMAP", "").split()
# Time-based rules (manage.py run_rules, from a timer): days before each acts; 0 turns
# it off. A resolved ticket closes after RULES_CLOSE_RESOLVED_DAYS; a pending one
# gets a reminder to its reporter after RULES_REMIND_PENDING_DAYS without news, and
# is resolved RULES_RESOLVE_PENDING_DAYS after that reminder.
RULES_CLOSE_RESOLVED_DAYS = envint("RULES_CLOSE_RESOLVED_DAYS", "7")
RULES_REMIND_PENDING_DAYS = envint("RULES_REMIND_PENDING_DAYS", "3")
RULES_RESOLVE_PENDING_DAYS = envint("RULES_RESOLVE_PENDING_DAYS", "7")
# Tickets changed per transaction by a rule.
RULES_BATCH_SIZE = envint("RULES_BATCH_SIZE", "200")
if min(RULES_CLOSE_RESOLVED_DAYS, RULES_REMIND_PENDING_DAYS, RULES_RESOLVE_PENDING_DAYS) < 0:
    raise ImproperlyConfigured("RULES_*_DAYS must be 0 (off) or more")
if not 1 <= RULES_BATCH_SIZE <= 10_000:
    raise ImproperlyConfigured("RULES_BATCH_SIZE must be between 1 and 10000")
# Service level warnings: an email this many minutes before a target falls due.
SLA_WARNING_MINUTES = envint("SLA_WARNING_MINUTES", "30")

# Sign-up sends a link to the address given; the account works once it is followed.
# False for closed deployments, where whoever reaches the sign-up page is trusted.
SIGNUP_VERIFY_EMAIL = envbool("SIGNUP_VERIFY_EMAIL", "True")

# Rate limits (helpdesk.limits): "N/s", "N/m", "N/h" or "N/d". The web forms'
# per client address; new tickets and messages per person, in every interface
# (web, console, API, email in), with higher limits for staff.
RATE_LIMITS = {
    "signup": os.getenv("RATE_SIGNUP", "10/h"),
    "password_reset": os.getenv("RATE_PASSWORD_RESET", "10/h"),
    "password_reset_email": os.getenv("RATE_PASSWORD_RESET_EMAIL", "3/h"),
    "signup_email": os.getenv("RATE_SIGNUP_EMAIL", "3/h"),
    "report": os.getenv("RATE_REPORT", "30/h"),
    "reply": os.getenv("RATE_REPLY", "120/h"),
    "report_staff": os.getenv("RATE_REPORT_STAFF", "300/h"),
    "reply_staff": os.getenv("RATE_REPLY_STAFF", "600/h"),
    # Files attached, counted one by one.
    "upload": os.getenv("RATE_UPLOAD", "100/h"),
    "upload_staff": os.getenv("RATE_UPLOAD_STAFF", "500/h"),
}
for _name, _rate in RATE_LIMITS.items():
    if not re.fullmatch(r"[1-9]\d*/[smhd]", _rate):
        raise ImproperlyConfigured(f"Unexpected rate {_rate!r} for {_name}, use e.g. '10/h'")

# Limits on what a request may carry.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "accounts.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's JSON, written by orjson (api/renderers.py).
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Every error as RFC 9457 problem details, domain errors included.
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    # Throttles key anonymous callers by address: trust X-Forwarded-For only
    # from as many proxies as django-axes does, never from any client.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # DRF's throttles, their history kept in Redis in one round trip (api/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonRateThrottle",
        "api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.getenv("API_THROTTLE_ANON", "60/minute"),
        "user": os.getenv("API_THROTTLE_USER", "1200/minute"),
        "token": os.getenv("API_THROTTLE_TOKEN", "10/minute"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Helpdesk API",
    "DESCRIPTION": (
        "Report, modify, view and change the status of tickets, and converse in messages."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema and docs are public, whatever credentials come with them.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "tickets.choices.TicketStatus",
        "TicketPriorityEnum": "tickets.choices.TicketPriority",
        "EventKindEnum": "tickets.choices.EventKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.introduction.add_introduction",
        "tickets.api.schema.staff_only_fields",
    ],
    "TAGS": [
        {"name": "auth", "description": "Tokens and the signed-in user."},
        {"name": "tickets", "description": "Tickets, their messages and their events."},
        {"name": "staff", "description": "Helpdesk staff, to assign tickets to."},
    ],
}

# Production hardening: on whenever DEBUG is off, each switchable for a
# deployment behind a proxy that terminates TLS.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("DJANGO_BEHIND_TLS_PROXY", "False") else None
)
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", str(not DEBUG))
SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", str(not DEBUG))
SECURE_HSTS_PRELOAD = envbool("DJANGO_HSTS_PRELOAD", str(not DEBUG))
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy: scripts only from our own files (no inline script
# anywhere, the admin and the API docs included), so injected markup cannot run.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    # Inline style attributes (the admin, the dashboard's SVG) cannot run code.
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# Prometheus metrics at /metrics (helpdesk/metrics.py): readable with the bearer
# token, and/or from the listed addresses or networks; each one set must pass.
# With neither, /metrics does not exist (404).
METRICS_TOKEN = os.getenv("METRICS_TOKEN", "")
if METRICS_TOKEN and len(METRICS_TOKEN) < 24:
    raise ImproperlyConfigured("METRICS_TOKEN is too short: use 24 characters or more")
try:
    METRICS_ALLOWED_NETWORKS = [
        ipaddress.ip_network(item, strict=False) for item in envlist("METRICS_ALLOWED_IPS", "")
    ]
except ValueError as exc:
    raise ImproperlyConfigured(f"Unexpected value in METRICS_ALLOWED_IPS: {exc}") from None

# Logs: one JSON object a line (helpdesk/logs.py) in production, for a log
# shipper to index; readable text in development. LOG_FORMAT picks either.
LOG_FORMAT = os.getenv("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"Unexpected value LOG_FORMAT={LOG_FORMAT}, use 'json' or 'text'")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "helpdesk.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "helpdesk.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {
        # Never DEBUG, whatever LOG_LEVEL says: it would log every SQL
        # statement with its parameters (password hashes, message bodies).
        "django.db.backends": {"level": "INFO"},
    },
}
