"""The ticket domain's errors in HTTP, mapped once for the whole ticket API.

tickets.exceptions names each error once; here each becomes a problem
(api.problems) with its status and extra members: 404 for a ticket the caller
may not see, 403 for what they may not do, 409 for what the workflow refuses,
412 for a stale version, 429 (with Retry-After) for one new ticket or message
too many in a short time. The ticket endpoints' base view (tickets.api.views)
sends every TicketError through `ticket_problem`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions

from api.problems import Problem
from tickets.exceptions import (
    InvalidTransition,
    NotAllowed,
    RateLimited,
    StaleVersion,
    TicketClosed,
    TicketError,
    TicketNotFound,
)


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = _("The If-Match header does not match the ticket's current ETag.")
    default_code = "precondition_failed"


def ticket_problem(exc: TicketError) -> Problem:
    status, extra = _status_and_extra(exc)
    problem = Problem(status, detail=exc.message, code=exc.code, extra=extra)
    if isinstance(exc, RateLimited):
        # api.problems answers with Retry-After from `wait`, as for DRF's throttles.
        problem.wait = exc.wait
    return problem


def _status_and_extra(exc: TicketError) -> tuple[int, dict[str, Any]]:
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
    if isinstance(exc, RateLimited):
        return 429, {}
    return 400, {}
