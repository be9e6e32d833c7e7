"""django-axes hooks."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from helpdesk.errors import problem_response


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    # Sign-in ignores case, so the failure count must too: otherwise "ALICE",
    # "Alice" and "alice" would each get their own five guesses.
    username = None
    if credentials:
        username = credentials.get("username")
    if username is None and request is not None:
        data = request.POST if request.method == "POST" else {}
        username = data.get("username")
    return username.strip().lower() if isinstance(username, str) else username


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
    if request.path.startswith("/api/"):
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
