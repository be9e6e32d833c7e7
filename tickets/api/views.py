"""Viewsets of the ticket API: parse, call a selector or a service, render.

Reads start from tickets.selectors (a ticket the caller may not see is 404),
writes go through tickets.services, and the domain errors they raise are
mapped to HTTP once, in tickets.api.exceptions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api import rows
from api.query_params import check_query_params
from api.views import ApiViewMixin
from macros import services as macros
from tickets import attachments, selectors, services
from tickets.api import inputs, schema, serializers
from tickets.api.etags import etag, expected_version, not_modified
from tickets.api.exceptions import ticket_problem
from tickets.api.filters import TicketFilter
from tickets.api.ids import ID_PATTERN
from tickets.api.pagination import ConversationPagination, StaffPagination, TicketPagination
from tickets.api.permissions import IsHelpdeskStaff
from tickets.exceptions import AttachmentNotFound, TicketError
from tickets.models import Ticket

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpResponse
    from rest_framework.request import Request

    from accounts.models import User


class TicketApiMixin(ApiViewMixin):
    """Every endpoint of the ticket API: ticket errors answered as tickets.api.exceptions says."""

    def handle_exception(self, exc: Exception) -> HttpResponse:
        if isinstance(exc, TicketError):
            exc = ticket_problem(exc)
        return super().handle_exception(exc)


def _with_report_files(tickets: list[Ticket]) -> list[Ticket]:
    """Put each ticket's report files on it: one query, none when no ticket has files."""
    files = selectors.report_attachments(tickets)
    for ticket in tickets:
        ticket.report_files = files.get(ticket.pk, [])
    return tickets


def _form_input(request: Request, *, booleans: tuple[str, ...] = ()) -> Any:
    """The body as the input serializers take it; for multipart, with its files as `files`.

    Multipart fields are text: true and false become booleans for the
    `booleans` named; any other file field than `files` is an unknown field.
    """
    if not request.content_type.startswith("multipart/form-data"):
        return request.data
    data: dict[str, Any] = {
        name: request.data.get(name) for name in request.data if name not in request.FILES
    }
    for name in booleans:
        if isinstance(data.get(name), str):
            data[name] = {"true": True, "false": False}.get(data[name].lower(), data[name])
    for name in request.FILES:
        data[name] = request.FILES.getlist(name)
    return data


class UploadParsers:
    """JSON everywhere; multipart (with files) too for the endpoints that create."""

    def get_parsers(self) -> list:
        parsers = super().get_parsers()
        method = self.request.method.lower() if getattr(self, "request", None) else ""
        if getattr(self, "action_map", {}).get(method) == "create":
            parsers.append(MultiPartParser())
        return parsers


def _ticket_response(
    request: Request,
    ticket: Any,
    *,
    status: int = 200,
    headers: dict | None = None,
    serializer: serializers.TicketSerializer | None = None,
) -> Response:
    """The ticket (a model, or a row read for `serializer`) with its files and its ETag."""
    _with_report_files([ticket])
    if serializer is None:
        serializer = serializers.TicketSerializer(context={"request": request})
    serializer.instance = ticket
    return Response(
        serializer.data, status=status, headers={"ETag": etag(ticket), **(headers or {})}
    )


