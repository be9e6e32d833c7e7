"""System checks of the project's own settings (run by `manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_site_url(app_configs: Any, **kwargs: Any) -> list[Warning]:
    # Links in emails (password resets, notifications) are built from SITE_URL,
    # never from the request's Host header: in production it must be the real,
    # https address.
    if settings.SITE_URL.startswith("https://") and "127.0.0.1" not in settings.SITE_URL:
        return []
    return [
        Warning(
            f"SITE_URL is {settings.SITE_URL!r}: links in emails will not work for users.",
            hint="Set SITE_URL to the public https address, e.g. https://help.example.com.",
            id="helpdesk.W001",
        )
    ]


@register(Tags.security, deploy=True)
def check_shared_cache(app_configs: Any, **kwargs: Any) -> list[Warning]:
    # Sign-in lockout emails, API throttles and the limits on new tickets and
    # messages count in the cache: a per-process memory cache lets each app
    # process count on its own (two workers, twice the limit).
    backend = settings.CACHES["default"]["BACKEND"]
    if not backend.endswith("LocMemCache"):
        return []
    return [
        Warning(
            "The cache is per process: throttles and the limits on new tickets and "
            "messages count separately in each app process.",
            hint="Set REDIS_URL so that every app process shares one count.",
            id="helpdesk.W002",
        )
    ]


@register(Tags.security, deploy=True)
def check_token_cache(app_configs: Any, **kwargs: Any) -> list[Warning]:
    # A token revoked in one app process must stop working in all of them at once:
    # a per-process cache would keep it working elsewhere until its entry expires.
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.API_TOKEN_CACHE_SECONDS == 0 or not backend.endswith(("LocMemCache", "DummyCache")):
        return []
    return [
        Warning(
            "API_TOKEN_CACHE_SECONDS is set with a per-process cache: a revoked API "
            "token, a signed-out session or a deactivated user keeps working in the "
            "other app processes until its entry expires.",
            hint="Set REDIS_URL, or API_TOKEN_CACHE_SECONDS=0.",
            id="helpdesk.W003",
        )
    ]
