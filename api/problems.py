"""The API's one error shape, rendered here and nowhere else.

Every error under /api/ is RFC 9457 problem details (`application/problem+json`):
{type, title, status, detail, code, request_id}, plus `errors` by field name for
validation errors and a few documented extras (`allowed` for workflow errors,
`current_version` for stale writes). DRF's own errors and Django's come through
`problem_exception_handler`; an app's domain errors reach it as a `Problem`,
mapped by the app's API (tickets/api/exceptions.py for tickets). Errors raised
outside DRF views (unknown URLs, server errors, the sign-in lockout) call
`problem_response` themselves (helpdesk/error_pages.py, accounts/lockout.py).
"""

from __future__ import annotations

import math
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from helpdesk import request_id
from tickets.models import TEXT_MAX_LENGTH

if TYPE_CHECKING:
    from django.http import HttpRequest

PROBLEM_CONTENT_TYPE = "application/problem+json"
# Where problem+json replaces Django's HTML error pages.
API_PATH_PREFIX = "/api/"
NON_FIELD_ERRORS = api_settings.NON_FIELD_ERRORS_KEY

# A problem's title is the status phrase, in the reader's language. Python's
# HTTPStatus gives the English one, for any status not listed here.
TITLES = {
    # Translators: HTTP status phrases, the title of an API error (RFC 9110 wording).
    400: pgettext_lazy("HTTP status", "Bad Request"),
    401: pgettext_lazy("HTTP status", "Unauthorized"),
    403: pgettext_lazy("HTTP status", "Forbidden"),
    404: pgettext_lazy("HTTP status", "Not Found"),
    405: pgettext_lazy("HTTP status", "Method Not Allowed"),
    406: pgettext_lazy("HTTP status", "Not Acceptable"),
    409: pgettext_lazy("HTTP status", "Conflict"),
    412: pgettext_lazy("HTTP status", "Precondition Failed"),
    413: pgettext_lazy("HTTP status", "Content Too Large"),
    415: pgettext_lazy("HTTP status", "Unsupported Media Type"),
    429: pgettext_lazy("HTTP status", "Too Many Requests"),
    500: pgettext_lazy("HTTP status", "Internal Server Error"),
    503: pgettext_lazy("HTTP status", "Service Unavailable"),
}


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PATH_PREFIX)


def problem_response(
    status: int,
    *,
    detail: str,
    code: str,
    title: str | None = None,
    extra: dict | None = None,
    headers: dict | None = None,
) -> JsonResponse:
    """An RFC 9457 problem details response, in the API's one error shape.

    `title` and `detail` are for people, in the active language (the request's
    Accept-Language, through LocaleMiddleware); `code` is for programs and the
    same in every language.
    """
    body = {
        "type": "about:blank",
        "title": str(title or TITLES.get(status) or HTTPStatus(status).phrase),
        "status": status,
        "detail": str(detail),
        "code": code,
        **(extra or {}),
    }
    if rid := request_id.get():
        # The id in the server's log lines for this request: what a user quotes in a report.
        body["request_id"] = rid
    return JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE, headers=headers)


class Problem(exceptions.APIException):
    """A domain error as an app's API answers it: a status, a code and extra members.

    Apps raise their own exceptions from their services; their API maps each
    one to a Problem once (e.g. tickets.api.exceptions.ticket_problem).
    """

    def __init__(self, status: int, *, detail: str, code: str, extra: dict | None = None) -> None:
        self.status_code = status
        self.extra = extra or {}
        super().__init__(detail, code)


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "request_too_large"


def problem_exception_handler(exc: Exception, context: dict) -> JsonResponse | None:
    """DRF's EXCEPTION_HANDLER: turn any known error into a problem response."""
    if isinstance(exc, DjangoValidationError):
        errors = (
            exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        )
        exc = exceptions.ValidationError(errors)
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge(
            _(
                "The request body is larger than the limit of %(limit)s; send less "
                "(text fields hold at most %(length)s characters)."
            )
            % {
                "limit": body_limit_in_words(localized=True),
                "length": number_format(TEXT_MAX_LENGTH, force_grouping=True),
            }
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    if not isinstance(exc, exceptions.APIException):
        # Unexpected: let Django log it and answer with handler500's problem.
        return None

    set_rollback()
    headers: dict[str, str] = {}
    if auth_header := getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = auth_header
    if (wait := getattr(exc, "wait", None)) is not None:
        headers["Retry-After"] = str(max(1, math.ceil(wait)))

    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        return problem_response(
            exc.status_code,
            detail=_summary(errors),
            code="invalid",
            extra={"errors": errors},
            headers=headers,
        )
    code = exc.default_code
    if isinstance(exc.detail, str) and getattr(exc.detail, "code", None):
        code = exc.detail.code
    return problem_response(
        exc.status_code,
        detail=str(exc.detail),
        code=str(code),
        extra=getattr(exc, "extra", None),
        headers=headers,
    )


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {field name: [messages]}; nested names dotted."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_errors(value, name))
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return {prefix or NON_FIELD_ERRORS: [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            flat.update(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or NON_FIELD_ERRORS: [str(detail)]}


def _summary(errors: dict[str, list[str]]) -> str:
    parts = [
        " ".join(messages) if name == NON_FIELD_ERRORS else f"{name}: {' '.join(messages)}"
        for name, messages in errors.items()
    ]
    return " ".join(parts) or _("Invalid input.")


def body_limit_in_words(*, localized: bool = False) -> str:
    """DATA_UPLOAD_MAX_MEMORY_SIZE as people say it: "1 MB".

    In English for the schema (which is the same for everyone), or `localized`
    for an answer, in the reader's language.
    """
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit and limit % (1024 * 1024) == 0:
        megabytes = limit // (1024 * 1024)
        if not localized:
            return f"{megabytes} MB"
        # Translators: a size in megabytes, e.g. "1 MB".
        return _("%(size)s MB") % {"size": number_format(megabytes, force_grouping=True)}
    if not localized:
        return f"{limit:,} bytes"
    return ngettext("%(size)s byte", "%(size)s bytes", limit) % {
        "size": number_format(limit, force_grouping=True)
    }
