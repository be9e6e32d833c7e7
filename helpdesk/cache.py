"""Django's Redis cache, made to keep the site serving while Redis is down.

What lives in the cache are counts that protect the site (API throttles, the
limits on new tickets and messages, the form limits, the lockout emails),
never data. With Redis unreachable, `ResilientRedisCache` fails open: reads
miss, writes are dropped, a count starts again from nothing, so reading and
writing tickets carry on (logged as a warning, at most once every ten
seconds per process). Sign-in, sign-up and password resets fail closed
instead (helpdesk.middleware.SignInNeedsSharedCache asks `is_available()`):
their guard against guessing and email floods counts here.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

_WARN_EVERY_SECONDS = 10
_last_warning = 0.0


def _warn(operation: str, exc: Exception) -> None:
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
            _warn(name, exc)
            return fallback(self, *args, **kwargs)

    operation.__name__ = name
    return operation


class ResilientRedisCache(RedisCache):
    """RedisCache that fails open while Redis is unreachable (see the module)."""

    def is_available(self) -> bool:
        try:
            return bool(self._cache.get_client(write=True).ping())
        except RedisError as exc:
            _warn("ping", exc)
            return False


for _name in _FALLBACKS:
    setattr(ResilientRedisCache, _name, _failing_open(_name))


def cache_available() -> bool:
    """Whether the shared cache answers (always, for a cache that is not Redis)."""
    from django.core.cache import cache

    is_available = getattr(cache, "is_available", None)
    return True if is_available is None else is_available()
