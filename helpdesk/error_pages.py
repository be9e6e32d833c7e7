"""The URLconf's error handlers: problem details under /api/, styled HTML pages elsewhere.

A database that cannot be reached is no bug of ours: whatever raised it (a
view, the session or authentication middleware), the answer is a 503 with
Retry-After, never a 500 page; each request opens its connection anew (or
checks a kept one first: conn_health_checks), so the site recovers by itself
when the database is back.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

from api.problems import is_api_request, problem_response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return problem_response(
            400, detail=_("The request could not be understood."), code="bad_request"
        )
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return problem_response(
            403, detail=_("You do not have permission to do that."), code="permission_denied"
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return problem_response(404, detail=_("Not found."), code="not_found")
    return defaults.page_not_found(request, exception)


# How long a client should wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 10


def database_unreachable(exc: BaseException | None) -> bool:
    """Whether the error is the database being away, rather than a bug or a bad query.

    Any InterfaceError (the connection is closed), or an OperationalError with a
    connection that never opened or no longer answers (a restart, a network
    cut). An OperationalError on a healthy connection (a lock timeout, SQLite's
    "database is locked") stays a 500: retrying would not help by itself.
    """
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    for conn in connections.all(initialized_only=True):
        if conn.connection is None:
            return True
        try:
            if not conn.is_usable():
                return True
        except Exception:
            return True
    return False


def service_unavailable(request: HttpRequest) -> HttpResponse:
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if is_api_request(request):
        return problem_response(
            503,
            detail=_(
                "The service cannot reach its database right now; nothing was saved. "
                "Try again in a moment."
            ),
            code="service_unavailable",
            headers=headers,
        )
    # Rendered without the request: its context processors would ask the database.
    return HttpResponse(loader.get_template("503.html").render(), status=503, headers=headers)


def change_unavailable(request: HttpRequest) -> HttpResponse:
    """A change the shared cache would not take was refused (accounts.token_cache)."""
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    text = _(
        "This change could not be made just now: a part of the helpdesk that tells "
        "every server about it is down. Nothing was changed; please try again in a "
        "few minutes."
    )
    if is_api_request(request):
        return problem_response(503, detail=text, code="change_unavailable", headers=headers)
    # Rendered without the request: its user or session may be what raised.
    context = {"heading": _("Please try again in a few minutes"), "text": text}
    body = loader.get_template("503_change.html").render(context)
    return HttpResponse(body, status=503, headers=headers)


def server_error(request: HttpRequest) -> HttpResponse:
    # Called while Django handles the exception, so it is still at hand.
    from accounts.token_cache import GenerationNotSet

    exception = sys.exc_info()[1]
    if database_unreachable(exception):
        return service_unavailable(request)
    if isinstance(exception, GenerationNotSet):
        # Raised outside a view too: a session found stale and flushed by the
        # authentication middleware, a session saved by SessionMiddleware.
        return change_unavailable(request)
    if is_api_request(request):
        return problem_response(
            500,
            detail=_("Something went wrong on our side; it has been logged."),
            code="server_error",
        )
    return defaults.server_error(request)
