"""django-axes hooks."""

from __future__ import annotations

from django.http import HttpRequest


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
