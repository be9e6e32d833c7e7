"""Django's Redis cache, made to keep the site serving while Redis is down, and cheaper per call.

What lives in the cache are counts that protect the site (API throttles, the
limits on new tickets and messages, the form limits, the lockout emails),
figures kept a minute (the dashboard's), and what a request is signed in
with: API tokens, sessions and users, kept under a generation that every
change to them replaces (accounts.token_cache; sessions under a hash of
their key, never the key). With Redis unreachable, `ResilientRedisCache`
fails open: reads miss, writes are dropped, a count starts again from
nothing, so reading and writing tickets carry on (logged as a warning, at
most once every ten seconds per process). The one write that must not be
dropped, a new generation, goes through `set_strictly`, which raises.
Sign-in, sign-up and password resets fail closed instead
(helpdesk.middleware.SignInNeedsSharedCache asks `is_available()`): their
guard against guessing and email floods counts here.

Per call, Django's RedisCacheClient.get_client builds a new `redis.Redis`,
which copies redis-py's table of response callbacks: 48 µs of CPU, twice the
round trip to Redis (docs/BENCHMARKS.md), and every API request makes two or
three cache calls. A redis-py client is safe to share between threads and
holds nothing but its pool, which Django keeps for the life of the process,
so `RedisCacheClient` keeps one client per pool.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends import redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

_WARN_EVERY_SECONDS = 10
_last_warning = 0.0


class RedisCacheClient(redis.RedisCacheClient):
    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(pool)
        if client is None:
            client = clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    """Django's Redis cache with one client per connection pool (see the module)."""

    def __init__(self, server: Any, params: dict) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient


def warn_unreachable(operation: str, exc: Exception) -> None:
    # Only this process's log is throttled: a per-process clock is all it needs.
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= _WARN_EVERY_SECONDS:
        _last_warning = now
        logger.warning(
            "Redis is unreachable (%s: %s); the cache fails open: throttles and rate "
            "limits do not count, sign-in is refused until it is back.",
            operation,
            type(exc).__name__,
        )


def _missing(*args: Any, **kwargs: Any) -> Any:
    raise ValueError("Key not found (Redis is unreachable)")


# Each operation's answer while Redis is down: what a cache that lost the key says.
_FALLBACKS: dict[str, Any] = {
    "get": lambda self, key, default=None, version=None: default,
    "set": lambda *args, **kwargs: None,
    "add": lambda *args, **kwargs: False,
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "get_many": lambda *args, **kwargs: {},
    "set_many": lambda self, data, *args, **kwargs: list(data),
    "delete_many": lambda *args, **kwargs: None,
    "has_key": lambda *args, **kwargs: False,
    "incr": _missing,
    "clear": lambda *args, **kwargs: False,
}


def _failing_open(name: str) -> Any:
    method, fallback = getattr(RedisCache, name), _FALLBACKS[name]

    def operation(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except RedisError as exc:
            warn_unreachable(name, exc)
            return fallback(self, *args, **kwargs)

    operation.__name__ = name
    return operation


class ResilientRedisCache(RedisCache):
    """RedisCache that fails open while Redis is unreachable (see the module)."""

    def set_strictly(self, key: Any, value: Any, timeout: Any = None) -> None:
        """set(), raising RedisError when Redis refuses it rather than dropping it."""
        RedisCache.set(self, key, value, timeout)

    def is_available(self) -> bool:
        try:
            return bool(self._cache.get_client(write=True).ping())
        except RedisError as exc:
            warn_unreachable("ping", exc)
            return False


for _name in _FALLBACKS:
    setattr(ResilientRedisCache, _name, _failing_open(_name))


def cache_available() -> bool:
    """Whether the shared cache answers (always, for a cache that is not Redis)."""
    from django.core.cache import cache

    is_available = getattr(cache, "is_available", None)
    return True if is_available is None else is_available()
