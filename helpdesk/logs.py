"""Logs an operator can search: one JSON object a line, each tied to its request.

- `JsonFormatter` writes each record as one line of JSON (time, level,
  logger, message, the request id, and the record's structured `fields`).
  JSON escapes newlines, so nothing a client sends can start a line of its own.
- `RequestIdFilter` stamps every record with the id of the request being served.
- `request_log` (the outermost middleware) takes or makes the request id,
  returns it in `X-Request-ID`, and writes one line per request: method, route
  template, view, status, duration, user id (and counts it for
  helpdesk.metrics, with its SQL statements). Never the raw path or query string
  (a password-reset link carries its token in the path), never a header,
  cookie or body.
- `log_task_run` writes one line per task the worker runs.

LOG_FORMAT=json is the default in production, text in development (settings.py).
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils.functional import SimpleLazyObject, empty

from helpdesk import request_id

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest, HttpResponse

request_logger = logging.getLogger("helpdesk.request")
task_logger = logging.getLogger("helpdesk.task")

# The methods a route may see; anything else is logged and counted as "other",
# so a client cannot invent values (log noise, metric labels).
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"})
UNMATCHED = "<unmatched>"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if (rid := getattr(record, "request_id", None)) and rid != "-":
            line["request_id"] = rid
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update({k: v for k, v in fields.items() if k not in line})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=True)


def method_of(request: HttpRequest) -> str:
    return request.method if request.method in KNOWN_METHODS else "other"


def route_of(request: HttpRequest) -> tuple[str, str]:
    """The route template and view name the request matched (bounded: no raw path)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED, UNMATCHED
    route = "/" + (match.route or "")
    return route, match.view_name or route


def user_id_of(request: HttpRequest) -> int | None:
    """The signed-in user's id, if the request looked them up (this adds no query)."""
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        user = user._wrapped
        if user is empty:
            return None
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


def request_log(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    from helpdesk.metrics import count_request
    from helpdesk.operations import endpoint_of

    def middleware(request: HttpRequest) -> HttpResponse:
        rid = request_id.accept_or_make(request.headers.get(request_id.HEADER))
        request.request_id = rid
        # Not reset when the middleware returns: Django logs a 4xx/5xx response
        # after that (django.request), and that line belongs to the request too.
        # The request_finished signal clears it (forget_request_id).
        request_id.current.set(rid)
        queries = 0

        def count(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = get_response(request)
        seconds = time.perf_counter() - started
        duration_ms = round(seconds * 1000, 1)
        response[request_id.HEADER] = rid
        route, view = route_of(request)
        if (endpoint := endpoint_of(request)) is not None:
            route = view = f"/{endpoint}"
        fields = {
            "event": "request",
            "method": method_of(request),
            "route": route,
            "view": view,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": user_id_of(request),
        }
        count_request(
            view=view,
            method=fields["method"],
            status=response.status_code,
            seconds=seconds,
            queries=queries,
        )
        # Probes every few seconds would drown the log: kept at DEBUG.
        level = logging.DEBUG if endpoint is not None else logging.INFO
        request_logger.log(
            level,
            "%s %s %s %.1fms",
            fields["method"],
            route,
            response.status_code,
            duration_ms,
            extra={"fields": fields},
        )
        return response

    return middleware


def forget_request_id(sender: Any, **kwargs: Any) -> None:
    """request_finished: what is logged between requests belongs to none."""
    request_id.current.set(None)


def log_task_run(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """django.tasks' task_finished signal: one line per task run, with its outcome."""
    started, finished = task_result.started_at, task_result.finished_at
    duration_ms = (
        round((finished - started).total_seconds() * 1000, 1) if started and finished else None
    )
    status = str(getattr(task_result.status, "value", task_result.status))
    fields = {
        "event": "task",
        "task": task_result.task.module_path,
        "task_id": str(task_result.id),
        "status": status,
        "attempt": getattr(task_result, "attempts", None),
        "duration_ms": duration_ms,
    }
    task_logger.info(
        "task %s %s %s",
        fields["task"],
        status,
        f"{duration_ms}ms" if duration_ms is not None else "",
        extra={"fields": fields},
    )
