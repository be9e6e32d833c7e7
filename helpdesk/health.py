"""Health for the load balancer: is the process alive, and is it ready for traffic.

`/healthz` answers from the process alone (no database, no cache): a load
balancer or systemd that gets no answer restarts the process. `/readyz` checks
what a request needs (the database, the cache, every migration applied) and
reports the task queue's backlog; a 503 takes the server out of rotation
until it passes again. Both are served by `operations_endpoints`, the first
middleware, so they skip sessions, authentication and the private-pages
header, and answer whatever Host the balancer sends (it often probes by
address): they say nothing that depends on the host. Neither is ever cached.
"""

from __future__ import annotations

import logging
import secrets
import time
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest

logger = logging.getLogger("helpdesk.health")

# Counting a huge backlog row by row would make the probe itself slow.
QUEUE_COUNT_CAP = 10_000

# Migrations applied stay applied for this process's lifetime (its code does
# not change under it), so the migration graph is read from disk only until
# the first time they all are.
_migrations_applied = False


def healthz() -> dict[str, Any]:
    return {"status": "alive"}


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    key, value = f"readyz:{secrets.token_hex(8)}", secrets.token_hex(8)
    # Expires by itself in seconds: nothing to clean up.
    cache.set(key, value, 5)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")


def _check_migrations() -> None:
    global _migrations_applied
    if _migrations_applied:
        return
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise RuntimeError("migrations are not applied")
    _migrations_applied = True


def queue_backlog() -> dict[str, Any]:
    """Tasks due to run and not yet taken, and how long the oldest has waited."""
    from django.db.models import Min
    from django_tasks_db.models import DBTaskResult

    due = DBTaskResult.objects.ready()
    count = due.order_by()[:QUEUE_COUNT_CAP].count()
    oldest = due.order_by().aggregate(oldest=Min("enqueued_at"))["oldest"]
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return {
        "ready_tasks": count,
        "ready_tasks_capped": count >= QUEUE_COUNT_CAP,
        "oldest_task_age_seconds": round(max(age, 0.0), 3),
    }


CHECKS: dict[str, Callable[[], None]] = {
    "database": _check_database,
    "cache": _check_cache,
    "migrations": _check_migrations,
}


def readyz() -> tuple[bool, dict[str, Any]]:
    checks: dict[str, Any] = {}
    ready = True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception:
            # The reason goes to the log, not to whoever asked: it may name hosts.
            logger.exception("Readiness check %s failed", name)
            checks[name] = {"ok": False}
            ready = False
            if name == "database":
                checks["migrations"] = {"ok": False}
                break
        else:
            checks[name] = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
    body: dict[str, Any] = {"status": "ready" if ready else "unavailable", "checks": checks}
    if checks.get("database", {}).get("ok"):
        try:
            body["queue"] = queue_backlog()
        except Exception:
            logger.exception("Reading the task queue's backlog failed")
            body["queue"] = None
    return ready, body


def _json(body: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def health_response(request: HttpRequest, name: str) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        response = _json({"status": "method not allowed"}, status=405)
        response["Allow"] = "GET, HEAD"
        return response
    if name == "healthz":
        return _json(healthz())
    ready, body = readyz()
    response = _json(body, status=200 if ready else 503)
    if not ready:
        response["Retry-After"] = "5"
    return response
