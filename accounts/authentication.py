"""API authentication: `Authorization: Token <key>` or `Bearer <key>`, or the browser session."""

from __future__ import annotations

from django.middleware import csrf
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.models import ApiToken, User
from accounts.services import authenticate_api_token


class TokenAuthentication(authentication.BaseAuthentication):
    keywords = ("token", "bearer")

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header: expected 'Token <key>' or 'Bearer <key>'.")
            )
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        token = authenticate_api_token(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) to a request without credentials.
        return 'Token realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's, with its CSRF refusal told in the reader's language.

    DRF quotes Django's reason as it is, in English ("CSRF Failed: CSRF cookie
    not set."); the reasons come down to four things to say.
    """

    def enforce_csrf(self, request: Request) -> None:
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as exc:
            raise exceptions.PermissionDenied(_csrf_refusal(str(exc.detail))) from None


def _csrf_refusal(detail: str) -> str:
    reason = detail.removeprefix("CSRF Failed: ")
    if reason == csrf.REASON_NO_CSRF_COOKIE:
        return _("CSRF Failed: CSRF cookie not set.")
    if reason == csrf.REASON_CSRF_TOKEN_MISSING:
        return _("CSRF Failed: CSRF token missing.")
    if reason.startswith(("Origin checking failed", "Referer checking failed")):
        return _("CSRF Failed: the request does not come from this site.")
    return _("CSRF Failed: CSRF token incorrect.")
