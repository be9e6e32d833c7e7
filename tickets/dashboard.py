"""Aggregate queries for the staff console: the queue's counts and the dashboard.

Reads only; how the dashboard draws them is tickets/chart.py.

Each function is one or two aggregate queries, whatever the number of tickets:

- Counts are bounded. Each one reads at most COUNT_CAP + 1 index entries and
  says "10,000+" beyond that, so a million closed tickets cost no more than
  ten thousand. Per status they read `tickets_status_updated`; unassigned and
  "mine" read `tickets_assignee_status` (assignee, status, ...).
- The per-day series read only the last 30 days: created from `tickets_created`
  (created_at), resolved from `tickets_resolved` (resolved_at, partial).
- The median reads the last 30 days of answered tickets and the first staff
  reply's time stored on each from `tickets_created_first_reply` alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    QuerySet,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.formats import number_format

from tickets import workflow
from tickets.models import Ticket

if TYPE_CHECKING:
    from collections.abc import Mapping

    from accounts.models import User

Status = Ticket.Status

# Counts stop here: enough to tell a queue's size, cheap at any table size.
COUNT_CAP = 10_000
# Counts of a search stop sooner: each counted row is tested against the search
# (about 7 us a row at 1M for a common word), and past a thousand matches the
# number tells a searcher nothing more.
SEARCH_COUNT_CAP = 1_000
DAYS = 30


@dataclass(frozen=True)
class BoundedCount:
    value: int
    capped: bool = False

    def __str__(self) -> str:
        # Grouped the reader's way: "10,000+", "10.000+", "10 000+".
        number = number_format(self.value, force_grouping=True)
        return f"{number}+" if self.capped else number

    def __int__(self) -> int:
        return self.value


def bounded_counts(
    querysets: Mapping[str, QuerySet], *, cap: int | None = None
) -> dict[str, BoundedCount]:
    """Count each queryset up to `cap` rows (COUNT_CAP by default), all in one query.

    Each count is `SELECT COUNT(*) FROM (... LIMIT cap + 1)`: the database stops
    reading once it has seen more than `cap` rows.
    """
    cap = COUNT_CAP if cap is None else cap
    if not querysets:
        return {}
    parts: list[str] = []
    params: list = []
    using = next(iter(querysets.values())).db
    for queryset in querysets.values():
        limited = queryset.order_by().values("pk")[: cap + 1]
        try:
            sql, sql_params = limited.query.get_compiler(using=using).as_sql()
        except EmptyResultSet:
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS bounded)")  # noqa: S608 - ORM-built SQL
        params.extend(sql_params)
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {
        key: BoundedCount(min(int(n), cap), int(n) > cap)
        for key, n in zip(querysets, row, strict=True)
    }


def _statement(queryset: QuerySet) -> str:
    """What tells one list of tickets from another: its database, SQL and parameters."""
    try:
        sql, params = queryset.order_by().values("pk").query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:
        sql, params = "", ()
    # The database's name too: two databases may share one cache.
    database = connections[queryset.db].settings_dict["NAME"]
    return repr((database, sql, [(type(p).__name__, p) for p in params]))


def status_counts(
    tickets: QuerySet[Ticket], *, cap: int | None = None, keep_seconds: int = 0
) -> dict[str, BoundedCount]:
    """Tickets per status (bounded by `cap`, COUNT_CAP by default), in one query.

    With `keep_seconds`, the counts of a list are kept that long in the shared
    cache, under the list's own statement (its SQL and parameters, so that two
    lists share counts only if they are the same list), and read from there.
    """

    def count() -> dict[str, BoundedCount]:
        return bounded_counts(
            {status: tickets.filter(status=status) for status in Status.values}, cap=cap
        )

    if keep_seconds <= 0:
        return count()
    statement = repr(("status_counts", cap, _statement(tickets)))
    key = "helpdesk:counts:" + hashlib.sha256(statement.encode()).hexdigest()
    return kept_for(key, keep_seconds, count)


def kept_for[T](key: str, seconds: int, read: Callable[[], T]) -> T:
    """What `read` answers, kept `seconds` in the shared cache under `key` (0: read each time).

    Aged by the time read here, not only by the cache's own expiry, so that
    what is answered is never older than asked whatever the cache does.
    """
    if seconds <= 0:
        return read()
    now = timezone.now()
    kept = cache.get(key)
    if kept is not None and timedelta(0) <= now - kept[0] < timedelta(seconds=seconds):
        return kept[1]
    value = read()
    cache.set(key, (now, value), seconds)
    return value


@dataclass(frozen=True)
class Workload:
    by_status: dict[str, BoundedCount]
    unassigned: BoundedCount
    mine: BoundedCount


def workload(user: User, tickets: QuerySet[Ticket]) -> Workload:
    """Per status, active and unassigned, and active and assigned to `user`: one query."""
    active = tickets.filter(status__in=workflow.ACTIVE_STATUSES)
    counts = bounded_counts(
        {
            **{status: tickets.filter(status=status) for status in Status.values},
            "unassigned": active.filter(assignee__isnull=True),
            "mine": active.filter(assignee=user),
        }
    )
    return Workload(
        by_status={status: counts[status] for status in Status.values},
        unassigned=counts["unassigned"],
        mine=counts["mine"],
    )


@dataclass(frozen=True)
class Day:
    day: date
    created: int
    resolved: int


def _window_start(days: int) -> datetime:
    """Midnight, in the site's time zone, at the start of the first of the last `days` days."""
    first_day = timezone.localdate() - timedelta(days=days - 1)
    return datetime.combine(first_day, time.min, tzinfo=timezone.get_current_timezone())


