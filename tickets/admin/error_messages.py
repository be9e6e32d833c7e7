"""What the staff console says when the services refuse a change.

The one place where a domain error (tickets.exceptions) or a service's
ValidationError becomes console wording. A refusal is shown in one of three
places, each with its own register:

- "page": a sentence at the top of the ticket page, saying nothing was saved;
- "field": beside the form field the error is about (the form is shown again);
- "skipped": a few words after a ticket's link in a bulk action's report
  ("Skipped 2 tickets: #4 “VPN” (closed); #9 “Printer” (already open).").

What happens next (show the form again, rebase it on the current ticket, go
back to the queue) is the ticket page's or the bulk action's business.
A ValidationError's messages by field go onto a form with
helpdesk.forms.add_service_errors.
"""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import ValidationError

from tickets.exceptions import (
    InvalidTransition,
    StaleVersion,
    TicketClosed,
    TicketError,
    TicketNotFound,
)

Where = Literal["page", "field", "skipped"]


def error_message(
    exc: TicketError | ValidationError, *, ticket_id: int | None = None, where: Where = "page"
) -> str:
    """The console's wording for `exc`, raised by a service acting on ticket
    `ticket_id` (None: a ticket being opened)."""
    if isinstance(exc, ValidationError):
        reason = " ".join(exc.messages)
        return f"Not saved. {reason}" if where == "page" else reason
    if where == "skipped":
        return _skip_reason(exc)
    if where == "field":
        return exc.message
    ticket = "the ticket" if ticket_id is None else f"ticket #{ticket_id}"
    if isinstance(exc, TicketNotFound):
        return f"{ticket.capitalize()} was deleted meanwhile; nothing was saved."
    if isinstance(exc, StaleVersion):
        return (
            f"Not saved: someone else changed {ticket} after you opened it "
            f"(you had version {exc.expected}, it is now version {exc.current}). "
            "Nothing was overwritten. The conversation and history below are up to date "
            "and your input is kept; check it and save again."
        )
    return f"Not saved. {exc.message}"


def _skip_reason(exc: TicketError) -> str:
    # Short: the ticket's number and subject stand right before it.
    if isinstance(exc, InvalidTransition):
        if exc.current == exc.requested:
            return f"already {exc.current}"
        return f"{exc.current} cannot move to {exc.requested}"
    if isinstance(exc, TicketClosed):
        return "closed"
    if isinstance(exc, TicketNotFound):
        return "deleted meanwhile"
    return exc.message
