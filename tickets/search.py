"""Ticket search: the query, the index probe, the ranking, and the document.

`find` and `find_all` are what every interface's search box calls.

The document is a generated column, so PostgreSQL keeps it up to date on every
insert and update (the services and the bulk loader alike) and a GIN index
serves `@@` queries. Elsewhere (SQLite) the column stays NULL and search falls
back to a word-by-word contains match.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import F, FloatField, Func, Q, QuerySet, Value
from django.db.models.functions import Cast

if TYPE_CHECKING:
    from tickets.models import Ticket

SEARCH_CONFIG = "english"

# The longest search any interface accepts (the boxes' maxlength, the API's q).
MAX_QUERY_LENGTH = 200


class TicketSearchDocument(Func):
    """setweight(subject, A) || setweight(description, B), as a tsvector."""

    output_field = SearchVectorField()

    def __init__(self) -> None:
        super().__init__(F("subject"), F("description"))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        return "NULL", []

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        subject, subject_params = compiler.compile(self.source_expressions[0])
        description, description_params = compiler.compile(self.source_expressions[1])
        config = f"'{SEARCH_CONFIG}'::regconfig"
        sql = (
            f"setweight(to_tsvector({config}, COALESCE({subject}, '')), 'A')"
            f" || setweight(to_tsvector({config}, COALESCE({description}, '')), 'B')"
        )
        return sql, [*subject_params, *description_params]


# How many of the most recent matches are ranked by relevance (PostgreSQL).
RELEVANCE_WINDOW = 1000
# Up to how many matches a search is answered from the full-text index alone.
SEARCH_PROBE = 1000


# Best match first; ties (and every match on SQLite) go to the latest activity.
RELEVANCE_ORDER = ("-search_rank", "-updated_at", "-id")


def find(tickets: QuerySet[Ticket], q: str, *, by_relevance: bool = False) -> QuerySet[Ticket]:
    """Tickets whose subject or description match the words of `q`, in any order.

    On PostgreSQL: full-text search with English stemming over the GIN-indexed
    search vector ("printers" finds "printer"; quotes make a phrase, a leading
    minus excludes a word), each ticket annotated with `search_rank`. Elsewhere:
    every word must appear in the subject or the description, and `search_rank`
    is 0 for all. Every interface's search box goes through here.

    `by_relevance` orders the matches best first (then by last update). For a
    word that matches more than SEARCH_PROBE tickets, only the RELEVANCE_WINDOW
    most recently updated matches are ranked and returned: scoring hundreds of
    thousands of rows would take seconds.
    """
    if not q.split():
        return tickets
    matching, few = find_all(tickets, q)
    if by_relevance:
        if not few:
            # Ranking every match of a common word means scoring hundreds of
            # thousands of rows; rank the most recent matches only, which the
            # last-update index finds without a sort.
            recent = matching.order_by("-updated_at", "-id").values("pk")[:RELEVANCE_WINDOW]
            matching = matching.filter(pk__in=recent)
        matching = matching.order_by(*RELEVANCE_ORDER)
    return matching


def find_all(
    tickets: QuerySet[Ticket], q: str, *, probes: dict[str, list[int]] | None = None
) -> tuple[QuerySet[Ticket], bool]:
    """`find` for a list that must hold every match (a count, page after page).

    The matches keep the caller's order. The second value says whether they are
    few enough to rank them all cheaply, by `.order_by(*RELEVANCE_ORDER)`: at
    most SEARCH_PROBE on PostgreSQL; any number on SQLite, where they rank alike.
    (`find`'s window of recent matches would leave the rest out of the list.)

    `probes` keeps the full-text index's answers by query, for a page that
    searches the same tickets twice (a list and its counts). Each match is
    annotated with `search_rank`; a blank `q` gives `tickets` as they are.
    """
    words = q.split()
    if not words:
        return tickets, False
    if connection.vendor == "postgresql":
        query = SearchQuery(" ".join(words), search_type="websearch", config=SEARCH_CONFIG)
        matching = tickets.filter(search_vector=query)
        # Probe how many tickets match, unordered, so the planner answers from
        # the GIN index for a rare word and stops early for a common one. Few
        # matches: list exactly those (a walk down the last-update index would
        # read the whole table to find that a rare word matches nothing). Many:
        # the caller's order, walked from its index, meets them soon enough.
        asked = matching.order_by().values_list("pk", flat=True)[: SEARCH_PROBE + 1]
        if probes is None or asked.query.is_empty():
            probe = list(asked)  # (an empty query has no SQL to key it by)
        else:
            key = str(asked.query)
            if key not in probes:
                probes[key] = list(asked)
            probe = probes[key]
        few = len(probe) <= SEARCH_PROBE
        if few:
            matching = tickets.filter(pk__in=probe)
        # ts_rank is a float4, which reaches Python rounded: in double precision
        # the value a cursor carries back compares equal to the rank it came from.
        matching = matching.annotate(
            search_rank=Cast(SearchRank(F("search_vector"), query), FloatField())
        )
        return matching, few
    for word in words[:10]:
        tickets = tickets.filter(Q(subject__icontains=word) | Q(description__icontains=word))
    # No ranking here: every match ranks the same, and ties go to recent activity.
    return tickets.annotate(search_rank=Value(0.0, output_field=FloatField())), True
