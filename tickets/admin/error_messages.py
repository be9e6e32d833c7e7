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
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tickets.admin.wording import status_in_sentence
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
        return _("Not saved. %(reason)s") % {"reason": reason} if where == "page" else reason
    if where == "skipped":
        return _skip_reason(exc)
    if where == "field":
        return exc.message
    if isinstance(exc, TicketNotFound):
        if ticket_id is None:
            return _("The ticket was deleted meanwhile; nothing was saved.")
        return _("Ticket #%(number)s was deleted meanwhile; nothing was saved.") % {
            "number": ticket_id
        }
    if isinstance(exc, StaleVersion):
        versions = {"number": ticket_id, "expected": exc.expected, "current": exc.current}
        if ticket_id is None:
            return (
                _(
                    "Not saved: someone else changed the ticket after you opened it "
                    "(you had version %(expected)s, it is now version %(current)s). "
                    "Nothing was overwritten. The conversation and history below are up to "
                    "date and your input is kept; check it and save again."
                )
                % versions
            )
        return (
            _(
                "Not saved: someone else changed ticket #%(number)s after you opened it "
                "(you had version %(expected)s, it is now version %(current)s). "
                "Nothing was overwritten. The conversation and history below are up to "
                "date and your input is kept; check it and save again."
            )
            % versions
        )
    return _("Not saved. %(reason)s") % {"reason": exc.message}


def _skip_reason(exc: TicketError) -> str:
    # Short: the ticket's number and subject stand right before it.
    if isinstance(exc, InvalidTransition):
        if exc.current == exc.requested:
            # Translators: why a bulk action left a ticket alone, e.g. "already pending".
            return _("already %(status)s") % {"status": status_in_sentence(exc.current)}
        # Translators: why a bulk action left a ticket alone, e.g. "resolved cannot move
        # to pending".
        return _("%(current)s cannot move to %(requested)s") % {
            "current": status_in_sentence(exc.current),
            "requested": status_in_sentence(exc.requested),
        }
    if isinstance(exc, TicketClosed):
        return pgettext("why a bulk action left a ticket alone", "closed")
    if isinstance(exc, TicketNotFound):
        return pgettext("why a bulk action left a ticket alone", "deleted meanwhile")
    return exc.message
