"""Rate limits: one fixed-window counter in the cache, and the limits on writing.

The counter serves every limit of the project: the web forms' (sign-ups and
password resets per address, see helpdesk.ratelimit) and the limits on what
people write. Those are per person and the same in every interface: the ticket
services count each new ticket and each message (tickets.services), so the web
pages, the console, the API and mail to the helpdesk all share one count and
one limit. Staff have a limit of their own, higher but finite.

The cache is shared by every app process when REDIS_URL is set (as production
should); with the per-process memory cache each process counts on its own.
This module reads settings and the cache only, so the core may use it.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

# What people write, each with its scope in settings.RATE_LIMITS: (end users, staff).
WRITE_SCOPES = {
    "report": ("report", "report_staff"),  # a new ticket
    "reply": ("reply", "reply_staff"),  # a message on a ticket, internal notes included
    "upload": ("upload", "upload_staff"),  # a file attached, counted one by one
}


def parse_rate(rate: str) -> tuple[int, int]:
    """'10/h' -> (10, 3600)."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period[0]]


def hit(scope: str, key: str, amount: int = 1) -> int | None:
    """Count `amount` more actions for `key`; seconds to wait if that was too many."""
    limit, period = parse_rate(settings.RATE_LIMITS[scope])
    window = int(time.time() // period)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=period)
    try:
        count = cache.incr(cache_key, amount)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, amount, timeout=period)
        count = amount
    if count > limit:
        return period - int(time.time()) % period
    return None


def user_key(user_id: int) -> str:
    return f"user:{user_id}"


def count_write(action: str, *, user_id: int, staff: bool) -> int | None:
    """Count one `action` ("report" or "reply") by a person; seconds to wait if over the limit."""
    scope = WRITE_SCOPES[action][1 if staff else 0]
    return hit(scope, user_key(user_id))


def count_uploads(files: int, *, user_id: int, staff: bool) -> int | None:
    """Count `files` attached by a person; seconds to wait if that goes over their limit."""
    scope = WRITE_SCOPES["upload"][1 if staff else 0]
    return hit(scope, user_key(user_id), files)