@schema.ticket_endpoints
class TicketViewSet(
    TicketApiMixin,
    UploadParsers,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.TicketSerializer
    pagination_class = TicketPagination
    filterset_class = TicketFilter
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self, tickets: QuerySet | None = None) -> QuerySet[Ticket]:
        return selectors.visible_tickets(self.request.user, tickets)

    def filter_queryset(self, queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
        # No filter asked for: skip building and validating the FilterSet's form,
        # a tenth of the unfiltered list's time, for a queryset it would not change.
        params = self.request.query_params
        if TicketFilter.base_filters.keys().isdisjoint(params.keys()):
            return queryset
        # Only valid statuses and priorities asked for: the same filter, without the form.
        if (chosen := TicketFilter.plain_choices(params)) is not None:
            for name, values in chosen.items():
                queryset = queryset.filter(**{f"{name}__in": values})
            return queryset
        return super().filter_queryset(queryset)

    def paginate_queryset(self, queryset: QuerySet[Ticket]) -> list[Ticket] | None:
        page = super().paginate_queryset(queryset)
        return None if page is None else _with_report_files(list(page))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        check_query_params(
            request,
            known=set(TicketFilter.base_filters) | self.paginator.query_params(),
            repeatable=TicketFilter.REPEATABLE,
            may_be_empty=TicketFilter.MAY_BE_EMPTY,
        )
        serializer = self.get_serializer(many=True)
        # The page as rows, not models, when the serializer says what it reads.
        as_rows = rows.rows_of(
            Ticket,
            serializer.child,
            also=tuple(field for field, _ in self.paginator.ordering_fields.values()),
        )
        tickets = self.get_queryset() if as_rows is None else self.get_queryset(as_rows)
        serializer.instance = self.paginate_queryset(self.filter_queryset(tickets))
        return self.get_paginated_response(serializer.data)

    def create(self, request: Request) -> Response:
        serializer = inputs.TicketCreateSerializer(data=_form_input(request))
        serializer.is_valid(raise_exception=True)
        ticket = services.report_issue(reporter=request.user, **serializer.validated_data)
        location = request.build_absolute_uri(reverse("api:ticket-detail", args=[ticket.pk]))
        return _ticket_response(request, ticket, status=201, headers={"Location": location})

    def retrieve(self, request: Request, pk: str) -> Response:
        serializer = self.get_serializer()
        # The ticket as a row, not a model, as the list reads it.
        ticket = selectors.get_visible_ticket(request.user, pk, rows.rows_of(Ticket, serializer))
        if not_modified(request, ticket):
            return Response(status=304, headers={"ETag": etag(ticket)})
        return _ticket_response(request, ticket, serializer=serializer)

    def partial_update(self, request: Request, pk: str) -> Response:
        serializer = inputs.TicketUpdateSerializer(data=request.data, context={"request": request})
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
        serializer = inputs.StatusChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket = services.change_status(
            actor=request.user,
            ticket=int(pk),
            status=serializer.validated_data["status"],
            expected_version=expected_version(request),
        )
        return _ticket_response(request, ticket)

    @action(detail=True, methods=["post"], url_path="apply-macro", url_name="apply-macro")
    def apply_macro(self, request: Request, pk: str) -> Response:
        serializer = inputs.MacroApplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["preview"]:
            outcome = macros.preview_macro(actor=request.user, ticket=int(pk), macro=data["macro"])
        else:
            outcome = macros.apply_macro(
                actor=request.user,
                ticket=int(pk),
                macro=data["macro"],
                expected_version=expected_version(request),
            )
        body = serializers.MacroOutcomeSerializer(outcome, context={"request": request}).data
        return Response(body, headers={"ETag": etag(outcome.ticket)})


class TicketChildViewSet(TicketApiMixin, viewsets.GenericViewSet):
    """The conversation or the audit trail of one ticket, oldest first."""

    pagination_class = ConversationPagination

    def list(self, request: Request, ticket_id: int) -> Response:
        check_query_params(request, known=self.paginator.query_params())
        ticket = selectors.get_visible_ticket(request.user, ticket_id)
        page = self.paginate_queryset(self.get_children(request.user, ticket))
        self.decorate(request.user, ticket, page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_children(self, user: User, ticket: Ticket) -> QuerySet:
        raise NotImplementedError

    def decorate(self, user: User, ticket: Ticket, page: list) -> None:
        """Add to a page of children what their serializer shows besides their own fields."""


@schema.message_endpoints
class TicketMessageViewSet(UploadParsers, TicketChildViewSet):
    serializer_class = serializers.MessageSerializer

    def get_children(self, user: User, ticket: Ticket) -> QuerySet:
        return selectors.visible_messages(user, ticket)

    def decorate(self, user: User, ticket: Ticket, page: list) -> None:
        # The page's files in one query; none for a ticket without files.
        files = selectors.attachments_by_message(
            user, ticket, message_ids=[message.pk for message in page]
        )
        for message in page:
            message.attachment_list = files.get(message.pk, [])

    def create(self, request: Request, ticket_id: int) -> Response:
        serializer = inputs.MessageCreateSerializer(
            data=_form_input(request, booleans=("is_internal",))
        )
        serializer.is_valid(raise_exception=True)
        message = services.post_message(
            actor=request.user,
            ticket=ticket_id,
            expected_version=expected_version(request),
            **serializer.validated_data,
        )
        data = serializers.MessageSerializer(message, context={"request": request}).data
        return Response(data, status=201)


@schema.event_endpoints
class TicketEventViewSet(TicketChildViewSet):
    serializer_class = serializers.EventSerializer

    def get_children(self, user: User, ticket: Ticket) -> QuerySet:
        return selectors.visible_events(user, ticket)


@schema.staff_endpoints
class StaffViewSet(TicketApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = serializers.UserRefSerializer
    pagination_class = StaffPagination
    permission_classes = [IsHelpdeskStaff]

    def get_queryset(self) -> QuerySet[User]:
        return selectors.staff_users()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        check_query_params(request, known=self.paginator.query_params())
        return super().list(request, *args, **kwargs)


@schema.attachment_endpoints
class AttachmentView(TicketApiMixin, APIView):
    """A file, streamed, if the caller may see its ticket and its message; 404 otherwise."""

    http_method_names = ["get", "head", "options"]
    thumbnail = False

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # A file is what it is, whatever the Accept header asks for (an <img> asks
        # for images): errors are still problem+json.
        return super().perform_content_negotiation(request, force=True)

    def get(self, request: Request, id: int) -> HttpResponse:
        found = selectors.get_visible_attachment(request.user, id)
        try:
            return attachments.file_response(found, thumbnail=self.thumbnail)
        except FileNotFoundError:
            raise AttachmentNotFound() from None