def daily_activity(tickets: QuerySet[Ticket], *, days: int = DAYS) -> list[Day]:
    """Tickets created and resolved on each of the last `days` days, oldest first: two queries."""
    start = _window_start(days)

    def per_day(field: str) -> dict[date, int]:
        rows = (
            tickets.order_by()
            .filter(**{f"{field}__gte": start})
            .annotate(day=TruncDate(field))
            .values("day")
            # COUNT(*), not of the ids: tickets_resolved holds no id, and with
            # it the resolved series is read from the index alone (at 1M: 15
            # ms, against 95 ms for the month's rows themselves).
            .annotate(n=Count("*"))
            .values_list("day", "n")
        )
        return dict(rows)

    created = per_day("created_at")
    resolved = per_day("resolved_at")
    first_day = start.date()
    return [
        Day(day, created.get(day, 0), resolved.get(day, 0))
        for day in (first_day + timedelta(days=i) for i in range(days))
    ]


class Median(Aggregate):
    """PostgreSQL's exact median of an interval (or number)."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


@dataclass(frozen=True)
class FirstReply:
    median: timedelta | None
    answered: int


def first_staff_reply(tickets: QuerySet[Ticket], *, days: int = DAYS) -> FirstReply:
    """Median time from opening to the first public staff reply, over tickets
    opened in the last `days` days that have one.

    From the time stored on each ticket (first_staff_reply_at, set by
    tickets.services.post_message), read from the index
    tickets_created_first_reply. PostgreSQL: one query, its exact median (percentile_cont).
    SQLite: two, a count, then the middle one or two waits by ORDER BY ... OFFSET.
    """
    answered_waits = (
        tickets.order_by()
        # Only answered tickets: their index holds both times (tickets_created_first_reply).
        .filter(created_at__gte=_window_start(days), first_staff_reply_at__isnull=False)
        .annotate(
            wait=ExpressionWrapper(F("first_staff_reply_at") - F("created_at"), DurationField())
        )
    )
    if connections[answered_waits.db].vendor == "postgresql":
        result = answered_waits.aggregate(median=Median("wait"), answered=Count("*"))
        return FirstReply(result["median"], result["answered"])
    answered = answered_waits.count()
    if not answered:
        return FirstReply(None, 0)
    middle = list(
        answered_waits.order_by("wait").values_list("wait", flat=True)[
            (answered - 1) // 2 : answered // 2 + 1
        ]
    )
    return FirstReply(sum(middle, timedelta()) / len(middle), answered)
