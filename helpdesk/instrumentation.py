"""Instrumentation for the benchmark (bench/), off unless HELPDESK_BENCH=True.

- `QueryCountMiddleware` adds an `X-Query-Count` header to every response: the
  SQL statements the request ran, from the session and user look-ups to the
  view's own queries (it sits first in the middleware stack).
- `CeilingView`, at /bench/ceiling/, serializes 25 in-memory tickets with DRF
  and touches nothing else: no database, no authentication, no throttles. Its
  throughput is the framework's ceiling on the machine, which the benchmark
  reports every endpoint against.
- `DatabaseCeilingList` and `DatabaseCeilingRow`, at /bench/ceiling/db/tickets/
  and /bench/ceiling/db/tickets/<id>/, are what a bare DRF endpoint over
  PostgreSQL does: a token authenticated by its hashed key (one query, the token
  with its user), then one query for a keyset page of 25 tickets (or one ticket
  by id) with their users joined, read as rows (`values_list`, no model
  instances) and shaped like the list's tickets by hand, rendered by DRF's
  JSONRenderer. No throttles, no visibility rules beyond "an end user reads
  their own", no filters but `status`: what Django, DRF and PostgreSQL do at
  best for the same reads. What an endpoint's share of it leaves is our own
  toll, not the database's.
- `InsertCeiling`, at /bench/ceiling/db/insert/, is the writes' yardstick: a
  bare DRF POST that authenticates as the API does (production's token
  authentication, through the shared token cache when there is one), parses
  the JSON body and INSERTs one row into the ticket table in a transaction,
  with plain SQL (no model instance, no service, no event, no task), answering
  201 with a small JSON body. Its rows have no event, which is how the bench's
  cleanup tells them from tickets the services made (bench/scenario.py).

None is installed in production: settings.py adds the middleware and
urls.py the route only when the environment variable says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone
from rest_framework import authentication, exceptions, parsers, renderers, serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest, HttpResponse
    from rest_framework.request import Request

QUERY_COUNT_HEADER = "X-Query-Count"
DB_CEILING = "/bench/ceiling/db/tickets/"


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
    # DRF's own, whatever the API renders with: the yardstick stays put.
    renderer_classes = [renderers.JSONRenderer]
    schema = None  # not part of the API

    def get(self, request: Request) -> Response:
        results = _TicketSerializer(CEILING_TICKETS, many=True).data
        return Response({"next": None, "previous": None, "results": results})


# --- the database ceilings ---------------------------------------------------------


class _HashedTokenAuthentication(authentication.BaseAuthentication):
    """DRF's TokenAuthentication with the key stored hashed: one query, token and user."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        from accounts.models import ApiToken, hash_token

        header = authentication.get_authorization_header(request).split()
        if len(header) != 2 or header[0].lower() not in (b"token", b"bearer"):
            return None
        try:
            token = ApiToken.objects.select_related("user").get(
                key_hash=hash_token(header[1].decode("ascii")), user__is_active=True
            )
        except (ApiToken.DoesNotExist, UnicodeDecodeError):
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return "Token"


# The list's columns: the ticket's, and the id and username of its two users.
_COLUMNS = (
    "id",
    "subject",
    "description",
    "status",
    "priority",
    "reporter_id",
    "reporter__username",
    "assignee_id",
    "assignee__username",
    "created_at",
    "updated_at",
    "resolved_at",
    "closed_at",
    "version",
    "attachment_count",
    "sla_policy__name",
    "sla_first_reply_due",
    "sla_next_reply_due",
    "sla_resolution_due",
    "sla_missed",
    "sla_paused",
    "updated_at",  # last: the keyset's
)


def _tickets_for(user: Any) -> Any:
    from tickets.models import Ticket

    tickets = Ticket.objects.all()
    return tickets if user.is_staff else tickets.filter(reporter=user)


