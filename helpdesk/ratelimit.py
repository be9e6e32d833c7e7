"""Rate limits of the web forms: a decorator for views, and the page that says "slow down".

The counting is helpdesk.limits'. What people write (new tickets, messages) is
limited by the ticket services themselves, for every interface at once; the
pages only show their refusal with `too_many`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from accounts.lockout import client_ip
from helpdesk.limits import hit

__all__ = ["by_address", "hit", "rate_limited", "too_many"]


def by_address(request: HttpRequest) -> str:
    return client_ip(request)


def rate_limited(scope: str, key: Callable[[HttpRequest], str]) -> Callable:
    """Refuse POSTs over settings.RATE_LIMITS[scope] with a page that says so (429)."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and (wait := hit(scope, key(request))):
                return too_many(request, wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def too_many(request: HttpRequest, wait: int) -> HttpResponse:
    minutes = max(1, round(wait / 60))
    text = ngettext(
        "That was a lot of the same thing in a short time, so we paused it. "
        "Try again in about %(minutes)d minute.",
        "That was a lot of the same thing in a short time, so we paused it. "
        "Try again in about %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    response = render(request, "429.html", {"text": text}, status=429)
    response["Retry-After"] = str(wait)
    return response
