"""Domain errors raised by tickets.services and tickets.selectors.

Each interface maps them once: the API to 403/404/409/412, the web pages and
the admin to a message on the page. Field-level validation errors are Django's
own ValidationError, with a dict of messages by field name.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


class TicketError(Exception):
    """Base of every domain error about tickets."""

    code = "ticket_error"
    default_message = _("The ticket could not be changed.")

    def __init__(self, message: str | None = None) -> None:
        # In the language active where it is raised: the request's.
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class TicketNotFound(TicketError):
    """No such ticket, or one the user may not see (which we do not tell apart)."""

    code = "not_found"
    default_message = _("No such ticket.")


class AttachmentNotFound(TicketNotFound):
    """No such file, or one the user may not see (which we do not tell apart)."""

    code = "not_found"
    default_message = _("No such file.")


class NotAllowed(TicketError):
    """The user may see the ticket but may not do this to it."""

    code = "not_allowed"
    default_message = _("You are not allowed to do that.")


class InvalidTransition(TicketError):
    """The workflow does not let this user move the ticket to that status."""

    code = "invalid_transition"

    def __init__(self, *, current: str, requested: str, allowed: Iterable[str]) -> None:
        self.current = current
        self.requested = requested
        self.allowed = tuple(allowed)
        # The statuses are named by their values, as the API's `current`, `allowed`
        # and request bodies name them; the interfaces that show labels say it
        # their own way (tickets/views.py, tickets/admin/error_messages.py).
        names = {"current": current, "requested": requested}
        if self.allowed:
            # Translators: %(current)s, %(requested)s and %(choices)s are status values
            # as the API spells them (new, open, pending, resolved, closed): leave them
            # untranslated.
            message = gettext(
                "A ticket that is %(current)s cannot be moved to %(requested)s; "
                "you may move it to: %(choices)s."
            ) % {**names, "choices": ", ".join(self.allowed)}
        else:
            # Translators: %(current)s and %(requested)s are status values as the API
            # spells them (new, open, pending, resolved, closed): leave them untranslated.
            message = gettext("A ticket that is %(current)s cannot be moved to %(requested)s.") % (
                names
            )
        super().__init__(message)


class StaleVersion(TicketError):
    """The change was based on an older version of the ticket than the current one."""

    code = "stale_version"

    def __init__(self, *, expected: int, current: int) -> None:
        self.expected = expected
        self.current = current
        super().__init__(
            gettext(
                "The ticket has changed since you loaded it (you had version %(expected)s, "
                "it is now version %(current)s). Reload it and try again."
            )
            % {"expected": expected, "current": current}
        )


class TicketClosed(TicketError):
    """A closed ticket takes no edits and no messages."""

    code = "ticket_closed"
    default_message = _("This ticket is closed: it takes no more changes or messages.")


class RateLimited(TicketError):
    """Too many new tickets or messages from one person in a short time (helpdesk.limits)."""

    code = "rate_limited"

    def __init__(self, *, action: str, wait: int) -> None:
        self.action = action
        self.wait = wait  # seconds until the limit lets this person write again
        minutes = max(1, round(wait / 60))
        if action == "report":
            message = ngettext(
                "You reported many issues in a short time. Try again in about %(minutes)d minute.",
                "You reported many issues in a short time. Try again in about %(minutes)d minutes.",
                minutes,
            )
        elif action == "upload":
            message = ngettext(
                "You attached many files in a short time. Try again in about %(minutes)d minute.",
                "You attached many files in a short time. Try again in about %(minutes)d minutes.",
                minutes,
            )
        else:
            message = ngettext(
                "You posted many messages in a short time. Try again in about %(minutes)d minute.",
                "You posted many messages in a short time. Try again in about %(minutes)d minutes.",
                minutes,
            )
        super().__init__(message % {"minutes": minutes})
