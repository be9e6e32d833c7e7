"""What drf-spectacular needs beyond the views: errors, headers, auth and the intro."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from api.problems import PROBLEM_CONTENT_TYPE
from api.schema import ProblemSerializer, ValidationProblemSerializer
from tickets.models import Ticket


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


_PROBLEMS: dict[int, tuple[type, str]] = {
    400: (
        ValidationProblemSerializer,
        "Invalid input: malformed JSON (`parse_error`), or a field or query parameter with "
        "a wrong type, a value out of range or an unknown value (`invalid`, with `errors` by "
        "name).",
    ),
    401: (
        ProblemSerializer,
        "No credentials (`not_authenticated`) or invalid ones (`authentication_failed`).",
    ),
    403: (
        ProblemSerializer,
        "Signed in, but not allowed to do this (`not_allowed`, `permission_denied`), "
        "e.g. a reporter changing priority, or a session request without its CSRF token.",
    ),
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
    413: (ProblemSerializer, "The request body is over 1 MB (`request_too_large`)."),
    415: (ProblemSerializer, "The body is not JSON (`unsupported_media_type`)."),
    429: (
        ProblemSerializer,
        "Too many requests (`throttled`), or sign-in locked after repeated failures "
        "(`locked_out`); see Retry-After.",
    ),
}

# Every operation may be throttled; every one that takes a body may get these.
COMMON = (429,)
WITH_BODY = (400, 413, 415)


def problems(*statuses: int) -> dict:
    """Error responses of an operation, in problem+json."""
    return {
        (status, PROBLEM_CONTENT_TYPE): OpenApiResponse(
            _PROBLEMS[status][0], description=_PROBLEMS[status][1]
        )
        for status in sorted({*statuses, *COMMON})
    }


RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[429],
    description="Seconds to wait before trying again.",
)
WWW_AUTHENTICATE = OpenApiParameter(
    "WWW-Authenticate",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[401],
    description="How to authenticate: `Token`.",
)
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


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A token from `POST /api/v1/auth/token/`, sent as `Authorization: Token <key>` "
                "or `Authorization: Bearer <key>`."
            ),
        }


INTRODUCTION = """
Report, modify, view and change the status of helpdesk tickets, and converse in
messages. Everything the web pages and the staff console do.

## Authentication
Get a token with `POST /api/v1/auth/token/` (username and password; a new named
token each call, one per client) and send it as `Authorization: Token <key>`
(or `Bearer <key>`). Tokens are stored hashed: the key is shown once.
`DELETE /api/v1/auth/token/` revokes the token used. Browser sessions work
too, with the CSRF token in `X-CSRFToken` on writes. Failed sign-ins count
toward the same lockout as the web sign-in.

## Visibility and roles
End users see their own tickets; helpdesk staff see all. A ticket you may not
see is 404 on every endpoint. Staff may also change priority and assignee,
post internal notes (which end users never see, nor events about them) and
make more status transitions; `allowed_transitions` on a ticket lists the
statuses the caller may move it to now.

## Concurrency: ETag and If-Match
A ticket's `ETag` is its `version` in quotes (`"3"`). Send it back in
`If-Match` on `PATCH`, `status/` and `messages/`: if someone changed the ticket
meanwhile the answer is 412 and nothing is written. `If-None-Match` on a GET
of the ticket answers 304 when it has not changed.

## Lists
Lists are cursor-paginated: `{next, previous, results}`; follow the links,
with `page_size` from 1 to 100 (default 25). There is no total count. Pages are
stable: ties are broken by id, and tickets that arrive while you page are
never shown twice. Unknown query parameters, empty values and unknown filter
values are 400, as are unknown fields in a request body (read-only fields of
the resource, sent back as received, are ignored).

## Errors
Every error is RFC 9457 problem details, `application/problem+json`:
`{type, title, status, detail, code}`, plus `errors` (messages by field or
parameter name) for invalid input. `code` is for programs: `invalid`,
`parse_error`, `not_authenticated`, `authentication_failed`,
`invalid_credentials`, `permission_denied`, `not_allowed`, `not_found`,
`method_not_allowed`, `not_acceptable`, `unsupported_media_type`,
`invalid_transition` (with `allowed`), `ticket_closed`, `stale_version`
(with `current_version`), `precondition_failed`, `request_too_large`,
`throttled`, `locked_out`, `server_error`.

## Limits
Bodies up to 1 MB; subject 200 characters, description and message 20,000.
Requests per minute are limited per user and per address (429 with
`Retry-After`); the token endpoint allows 10 attempts a minute (by default)
per address and per username.
""".strip()


def add_introduction(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """Postprocessing hook: the long description, kept next to the API it describes."""
    result.setdefault("info", {})["description"] = INTRODUCTION
    return result
