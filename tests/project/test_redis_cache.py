"""helpdesk.cache.RedisCache: Django's Redis cache, one Redis client per pool."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import caches

from tests.project.test_settings import PRODUCTION, manage


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "helpdesk.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/12",
            "KEY_PREFIX": f"helpdesk-tests-{uuid.uuid4().hex}",
        }
    }
    return caches["default"]


def test_it_works_as_djangos(redis_cache):
    redis_cache.set("a", {"history": [1.5, 2.5]}, 30)
    assert redis_cache.get("a") == {"history": [1.5, 2.5]}
    assert redis_cache.add("a", "other") is False
    assert redis_cache.get_many(["a", "missing"]) == {"a": {"history": [1.5, 2.5]}}
    redis_cache.set("n", 1, 30)
    assert redis_cache.incr("n") == 2
    redis_cache.delete_many(["a", "n"])
    assert redis_cache.get("a") is None


def test_it_builds_one_client_per_pool(redis_cache):
    first = redis_cache._cache.get_client("a", write=True)

    assert redis_cache._cache.get_client("b", write=True) is first
    assert redis_cache._cache.get_client("c") is first  # one server: reads go to it too


def test_redis_url_selects_it():
    script = "from django.core.cache import caches; print(type(caches['default']).__module__)"
    result = manage("shell", "-c", script, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "helpdesk.cache"
