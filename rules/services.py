"""The time-based rules: what happens to a ticket left alone. Every write of this app.

- close: a resolved ticket with no reporter reply for RULES_CLOSE_RESOLVED_DAYS
  (a reply reopens it, so its resolution time says how long it has been quiet);
- remind: a pending ticket with no change for RULES_REMIND_PENDING_DAYS gets
  one email to its reporter (pending_reminded_at records it);
- resolve: a pending ticket still untouched RULES_RESOLVE_PENDING_DAYS after
  its reminder is resolved; the reporter's status email says so and how to reopen.

Changes go through the ticket services' steps as the system actor (no user:
the audit trail shows "Helpdesk"). Each rule takes its tickets in bounded
batches along an index, each batch one transaction that locks its rows with
SKIP LOCKED and selects them by the rule's own condition, so that two runs at
once (two timers, two machines) never change a ticket twice: a row another
run holds is skipped, and a row it changed no longer matches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet

from rules import tasks
from service_levels import services as service_levels
from tickets.models import Ticket
from tickets.services import steps

Status = Ticket.Status


def _days(name: str) -> timedelta | None:
    days = getattr(settings, name)
    return timedelta(days=days) if days else None


def close_candidates(now: datetime) -> QuerySet[Ticket] | None:
    after = _days("RULES_CLOSE_RESOLVED_DAYS")
    if after is None:
        return None
    # Index tickets_resolved_waiting.
    return Ticket.objects.filter(status=Status.RESOLVED, resolved_at__lte=now - after).order_by(
        "resolved_at", "id"
    )


def remind_candidates(now: datetime) -> QuerySet[Ticket] | None:
    after = _days("RULES_REMIND_PENDING_DAYS")
    if after is None:
        return None
    # Index tickets_status_updated: pending, quiet since before the cut-off; not
    # reminded since the last change (a reminder leaves updated_at alone).
    return Ticket.objects.filter(
        Q(pending_reminded_at__isnull=True) | Q(pending_reminded_at__lt=F("updated_at")),
        status=Status.PENDING,
        updated_at__lte=now - after,
    ).order_by("updated_at", "id")


def resolve_candidates(now: datetime) -> QuerySet[Ticket] | None:
    after = _days("RULES_RESOLVE_PENDING_DAYS")
    if after is None or _days("RULES_REMIND_PENDING_DAYS") is None:
        return None
    cutoff = now - after
    # Index tickets_status_updated; reminded at the cut-off or before, and no
    # change since (updated_at is at most the reminder's time).
    return Ticket.objects.filter(
        status=Status.PENDING,
        updated_at__lte=cutoff,
        pending_reminded_at__lte=cutoff,
        pending_reminded_at__gte=F("updated_at"),
    ).order_by("updated_at", "id")


def _close(ticket: Ticket, now: datetime) -> None:
    steps.set_status(ticket, None, Status.CLOSED, at=now)
    steps.save(ticket, {"status", "resolved_at", "closed_at"}, at=now)


def _remind(ticket: Ticket, now: datetime) -> None:
    # Not a change of the ticket (no event, no new version): a note of what was sent.
    Ticket.objects.filter(pk=ticket.pk).update(pending_reminded_at=now)
    tasks.queue_reminder(ticket.pk)


def _resolve(ticket: Ticket, now: datetime) -> None:
    steps.set_status(ticket, None, Status.RESOLVED, at=now)
    steps.save(ticket, {"status", "resolved_at", "closed_at"}, at=now)


@dataclass(frozen=True)
class Rule:
    name: str
    candidates: Callable[[datetime], QuerySet[Ticket] | None]
    apply: Callable[[Ticket, datetime], None]


RULES = (
    Rule("close_resolved", close_candidates, _close),
    Rule("resolve_pending", resolve_candidates, _resolve),
    Rule("remind_pending", remind_candidates, _remind),
)


def _lock(candidates: QuerySet[Ticket], size: int) -> list[Ticket]:
    if connection.features.has_select_for_update_skip_locked:
        candidates = candidates.select_for_update(skip_locked=True, of=("self",))
    return list(candidates.select_related("reporter")[:size])


def run_rule(rule: Rule, *, now: datetime, batch_size: int, max_batches: int = 10_000) -> int:
    """Apply one rule to every ticket it matches at `now`; return how many it changed."""
    candidates = rule.candidates(now)
    if candidates is None:
        return 0
    changed = 0
    for _ in range(max_batches):
        with transaction.atomic():
            tickets = _lock(candidates, batch_size)
            for ticket in tickets:
                rule.apply(ticket, now)
        changed += len(tickets)
        if len(tickets) < batch_size:
            break
    return changed


def run_rules(*, now: datetime, batch_size: int | None = None) -> dict[str, int]:
    size = batch_size or settings.RULES_BATCH_SIZE
    done = {rule.name: run_rule(rule, now=now, batch_size=size) for rule in RULES}
    # Service level warnings ride on the same timer.
    done["sla_warnings"] = service_levels.queue_warnings(now=now, batch_size=size)
    return done
