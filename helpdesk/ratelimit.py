"""Rate limits for the web forms: a fixed-window counter in the cache.

The cache is shared by every app process when REDIS_URL is set (as production
should); with the per-process memory cache each process counts on its own.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.lockout import client_ip

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'10/h' -> (10, 3600)."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period[0]]


def hit(scope: str, key: str) -> int | None:
    """Count one more action for `key`; seconds to wait if that was one too many."""
    limit, period = parse_rate(settings.RATE_LIMITS[scope])
    window = int(time.time() // period)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=period)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period)
        count = 1
    if count > limit:
        return period - int(time.time()) % period
    return None


def by_address(request: HttpRequest) -> str:
    return client_ip(request)


def by_user(request: HttpRequest) -> str:
    return f"user:{request.user.pk}"


def rate_limited(scope: str, key: Callable[[HttpRequest], str]) -> Callable:
    """Refuse POSTs over settings.RATE_LIMITS[scope] with a page that says so (429)."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and (wait := hit(scope, key(request))):
                return too_many(request, wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def too_many(request: HttpRequest, wait: int) -> HttpResponse:
    minutes = max(1, round(wait / 60))
    text = (
        "That was a lot of the same thing in a short time, so we paused it. "
        f"Try again in about {minutes} minute{'s' if minutes > 1 else ''}."
    )
    response = render(request, "429.html", {"text": text}, status=429)
    response["Retry-After"] = str(wait)
    return response
