"""Viewsets of the JSON API: parse, call a selector or a service, render.

Reads start from tickets.selectors (a ticket the caller may not see is 404),
writes go through tickets.services, and the domain errors they raise are
mapped to HTTP once, in tickets.api.exceptions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.query_params import check_query_params
from api.views import ApiViewMixin
from tickets import search, selectors, services
from tickets.api import schema
from tickets.api.etags import etag, expected_version, not_modified
from tickets.api.exceptions import ticket_problem
from tickets.api.filters import TicketFilter
from tickets.api.ids import ID_PATTERN, ID_SCHEMA
from tickets.api.inputs import (
    MessageCreateSerializer,
    StatusChangeSerializer,
    TicketCreateSerializer,
    TicketUpdateSerializer,
)
from tickets.api.pagination import ConversationPagination, StaffPagination, TicketPagination
from tickets.api.permissions import IsHelpdeskStaff
from tickets.api.serializers import (
    EventSerializer,
    MessageSerializer,
    TicketSerializer,
    UserRefSerializer,
)
from tickets.exceptions import TicketError
from tickets.models import Ticket

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpResponse
    from rest_framework.request import Request

    from accounts.models import User

TICKET_ID = OpenApiParameter("id", ID_SCHEMA, OpenApiParameter.PATH, description="The ticket's id.")
TICKET_ID_NESTED = OpenApiParameter(
    "ticket_id", ID_SCHEMA, OpenApiParameter.PATH, description="The ticket's id."
)

_CSV = "Repeat the parameter or separate values with commas; matches any of them."
LIST_FILTERS = [
    OpenApiParameter(
        "status",
        {"type": "array", "items": {"type": "string", "enum": Ticket.Status.values}},
        description=f"Only tickets in these statuses. {_CSV}",
        explode=True,
    ),
    OpenApiParameter(
        "priority",
        {"type": "array", "items": {"type": "string", "enum": Ticket.Priority.values}},
        description=f"Only tickets of these priorities. {_CSV}",
        explode=True,
    ),
    OpenApiParameter(
        "assignee",
        {"type": "string", "pattern": f"^(me|none|{ID_PATTERN})$"},
        description="A user id, `me` (assigned to the caller) or `none` (unassigned).",
    ),
    OpenApiParameter(
        "reporter",
        ID_SCHEMA,
        description="Only this user's tickets. Staff only: 403 for anyone else.",
    ),
    OpenApiParameter(
        "created_after",
        OpenApiTypes.DATETIME,
        description="ISO 8601; created at or after this moment (server time zone if none).",
    ),
    OpenApiParameter(
        "created_before",
        OpenApiTypes.DATETIME,
        description="ISO 8601; created before this moment.",
    ),
    OpenApiParameter(
        "updated_after",
        OpenApiTypes.DATETIME,
        description="ISO 8601; changed at or after this moment (for syncing).",
    ),
    OpenApiParameter(
        "q",
        {"type": "string", "maxLength": search.MAX_QUERY_LENGTH},
        description=(
            "Words that must all appear in the subject or description, in any order "
            "(on PostgreSQL: full-text search with English stemming; quotes make a phrase, "
            "a leading minus excludes a word). With `ordering=-relevance`, best matches "
            "first; for a search matching over a thousand tickets, the thousand most "
            "recently updated matches, ranked."
        ),
    ),
]


class TicketApiMixin(ApiViewMixin):
    """Every endpoint of the ticket API: ticket errors answered as tickets.api.exceptions says."""

    def handle_exception(self, exc: Exception) -> HttpResponse:
        if isinstance(exc, TicketError):
            exc = ticket_problem(exc)
        return super().handle_exception(exc)


def _ticket_response(
    request: Request, ticket: Ticket, *, status: int = 200, headers: dict | None = None
) -> Response:
    data = TicketSerializer(ticket, context={"request": request}).data
    return Response(data, status=status, headers={"ETag": etag(ticket), **(headers or {})})


@extend_schema_view(
    list=extend_schema(
        summary="List tickets",
        description=(
            "The tickets the caller may see (their own; every ticket for staff), newest "
            "activity first unless `ordering` says otherwise."
        ),
        parameters=[*LIST_FILTERS, schema.RETRY_AFTER, schema.WWW_AUTHENTICATE],
        responses={200: TicketSerializer(many=True), **schema.problems(400, 401, 403)},
    ),
    create=extend_schema(
        summary="Report an issue",
        description=(
            "Open a new ticket as the caller, in status new. Only description is required; "
            "status, version and the other read-only fields are ignored if sent."
        ),
        request=TicketCreateSerializer,
        parameters=[
            OpenApiParameter(
                "Location",
                OpenApiTypes.URI,
                OpenApiParameter.HEADER,
                response=[201],
                description="The new ticket's URL.",
            ),
            schema.ETAG,
            schema.RETRY_AFTER,
            schema.WWW_AUTHENTICATE,
        ],
        responses={201: TicketSerializer, **schema.problems(*schema.WITH_BODY, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="Get a ticket",
        description=(
            "One ticket the caller may see, with its version as ETag. Send that ETag back "
            "in If-None-Match to get 304 while it is unchanged."
        ),
        parameters=[
            TICKET_ID,
            schema.IF_NONE_MATCH,
            schema.ETAG,
            schema.RETRY_AFTER,
            schema.WWW_AUTHENTICATE,
        ],
        responses={
            200: TicketSerializer,
            304: OpenApiResponse(description="Not modified since the ETag in If-None-Match."),
            **schema.problems(401, 404),
        },
    ),
    partial_update=extend_schema(
        summary="Modify a ticket",
        description=(
            "Change any of subject, description and status (the reporter and staff) and "
            "priority and assignee (staff only). Fields left out stay as they are; read-only "
            "fields of the ticket are ignored. A change to status follows the workflow."
        ),
        request=TicketUpdateSerializer,
        parameters=[
            TICKET_ID,
            schema.IF_MATCH,
            schema.ETAG,
            schema.RETRY_AFTER,
            schema.WWW_AUTHENTICATE,
        ],
        responses={
            200: TicketSerializer,
            **schema.problems(*schema.WITH_BODY, 401, 403, 404, 409, 412),
        },
    ),
    change_status=extend_schema(
        summary="Change a ticket's status",
        description="Move the ticket per the workflow: see its `allowed_transitions`.",
        request=StatusChangeSerializer,
        parameters=[
            TICKET_ID,
            schema.IF_MATCH,
            schema.ETAG,
            schema.RETRY_AFTER,
            schema.WWW_AUTHENTICATE,
        ],
        responses={
            200: TicketSerializer,
            **schema.problems(*schema.WITH_BODY, 401, 403, 404, 409, 412),
        },
    ),
)
class TicketViewSet(
    TicketApiMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = TicketSerializer
    pagination_class = TicketPagination
    filterset_class = TicketFilter
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self) -> QuerySet[Ticket]:
        return selectors.visible_tickets(self.request.user)

    def filter_queryset(self, queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
        # No filter asked for: skip building and validating the FilterSet's form,
        # a tenth of the unfiltered list's time, for a queryset it would not change.
        if TicketFilter.base_filters.keys().isdisjoint(self.request.query_params.keys()):
            return queryset
        return super().filter_queryset(queryset)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        check_query_params(
            request,
            known=set(TicketFilter.base_filters) | self.paginator.query_params(),
            repeatable=TicketFilter.REPEATABLE,
            may_be_empty=TicketFilter.MAY_BE_EMPTY,
        )
        return super().list(request, *args, **kwargs)

    def create(self, request: Request) -> Response:
        serializer = TicketCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket = services.report_issue(reporter=request.user, **serializer.validated_data)
        location = request.build_absolute_uri(reverse("api:ticket-detail", args=[ticket.pk]))
        return _ticket_response(request, ticket, status=201, headers={"Location": location})

    def retrieve(self, request: Request, pk: str) -> Response:
        ticket = selectors.get_visible_ticket(request.user, pk)
        if not_modified(request, ticket):
            return Response(status=304, headers={"ETag": etag(ticket)})
        return _ticket_response(request, ticket)

    def partial_update(self, request: Request, pk: str) -> Response:
        serializer = TicketUpdateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        ticket = services.modify_ticket(
            actor=request.user,
            ticket=int(pk),
            expected_version=expected_version(request),
            **serializer.validated_data,
        )
        return _ticket_response(request, ticket)

    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def change_status(self, request: Request, pk: str) -> Response:
        serializer = StatusChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket = services.change_status(
            actor=request.user,
            ticket=int(pk),
            status=serializer.validated_data["status"],
            expected_version=expected_version(request),
        )
        return _ticket_response(request, ticket)


class TicketChildViewSet(TicketApiMixin, viewsets.GenericViewSet):
    """The conversation or the audit trail of one ticket, oldest first."""

    pagination_class = ConversationPagination

    def list(self, request: Request, ticket_id: int) -> Response:
        check_query_params(request, known=self.paginator.query_params())
        ticket = selectors.get_visible_ticket(request.user, ticket_id)
        page = self.paginate_queryset(self.get_children(request.user, ticket))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_children(self, user: User, ticket: Ticket) -> QuerySet:
        raise NotImplementedError


@extend_schema_view(
    list=extend_schema(
        summary="List a ticket's messages",
        description="The conversation, oldest first; internal notes only for staff.",
        parameters=[TICKET_ID_NESTED, schema.RETRY_AFTER, schema.WWW_AUTHENTICATE],
        responses={200: MessageSerializer(many=True), **schema.problems(400, 401, 404)},
    ),
    create=extend_schema(
        summary="Post a message",
        description=(
            "Add to the conversation. `is_internal` (a note end users never see) is for "
            "staff only. A public message from the reporter on a pending or resolved ticket "
            "reopens it."
        ),
        request=MessageCreateSerializer,
        parameters=[
            TICKET_ID_NESTED,
            schema.IF_MATCH,
            schema.RETRY_AFTER,
            schema.WWW_AUTHENTICATE,
        ],
        responses={
            201: MessageSerializer,
            **schema.problems(*schema.WITH_BODY, 401, 403, 404, 409, 412),
        },
    ),
)
class TicketMessageViewSet(TicketChildViewSet):
    serializer_class = MessageSerializer

    def get_children(self, user: User, ticket: Ticket) -> QuerySet:
        return selectors.visible_messages(user, ticket)

    def create(self, request: Request, ticket_id: int) -> Response:
        serializer = MessageCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = services.post_message(
            actor=request.user,
            ticket=ticket_id,
            expected_version=expected_version(request),
            **serializer.validated_data,
        )
        return Response(MessageSerializer(message).data, status=201)


@extend_schema_view(
    list=extend_schema(
        summary="List a ticket's events",
        description=(
            "The audit trail, oldest first: creation, status, priority and assignee changes, "
            "edits and messages. End users do not see events about internal notes."
        ),
        parameters=[TICKET_ID_NESTED, schema.RETRY_AFTER, schema.WWW_AUTHENTICATE],
        responses={200: EventSerializer(many=True), **schema.problems(400, 401, 404)},
    ),
)
class TicketEventViewSet(TicketChildViewSet):
    serializer_class = EventSerializer

    def get_children(self, user: User, ticket: Ticket) -> QuerySet:
        return selectors.visible_events(user, ticket)


@extend_schema_view(
    list=extend_schema(
        summary="List helpdesk staff",
        description="Everyone a ticket may be assigned to (staff only), by username.",
        parameters=[schema.RETRY_AFTER, schema.WWW_AUTHENTICATE],
        responses={200: UserRefSerializer(many=True), **schema.problems(400, 401, 403)},
    ),
)
class StaffViewSet(TicketApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = UserRefSerializer
    pagination_class = StaffPagination
    permission_classes = [IsHelpdeskStaff]

    def get_queryset(self) -> QuerySet[User]:
        return selectors.staff_users()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        check_query_params(request, known=self.paginator.query_params())
        return super().list(request, *args, **kwargs)