def _shaped(rows: Any, user: Any) -> list[dict[str, Any]]:
    """Rows as the list shows them: users nested, the URL and the allowed moves added."""
    from tickets import workflow

    staff = workflow.is_helpdesk_staff(user)
    now = timezone.now()
    moves = workflow.TRANSITIONS[workflow.Role.STAFF if staff else workflow.Role.REPORTER]
    return [
        {
            "id": row[0],
            "url": f"http://127.0.0.1/api/v1/tickets/{row[0]}/",
            "subject": row[1],
            "description": row[2],
            "status": row[3],
            "priority": row[4],
            "reporter": {"id": row[5], "username": row[6]},
            "assignee": None if row[7] is None else {"id": row[7], "username": row[8]},
            "created_at": row[9],
            "updated_at": row[10],
            "resolved_at": row[11],
            "closed_at": row[12],
            "version": row[13],
            "allowed_transitions": list(moves.get(row[3], ())),
            # No files on the bench's tickets; the API reads them only when counted.
            "attachments": [],
            **({"sla": _sla(row, now)} if staff else {}),
        }
        for row in rows
    ]


def _sla(row: Any, now: datetime) -> dict[str, Any]:
    """The staff-only service levels, from the row's stored due times."""
    dues = {"first_reply": row[16], "next_reply": row[17], "resolution": row[18]}
    breached = set(filter(None, row[19].split(",")))
    breached |= {target for target, due in dues.items() if due is not None and due <= now}
    return {
        "policy": row[15],
        **{f"{target}_due": due for target, due in dues.items()},
        "breached": sorted(breached),
        "paused": row[20],
    }


class _DatabaseCeiling(APIView):
    authentication_classes = [_HashedTokenAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = []
    renderer_classes = [renderers.JSONRenderer]
    schema = None  # not part of the API


class DatabaseCeilingList(_DatabaseCeiling):
    """A keyset page of 25 tickets, newest activity first; `?after=<updated_at>,<id>`."""

    def get(self, request: Request) -> Response:
        tickets = _tickets_for(request.user).order_by("-updated_at", "-id")
        if status := request.query_params.get("status"):
            tickets = tickets.filter(status=status)
        if after := request.query_params.get("after"):
            when, _, pk = after.rpartition(",")
            moment = datetime.fromisoformat(when)
            tickets = tickets.filter(updated_at__lte=moment).exclude(
                updated_at=moment, id__gte=int(pk)
            )
        rows = list(tickets.values_list(*_COLUMNS)[:26])
        following = None
        if len(rows) > 25:
            last = rows[24]
            after = urlencode({"after": f"{last[-1].isoformat()},{last[0]}"})
            following = f"http://127.0.0.1{DB_CEILING}?{after}"
        results = _shaped(rows[:25], request.user)
        return Response({"next": following, "previous": None, "results": results})


class DatabaseCeilingRow(_DatabaseCeiling):
    """One ticket by id."""

    def get(self, request: Request, pk: int) -> Response:
        rows = list(_tickets_for(request.user).filter(pk=pk).values_list(*_COLUMNS))
        if not rows:
            raise Http404
        return Response(_shaped(rows, request.user)[0])


# --- the insert ceiling --------------------------------------------------------------

INSERT_CEILING = "/bench/ceiling/db/insert/"

_INSERT = (
    "INSERT INTO tickets_ticket"
    " (reporter_id, subject, description, status, priority, created_at, updated_at, version)"
    " VALUES (%s, %s, %s, 'new', %s, %s, %s, 1) RETURNING id"
)


class InsertCeiling(APIView):
    """One ticket-shaped row INSERTed in a transaction: what a write costs at best."""

    permission_classes = [IsAuthenticated]
    throttle_classes = []
    parser_classes = [parsers.JSONParser]
    renderer_classes = [renderers.JSONRenderer]
    schema = None  # not part of the API

    def get_authenticators(self) -> list[Any]:
        # Production's: the token by its hashed key, kept in the shared cache when
        # there is one (accounts.token_cache), as every API write pays it. No
        # session authentication, hence no CSRF check, as for the API's token requests.
        from accounts.authentication import TokenAuthentication

        return [TokenAuthentication()]

    def post(self, request: Request) -> Response:
        from tickets.models import SUBJECT_MAX_LENGTH, TEXT_MAX_LENGTH, Ticket

        data = request.data if isinstance(request.data, dict) else {}
        subject = str(data.get("subject") or "")[:SUBJECT_MAX_LENGTH]
        description = str(data.get("description") or "")[:TEXT_MAX_LENGTH]
        priority = data.get("priority")
        priority = priority if priority in Ticket.Priority.values else Ticket.Priority.NORMAL
        now = timezone.now()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_INSERT, [request.user.pk, subject, description, priority, now, now])
            pk = cursor.fetchone()[0]
        body = {"id": pk, "subject": subject, "status": "new", "created_at": now}
        return Response(body, status=201)
