"""/healthz and /readyz: what a load balancer asks before sending traffic."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from helpdesk import health

pytestmark = pytest.mark.django_db


@pytest.fixture
def balancer():
    # A balancer probes the app server by address, over plain HTTP.
    return Client(HTTP_HOST="10.0.0.7:8000")


def test_healthz_says_the_process_is_alive_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
    assert response["Content-Type"] == "application/json"


def test_health_answers_are_never_cached_or_sniffed(client):
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert response["Cache-Control"] == "no-store"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_readyz_reports_the_database_cache_migrations_and_queue(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert {name for name, check in body["checks"].items() if check["ok"]} == {
        "database",
        "cache",
        "migrations",
    }
    assert body["queue"] == {
        "ready_tasks": 0,
        "ready_tasks_capped": False,
        "oldest_task_age_seconds": 0.0,
    }


def _queue_task(enqueued_ago: timedelta, **fields) -> None:
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="notifications.tasks.deliver_email",
        backend_name="default",
        run_after=fields.pop("run_after", timezone.now() - timedelta(seconds=1)),
        **fields,
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - enqueued_ago)


def test_readyz_reports_the_backlog_and_the_oldest_waiting_task(client):
    _queue_task(timedelta(minutes=5))
    _queue_task(timedelta(seconds=10))
    # Not due yet, and done: neither is backlog.
    _queue_task(timedelta(hours=1), run_after=timezone.now() + timedelta(hours=1))
    _queue_task(timedelta(hours=2), status="SUCCESSFUL")
    queue = client.get("/readyz").json()["queue"]
    assert queue["ready_tasks"] == 2
    assert 295 <= queue["oldest_task_age_seconds"] < 400


def test_readyz_is_a_503_when_the_database_is_down(client, monkeypatch):
    def down():
        raise OperationalError("could not connect to server at 10.1.2.3")

    monkeypatch.setitem(health.CHECKS, "database", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"]
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": False}
    # The reason is logged, never told to whoever asks.
    assert "10.1.2.3" not in response.content.decode()


def test_readyz_is_a_503_when_the_cache_is_down(client, monkeypatch):
    def down():
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setitem(health.CHECKS, "cache", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == {"ok": False}


def test_readyz_is_a_503_while_migrations_are_pending(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(health, "_migrations_applied", False)
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: ["pending"])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {"ok": False}


def test_the_balancer_may_probe_by_address_and_over_plain_http(balancer, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert balancer.get("/healthz").status_code == 200
    assert balancer.get("/readyz").status_code == 200
    # Everything else keeps the host allowlist.
    assert balancer.get("/").status_code == 400


def test_they_answer_without_a_session_or_the_private_header(client, reporter):
    client.force_login(reporter)
    response = client.get("/healthz")
    assert "private" not in response["Cache-Control"]
    assert "Set-Cookie" not in response
    assert "Vary" not in response


def test_they_take_only_get_and_head(client):
    assert client.head("/healthz").status_code == 200
    for method in ("post", "put", "delete"):
        response = getattr(client, method)("/readyz")
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"


def test_a_trailing_slash_is_the_same_endpoint(client):
    assert client.get("/healthz/").json() == {"status": "alive"}
