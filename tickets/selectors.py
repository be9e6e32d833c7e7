"""Reads that encode who may see what. Every interface starts from these."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, FloatField, Q, QuerySet, Value
from django.db.models.functions import Cast

from tickets import workflow
from tickets.exceptions import TicketNotFound
from tickets.models import Message, Ticket, TicketEvent, is_ticket_id
from tickets.search import SEARCH_CONFIG

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def visible_tickets(user: User | AnonymousUser) -> QuerySet[Ticket]:
    """The tickets `user` may see: their own, or every ticket for staff."""
    tickets = Ticket.objects.select_related("reporter", "assignee")
    if not user.is_authenticated or not user.is_active:
        return tickets.none()
    if workflow.is_helpdesk_staff(user):
        return tickets
    return tickets.filter(reporter=user)


def get_visible_ticket(user: User | AnonymousUser, pk: Any) -> Ticket:
    """The ticket with this id if `user` may see it; TicketNotFound otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise TicketNotFound() from None
    if not is_ticket_id(pk):
        raise TicketNotFound()
    try:
        return visible_tickets(user).get(pk=pk)
    except Ticket.DoesNotExist:
        raise TicketNotFound() from None


def visible_messages(user: User | AnonymousUser, ticket: Ticket) -> QuerySet[Message]:
    """The ticket's conversation, oldest first; internal notes only for staff."""
    messages = Message.objects.filter(ticket=ticket).select_related("author")
    if not workflow.is_helpdesk_staff(user):
        messages = messages.filter(is_internal=False)
    return messages.order_by("created_at", "id")


def visible_events(user: User | AnonymousUser, ticket: Ticket) -> QuerySet[TicketEvent]:
    """The ticket's audit trail, oldest first; events about internal notes only for staff."""
    events = TicketEvent.objects.filter(ticket=ticket).select_related("actor")
    if not workflow.is_helpdesk_staff(user):
        events = events.filter(is_internal=False)
    return events.order_by("created_at", "id")


def staff_users() -> QuerySet[User]:
    """Everyone a ticket may be assigned to."""
    from accounts.models import User

    return User.objects.filter(is_staff=True, is_active=True).order_by("username")


# How many of the most recent matches are ranked by relevance (PostgreSQL).
RELEVANCE_WINDOW = 1000
# Up to how many matches a search is answered from the full-text index alone.
SEARCH_PROBE = 1000


# Best match first; ties (and every match on SQLite) go to the latest activity.
RELEVANCE_ORDER = ("-search_rank", "-updated_at", "-id")


def search(tickets: QuerySet[Ticket], q: str, *, by_relevance: bool = False) -> QuerySet[Ticket]:
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
    matching, few = search_all(tickets, q)
    if by_relevance:
        if not few:
            # Ranking every match of a common word means scoring hundreds of
            # thousands of rows; rank the most recent matches only, which the
            # last-update index finds without a sort.
            recent = matching.order_by("-updated_at", "-id").values("pk")[:RELEVANCE_WINDOW]
            matching = matching.filter(pk__in=recent)
        matching = matching.order_by(*RELEVANCE_ORDER)
    return matching


def search_all(
    tickets: QuerySet[Ticket], q: str, *, probes: dict[str, list[int]] | None = None
) -> tuple[QuerySet[Ticket], bool]:
    """`search` for a list that must hold every match (a count, page after page).

    The matches keep the caller's order. The second value says whether they are
    few enough to rank them all cheaply, by `.order_by(*RELEVANCE_ORDER)`: at
    most SEARCH_PROBE on PostgreSQL; any number on SQLite, where they rank alike.
    (`search`'s window of recent matches would leave the rest out of the list.)

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
