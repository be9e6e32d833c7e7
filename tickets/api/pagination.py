"""The ticket API's lists and the orderings each allows, paged by api.pagination's keyset."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from api.pagination import KeysetPagination
from tickets.models import MAX_TICKET_ID


class _Pagination(KeysetPagination):
    # Cursors hold ticket and user ids, and ranks: all within the bound every
    # interface accepts.
    max_id = MAX_TICKET_ID


class TicketPagination(_Pagination):
    ordering_query_param = "ordering"
    RELEVANCE = "relevance"
    ordering_fields = {
        "created_at": ("created_at", datetime),
        "updated_at": ("updated_at", datetime),
        # By rank, so that low < normal < high < urgent rather than alphabetically.
        "priority": ("priority_rank", int),
        # How well a ticket matches `q` (tickets.search.find): -relevance is best first.
        RELEVANCE: ("search_rank", float),
    }
    default_ordering = "-updated_at"
    # Translators: q is the name of the search parameter, as the API takes it.
    requires = {"search_rank": _("Ordering by relevance needs a search: give q too.")}


class ConversationPagination(_Pagination):
    """Messages and events, oldest first."""

    ordering_fields = {"created_at": ("created_at", datetime)}
    default_ordering = "created_at"


class StaffPagination(_Pagination):
    ordering_fields = {"username": ("username", str)}
    default_ordering = "username"
    # As many as a page may hold: a helpdesk's staff mostly fit on one.
    page_size = _Pagination.max_page_size
