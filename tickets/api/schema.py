"""The ticket API as its schema describes it: each endpoint's drf-spectacular declaration.

The views (tickets/api/views.py) wear these as decorators and stay about
behaviour. What every app's schema shares (problem shapes, Retry-After,
WWW-Authenticate, the token scheme) is in api.schema; here are the ticket
API's own: its problems (404, 409, 412), its headers (ETag, If-Match), its
path and filter parameters, and the operations.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers

from api import schema
from api.schema import RETRY_AFTER, WITH_BODY, WWW_AUTHENTICATE, ProblemSerializer
from tickets import search
from tickets.api.ids import ID_PATTERN, ID_SCHEMA
from tickets.api.inputs import (
    MacroApplySerializer,
    MessageCreateSerializer,
    StatusChangeSerializer,
    TicketCreateSerializer,
    TicketUpdateSerializer,
)
from tickets.api.serializers import (
    EventSerializer,
    MacroOutcomeSerializer,
    MessageSerializer,
    TicketSerializer,
    UserRefSerializer,
)
from tickets.models import Ticket

# --- request bodies ---------------------------------------------------------------


class TicketCreateJsonSerializer(TicketCreateSerializer):
    """A report in JSON: files need multipart/form-data."""

    files = None


class MessageCreateJsonSerializer(MessageCreateSerializer):
    """A message in JSON: files need multipart/form-data."""

    files = None


# --- problems -------------------------------------------------------------------


class ConflictProblemSerializer(ProblemSerializer):
    """Problem details of a refusal by the workflow."""

    allowed = serializers.ListField(
        child=serializers.ChoiceField(Ticket.Status.choices),
        required=False,
        help_text="For invalid_transition: the statuses the caller may move the ticket to.",
    )
    current = serializers.ChoiceField(
        Ticket.Status.choices,
        required=False,
        help_text="For invalid_transition: the current status.",
    )


class PreconditionProblemSerializer(ProblemSerializer):
    """Problem details of a failed If-Match."""

    current_version = serializers.IntegerField(
        required=False, help_text="For stale_version: the ticket's version now."
    )


PROBLEMS: schema.Described = {
    **schema.PROBLEMS,
    404: (
        ProblemSerializer,
        "No such ticket, or one the caller may not see (`not_found`): the two are not told apart.",
    ),
    409: (
        ConflictProblemSerializer,
        "The workflow refuses: a transition the caller may not make (`invalid_transition`, "
        "with `allowed`), or the ticket is closed (`ticket_closed`).",
    ),
    412: (
        PreconditionProblemSerializer,
        "If-Match names another version of the ticket (`stale_version`, with "
        "`current_version`) or is malformed (`precondition_failed`); nothing was written.",
    ),
}


def problems(*statuses: int) -> dict:
    """Error responses of a ticket operation, in problem+json."""
    return schema.problems(*statuses, described=PROBLEMS)


# --- headers and parameters ---------------------------------------------------------

ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201, 304],
    description='The ticket\'s version as an entity tag, e.g. `"3"`.',
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        'The ticket\'s ETag as last read (e.g. `"3"`): the change is made only if the '
        "ticket is still at that version, else 412 and nothing is written."
    ),
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag you hold: 304 with no body when the ticket has not changed since.",
)
LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    OpenApiParameter.HEADER,
    response=[201],
    description="The new ticket's URL.",
)
TICKET_ID = OpenApiParameter("id", ID_SCHEMA, OpenApiParameter.PATH, description="The ticket's id.")
TICKET_ID_NESTED = OpenApiParameter(
    "ticket_id", ID_SCHEMA, OpenApiParameter.PATH, description="The ticket's id."
)

_CSV = "Repeat the parameter or separate values with commas; matches any of them."
LIST_FILTERS = [
    OpenApiParameter(
        "sla",
        {"type": "string", "enum": ["late", "due_soon"]},
        description=(
            "Service levels: `late`, a running target is past its due time; `due_soon`, "
            "one falls due within the hour. Staff only: 403 for anyone else."
        ),
    ),
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


# --- the operations -------------------------------------------------------------------

# What a change of a ticket (PATCH, status/) takes and answers.
TICKET_WRITE_PARAMETERS = [TICKET_ID, IF_MATCH, ETAG, RETRY_AFTER, WWW_AUTHENTICATE]
TICKET_WRITE_RESPONSES = {
    200: TicketSerializer,
    **problems(*WITH_BODY, 401, 403, 404, 409, 412),
}

ticket_endpoints = extend_schema_view(
    list=extend_schema(
        summary="List tickets",
        description=(
            "The tickets the caller may see (their own; every ticket for staff), newest "
            "activity first unless `ordering` says otherwise."
        ),
        parameters=[*LIST_FILTERS, RETRY_AFTER, WWW_AUTHENTICATE],
        responses={200: TicketSerializer(many=True), **problems(400, 401, 403)},
    ),
    create=extend_schema(
        summary="Report an issue",
        description=(
            "Open a new ticket as the caller, in status new. Only description is required; "
            "status, version and the other read-only fields are ignored if sent."
        ),
        request={
            "application/json": TicketCreateJsonSerializer,
            "multipart/form-data": TicketCreateSerializer,
        },
        parameters=[
            LOCATION,
            ETAG,
            RETRY_AFTER,
            WWW_AUTHENTICATE,
        ],
        responses={201: TicketSerializer, **problems(*WITH_BODY, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="Get a ticket",
        description=(
            "One ticket the caller may see, with its version as ETag. Send that ETag back "
            "in If-None-Match to get 304 while it is unchanged."
        ),
        parameters=[
            TICKET_ID,
            IF_NONE_MATCH,
            ETAG,
            RETRY_AFTER,
            WWW_AUTHENTICATE,
        ],
        responses={
            200: TicketSerializer,
            304: OpenApiResponse(description="Not modified since the ETag in If-None-Match."),
            **problems(401, 404),
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
        parameters=TICKET_WRITE_PARAMETERS,
        responses=TICKET_WRITE_RESPONSES,
    ),
    change_status=extend_schema(
        summary="Change a ticket's status",
        description="Move the ticket per the workflow: see its `allowed_transitions`.",
        request=StatusChangeSerializer,
        parameters=TICKET_WRITE_PARAMETERS,
        responses=TICKET_WRITE_RESPONSES,
    ),
    apply_macro=extend_schema(
        summary="Apply a macro",
        description=(
            "Staff only. Post the macro's reply (its placeholders filled in: reporter_name, "
            "ticket_number, subject, staff_name; nothing else is evaluated) and make its "
            "changes, in one transaction and per the workflow: a change the workflow refuses "
            "is a 409 and nothing is done. With `preview: true`, answer what would happen "
            "(the same checks) and do nothing. An unknown macro, or another staff member's "
            "personal one, is a 400."
        ),
        request=MacroApplySerializer,
        parameters=TICKET_WRITE_PARAMETERS,
        responses={
            200: MacroOutcomeSerializer,
            **problems(*WITH_BODY, 401, 403, 404, 409, 412),
        },
    ),
)


message_endpoints = extend_schema_view(
    list=extend_schema(
        summary="List a ticket's messages",
        description="The conversation, oldest first; internal notes only for staff.",
        parameters=[TICKET_ID_NESTED, RETRY_AFTER, WWW_AUTHENTICATE],
        responses={200: MessageSerializer(many=True), **problems(400, 401, 404)},
    ),
    create=extend_schema(
        summary="Post a message",
        description=(
            "Add to the conversation. `is_internal` (a note end users never see) is for "
            "staff only. A public message from the reporter on a pending or resolved ticket "
            "reopens it."
        ),
        request={
            "application/json": MessageCreateJsonSerializer,
            "multipart/form-data": MessageCreateSerializer,
        },
        parameters=[
            TICKET_ID_NESTED,
            IF_MATCH,
            RETRY_AFTER,
            WWW_AUTHENTICATE,
        ],
        responses={
            201: MessageSerializer,
            **problems(*WITH_BODY, 401, 403, 404, 409, 412),
        },
    ),
)


event_endpoints = extend_schema_view(
    list=extend_schema(
        summary="List a ticket's events",
        description=(
            "The audit trail, oldest first: creation, status, priority and assignee changes, "
            "edits and messages. End users do not see events about internal notes."
        ),
        parameters=[TICKET_ID_NESTED, RETRY_AFTER, WWW_AUTHENTICATE],
        responses={200: EventSerializer(many=True), **problems(400, 401, 404)},
    ),
)


staff_endpoints = extend_schema_view(
    list=extend_schema(
        summary="List helpdesk staff",
        description="Everyone a ticket may be assigned to (staff only), by username.",
        parameters=[RETRY_AFTER, WWW_AUTHENTICATE],
        responses={200: UserRefSerializer(many=True), **problems(400, 401, 403)},
    ),
)


FILE_TYPES = [
    "application/octet-stream",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "application/zip",
    "application/gzip",
    "text/plain",
]

attachment_endpoints = extend_schema_view(
    get=extend_schema(
        summary="Download a file",
        description=(
            "The file of an attachment (see `attachments` on tickets and messages), if the "
            "caller may see its ticket and its message; an internal note's files are for "
            "staff only. The type is the server's, from the file's bytes; images come "
            "`inline`, everything else as an `attachment` download. The thumbnail variant "
            "is a PNG of an image."
        ),
        tags=["tickets"],
        parameters=[
            OpenApiParameter(
                "id", ID_SCHEMA, OpenApiParameter.PATH, description="The attachment's id."
            ),
            RETRY_AFTER,
            WWW_AUTHENTICATE,
        ],
        responses={
            **{(200, media): OpenApiTypes.BINARY for media in FILE_TYPES},
            **problems(401, 404),
        },
    ),
)
# Fields some callers never get: documented, but not required in the answer.
STAFF_ONLY_FIELDS = {"Ticket": ("sla",)}


def staff_only_fields(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """A postprocessing hook: staff-only fields are optional in the schema (reporters lack them)."""
    schemas = result.get("components", {}).get("schemas", {})
    for component, names in STAFF_ONLY_FIELDS.items():
        schema = schemas.get(component)
        if schema and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in names]
    return result
