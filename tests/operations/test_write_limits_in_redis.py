"""With the Redis cache, the limits on writing count in one round trip: the same answers.

helpdesk/limits.py counts each window in one script where the cache's add() and
incr() took three round trips. These tests point the cache at the project's
Redis server (a database and a key prefix of their own) and check that it
answers as the cache's own operations do, that the count is the cache's own
value, and that the window ends when it should.
"""

from __future__ import annotations

import socket
import uuid

import pytest
from django.core.cache import caches

from helpdesk import limits

REDIS = "redis://127.0.0.1:6379/12"


def _caches(backend: str, location: str, **options) -> dict:
    return {
        "default": {
            "BACKEND": backend,
            "LOCATION": location,
            "KEY_PREFIX": f"helpdesk-tests-{uuid.uuid4().hex}",
            "OPTIONS": options,
        }
    }


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = _caches("helpdesk.cache.ResilientRedisCache", REDIS)
    yield caches["default"]
    caches["default"].clear()


def answers(settings, amounts: list[int]) -> list[int | None]:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "reply": "5/h"}
    return [limits.hit("reply", "user:7", amount) for amount in amounts]


AMOUNTS = [1, 1, 2, 1, 1, 3, 1]


def test_redis_answers_as_the_cache_operations_do(settings, redis_cache):
    in_redis = answers(settings, AMOUNTS)
    settings.CACHES = _caches("django.core.cache.backends.locmem.LocMemCache", "limits")
    in_memory = answers(settings, AMOUNTS)

    # Allowed up to 5 in the hour, then told how long to wait.
    assert [wait is None for wait in in_redis] == [True, True, True, True, False, False, False]
    assert [wait is None for wait in in_memory] == [wait is None for wait in in_redis]
    assert all(0 < wait <= 3600 for wait in in_redis if wait is not None)


def test_the_count_is_the_caches_own_and_ends_with_its_window(settings, redis_cache):
    answers(settings, [1, 2])

    [key] = redis_cache._cache.get_client().keys(f"{redis_cache.key_prefix}*ratelimit:reply:*")
    name = key.decode().split(":", 2)[2]
    assert redis_cache.get(name) == 3
    assert 0 < redis_cache._cache.get_client().ttl(key) <= 3600


def test_with_redis_down_writing_is_not_counted(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.CACHES = _caches(
        "helpdesk.cache.ResilientRedisCache",
        f"redis://127.0.0.1:{port}/7",
        socket_connect_timeout=1,
        socket_timeout=1,
    )

    assert answers(settings, [1] * 7) == [None] * 7


def test_a_count_is_one_round_trip(settings, redis_cache, monkeypatch):
    from redis.client import Redis

    answers(settings, [1])  # loads the script
    sent = []
    execute = Redis.execute_command

    def counted(self, *args, **options):
        sent.append(args[0])
        return execute(self, *args, **options)

    monkeypatch.setattr(Redis, "execute_command", counted)

    answers(settings, [1])

    assert sent == ["EVALSHA"]
