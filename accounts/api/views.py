"""API endpoints of accounts: tokens, and who the caller is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import authenticate
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts import services
from accounts.api import schema
from accounts.api.exceptions import InvalidCredentials
from accounts.api.serializers import MeSerializer, TokenRequestSerializer
from accounts.api.throttling import TokenAddressThrottle, TokenUsernameThrottle
from accounts.authentication import TokenAuthentication
from accounts.lockout import forget_failures
from api.views import ApiViewMixin

if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework.request import Request

    from accounts.models import ApiToken, User


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

    @schema.get_token
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

    def finalize_response(self, request: Request, response: Response, *args, **kwargs) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method == "POST":
            # The answer carries the raw token: no cache, not even the caller's
            # own, may keep it (ApiViewMixin's private, no-cache would allow that).
            response["Cache-Control"] = "no-store"
        return response

    @schema.revoke_token
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
    services.record_sign_in(user=user)
    forget_failures(user.get_username())


class MeView(ApiViewMixin, APIView):
    @schema.who_am_i
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
