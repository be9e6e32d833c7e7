"""Instrumentation for the benchmark (bench/), off unless HELPDESK_BENCH=True.

- `QueryCountMiddleware` adds an `X-Query-Count` header to every response: the
  SQL statements the request ran, from the session and user look-ups to the
  view's own queries (it sits first in the middleware stack).
- `CeilingView`, at /bench/ceiling/, serializes 25 in-memory tickets with DRF
  and touches nothing else: no database, no authentication, no throttles. Its
  throughput is the framework's ceiling on the machine, which the benchmark
  reports every endpoint against.

Neither is installed in production: settings.py adds the middleware and
urls.py the route only when the environment variable says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import connection
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest, HttpResponse
    from rest_framework.request import Request

QUERY_COUNT_HEADER = "X-Query-Count"


class QueryCountMiddleware:
    """Count the SQL statements each request runs, in a response header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counter(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response[QUERY_COUNT_HEADER] = str(count)
        return response


# --- the ceiling ------------------------------------------------------------------


@dataclass(frozen=True)
class _Person:
    id: int
    username: str


@dataclass(frozen=True)
class _Ticket:
    """Shaped like a ticket of the API's list, so the ceiling does like-for-like work."""

    id: int
    subject: str
    description: str
    reporter: _Person
    assignee: _Person | None
    created_at: datetime
    updated_at: datetime
    status: str = "open"
    priority: str = "normal"
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    version: int = 3
    allowed_transitions: list[str] = field(default_factory=lambda: ["pending", "resolved"])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1/api/v1/tickets/{self.id}/"


def _tickets(n: int) -> list[_Ticket]:
    start = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    words = "printer vpn email password laptop monitor wifi network slow crash error login"
    return [
        _Ticket(
            id=i,
            subject=f"Ticket {i}: {words[: 20 + i]}".strip(),
            description=(words + " ") * (1 + i % 4),
            reporter=_Person(id=1000 + i, username=f"user-{i}"),
            assignee=_Person(id=7, username="sam") if i % 3 else None,
            created_at=start + timedelta(hours=i),
            updated_at=start + timedelta(hours=i, minutes=42),
        )
        for i in range(1, n + 1)
    ]


CEILING_TICKETS = _tickets(25)


class _PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class _TicketSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    subject = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField()
    priority = serializers.CharField()
    reporter = _PersonSerializer()
    assignee = _PersonSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()
    allowed_transitions = serializers.ListField(child=serializers.CharField())


class CeilingView(APIView):
    """25 tickets from memory, in the list's envelope: DRF's cost and nothing else."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    schema = None  # not part of the API

    def get(self, request: Request) -> Response:
        results = _TicketSerializer(CEILING_TICKETS, many=True).data
        return Response({"next": None, "previous": None, "results": results})
