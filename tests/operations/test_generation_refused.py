"""A change the shared cache cannot be told of is refused, never pretended.

A sign-out, a new password or a deactivation sets a new generation in Redis
before it is written (accounts.token_cache), so that no server goes on
serving the kept session, user or token. If Redis takes reads but refuses
writes (paused, read-only after a fail-over, out of memory), a sign-out that
seemed to work would leave a copied cookie signed in for minutes. These
tests pause writes on the project's own Redis (127.0.0.1:6379, a database
of their own) for two seconds, as `CLIENT PAUSE ... WRITE` does in a
fail-over, and check that the change waits and says so.
"""

from __future__ import annotations

import time
import uuid

import pytest
import redis
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

REDIS = "redis://127.0.0.1:6379/11"
PAUSE_MS = 2000


@pytest.fixture
def shared_redis(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "helpdesk.cache.ResilientRedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": f"helpdesk-tests-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_timeout": 0.5},
        }
    }
    settings.API_TOKEN_CACHE_SECONDS = 300
    yield
    cache.clear()


@pytest.fixture
def pause_writes():
    server = redis.Redis.from_url(REDIS)

    def pause() -> None:
        server.execute_command("CLIENT", "PAUSE", PAUSE_MS, "WRITE")

    yield pause
    server.execute_command("CLIENT", "UNPAUSE")
    server.close()


def signed_in() -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/tickets/").status_code == 200  # the session is kept now
    return client


def test_a_sign_out_redis_will_not_take_waits_and_says_so(shared_redis, pause_writes, reporter):
    client = signed_in()
    copied = Client()
    copied.cookies = client.cookies

    pause_writes()
    response = client.post("/accounts/logout/")

    assert response.status_code == 503
    assert response["Retry-After"]
    assert "Nothing was changed" in response.content.decode()
    assert Session.objects.exists()  # not signed out in the database behind the cache's back
    time.sleep(PAUSE_MS / 1000)

    # Once Redis takes writes again, signing out works, for the copy too.
    assert client.post("/accounts/logout/").status_code == 302
    assert copied.get("/tickets/")["Location"].startswith("/accounts/login/")


def test_a_deactivation_redis_will_not_take_is_not_made(shared_redis, pause_writes, reporter):
    from accounts.token_cache import GenerationNotSet

    client = signed_in()
    pause_writes()
    reporter.is_active = False

    with pytest.raises(GenerationNotSet):
        reporter.save()

    reporter.refresh_from_db()
    assert reporter.is_active
    time.sleep(PAUSE_MS / 1000)
    reporter.is_active = False
    reporter.save()
    assert client.get("/tickets/").status_code == 302
