"""Keeps the service level fields of a ticket up to date; called by the ticket services.

The ticket's `sla_state` is the fold of its events so far (service_levels.clock);
each change folds in only its new events and re-applies the ticket's policy,
inside the ticket service's transaction and in its own UPDATE or INSERT, so a
write costs no extra query. The due times stored beside it are derived, for
lists and filters; `repair` rebuilds everything from the whole audit trail.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from service_levels import clock, selectors, tasks
from tickets.models import Ticket, TicketEvent
from tickets.workflow import ACTIVE_STATUSES

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
        "sla_first_reply_seconds",
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
    if state.start is None and ticket.pk is not None:
        # A ticket written without the services (seed_load, or from before
        # service levels): its first change folds its whole trail, once.
        state = state_from_trail(ticket)
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
        ticket.sla_first_reply_seconds = None
        return
    result = clock.evaluate(state, rule.targets, rule.calendar, now or timezone.now())
    ticket.sla_first_reply_due = result.first_reply.due
    ticket.sla_next_reply_due = result.next_reply.due
    ticket.sla_resolution_due = result.resolution.due
    ticket.sla_next_due = result.next_due
    ticket.sla_missed = ",".join(result.missed)
    ticket.sla_paused = result.paused
    ticket.sla_first_reply_seconds = (
        int(rule.calendar.elapsed(state.start, state.first_reply).total_seconds())
        if state.first_reply is not None
        else None
    )


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


def repair_all(*, everything: bool = False, batch: int = 500) -> int:
    """repair() every ticket in progress (or `everything`), in batches; how many it saved."""
    tickets = Ticket.objects.order_by("pk")
    if not everything:
        tickets = tickets.filter(status__in=ACTIVE_STATUSES)
    last = 0
    done = 0
    while ids := list(tickets.filter(pk__gt=last).values_list("pk", flat=True)[:batch]):
        done += repair(ids)
        last = ids[-1]
    return done


def forget_policies() -> None:
    """Drop the cached policies: the next read loads them again."""
    cache.delete(selectors.CACHE_KEY)


@transaction.atomic
def save_settings(obj: models.Model) -> None:
    """Save a policy or calendar from the console; the cached policies are dropped (apps.py).

    The open tickets' due times are then rebuilt by the worker, in batches: they
    were derived with the old settings.
    """
    obj.full_clean()
    obj.save()
    tasks.queue_repair()


@transaction.atomic
def delete_settings(obj: models.Model) -> None:
    """Delete a policy (its open tickets are then rebuilt with the others) or an unused calendar."""
    obj.delete()
    tasks.queue_repair()


# How far back the warnings look for targets that breached: a run that comes
# after a longer pause does not mail about old breaches.
WARNING_LOOKBACK = timedelta(days=1)


def _warning_targets(ticket: Ticket) -> list[tuple[str, datetime]]:
    return [
        (target.value, due)
        for target, due in (
            (clock.Target.FIRST_REPLY, ticket.sla_first_reply_due),
            (clock.Target.NEXT_REPLY, ticket.sla_next_reply_due),
            (clock.Target.RESOLUTION, ticket.sla_resolution_due),
        )
        if due is not None
    ]


# How long an unsent warning waits before run_rules queues it again.
WARNING_RETRY_AFTER = timedelta(minutes=5)


def queue_warnings(*, now: datetime, batch_size: int = 500) -> int:
    """Record (once) and queue the warning emails due at `now`; return how many were new.

    A target gets one "soon" warning when it falls due within
    SLA_WARNING_MINUTES and one "breached" once past due, only while its
    policy's calendar is open (business-hours policies). The unique row per
    ticket, target, kind and due time keeps it to once; the task sends each
    row at most once.
    """
    from service_levels.models import Warning

    window = timedelta(minutes=settings.SLA_WARNING_MINUTES)
    # Index tickets_sla_next_due: due within the window, or breached lately.
    tickets = (
        Ticket.objects.filter(
            sla_next_due__lte=now + window,
            sla_next_due__gt=now - WARNING_LOOKBACK,
            status__in=ACTIVE_STATUSES,
        )
        .only(
            "pk",
            "sla_policy_id",
            "sla_first_reply_due",
            "sla_next_reply_due",
            "sla_resolution_due",
        )
        .order_by("sla_next_due", "id")
    )
    new = 0
    last = None
    while True:
        page = (
            tickets
            if last is None
            else tickets.filter(
                Q(sla_next_due__gt=last[0]) | Q(sla_next_due=last[0], id__gt=last[1])
            )
        )
        batch = list(page[:batch_size])
        if not batch:
            break
        rows = []
        for ticket in batch:
            rule = selectors.policy_by_id(ticket.sla_policy_id)
            if rule is None or not rule.calendar.is_open(now):
                continue
            for target, due in _warning_targets(ticket):
                if due <= now and due > now - WARNING_LOOKBACK:
                    rows.append(
                        Warning(
                            ticket=ticket,
                            target=target,
                            kind="breached",
                            due_at=due,
                            created_at=now,
                        )
                    )
                elif now < due <= now + window:
                    rows.append(
                        Warning(
                            ticket=ticket, target=target, kind="soon", due_at=due, created_at=now
                        )
                    )
        if rows:
            with transaction.atomic():
                known = set(
                    Warning.objects.filter(ticket__in=[r.ticket_id for r in rows]).values_list(
                        "ticket_id", "target", "kind", "due_at"
                    )
                )
                fresh = [r for r in rows if (r.ticket_id, r.target, r.kind, r.due_at) not in known]
                Warning.objects.bulk_create(fresh, ignore_conflicts=True)
                ids = list(
                    Warning.objects.filter(
                        ticket__in=[r.ticket_id for r in fresh], sent_at__isnull=True
                    ).values_list("pk", flat=True)
                )
                for pk in ids:
                    tasks.queue_warning(pk)
            new += len(fresh)
        last = (batch[-1].sla_next_due, batch[-1].pk)
        if len(batch) < batch_size:
            break
    # Warnings recorded a while ago and still unsent: their send failed (the
    # mail server refused) or their task was lost. Queue them again.
    for pk in Warning.objects.filter(
        sent_at__isnull=True,
        created_at__lte=now - WARNING_RETRY_AFTER,
        created_at__gt=now - WARNING_LOOKBACK,
    ).values_list("pk", flat=True)[:batch_size]:
        tasks.queue_warning(pk)
    return new


@transaction.atomic
def mark_warning_sent(*, warning_id: int, now: datetime) -> bool:
    """Claim a warning for sending: True the first time, False ever after."""
    from service_levels.models import Warning

    return bool(Warning.objects.filter(pk=warning_id, sent_at__isnull=True).update(sent_at=now))
