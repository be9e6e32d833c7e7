"""Decide who is told about a ticket event: reads only, run by the background worker.

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

A change only queues one task with the ids of its events, in its own
transaction (notifications.tasks). The planning happens later, in the worker,
once the change has committed: the task calls
notifications.services.plan_deliveries, which asks `recipients_for` and records
one delivery per person in a transaction of its own; then each is sent.
Working it out in the worker keeps a request at one extra INSERT whatever the
number of people told, and applies each person's preferences as they are when
the email goes out.

Two kinds meet here: the ticket event's `EventKind` (what happened) and the
email's `NotificationKind` (what the person is told, one per preference).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from notifications.models import STAFF_KINDS, NotificationKind, NotificationPreferences
from notifications.replies import is_own_address
from tickets import workflow
from tickets.choices import EventKind, TicketStatus

if TYPE_CHECKING:
    from accounts.models import User
    from tickets.models import TicketEvent

# Status changes the reporter hears about: the ball is in their court, or it is over.
STATUSES_TOLD = frozenset({TicketStatus.PENDING, TicketStatus.RESOLVED, TicketStatus.CLOSED})


def recipients_for(event: TicketEvent) -> list[tuple[User, str]]:
    """Who is told about `event`, and as which kind of notification."""
    ticket = event.ticket
    event_kind = event.kind
    candidates: list[tuple[User, str]] = []

    if event_kind == EventKind.CREATED:
        candidates = [(u, NotificationKind.NEW_TICKET) for u in _new_ticket_watchers()]
    elif event_kind == EventKind.MESSAGE_POSTED:
        message = event.message
        if message is None:
            return []
        if message.is_internal:
            if ticket.assignee is not None:
                candidates = [(ticket.assignee, NotificationKind.INTERNAL_NOTE)]
        elif message.author_id == ticket.reporter_id:
            if ticket.assignee is not None:
                candidates = [(ticket.assignee, NotificationKind.REPORTER_REPLY)]
            else:
                candidates = [(u, NotificationKind.REPORTER_REPLY) for u in _new_ticket_watchers()]
        else:
            candidates = [(ticket.reporter, NotificationKind.STAFF_REPLY)]
    elif event_kind == EventKind.STATUS_CHANGED:
        if event.new_value in STATUSES_TOLD:
            candidates = [(ticket.reporter, NotificationKind.STATUS_CHANGED)]
    elif event_kind == EventKind.ASSIGNED:
        # Planned after the change committed: tell the person this assignment
        # named, and only while it still holds (a later one tells its own).
        assignee = ticket.assignee
        if assignee is not None and assignee.username == event.new_value:
            candidates = [(assignee, NotificationKind.ASSIGNED)]

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
        # Never mail the helpdesk's own inbound address: that is how loops start.
        if not user.email or is_own_address(user.email):
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
        if kind == NotificationKind.REPORTER_REPLY and user.pk != (
            event.ticket.assignee_id or None
        ):
            # Unassigned: only the staff who opted in to new tickets were asked.
            wants = True if prefs is None else prefs.wants(kind)
        else:
            wants = prefs.wants(kind) if prefs is not None else defaults[kind]
        if wants:
            wanted.append((user, kind))
    return wanted
