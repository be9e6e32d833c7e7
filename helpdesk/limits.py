"""Rate limits: one fixed-window counter in the cache, and the limits on writing.

The counter serves every limit of the project: the web forms' (sign-ups and
password resets per address, see helpdesk.ratelimit) and the limits on what
people write. Those are per person and the same in every interface: the ticket
services count each new ticket and each message (tickets.services), so the web
pages, the console, the API and mail to the helpdesk all share one count and
one limit. Staff have a limit of their own, higher but finite.

The cache is shared by every app process when REDIS_URL is set (as production
should); with the per-process memory cache each process counts on its own.
With Redis, a count is one script (INCRBY, and EXPIRE on the window's first
action): one round trip, where the cache's add() and incr() take three (Django's
incr() asks first whether the key exists). Same counts, same windows; while
Redis is unreachable it counts nothing, as the cache fails open (helpdesk.cache).
This module reads settings and the cache only, so the core may use it.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from helpdesk.cache import warn_unreachable

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
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        count = _count_in_redis(backend, cache_key, amount, period)
    else:
        cache.add(cache_key, 0, timeout=period)
        try:
            count = cache.incr(cache_key, amount)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, amount, timeout=period)
            count = amount
    if count > limit:
        return period - int(time.time()) % period
    return None


# KEYS[1]: the window's counter; ARGV: the amount, the window's length in seconds.
FIXED_WINDOW = """
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
if count == tonumber(ARGV[1]) then
    redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return count
"""
_script: Any = None


def _count_in_redis(backend: RedisCache, key: str, amount: int, period: int) -> int:
    """The window's count after adding `amount`, in one round trip; `amount` if Redis is down."""
    global _script
    # The cache's own key (prefix, version), holding the plain integer Django stores
    # for an int, so that cache.get() reads the same count.
    key = backend.make_and_validate_key(key)
    try:
        # Django's Redis backend has no public way to its client; _cache is its own.
        client = backend._cache.get_client(key, write=True)
        if _script is None:
            # Registered once per process (a handle on the script, like a compiled regex).
            _script = client.register_script(FIXED_WINDOW)
        return int(_script(keys=[key], args=[amount, period], client=client))
    except RedisError as exc:
        # What the cache's add() and incr() amount to while Redis is down.
        warn_unreachable("incr", exc)
        return amount


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
