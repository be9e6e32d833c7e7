"""A ticket's history as people read it: the one place that words a TicketEvent.

Two readers, two voices, one module:

- The web page tells the reporter's side. Messages and events form one
  timeline, each event the end of a sentence whose subject is its actor
  ("Sam" + "changed the status from New to Waiting on you"), statuses in the
  reporter's words, and what arrived since the reader last looked marked new.
- The staff console's audit trail lists every event with its stored values
  ("set status new → pending"), as markup for the console's ticket page.

A new kind of event is worded here for both. Nothing here queries the
database: callers pass in the messages and events they selected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils.html import format_html

from tickets import workflow
from tickets.choices import EventKind, TicketPriority, TicketStatus

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.utils.safestring import SafeString

    from accounts.models import User
    from tickets.models import Message, Ticket, TicketEvent

Status = TicketStatus
Kind = EventKind

# How the statuses read to the person who reported the ticket.
STATUS_LABELS = {
    Status.NEW: "New",
    Status.OPEN: "Open",
    Status.PENDING: "Waiting on you",
    Status.RESOLVED: "Solved",
    Status.CLOSED: "Closed",
}
# ...and to anyone else who opens it (staff).
OTHERS_STATUS_LABELS = {**STATUS_LABELS, Status.PENDING: "Waiting on the reporter"}
PRIORITY_LABELS = dict(TicketPriority.choices)

# The events the web timeline shows beside the messages (whose own
# "message_posted" events would repeat them, and "created" is the description).
SHOWN_KINDS = (Kind.STATUS_CHANGED, Kind.ASSIGNED, Kind.PRIORITY_CHANGED, Kind.EDITED)

# A page remembers when the reader last saw the ticket as microseconds since
# this moment: an integer survives a hidden field and a query string intact.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def from_micros(value: Any) -> datetime | None:
    """The moment `value` stands for, or None for anything that is not one."""
    try:
        return EPOCH + timedelta(microseconds=int(value))
    except (TypeError, ValueError, OverflowError):
        return None


def person(user: User | None, viewer: User | None = None) -> str:
    if user is None:
        return "The helpdesk"
    if viewer is not None and user.pk == viewer.pk:
        return "You"
    return user.get_full_name() or user.username


def status_labels(viewer: User, ticket: Ticket) -> dict[str, str]:
    return STATUS_LABELS if ticket.reporter_id == viewer.pk else OTHERS_STATUS_LABELS


# --- wording -----------------------------------------------------------------

REPLIED = "replied"


def _edited(event: TicketEvent) -> str:
    return f"edited the {event.field}"


def _otherwise(event: TicketEvent) -> str:
    # A kind without wording of its own reads as its name.
    return event.get_kind_display().lower()


def describe(event: TicketEvent, labels: dict[str, str] = STATUS_LABELS) -> str:
    """An event as the end of a sentence whose subject is its actor."""
    if event.kind == Kind.STATUS_CHANGED:
        old = labels.get(event.old_value, event.old_value)
        new = labels.get(event.new_value, event.new_value)
        return f"changed the status from {old} to {new}"
    if event.kind == Kind.PRIORITY_CHANGED:
        old = PRIORITY_LABELS.get(event.old_value, event.old_value)
        new = PRIORITY_LABELS.get(event.new_value, event.new_value)
        return f"changed the priority from {old} to {new}"
    if event.kind == Kind.ASSIGNED:
        if not event.new_value:
            return "unassigned this ticket"
        if event.actor is not None and event.actor.username == event.new_value:
            return "took this ticket"
        return f"assigned this ticket to {event.new_value}"
    if event.kind == Kind.EDITED:
        return _edited(event)
    if event.kind == Kind.MESSAGE_POSTED:
        return REPLIED
    return _otherwise(event)


def audit_text(event: TicketEvent) -> SafeString:
    """An event as a line of the console's audit trail, after its actor's name.

    Staff see the stored values, old → new, so the trail shows exactly what
    was written.
    """
    change = '<span class="hd-change">{} → {}</span>'
    if event.kind == Kind.CREATED:
        return format_html("{}", "opened the ticket")
    if event.kind == Kind.STATUS_CHANGED:
        return format_html("set status " + change, event.old_value, event.new_value)
    if event.kind == Kind.PRIORITY_CHANGED:
        return format_html("set priority " + change, event.old_value, event.new_value)
    if event.kind == Kind.ASSIGNED:
        if not event.new_value:
            return format_html('unassigned <span class="hd-change">{}</span>', event.old_value)
        was = format_html(" (was {})", event.old_value) if event.old_value else ""
        return format_html('assigned to <span class="hd-change">{}</span>{}', event.new_value, was)
    if event.kind == Kind.EDITED:
        if event.field == "subject":
            return format_html(
                '{} <span class="hd-change">“{}” → “{}”</span>',
                _edited(event),
                event.old_value,
                event.new_value,
            )
        return format_html("{}", _edited(event))
    if event.kind == Kind.MESSAGE_POSTED:
        what = "added an internal note" if event.is_internal else "posted a message"
        return format_html('<a href="#message-{}">{}</a>', event.message_id, what)
    return format_html("{}", _otherwise(event))


def sentences(viewer: User, events: Iterable[TicketEvent], labels: dict[str, str]) -> list[str]:
    """The events as whole sentences, each said once, in order."""
    said: list[str] = []
    for event in events:
        sentence = f"{person(event.actor, viewer)} {describe(event, labels)}"
        if sentence not in said:
            said.append(sentence)
    return said


# --- the web page's timeline -------------------------------------------------


@dataclass
class Entry:
    """One item of a ticket's timeline: a message or an event."""

    at: datetime
    message: Message | None = None
    event: TicketEvent | None = None
    author: str = ""
    initial: str = ""
    is_staff: bool = False
    is_new: bool = False
    text: str = ""

    @property
    def anchor(self) -> str:
        return f"message-{self.message.pk}" if self.message else f"event-{self.event.pk}"


def entries(
    viewer: User,
    messages: Iterable[Message],
    events: Iterable[TicketEvent],
    *,
    since: datetime | None,
    labels: dict[str, str],
) -> list[Entry]:
    """Messages and events in one list, oldest first.

    A reply and the status change it causes share a timestamp; the message
    comes first, as it caused the change. What others did after `since` is new.
    """
    keyed: list[tuple[tuple, Entry]] = []
    for message in messages:
        entry = Entry(
            at=message.created_at,
            message=message,
            author=person(message.author, viewer),
            initial=message.author.username[:1].upper(),
            is_staff=workflow.is_helpdesk_staff(message.author),
            is_new=since is not None
            and message.created_at > since
            and message.author_id != viewer.pk,
            text=REPLIED,
        )
        keyed.append(((message.created_at, 0, message.pk), entry))
    for event in events:
        entry = Entry(
            at=event.created_at,
            event=event,
            author=person(event.actor, viewer),
            is_staff=event.actor is not None and workflow.is_helpdesk_staff(event.actor),
            is_new=since is not None and event.created_at > since and event.actor_id != viewer.pk,
            text=describe(event, labels),
        )
        keyed.append(((event.created_at, 1, event.pk), entry))
    return [entry for _, entry in sorted(keyed, key=lambda pair: pair[0])]


def description_edited(timeline: Iterable[Entry]) -> bool:
    """Whether the description was edited: it is marked so, and only its own edits count."""
    return any(
        entry.event is not None
        and entry.event.kind == Kind.EDITED
        and entry.event.field == "description"
        for entry in timeline
    )
