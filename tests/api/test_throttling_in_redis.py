"""With the Redis cache, the throttles keep their history in Redis: the same answers, atomic.

api/throttling.py runs DRF's rule as one script in Redis. These tests point the
cache at the Redis server the project runs with (127.0.0.1:6379, a database and
a key prefix of their own) and check that it answers every request as DRF's
own throttle does, that concurrent requests are all counted, and that the API
still answers 429 with Retry-After.
"""

from __future__ import annotations

import threading
import uuid
from unittest import mock

import pytest
from django.core.cache import caches
from rest_framework import throttling
from rest_framework.test import APIRequestFactory

from api.throttling import AnonRateThrottle, UserRateThrottle
from tests.api.conftest import TICKETS, problem, token_client

REDIS = "redis://127.0.0.1:6379/12"


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": f"helpdesk-tests-{uuid.uuid4().hex}",
        }
    }
    yield caches["default"]


@pytest.fixture
def low_rates(monkeypatch):
    monkeypatch.setitem(throttling.SimpleRateThrottle.THROTTLE_RATES, "user", "3/minute")
    monkeypatch.setitem(throttling.SimpleRateThrottle.THROTTLE_RATES, "anon", "2/minute")


class _User:
    is_authenticated = True

    def __init__(self, pk: int) -> None:
        self.pk = pk


def _request(user_pk: int):
    request = APIRequestFactory().get("/")
    request.user = _User(user_pk)
    return request


def decisions(throttle_class, times: list[float], rate: str) -> list[tuple[bool, float | None]]:
    """What a throttle answers to one user's requests at these times: allowed, and the wait."""
    answers = []
    with mock.patch.dict(throttling.SimpleRateThrottle.THROTTLE_RATES, {"user": rate}):
        for now in times:
            throttle = throttle_class()
            throttle.timer = lambda now=now: now
            allowed = throttle.allow_request(_request(7), None)
            answers.append((allowed, None if allowed else throttle.wait()))
    return answers


@pytest.mark.django_db
def test_it_answers_every_request_as_drfs_own_throttle(redis_cache, settings):
    # Bursts, a request exactly a window after another, refusals that must not count.
    times = [0, 0, 0.5, 1, 1, 1, 30, 59.999, 60, 60, 60.5, 61, 90, 119.5, 120, 120, 180.25, 300]
    ours = decisions(UserRateThrottle, times, "3/minute")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    theirs = decisions(throttling.UserRateThrottle, times, "3/minute")

    assert ours == theirs
    assert [allowed for allowed, _ in ours].count(False) >= 5


@pytest.mark.django_db
def test_requests_at_once_are_all_counted(redis_cache, monkeypatch):
    monkeypatch.setitem(throttling.SimpleRateThrottle.THROTTLE_RATES, "user", "5/minute")
    allowed = []

    def one() -> None:
        allowed.append(UserRateThrottle().allow_request(_request(8), None))

    threads = [threading.Thread(target=one) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # DRF's own throttle lets some through twice over: each reads the history
    # before the others have written it.
    assert allowed.count(True) == 5


@pytest.mark.django_db
def test_a_user_over_the_rate_gets_429_with_retry_after(redis_cache, low_rates, as_reporter):
    for _ in range(3):
        assert as_reporter.get(TICKETS).status_code == 200

    response = as_reporter.get(TICKETS)

    problem(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 60


@pytest.mark.django_db
def test_the_rate_is_per_user(redis_cache, low_rates, reporter, other_user):
    laptop, phone = token_client(reporter), token_client(reporter)
    for _ in range(3):
        laptop.get(TICKETS)

    problem(phone.get(TICKETS), 429, "throttled")
    assert token_client(other_user).get(TICKETS).status_code == 200


@pytest.mark.django_db
def test_anonymous_callers_are_throttled_by_address(redis_cache, low_rates, anon):
    for _ in range(2):
        anon.get("/api/v1/schema/")

    problem(anon.get("/api/v1/schema/"), 429, "throttled")
    assert anon.get("/api/v1/schema/", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_the_api_uses_these_throttles():
    from rest_framework.settings import api_settings

    assert [AnonRateThrottle, UserRateThrottle] == api_settings.DEFAULT_THROTTLE_CLASSES
