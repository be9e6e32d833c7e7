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
event.

A change queues one task with the ids of its events (notifications.tasks); the
worker runs `plan` to turn them into deliveries, one per person, and sends each.
Working it out in the worker keeps a request at one extra INSERT whatever the
number of people told, and applies each person's preferences as they are when
the email goes out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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


def plan(event_ids: list[int]) -> list[int]:
    """Record a delivery for each person to tell about these events; return their ids.

    Runs in the background worker. Safe to run twice: a person is told about an
    event once (a unique constraint), and only deliveries not yet sent are returned.
    """
    events = list(
        TicketEvent.objects.filter(pk__in=event_ids)
        .select_related("ticket__reporter", "ticket__assignee", "message", "actor")
        .order_by("pk")
    )
    deliveries = [
        EmailDelivery(event=event, recipient=user, kind=kind)
        for event in events
        for user, kind in recipients_for(event)
    ]
    if not deliveries:
        return []
    EmailDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    return list(
        EmailDelivery.objects.filter(
            event__in=events, status=EmailDelivery.Status.QUEUED, attempts=0
        ).values_list("pk", flat=True)
    )
