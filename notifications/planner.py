"""Decide who is told about a ticket event, inside the service's transaction.

| event                                   | told                                        |
|-----------------------------------------|---------------------------------------------|
| ticket reported                         | staff who opted in to new tickets           |
| public staff reply                      | the reporter                                |
| status changed to pending/resolved/closed | the reporter                              |
| reporter's reply                        | the assignee; unassigned: opted-in staff    |
| internal note                           | the assignee (staff only)                   |
| ticket assigned                         | the new assignee                            |

Never the person who acted, never an inactive user, never an internal note to
an end user, never someone who turned that kind off; one email per person per
event. The deliveries are written in the same transaction as the event, and the
emails are queued so that they only go out once it commits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from notifications.models import STAFF_KINDS, EmailDelivery, Kind, NotificationPreferences
from tickets import workflow
from tickets.models import Ticket, TicketEvent

if TYPE_CHECKING:
    from accounts.models import User

# Status changes the reporter hears about: the ball is in their court, or it is over.
STATUSES_TOLD = frozenset({Ticket.Status.PENDING, Ticket.Status.RESOLVED, Ticket.Status.CLOSED})


def recipients_for(event: TicketEvent) -> list[tuple[User, str]]:
    """Who is told about `event`, and as which kind of notification."""
    ticket = event.ticket
    kind = event.kind
    candidates: list[tuple[User, str]] = []

    if kind == TicketEvent.Kind.CREATED:
        candidates = [(u, Kind.NEW_TICKET) for u in _new_ticket_watchers()]
    elif kind == TicketEvent.Kind.MESSAGE_POSTED:
        message = event.message
        if message is None:
            return []
        if message.is_internal:
            if ticket.assignee is not None:
                candidates = [(ticket.assignee, Kind.INTERNAL_NOTE)]
        elif message.author_id == ticket.reporter_id:
            if ticket.assignee is not None:
                candidates = [(ticket.assignee, Kind.REPORTER_REPLY)]
            else:
                candidates = [(u, Kind.REPORTER_REPLY) for u in _new_ticket_watchers()]
        else:
            candidates = [(ticket.reporter, Kind.STAFF_REPLY)]
    elif kind == TicketEvent.Kind.STATUS_CHANGED:
        if event.new_value in STATUSES_TOLD:
            candidates = [(ticket.reporter, Kind.STATUS_CHANGED)]
    elif kind == TicketEvent.Kind.ASSIGNED and ticket.assignee is not None:
        candidates = [(ticket.assignee, Kind.ASSIGNED)]

    return _filter(candidates, event)


def _new_ticket_watchers() -> list[User]:
    from accounts.models import User

    return list(
        User.objects.filter(
            is_staff=True, is_active=True, notification_preferences__new_ticket=True
        ).order_by("pk")
    )


def _filter(candidates: list[tuple[User, str]], event: TicketEvent) -> list[tuple[User, str]]:
    seen: set[int] = set()
    eligible: list[tuple[User, str]] = []
    for user, kind in candidates:
        if user.pk in seen or user.pk == event.actor_id or not user.is_active:
            continue
        # Staff-only news never reaches an end user, even one who once was staff.
        if kind in STAFF_KINDS and not workflow.is_helpdesk_staff(user):
            continue
        if not user.email:
            continue
        seen.add(user.pk)
        eligible.append((user, kind))
    if not eligible:
        return []

    preferences = {
        p.user_id: p
        for p in NotificationPreferences.objects.filter(user__in=[u.pk for u, _ in eligible])
    }
    defaults = NotificationPreferences.defaults()
    wanted = []
    for user, kind in eligible:
        prefs = preferences.get(user.pk)
        if kind == Kind.REPORTER_REPLY and user.pk != (event.ticket.assignee_id or None):
            # Unassigned: only the staff who opted in to new tickets were asked.
            wants = True if prefs is None else prefs.wants(kind)
        else:
            wants = prefs.wants(kind) if prefs is not None else defaults[kind]
        if wants:
            wanted.append((user, kind))
    return wanted


def plan_for_event(event: TicketEvent) -> list[EmailDelivery]:
    """Record a delivery for each recipient and queue it to be sent after commit."""
    recipients = recipients_for(event)
    if not recipients:
        return []
    deliveries = EmailDelivery.objects.bulk_create(
        [EmailDelivery(event=event, recipient=user, kind=kind) for user, kind in recipients]
    )
    from notifications.tasks import enqueue_delivery, queue_is_transactional

    for delivery in deliveries:
        if queue_is_transactional():
            # The queue lives in this database: the task row commits or rolls
            # back with the change itself, so a crash loses nothing.
            enqueue_delivery(delivery.pk)
        else:
            transaction.on_commit(lambda pk=delivery.pk: enqueue_delivery(pk), robust=True)
    return deliveries
