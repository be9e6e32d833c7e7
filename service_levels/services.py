"""Keeps the service level fields of a ticket up to date; called by the ticket services.

The ticket's `sla_state` is the fold of its events so far (service_levels.clock);
each change folds in only its new events and re-applies the ticket's policy,
inside the ticket service's transaction and in its own UPDATE or INSERT, so a
write costs no extra query. The due times stored beside it are derived, for
lists and filters; `repair` rebuilds everything from the whole audit trail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Prefetch
from django.utils import timezone

from service_levels import clock, selectors
from tickets.models import Ticket, TicketEvent

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

# The fields apply() sets, for the ticket's UPDATE.
FIELDS = frozenset(
    {
        "sla_policy",
        "sla_state",
        "sla_first_reply_due",
        "sla_next_reply_due",
        "sla_resolution_due",
        "sla_next_due",
        "sla_missed",
        "sla_paused",
    }
)


def as_clock_event(event: TicketEvent, reporter_id: int | None) -> clock.Event:
    return clock.Event(
        kind=event.kind,
        at=event.created_at,
        new_value=event.new_value,
        by_reporter=event.actor_id is not None and event.actor_id == reporter_id,
        is_internal=event.is_internal,
    )


def apply(
    ticket: Ticket, events: Iterable[TicketEvent], *, now: datetime | None = None
) -> set[str]:
    """Fold `events` (the change's new ones) into the ticket's state and set its due times.

    Returns the names of the fields it set. Writes nothing: the caller saves.
    """
    state = clock.SlaState.from_json(ticket.sla_state)
    state = clock.fold([as_clock_event(e, ticket.reporter_id) for e in events], state)
    set_fields(ticket, state, now=now)
    return set(FIELDS)


def set_fields(ticket: Ticket, state: clock.SlaState, *, now: datetime | None = None) -> None:
    rule = selectors.policy_for(ticket)
    ticket.sla_state = state.to_json()
    ticket.sla_policy_id = rule.id if rule else None
    if rule is None or state.start is None:
        ticket.sla_first_reply_due = ticket.sla_next_reply_due = None
        ticket.sla_resolution_due = ticket.sla_next_due = None
        ticket.sla_missed = ""
        ticket.sla_paused = False
        return
    result = clock.evaluate(state, rule.targets, rule.calendar, now or timezone.now())
    ticket.sla_first_reply_due = result.first_reply.due
    ticket.sla_next_reply_due = result.next_reply.due
    ticket.sla_resolution_due = result.resolution.due
    ticket.sla_next_due = result.next_due
    ticket.sla_missed = ",".join(result.missed)
    ticket.sla_paused = result.paused


def state_from_trail(ticket: Ticket) -> clock.SlaState:
    """The fold of the ticket's whole trail (prefetched as `trail` by repair, else read)."""
    events = getattr(ticket, "trail", None)
    if events is None:
        events = TicketEvent.objects.filter(ticket=ticket).order_by("created_at", "id")
    return clock.fold([as_clock_event(e, ticket.reporter_id) for e in events])


@transaction.atomic
def repair(ticket_ids: Iterable[int]) -> int:
    """Rebuild the service level fields of these tickets from their audit trails.

    The fields are derived: this is what makes them right again after a policy
    or calendar changed, or for tickets loaded without the services.
    Returns how many tickets it saved.
    """
    tickets = list(
        Ticket.objects.select_for_update(of=("self",))
        .select_related("reporter")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=TicketEvent.objects.order_by("created_at", "id"),
                to_attr="trail",
            )
        )
        .filter(pk__in=list(ticket_ids))
        .order_by("pk")
    )
    for ticket in tickets:
        set_fields(ticket, state_from_trail(ticket))
    Ticket.objects.bulk_update(tickets, sorted(FIELDS))
    return len(tickets)


def forget_policies() -> None:
    """Drop the cached policies: the next read loads them again."""
    cache.delete(selectors.CACHE_KEY)


@transaction.atomic
def save_settings(obj: models.Model) -> None:
    """Save a policy or calendar from the console; the cached policies are dropped (apps.py)."""
    obj.full_clean()
    obj.save()


@transaction.atomic
def delete_settings(obj: models.Model) -> None:
    """Delete a policy (its tickets keep no policy until repair_sla) or an unused calendar."""
    obj.delete()
