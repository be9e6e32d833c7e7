"""The API's rate limits: DRF's throttles, with their history kept in Redis in one round trip.

DRF's SimpleRateThrottle keeps the time of every request in the window as a list
in the cache: it reads the list, drops what fell out of the window, refuses if
the list is full, else adds the request and writes the list back. Each request
pays two round trips to the cache and a pickled list as long as the rate (up to
1,200 times in production); and two requests of one user at once both read the
same list, so one of them is never counted.

With the Redis cache (REDIS_URL) the same history is a sorted set, and the same
steps run in Redis as one script: one round trip, nothing pickled, and atomic,
so concurrent requests are all counted. The rule is DRF's, step for step: a
request is refused when `num_requests` requests fell within the last `duration`
seconds (a request exactly `duration` old no longer counts), a refused request
is not recorded, and Retry-After is DRF's `wait()` worked out from the same
history. With any other cache (the tests' memory cache, development) DRF's own
code runs. tests/api/test_throttling_in_redis.py checks both give the same
answers for the same requests.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError
from rest_framework import throttling

from helpdesk.cache import warn_unreachable

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

# KEYS[1]: the history; ARGV: now, duration, num_requests, a unique member.
# Returns {allowed (1 or 0), requests in the window (this one included when
# allowed), the oldest request's time (a string, as Redis returns scores)}.
SLIDING_LOG = """
local now = tonumber(ARGV[1])
local duration = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - duration)
local count = redis.call('ZCARD', KEYS[1])
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2] or ARGV[1]
if count >= tonumber(ARGV[3]) then
    return {0, count, oldest}
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(duration))
return {1, count + 1, oldest}
"""
_script: Any = None


def _sliding_log(backend: RedisCache, key: str, args: list) -> list:
    """Run the script on the Redis server that holds `key`."""
    # Registered once per process (a handle on the script, like a compiled regex).
    global _script
    # Django's Redis backend has no public way to its client; _cache is its own.
    client = backend._cache.get_client(key, write=True)
    if _script is None:
        _script = client.register_script(SLIDING_LOG)
    return _script(keys=[key], args=args, client=client)


class RedisHistoryMixin:
    """Put before a SimpleRateThrottle subclass: its history in Redis when the cache is Redis."""

    def allow_request(self, request: Request, view: APIView) -> bool:
        backend = caches["default"]
        if self.rate is None or not isinstance(backend, RedisCache):
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        # A key of its own: the history is a sorted set here, a pickled list for DRF.
        key = backend.make_and_validate_key(f"throttle-log:{self.key}")
        member = f"{self.now!r}:{secrets.token_hex(4)}"
        try:
            allowed, count, oldest = _sliding_log(
                backend, key, [repr(self.now), self.duration, self.num_requests, member]
            )
        except RedisError as exc:
            # Redis is down: throttles fail open, as the cache does (helpdesk.cache);
            # the token endpoint is closed meanwhile (SignInNeedsSharedCache).
            warn_unreachable("throttle", exc)
            return True
        self._count, self._oldest = int(count), float(oldest)
        return bool(allowed)

    def wait(self) -> float | None:
        if not hasattr(self, "_count"):
            return super().wait()
        # DRF's wait(), from the same history: its length and its oldest entry.
        remaining_duration = self.duration - (self.now - self._oldest)
        available_requests = self.num_requests - self._count + 1
        if available_requests <= 0:
            return None
        return remaining_duration / float(available_requests)


class AnonRateThrottle(RedisHistoryMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(RedisHistoryMixin, throttling.UserRateThrottle):
    pass
