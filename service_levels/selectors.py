"""The service level policies as the services and interfaces read them: from the cache.

Every ticket write applies a policy, so reading the policies must cost no
query: they are kept in the shared cache (all app processes see one copy) and
dropped from it whenever a policy or calendar is saved or deleted
(service_levels.apps). A cold cache costs one query, the next read none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.cache import cache

from service_levels import clock

if TYPE_CHECKING:
    from datetime import datetime

    from django.db.models import QuerySet

    from tickets.models import Ticket

CACHE_KEY = "service_levels:policies:v1"
# A day: saves drop the entry at once; the timeout only bounds a missed drop.
CACHE_TIMEOUT = 24 * 3600


@dataclass(frozen=True)
class PolicyRule:
    """A policy as the clocks need it, free of the ORM (and so cacheable)."""

    id: int
    name: str
    priority: str
    email_domain: str
    targets: clock.Targets
    calendar: clock.Calendar

    def matches(self, *, priority: str, email: str) -> bool:
        if self.priority and self.priority != priority:
            return False
        if self.email_domain:
            domain = email.rpartition("@")[2].lower()
            if domain != self.email_domain:
                return False
        return True


def _load() -> list[PolicyRule]:
    from service_levels.models import Policy

    return [
        PolicyRule(
            id=p.pk,
            name=p.name,
            priority=p.priority,
            email_domain=p.email_domain.lower(),
            targets=clock.Targets(
                first_reply=p.first_reply_minutes,
                next_reply=p.next_reply_minutes,
                resolution=p.resolution_minutes,
            ),
            calendar=clock.Calendar.from_json(
                time_zone=p.calendar.time_zone,
                hours=p.calendar.hours,
                holidays=p.calendar.holidays,
                business=p.business_hours,
            ),
        )
        for p in Policy.objects.select_related("calendar").order_by("position", "id")
    ]


def policies() -> list[PolicyRule]:
    """Every policy in the order they are tried."""
    rules = cache.get(CACHE_KEY)
    if rules is None:
        rules = _load()
        cache.set(CACHE_KEY, rules, CACHE_TIMEOUT)
    return rules


def policy_for(ticket: Ticket) -> PolicyRule | None:
    """The first policy whose conditions the ticket meets, or None."""
    email = ticket.reporter.email if ticket.reporter_id else ""
    return next(
        (rule for rule in policies() if rule.matches(priority=ticket.priority, email=email)),
        None,
    )


def policy_by_id(policy_id: int | None) -> PolicyRule | None:
    if policy_id is None:
        return None
    return next((rule for rule in policies() if rule.id == policy_id), None)


# "Due soon": a running target falls due within this time.
DUE_SOON = timedelta(hours=1)


def late(tickets: QuerySet[Ticket], now: datetime) -> QuerySet[Ticket]:
    """Tickets with a running target past its due time (index tickets_sla_next_due)."""
    return tickets.filter(sla_next_due__lte=now)


def due_soon(tickets: QuerySet[Ticket], now: datetime) -> QuerySet[Ticket]:
    """Tickets whose next target falls due within DUE_SOON, not yet late."""
    return tickets.filter(sla_next_due__gt=now, sla_next_due__lte=now + DUE_SOON)


def breached(ticket: Ticket, now: datetime) -> list[str]:
    """The targets the ticket missed: for good, or running and past due at `now`."""
    missed = set(filter(None, ticket.sla_missed.split(",")))
    for target, due in (
        (clock.Target.FIRST_REPLY, ticket.sla_first_reply_due),
        (clock.Target.NEXT_REPLY, ticket.sla_next_reply_due),
        (clock.Target.RESOLUTION, ticket.sla_resolution_due),
    ):
        if due is not None and due <= now:
            missed.add(target.value)
    return [t.value for t in clock.Target if t.value in missed]


def evaluate(ticket: Ticket, now: datetime) -> clock.Result | None:
    """Each target's clock for one ticket at `now` (the console's ticket page), or None."""
    rule = policy_by_id(ticket.sla_policy_id)
    if rule is None:
        return None
    state = clock.SlaState.from_json(ticket.sla_state)
    return clock.evaluate(state, rule.targets, rule.calendar, now)


@dataclass(frozen=True)
class Report:
    """Service levels over the tickets opened in a window, for the dashboard."""

    tickets: int  # under a policy
    # Share (0 to 1) of those that did not miss each target; None without tickets.
    met: dict[str, float | None]
    median_first_reply: timedelta | None  # in the policy's counted (business) time
    answered: int


def report(tickets: QuerySet[Ticket], *, since: datetime, now: datetime) -> Report:
    """Share meeting each target, and the median first reply in business time.

    One query on PostgreSQL (its exact median), two on SQLite (the counts, then
    the middle one or two). Reads the window's tickets from tickets_created; a
    target counts as missed when it breached for good or runs past due now.
    """
    from django.db import connections
    from django.db.models import Aggregate, Count, FloatField, Q

    class Median(Aggregate):
        function = "PERCENTILE_CONT"
        name = "Median"
        template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
        output_field = FloatField()

    window = tickets.order_by().filter(created_at__gte=since, sla_policy__isnull=False)
    missed = {
        target.value: Count(
            "pk",
            filter=Q(sla_missed__contains=target.value)
            | Q(**{f"sla_{target.value}_due__lte": now}),
        )
        for target in clock.Target
    }
    aggregates: dict[str, Any] = {
        "total": Count("pk"),
        "answered": Count("sla_first_reply_seconds"),
        **{f"missed_{name}": count for name, count in missed.items()},
    }
    postgres = connections[window.db].vendor == "postgresql"
    if postgres:
        aggregates["median"] = Median("sla_first_reply_seconds")
    row = window.aggregate(**aggregates)
    total, answered = row["total"], row["answered"]
    median: float | None = row.get("median")
    if not postgres and answered:
        middle = list(
            window.filter(sla_first_reply_seconds__isnull=False)
            .order_by("sla_first_reply_seconds")
            .values_list("sla_first_reply_seconds", flat=True)[
                (answered - 1) // 2 : answered // 2 + 1
            ]
        )
        median = sum(middle) / len(middle)
    return Report(
        tickets=total,
        met={name: (1 - row[f"missed_{name}"] / total) if total else None for name in missed},
        median_first_reply=timedelta(seconds=median) if median is not None else None,
        answered=answered,
    )
