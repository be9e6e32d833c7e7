"""Two gunicorn servers on one PostgreSQL and one Redis behave as one site.

A team runs several app servers behind a load balancer: a sign-in lockout
earned on one must hold on the other, a throttle must count the requests to
both, and a session made on one must work on the other. Nothing of it may
live in one process's memory.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.deploy.conftest import REDIS_URL, needs_postgres
from tests.deploy.servers import ROOT, Gunicorn, manage, production_env, release, sign_in

pytestmark = [needs_postgres]

PASSWORD = "Correct-Horse-7-battery"


@pytest.fixture(scope="module")
def env(shared_database, tmp_path_factory):
    folder = tmp_path_factory.mktemp("servers")
    env = production_env(
        DATABASE_URL=shared_database,
        REDIS_URL=REDIS_URL,
        DJANGO_STATIC_ROOT=str(folder / "static"),
        API_THROTTLE_ANON="8/minute",
    )
    release(env)
    script = (
        "from accounts.models import User\n"
        f"for name in ('alice', 'bob'):\n"
        f"    User.objects.create_user(name, name + '@example.com', {PASSWORD!r})\n"
    )
    manage(env, "shell", "-c", script)
    env["_folder"] = str(folder)
    return env


@pytest.fixture(scope="module")
def servers(env):
    folder = env.pop("_folder")
    from pathlib import Path

    with (
        Gunicorn(env, Path(folder) / "a.log", workers=2) as a,
        Gunicorn(env, Path(folder) / "b.log", workers=2) as b,
    ):
        yield a, b


@pytest.fixture
def fresh(servers, env, redis_db):
    """No failures or counts from an earlier test: the lockouts' table emptied, Redis flushed."""
    manage(env, "shell", "-c", "from axes.models import AccessAttempt\n"
           "AccessAttempt.objects.all().delete()")  # fmt: skip
    return servers


def _token(server, username: str, password: str) -> tuple[int, dict]:
    status, _, body = server.request(
        "POST",
        "/api/v1/auth/token/",
        headers={"Content-Type": "application/json"},
        body=json.dumps({"username": username, "password": password, "name": "t"}),
    )
    return status, json.loads(body)


def test_a_lockout_earned_on_one_server_holds_on_the_other(fresh):
    a, b = fresh
    answers = [_token(a, "alice", "wrong-password")[0] for _ in range(5)]
    # The fifth failure is the one that locks.
    assert answers == [400, 400, 400, 400, 429]
    status, problem = _token(b, "alice", PASSWORD)
    assert status == 429
    assert problem["code"] == "locked_out"
    # Another account from the same address is locked too (five failures from it).
    assert _token(b, "bob", PASSWORD)[1]["code"] == "locked_out"


def test_the_right_password_works_on_either_server_when_nothing_is_locked(fresh):
    a, b = fresh
    assert _token(a, "alice", PASSWORD)[0] == 201
    assert _token(b, "bob", PASSWORD)[0] == 201


def test_a_throttle_counts_the_requests_to_both_servers(fresh):
    a, b = fresh
    answers = [server.request("GET", "/api/v1/docs/")[0] for server in (a, b, a, b, a, b, a, b)]
    assert answers == [200] * 8
    # The ninth anonymous request in the minute, to either server, is one too many.
    assert b.request("GET", "/api/v1/docs/")[0] == 429
    assert a.request("GET", "/api/v1/docs/")[0] == 429


def test_a_session_made_on_one_server_works_on_the_other(fresh):
    a, b = fresh
    session = sign_in(a, "bob", PASSWORD)
    status, _, body = b.request("GET", "/tickets/", headers={"Cookie": f"sessionid={session}"})
    assert status == 200
    assert b"bob" in body


def test_with_redis_url_the_cache_is_redis_and_sessions_are_in_the_database():
    script = (
        "from django.conf import settings; import json; print(json.dumps("
        "[settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE]))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env=production_env(REDIS_URL=REDIS_URL),
        capture_output=True,
        text=True,
        check=True,
    )
    backend, sessions = json.loads(result.stdout.strip().splitlines()[-1])
    # Django's own Redis backend, failing open while Redis is down (helpdesk/cache.py).
    assert backend == "helpdesk.cache.ResilientRedisCache"
    from django.core.cache.backends.redis import RedisCache

    from helpdesk.cache import ResilientRedisCache

    assert issubclass(ResilientRedisCache, RedisCache)
    # Database sessions, read from the shared cache under the token cache's
    # generation (accounts.sessions): a session outlives a cache restart.
    assert sessions == "accounts.sessions"
    from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

    from accounts.sessions import SessionStore

    assert issubclass(SessionStore, DatabaseStore)
