"""The API's one error shape, defined once.

Every error under /api/ is RFC 9457 problem details (`application/problem+json`):
{type, title, status, detail, code}, plus `errors` by field name for
validation errors and a few documented extras (`allowed` for workflow errors,
`current_version` for stale writes). DRF's own errors, Django's and our domain
errors all come through `problem_exception_handler`; errors raised outside DRF
views (unknown URLs, server errors) go through helpdesk/errors.py, which uses
the same `problem_response`.
"""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from helpdesk.errors import problem_response
from tickets.exceptions import (
    InvalidTransition,
    NotAllowed,
    StaleVersion,
    TicketClosed,
    TicketError,
    TicketNotFound,
)

NON_FIELD_ERRORS = api_settings.NON_FIELD_ERRORS_KEY


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = "The If-Match header does not match the ticket's current ETag."
    default_code = "precondition_failed"


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request body is too large."
    default_code = "request_too_large"


class InvalidCredentials(exceptions.APIException):
    status_code = 400
    default_detail = "Unable to sign in with the username and password given."
    default_code = "invalid_credentials"


# Domain errors: (HTTP status, extra members of the problem).
def _domain_problem(exc: TicketError) -> tuple[int, dict[str, Any]]:
    if isinstance(exc, TicketNotFound):
        return 404, {}
    if isinstance(exc, NotAllowed):
        return 403, {}
    if isinstance(exc, InvalidTransition):
        return 409, {"allowed": list(exc.allowed), "current": exc.current}
    if isinstance(exc, TicketClosed):
        return 409, {}
    if isinstance(exc, StaleVersion):
        return 412, {"current_version": exc.current}
    return 400, {}


def problem_exception_handler(exc: Exception, context: dict) -> HttpResponse | None:
    """DRF's EXCEPTION_HANDLER: turn any known error into a problem response."""
    if isinstance(exc, TicketError):
        set_rollback()
        status, extra = _domain_problem(exc)
        return problem_response(status, detail=exc.message, code=exc.code, extra=extra)
    if isinstance(exc, DjangoValidationError):
        errors = (
            exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        )
        exc = exceptions.ValidationError(errors)
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge(
            "The request body is larger than the limit of "
            f"{_limit_in_words()}; send less (text fields hold at most 20,000 characters)."
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
        exc.status_code, detail=str(exc.detail), code=str(code), headers=headers
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
    return " ".join(parts) or "Invalid input."


def _limit_in_words() -> str:
    from django.conf import settings

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit and limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MB"
    return f"{limit:,} bytes"
