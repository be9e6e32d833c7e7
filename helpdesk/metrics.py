"""Prometheus metrics at /metrics, for an operator's Prometheus to scrape.

Two kinds of numbers, chosen by where the truth lives:

- Counted in the process that sees the event (prometheus_client): requests by
  view, method and status, their latency, SQL statements per view, task runs,
  emails by outcome, tickets created. gunicorn runs several processes and
  each keeps its own counts, so in production set PROMETHEUS_MULTIPROC_DIR to
  a folder every process of the machine shares (web and workers; the deploy/
  files do): each process writes its counts there and a scrape sums them.
  Without it (development, tests) the counts are the one process's own.
- Read from the database at scrape time, so every server reports the same
  truth whichever process answers: the task queue's depth and oldest age,
  and the email deliveries waiting or given up.

Labels are bounded: the view is the route's name (never the raw path), an
unknown method is "other", an unknown email outcome "other".

Access: a bearer token (METRICS_TOKEN) and/or an address allowlist
(METRICS_ALLOWED_IPS); every one configured must pass. With neither, and on
any refusal, the endpoint is a 404: it does not exist for whoever may not
read it.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

if TYPE_CHECKING:
    from collections.abc import Iterator

    from django.http import HttpRequest

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "helpdesk_http_requests_total",
    "HTTP requests answered, by view (route name), method and status.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "helpdesk_http_request_duration_seconds",
    "Time from the first middleware to the response, by view, method and status.",
    ["view", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
DB_QUERIES = Counter(
    "helpdesk_db_queries_total",
    "SQL statements run while answering requests, by view.",
    ["view"],
)
TASK_RUNS = Counter(
    "helpdesk_task_runs_total",
    "Background task runs, by task and outcome (SUCCESSFUL, FAILED).",
    ["task", "status"],
)
EMAILS = Counter(
    "helpdesk_emails_total",
    "Notification email attempts by outcome: sent, failed (given up), retrying, deferred.",
    ["outcome"],
)
TICKETS_CREATED = Counter("helpdesk_tickets_created_total", "Tickets created (committed).")

SLA_COUNT_CAP = 100_000

EMAIL_OUTCOMES = frozenset({"sent", "failed", "retrying", "deferred", "skipped"})


class DatabaseCollector:
    """What the database knows, read at scrape time (cheap: each read uses an index)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db.models import Count

        from helpdesk.health import queue_backlog
        from notifications.models import EmailDelivery

        backlog = queue_backlog()
        yield GaugeMetricFamily(
            "helpdesk_task_queue_ready",
            "Tasks due to run and not yet taken by a worker (counted up to 10,000).",
            value=backlog["ready_tasks"],
        )
        yield GaugeMetricFamily(
            "helpdesk_task_queue_oldest_age_seconds",
            "How long the oldest task due to run has waited (0 when none waits).",
            value=backlog["oldest_task_age_seconds"],
        )
        unsent = GaugeMetricFamily(
            "helpdesk_email_deliveries_unsent",
            "Notification emails not sent, by status: queued (waiting or retrying), failed.",
            labels=["status"],
        )
        # The partial index notif_delivery_unsent holds exactly these rows.
        counts = dict(
            EmailDelivery.objects.exclude(status=EmailDelivery.Status.SENT)
            .order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
        )
        for status in (EmailDelivery.Status.QUEUED, EmailDelivery.Status.FAILED):
            unsent.add_metric([status.value], counts.get(status.value, 0))
        yield unsent
        yield self._service_levels()

    @staticmethod
    def _service_levels() -> GaugeMetricFamily:
        from django.utils import timezone

        from service_levels import selectors as service_levels
        from tickets.models import Ticket

        now = timezone.now()
        family = GaugeMetricFamily(
            "helpdesk_tickets_sla",
            "Tickets with a running service level target: past due (late), or due within "
            f"the hour (due_soon); counted up to {SLA_COUNT_CAP:,}.",
            labels=["state"],
        )
        # Each a range of the partial index tickets_sla_next_due, bounded.
        for state, select in (("late", service_levels.late), ("due_soon", service_levels.due_soon)):
            tickets = select(Ticket.objects.order_by(), now).values("pk")[:SLA_COUNT_CAP]
            family.add_metric([state], tickets.count())
        return family


class _ThisProcess:
    def collect(self) -> Iterator[Any]:
        yield from REGISTRY.collect()


def scrape() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(DatabaseCollector())
    return generate_latest(registry)


def _allowed(request: HttpRequest) -> bool:
    token, networks = settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS
    if not token and not networks:
        return False
    if token:
        sent = request.headers.get("Authorization", "")
        scheme, _, credentials = sent.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            credentials.strip().encode(), token.encode()
        ):
            return False
    if networks:
        try:
            address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return False
        if not any(address in network for network in networks):
            return False
    return True


def metrics_response(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        response = HttpResponse("Not Found\n", status=404, content_type="text/plain")
    elif request.method not in ("GET", "HEAD"):
        response = HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    else:
        response = HttpResponse(scrape(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


# --- hooks: where the counted events happen -------------------------------------


def count_request(*, view: str, method: str, status: int, seconds: float, queries: int) -> None:
    REQUESTS.labels(view, method, str(status)).inc()
    LATENCY.labels(view, method, str(status)).observe(seconds)
    if queries:
        DB_QUERIES.labels(view).inc(queries)


def count_task_run(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """django.tasks' task_finished signal."""
    status = str(getattr(task_result.status, "value", task_result.status))
    path = task_result.task.module_path
    TASK_RUNS.labels(path, status).inc()
    if path == "notifications.tasks.deliver_email" and status == "SUCCESSFUL":
        outcome = task_result.return_value
        EMAILS.labels(outcome if outcome in EMAIL_OUTCOMES else "other").inc()


def count_ticket_created(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """post_save of tickets.Ticket: counted once its transaction commits."""
    if created and not kwargs.get("raw"):
        from django.db import transaction

        transaction.on_commit(TICKETS_CREATED.inc, robust=True)


_PID_FILE = re.compile(r"_(\d+)\.db$")


def clean_multiprocess_dir(path: str | None = None) -> None:
    """Remove the count files of processes that are gone (gunicorn's on_starting).

    The files of live processes (the workers of this machine) are kept, or
    their counts would vanish until they restart; Prometheus reads the drop of
    the dead ones' counts as a counter reset, which rate() handles.
    """
    folder = Path(path or os.environ.get(MULTIPROC_ENV, ""))
    if not str(folder) or not folder.is_dir():
        return
    for file in folder.glob("*.db"):
        match = _PID_FILE.search(file.name)
        if match and not Path(f"/proc/{match.group(1)}").exists():
            file.unlink(missing_ok=True)
