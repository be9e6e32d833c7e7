"""What drf-spectacular needs to describe any app's API: errors, common headers, auth.

An app's schema declarations (e.g. tickets/api/schema.py) list each operation's
problems with `problems(...)` and add the statuses only they answer with their
own descriptions. The problem serializers exist only for the schema: the API
renders errors in api.problems. Importing this module registers the token
authentication scheme and the session one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.authentication import SessionScheme as _SpectacularSessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from api.problems import PROBLEM_CONTENT_TYPE, body_limit_in_words


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details: the shape of every error."""

    type = serializers.CharField(help_text="Always about:blank: see status and code.")
    title = serializers.CharField(help_text="The HTTP status phrase.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong, for people.")
    code = serializers.CharField(help_text="What went wrong, for programs.")
    request_id = serializers.CharField(
        required=False,
        help_text=(
            "The request's id (its X-Request-ID header, sent or made), as in the server's"
            " logs: quote it when reporting a problem."
        ),
    )


class ValidationProblemSerializer(ProblemSerializer):
    """Problem details of invalid input, with the messages by field or parameter name."""

    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=(
            "For code invalid: messages by field or query parameter name "
            "(non_field_errors for the body as a whole)."
        ),
    )


# Status -> (problem serializer, what it means), for statuses any endpoint may answer.
Described = Mapping[int, tuple[type[serializers.Serializer], str]]
PROBLEMS: Described = {
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
    413: (
        ProblemSerializer,
        f"The request body is over {body_limit_in_words()} (`request_too_large`).",
    ),
    415: (ProblemSerializer, "The body is not JSON (`unsupported_media_type`)."),
    429: (
        ProblemSerializer,
        "Too many requests (`throttled`), too many new tickets or messages in a short "
        "time (`rate_limited`), or sign-in locked after repeated failures "
        "(`locked_out`); see Retry-After.",
    ),
}

# Every operation may be throttled; every one that takes a body may get these.
COMMON = (429,)
WITH_BODY = (400, 413, 415)


def problems(*statuses: int, described: Described = PROBLEMS) -> dict:
    """Error responses of an operation, in problem+json."""
    return {
        (status, PROBLEM_CONTENT_TYPE): OpenApiResponse(
            described[status][0], description=described[status][1]
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


class SessionScheme(_SpectacularSessionScheme):
    """The browser session, as drf-spectacular describes DRF's (ours only words its errors)."""

    target_class = "accounts.authentication.SessionAuthentication"


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
