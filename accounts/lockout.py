"""django-axes hooks: one lockout key per account, the real client address, the answer."""

from __future__ import annotations

import unicodedata

from axes.utils import reset
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from api.problems import is_api_request, problem_response


def canonical_username(username: str) -> str:
    """The key of an account's failed sign-ins, however its name is typed.

    Sign-in finds "alice" for "ALICE", and on PostgreSQL also for "al\u0131ce" (its
    case-insensitive match upper-cases both sides, and "\u0131".upper() is "I"):
    every spelling that reaches one account must share one count, or each would
    get five guesses of its own. So: NFKC, trimmed, upper-cased.
    """
    return unicodedata.normalize("NFKC", username).strip().upper()


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    username = None
    if credentials:
        username = credentials.get("username")
    if username is None and request is not None:
        data = request.POST if request.method == "POST" else {}
        username = data.get("username")
    return canonical_username(username) if isinstance(username, str) else username


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the one our own proxies saw.

    With TRUSTED_PROXY_COUNT proxies in front, the address their nearest
    neighbour reported is that many entries from the right of X-Forwarded-For
    (the rule DRF's throttles follow too); anything further left is whatever the
    client chose to send. Without proxies, the header is ignored.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return remote


def forget_failures(username: str) -> None:
    """After a successful sign-in (or password reset): this account's failures only.

    Never those of the address: a sign-in of one's own throw-away account would
    otherwise wipe the count of guesses made at someone else's.
    """
    reset(username=canonical_username(username))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """Tell a locked-out caller so plainly: a page on the web, problem JSON on the API."""
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = max(1, int(cooloff.total_seconds() // 60))
    detail = (
        "Too many failed sign-in attempts. Sign-in is locked for this account and "
        f"address; try again in {minutes} minutes, or reset your password."
    )
    if is_api_request(request):
        return problem_response(
            429,
            detail=detail,
            code="locked_out",
            title="Locked out",
            headers={"Retry-After": str(int(cooloff.total_seconds()))},
        )
    return render(
        request,
        "registration/locked_out.html",
        {"cooloff_minutes": minutes, "detail": detail},
        status=429,
    )
