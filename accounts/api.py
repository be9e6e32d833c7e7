"""API endpoints of accounts: tokens, and who the caller is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import authenticate
from django.contrib.auth.models import update_last_login
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts import services
from accounts.authentication import TokenAuthentication
from accounts.lockout import forget_failures
from accounts.models import ApiToken, User
from api.inputs import InputSerializer, StrictCharField
from api.views import ApiViewMixin
from tickets.api import schema
from tickets.api.throttling import TokenAddressThrottle, TokenUsernameThrottle

if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework.request import Request


class InvalidCredentials(exceptions.APIException):
    status_code = 400
    default_detail = "Unable to sign in with the username and password given."
    default_code = "invalid_credentials"


class MeSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "email", "is_staff"]
        read_only_fields = fields
        extra_kwargs = {
            "username": {"help_text": "Signs in with any case."},
            "is_staff": {"help_text": "Whether the user works the helpdesk."},
        }


class TokenRequestSerializer(InputSerializer):
    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=4096, trim_whitespace=False)
    name = StrictCharField(
        max_length=ApiToken._meta.get_field("name").max_length,
        required=False,
        allow_blank=True,
        help_text="What the token is for (one per client); a dated name when left out.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        read_only=True,
        help_text="Send it as `Authorization: Token <token>`. It is shown this once only.",
    )
    name = serializers.CharField(read_only=True)


class TokenView(ApiViewMixin, APIView):
    # Only a token can be revoked with itself; a browser session has none.
    authentication_classes = [TokenAuthentication]
    throttle_classes = [
        *api_settings.DEFAULT_THROTTLE_CLASSES,
        TokenAddressThrottle,
        TokenUsernameThrottle,
    ]

    def _signing_in(self) -> bool:
        # (The schema generator asks too, with no request.)
        request = getattr(self, "request", None)
        return request is not None and request.method == "POST"

    def get_authenticators(self) -> list:
        # Signing in takes a username and password: whatever Authorization
        # header comes along (a stale token, say) is no reason to refuse.
        if self._signing_in():
            return []
        return super().get_authenticators()

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self._signing_in() else [IsAuthenticated()]

    @extend_schema(
        summary="Get a token",
        description=(
            "Sign in with a username and password and get a new named token (a user may "
            "hold several, one per client). Failed attempts count toward the same lockout "
            "as the web sign-in; at most 10 attempts a minute (by default) per address and "
            "per username."
        ),
        request=TokenRequestSerializer,
        responses={
            201: TokenSerializer,
            **schema.problems(*schema.WITH_BODY),
        },
        parameters=[schema.RETRY_AFTER],
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The plain Django request, so that django-axes sees the attempt: it
        # counts failures toward the web login's lockout and, once locked,
        # AxesMiddleware answers with the 429 problem of accounts.lockout.
        user = authenticate(
            request=request._request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None:
            raise InvalidCredentials()
        _signed_in(request._request, user)
        token, raw = services.create_api_token(
            user=user, name=serializer.validated_data.get("name", "")
        )
        return Response({"token": raw, "name": token.name}, status=201)

    @extend_schema(
        summary="Revoke this token",
        description="Revoke the token the request is made with. Sessions have none (401).",
        request=None,
        responses={
            204: OpenApiResponse(description="Revoked: the token no longer works."),
            **schema.problems(401),
        },
        parameters=[schema.RETRY_AFTER, schema.WWW_AUTHENTICATE],
    )
    def delete(self, request: Request) -> Response:
        token: ApiToken = request.auth
        services.revoke_api_token(user=request.user, token_id=token.pk)
        return Response(status=204)


def _signed_in(request: HttpRequest, user: User) -> None:
    """A token is a sign-in: record it as the web login does.

    Not through the user_logged_in signal: django-axes would write an access
    log with a session hash, opening a session (and a cookie) for a client that
    has no use for one.
    """
    update_last_login(None, user)
    forget_failures(user.get_username())


class MeView(ApiViewMixin, APIView):
    @extend_schema(
        summary="Who am I",
        description="The signed-in user; `is_staff` says whether they work the helpdesk.",
        tags=["auth"],
        responses={200: MeSerializer, **schema.problems(401)},
        parameters=[schema.RETRY_AFTER, schema.WWW_AUTHENTICATE],
    )
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
