"""List filters for the ticket queue."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import token_cache
from service_levels import selectors as service_levels
from tickets import selectors, workflow
from tickets.models import MAX_TICKET_ID, Ticket

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from django.contrib.admin.views.main import ChangeList
    from django.db.models import QuerySet
    from django.http import HttpRequest

ACTIVE = "active"
LATE = "late"
DUE_SOON = "due_soon"
MINE = "me"
UNASSIGNED = "none"


# Django's SimpleListFilter says "All" in Django's words: called under another
# name, so that makemessages leaves it to Django's catalog.
djangos_word = _

# Stands for a choice's value in its link, worked out once a filter.
_CHOICE = "hdchoice"


def query_string_with(changelist: ChangeList, name: str) -> Callable[[Any], str]:
    """changelist.get_query_string({name: value}) for many values, the rest made once."""
    probe = changelist.get_query_string({name: _CHOICE})
    before, found, after = probe.partition(f"{quote_plus(name)}={_CHOICE}")
    if not found or _CHOICE in before + after:
        return lambda value: changelist.get_query_string({name: value})
    start = f"{before}{quote_plus(name)}="

    def with_value(value: Any) -> str:
        if not isinstance(value, str):
            return changelist.get_query_string({name: value})
        # A user's id needs no quoting (quote_plus would leave it as it is).
        quoted = value if value.isascii() and value.isalnum() else quote_plus(value)
        return f"{start}{quoted}{after}"

    return with_value


class QueueFilter(admin.SimpleListFilter):
    """A filter of the queue: Django's choices and markup, made faster.

    The assignee filter lists every staff member (200 at a million tickets):
    Django builds each choice's link from the whole query anew and renders each
    through the template's loop. Here the links share the work
    (query_string_with) and the template renders the list in one tag
    (filter_choices); tests/admin/test_queue_rows.py compares the sidebar with
    Django's."""

    template = "admin/tickets/ticket/filter.html"

    def choices(self, changelist: ChangeList) -> Iterator[dict[str, Any]]:
        if changelist.add_facets:
            yield from super().choices(changelist)
            return
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": djangos_word("All"),
        }
        link = query_string_with(changelist, self.parameter_name)
        value = self.value()
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == str(lookup),
                "query_string": link(lookup),
                "display": title,
            }


class PriorityFilter(admin.ChoicesFieldListFilter):
    """Django's filter of a field's choices, its list rendered by filter_choices (QueueFilter)."""

    template = QueueFilter.template


class CreatedFilter(admin.DateFieldListFilter):
    """Django's date filter, its list rendered by filter_choices (see QueueFilter)."""

    template = QueueFilter.template


class StatusFilter(QueueFilter):
    """One status, or every status still being worked on."""

    # Translators: shown as "By status" above the queue's filter.
    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(ACTIVE, _("Active (new, open, pending)")), *Ticket.Status.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
        value = self.value()
        if value == ACTIVE:
            return queryset.filter(status__in=workflow.ACTIVE_STATUSES)
        if value in Ticket.Status.values:
            return queryset.filter(status=value)
        return queryset


# The assignee filter's staff, in the shared cache (see kept_staff_choices).
STAFF_CHOICES_KEY = "helpdesk:queue-staff-choices"


def _read_staff_choices() -> list[tuple[str, str]]:
    return [
        (str(pk), username)
        for pk, username in selectors.staff_users().values_list("pk", "username")
    ]


def kept_staff_choices() -> list[tuple[str, str]]:
    """Active staff as filter choices, kept in the shared cache while no user changes.

    Every visit to the queue read them (200 at a million tickets): a query, and
    the users' rows. They are kept as the token cache keeps signed-in users,
    under its generation, which any user saved or deleted (made staff or not,
    deactivated, renamed) makes stale at once and again on commit; and for
    API_TOKEN_CACHE_SECONDS at most. Ids and usernames: no words in the
    reader's language, so one entry for every reader. Without a shared cache
    (the setting 0) they are read every time."""
    if not token_cache.enabled():
        return _read_staff_choices()
    # (Under the database's own keys: token_cache.scoped.)
    kept, generation = token_cache.lookup_key(STAFF_CHOICES_KEY)
    if kept is not None:
        return kept
    choices = _read_staff_choices()
    token_cache.keep_key(STAFF_CHOICES_KEY, choices, generation)
    return choices


def staff_choices(request: HttpRequest) -> list[tuple[str, str]]:
    """Active staff as filter choices, read once per request."""
    if not hasattr(request, "_helpdesk_staff_choices"):
        request._helpdesk_staff_choices = kept_staff_choices()
    return request._helpdesk_staff_choices


class AssigneeFilter(QueueFilter):
    """Mine, unassigned, or one staff member's tickets."""

    # Translators: shown as "By assignee" above the queue's filter.
    title = gettext_lazy("assignee")
    parameter_name = "assignee"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [
            # Translators: the queue's filter: tickets assigned to the reader.
            (MINE, _("Mine")),
            (UNASSIGNED, _("Unassigned")),
            *staff_choices(request),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
        value = self.value()
        if value == MINE:
            return queryset.filter(assignee=request.user)
        if value == UNASSIGNED:
            return queryset.filter(assignee__isnull=True)
        # A user id has the ticket id's bound (both are the database's bigints).
        # isdecimal, not isdigit: int() refuses "²", which was a server error.
        if value and value.isdecimal() and int(value) <= MAX_TICKET_ID:
            return queryset.filter(assignee_id=int(value))
        return queryset


class SlaFilter(QueueFilter):
    """Service levels: tickets with a target past due, or one due within the hour."""

    # Translators: shown as "By service level" above the queue's filter.
    title = gettext_lazy("service level")
    parameter_name = "sla"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [
            # Translators: the queue's filter: a service level target is past due.
            (LATE, _("Late")),
            # Translators: the queue's filter: a target falls due within the hour.
            (DUE_SOON, _("Due within an hour")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
        value = self.value()
        if value == LATE:
            return service_levels.late(queryset, timezone.now())
        if value == DUE_SOON:
            return service_levels.due_soon(queryset, timezone.now())
        return queryset
