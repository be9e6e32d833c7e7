"""The steps every ticket service is made of: lock, check, record, save.

Only the services in this package call them, each inside its own transaction.
A service locks the ticket (lock), checks the caller's version and the
ticket's state (check_version, check_open), changes fields and queues the
events that say so (record, set_status, apply_status), then saves the ticket
and writes the queued events in one INSERT (save, flush_events), which runs
the registered event hooks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from helpdesk import limits
from tickets import validation, workflow
from tickets.exceptions import (
    InvalidTransition,
    RateLimited,
    StaleVersion,
    TicketClosed,
    TicketNotFound,
)
from tickets.models import Attachment, Message, Ticket, TicketEvent, is_ticket_id

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from accounts.models import User
    from tickets.attachments import Inspected

Status = Ticket.Status
Kind = TicketEvent.Kind

# Hooks run with the events each change records, once per change, inside the
# service's transaction (the notifications app registers one that queues the
# emails to be worked out and sent by the background worker).
_event_hooks: list[Callable[[list[TicketEvent]], None]] = []


def register_event_hook(hook: Callable[[list[TicketEvent]], None]) -> None:
    if hook not in _event_hooks:
        _event_hooks.append(hook)


# Hooks that set derived fields of the ticket from the events of a change,
# before the ticket is written, and return the names of the fields they set:
# they ride in the service's own UPDATE or INSERT (the service levels app
# registers one that keeps the due times).
_save_hooks: list[Callable[[Ticket, list[TicketEvent]], set[str]]] = []


def register_save_hook(hook: Callable[[Ticket, list[TicketEvent]], set[str]]) -> None:
    if hook not in _save_hooks:
        _save_hooks.append(hook)


def _run_save_hooks(ticket: Ticket) -> set[str]:
    events = ticket.__dict__.get("_pending_events", [])
    fields: set[str] = set()
    for hook in _save_hooks:
        fields |= hook(ticket, events)
    return fields


def lock(ticket: Ticket | int, actor: User) -> Ticket:
    """Re-read the ticket with its row locked, as the actor may see it."""
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    if not is_ticket_id(pk):
        raise TicketNotFound()
    try:
        locked = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("reporter", "assignee")
            .get(pk=pk)
        )
    except Ticket.DoesNotExist:
        raise TicketNotFound() from None
    if workflow.role_of(actor, locked) is None:
        # A ticket you may not see does not exist for you.
        raise TicketNotFound()
    return locked


def differs(ticket: Ticket, name: str, value: Any) -> bool:
    if name == "assignee":
        # A user, or (from an interface that may not look staff up) an id.
        return getattr(value, "pk", value) != ticket.assignee_id
    return value != getattr(ticket, name)


def check_version(ticket: Ticket, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != ticket.version:
        raise StaleVersion(expected=int(expected_version), current=ticket.version)


def staff_only(fields: set[str]) -> str:
    """Why an end user may not change these staff-only fields: one sentence per case."""
    if fields == {"priority"}:
        return _("Only helpdesk staff may change the priority of a ticket.")
    if fields == {"assignee"}:
        return _("Only helpdesk staff may change the assignee of a ticket.")
    # Both: they are all the staff-only fields (STAFF_FIELDS - REPORTER_FIELDS).
    return _("Only helpdesk staff may change the assignee and priority of a ticket.")


def check_open(ticket: Ticket) -> None:
    if ticket.status == Status.CLOSED:
        raise TicketClosed()


def record(
    ticket: Ticket,
    actor: User | None,
    kind: str,
    *,
    old: str = "",
    new: str = "",
    field: str = "",
    message: Message | None = None,
    is_internal: bool = False,
    files: Sequence[Attachment | Inspected] = (),
    at: datetime,
) -> TicketEvent:
    """Queue an event of the ticket; flush_events writes the queue in one INSERT.

    `files` attached by the change are named in its event (`field` "attachments",
    their names in `old_value`, one a line: `new_value` keeps what it says).
    """
    if files:
        field = "attachments"
        old = "\n".join(f.filename for f in files)
    event = TicketEvent(
        ticket=ticket,
        actor=actor,
        kind=kind,
        field=field,
        old_value=old,
        new_value=new,
        message=message,
        is_internal=is_internal,
        created_at=at,
    )
    ticket.__dict__.setdefault("_pending_events", []).append(event)
    return event


def flush_events(ticket: Ticket) -> None:
    # One INSERT for all the events of a change (a PATCH of five fields is
    # five events), so that a request costs a fixed number of queries.
    events = ticket.__dict__.pop("_pending_events", [])
    if not events:
        return
    TicketEvent.objects.bulk_create(events)
    for hook in _event_hooks:
        hook(events)


def count_write(actor: User, action: str) -> None:
    """Count a new ticket ("report") or a message ("reply") by `actor` against their limit.

    Called after every other check, just before the write: an invalid or
    refused request does not use up the writer's allowance.
    """
    staff = workflow.is_helpdesk_staff(actor)
    if wait := limits.count_write(action, user_id=actor.pk, staff=staff):
        raise RateLimited(action=action, wait=wait)


def apply_status(ticket: Ticket, actor: User, status: str, *, at: datetime) -> TicketEvent:
    """Move a locked ticket to `status` per the workflow; the caller saves it."""
    status = validation.clean_choice(status, field="status", choices=Ticket.Status)
    allowed = workflow.allowed_transitions(actor, ticket)
    if status not in allowed:
        raise InvalidTransition(current=ticket.status, requested=status, allowed=allowed)
    return set_status(ticket, actor, status, at=at)


def set_status(ticket: Ticket, actor: User, status: str, *, at: datetime) -> TicketEvent:
    old = ticket.status
    ticket.status = status
    if status == Status.RESOLVED:
        ticket.resolved_at = at
    elif status == Status.CLOSED:
        ticket.closed_at = at
    else:
        # Reopened (or sent back to pending): it is no longer resolved.
        ticket.resolved_at = None
    return record(ticket, actor, Kind.STATUS_CHANGED, old=old, new=status, at=at)


def create(ticket: Ticket) -> None:
    """INSERT a new ticket with its queued events."""
    _run_save_hooks(ticket)
    ticket.save(force_insert=True)
    flush_events(ticket)


def save(ticket: Ticket, fields: set[str], *, at: datetime) -> None:
    ticket.updated_at = at
    ticket.version += 1
    fields = {*fields, *_run_save_hooks(ticket)}
    ticket.save(update_fields=sorted({*fields, "updated_at", "version"}))
    flush_events(ticket)
