"""Settings for the test suite: the production settings, made fast and hermetic."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-not-for-production")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "False")

from helpdesk.settings import *  # noqa: F403
from helpdesk.settings import RATE_LIMITS, REST_FRAMEWORK

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    # Attachments in memory too: tests of the file system's permissions swap
    # in a FileSystemStorage of their own.
    "attachments": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Run background tasks in-line, so a test sees their effect at once.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The API token cache is off, as without Redis; its own tests turn it on
# (tests/api/test_token_cache.py): one test process shares its memory cache.
API_TOKEN_CACHE_SECONDS = 0
# The dashboard's figures read afresh on every visit; its own test turns the
# minute's cache on (tests/admin/test_dashboard.py).
HELPDESK_DASHBOARD_CACHE_SECONDS = 0
# The queue's status counts too (tests/admin/test_ticket_queue.py turns them on).
HELPDESK_QUEUE_COUNTS_CACHE_SECONDS = 0
# Throttles are exercised by their own tests with small rates; everything else
# must not trip over them.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "anon": "10000/minute",
        "user": "10000/minute",
        "token": "10/minute",
    },
}
# Likewise the limits on writing: factories make more tickets and messages
# for one person than they may write in an hour.
RATE_LIMITS = {
    **RATE_LIMITS,
    **{
        scope: "100000/h"
        for scope in ("report", "reply", "report_staff", "reply_staff", "upload", "upload_staff")
    },
}
# Serve static files straight from the source folders, as in development.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
