"""The accounts API's operations as its schema describes them (drf-spectacular)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema

from accounts.api.serializers import MeSerializer, TokenRequestSerializer, TokenSerializer
from accounts.api.throttling import RATE_IN_WORDS
from api import schema

get_token = extend_schema(
    summary="Get a token",
    description=(
        "Sign in with a username and password and get a new named token (a user may "
        "hold several, one per client). Failed attempts count toward the same lockout "
        f"as the web sign-in; at most {RATE_IN_WORDS} per address and per username."
    ),
    request=TokenRequestSerializer,
    responses={
        201: TokenSerializer,
        **schema.problems(*schema.WITH_BODY),
    },
    parameters=[schema.RETRY_AFTER],
    auth=[],
)

revoke_token = extend_schema(
    summary="Revoke this token",
    description="Revoke the token the request is made with. Sessions have none (401).",
    request=None,
    responses={
        204: OpenApiResponse(description="Revoked: the token no longer works."),
        **schema.problems(401),
    },
    parameters=[schema.RETRY_AFTER, schema.WWW_AUTHENTICATE],
)

who_am_i = extend_schema(
    summary="Who am I",
    description="The signed-in user; `is_staff` says whether they work the helpdesk.",
    tags=["auth"],
    responses={200: MeSerializer, **schema.problems(401)},
    parameters=[schema.RETRY_AFTER, schema.WWW_AUTHENTICATE],
)
