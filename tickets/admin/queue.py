"""The ticket queue: the staff console's list of tickets.

Its columns, its search box (search.find_all, a ticket number, or a
reporter), the status tabs above it and its bounded counts. It only reads:
the bulk actions that change the selected tickets are in actions.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR, ChangeList
from django.contrib.humanize.templatetags.humanize import intcomma, naturaltime
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

from accounts.models import User
from helpdesk.console import OfferedFiltersOnly
from service_levels import selectors as service_levels
from tickets import dashboard, search, workflow
from tickets.admin.filters import (
    ACTIVE,
    AssigneeFilter,
    CreatedFilter,
    PriorityFilter,
    SlaFilter,
    StatusFilter,
)
from tickets.admin.pagination import BoundedCountPaginator, cap_for_page
from tickets.admin.result_list import escape_text, for_page
from tickets.admin.when import Clock
from tickets.models import Ticket, is_ticket_id
from tickets.templatetags.helpdesk_admin import format_duration

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse


def ticket_number(term: str) -> int | None:
    """The ticket a search term names ("123" or "#123"), if it names one."""
    digits = term.removeprefix("#")
    # isdecimal, not isdigit: int() takes every decimal digit, not "²".
    if not digits.isdecimal():
        return None
    number = int(digits)
    return number if is_ticket_id(number) else None


# A choice's label, as get_status_display() and get_priority_display() give it:
# they build the field's dict of choices anew on each call, twice a row.
STATUS_LABELS = dict(Ticket.Status.choices)
PRIORITY_LABELS = dict(Ticket.Priority.choices)


def _label(labels: dict, value: str) -> str:
    return str(labels.get(value, value))


def _when(value: datetime | None, clock: Clock | None = None) -> str:
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(),
        local.strftime("%Y-%m-%d %H:%M"),
        naturaltime(value) if clock is None else clock.natural(value),
    )


def _age(created_at: datetime, clock: Clock | None = None) -> str:
    local = timezone.localtime(created_at)
    return format_html(
        '<span title="{}">{}</span>',
        # Translators: the tooltip of a ticket's age in the queue: when it was opened.
        _("Opened %(when)s") % {"when": local.strftime("%Y-%m-%d %H:%M")},
        timesince(created_at, depth=1) if clock is None else clock.since(created_at, depth=1),
    )


def due_label(due: datetime | None, *, paused: bool = False, now: datetime | None = None) -> str:
    """ "due in 2 h" or "late by 35 min", coloured by how close it is; "paused" or a dash."""
    if due is None:
        if paused:
            return format_html('<span class="hd-sla hd-sla-paused">{}</span>', _("paused"))
        return "—"
    now = now or timezone.now()
    local = timezone.localtime(due).strftime("%Y-%m-%d %H:%M")
    if due <= now:
        css = "hd-sla-late"
        # Translators: a service level target is past due, e.g. "late by 35 min".
        text = _("late by %(duration)s") % {"duration": format_duration(now - due)}
    else:
        css = "hd-sla-soon" if due - now <= service_levels.DUE_SOON else "hd-sla-running"
        # Translators: when a service level target falls due, e.g. "due in 2 h".
        text = _("due in %(duration)s") % {"duration": format_duration(due - now)}
    return format_html(
        '<time class="hd-sla {}" datetime="{}" title="{}">{}</time>',
        css,
        timezone.localtime(due).isoformat(),
        local,
        text,
    )


def _status_badge(status: str, label: str) -> SafeString:
    # includes/status_badge.html with console=True (tests/admin/test_queue_rows.py compares them).
    return format_html('<span class="hd-badge hd-status-{}">{}</span>', status, label)


def _priority_badge(priority: str, label: str) -> SafeString:
    return format_html('<span class="hd-badge hd-priority-{}">{}</span>', priority, label)


# --- the columns' twins for a whole page (result_list.for_page) ---------------
# What every row of a page shares is worked out once: the reader's words for
# the checkbox, the badges and "Unassigned", and one clock for the dates.


def _page_checkboxes(model_admin: QueueAdmin, cl: ChangeList) -> Callable[[Ticket], str]:
    label = _("Select this object for an action - {}")
    start = f'<input type="checkbox" name="{escape_text(ACTION_CHECKBOX_NAME)}" value="'

    def checkbox(ticket: Ticket) -> str:
        # As format_html fills it: the label's words as they are, the ticket escaped.
        aria = label.format(escape_text(ticket))
        return SafeString(f'{start}{ticket.pk}" class="action-select" aria-label="{aria}">')

    return checkbox


def _page_badges(
    labels: dict, make: Callable[[str, str], SafeString], field: str
) -> Callable[[QueueAdmin, ChangeList], Callable[[Ticket], str]]:
    def factory(model_admin: QueueAdmin, cl: ChangeList) -> Callable[[Ticket], str]:
        badges = {value: make(value, str(label)) for value, label in labels.items()}

        def badge(ticket: Ticket) -> str:
            value = getattr(ticket, field)
            found = badges.get(value)
            return found if found is not None else make(value, _label(labels, value))

        return badge

    return factory


def _page_assignees(model_admin: QueueAdmin, cl: ChangeList) -> Callable[[Ticket], str]:
    nobody = format_html('<span class="hd-quiet">{}</span>', _("Unassigned"))
    return lambda ticket: nobody if ticket.assignee is None else ticket.assignee.username


def _page_clock(cl: ChangeList) -> Clock:
    # One clock for the page's columns, made by the first that asks.
    clock = cl.__dict__.get("_queue_clock")
    if clock is None:
        clock = cl.__dict__["_queue_clock"] = Clock()
    return clock


def _page_updates(model_admin: QueueAdmin, cl: ChangeList) -> Callable[[Ticket], str]:
    clock = _page_clock(cl)
    zone = timezone.get_current_timezone()

    def when(ticket: Ticket) -> str:
        # _when's markup, with the page's clock and time zone.
        value = ticket.updated_at
        if value is None:
            return "—"
        local = value.astimezone(zone)
        return SafeString(
            f'<time datetime="{escape_text(local.isoformat())}" '
            f'title="{escape_text(local.strftime("%Y-%m-%d %H:%M"))}">'
            f"{escape_text(clock.natural(value))}</time>"
        )

    return when


def _page_ages(model_admin: QueueAdmin, cl: ChangeList) -> Callable[[Ticket], str]:
    clock = _page_clock(cl)
    zone = timezone.get_current_timezone()
    # Translators: the tooltip of a ticket's age in the queue: when it was opened.
    opened = _("Opened %(when)s")

    def age(ticket: Ticket) -> str:
        # _age's markup, with the page's clock, time zone and words.
        local = ticket.created_at.astimezone(zone)
        title = opened % {"when": local.strftime("%Y-%m-%d %H:%M")}
        since = clock.since(ticket.created_at, depth=1)
        return SafeString(f'<span title="{escape_text(title)}">{escape_text(since)}</span>')

    return age


def _page_dues(model_admin: QueueAdmin, cl: ChangeList) -> Callable[[Ticket], str]:
    now = _page_clock(cl).now
    return lambda ticket: due_label(ticket.sla_next_due, paused=ticket.sla_paused, now=now)


def counts_seconds() -> int:
    """How long the status tabs' counts of a list are kept in the shared cache.

    Five bounded counts cost PostgreSQL more than the rest of the page (about
    10 ms of its CPU at a million tickets, docs/BENCHMARKS.md): a queue many
    staff keep open reads them once in this many seconds, and a count may then
    lag a change by as long (the list itself never does). 0 counts on every
    visit (HELPDESK_QUEUE_COUNTS_CACHE_SECONDS).
    """
    return settings.HELPDESK_QUEUE_COUNTS_CACHE_SECONDS


class _Person:
    """A page row's reporter or assignee: what the cells show of a user."""

    __slots__ = ("username",)
    __str__ = User.__str__

    def __init__(self, username: str) -> None:
        self.username = username


class QueueRow:
    """One ticket of a page, with no more than its columns show (ROW_FIELDS).

    The page's 50 tickets and their 100 users were model instances: the ORM
    building them (every column of three tables, each value through its field)
    was a tenth of the queue's time. The cells read the same attribute names,
    and str() is Ticket's, so Django's code and ours render a row alike."""

    __slots__ = (
        "assignee",
        "created_at",
        "pk",
        "priority",
        "reporter",
        "sla_next_due",
        "sla_paused",
        "status",
        "subject",
        "updated_at",
    )
    __str__ = Ticket.__str__

    def __init__(self, values: tuple) -> None:
        (
            self.pk,
            self.subject,
            self.status,
            self.priority,
            self.updated_at,
            self.created_at,
            self.sla_next_due,
            self.sla_paused,
            reporter,
            assignee,
        ) = values
        self.reporter = _Person(reporter)
        self.assignee = None if assignee is None else _Person(assignee)

    @property
    def id(self) -> Any:
        return self.pk

    # The ticket it reads, as a Ticket equals another instance of that ticket.
    def __eq__(self, other: object) -> bool:
        if isinstance(other, (QueueRow, Ticket)):
            return self.pk == other.pk
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.pk)


# QueueRow's values, in its order: the users' names come by the joins
# list_select_related makes (an inner one for the reporter, an outer one for
# the assignee).
ROW_FIELDS = (
    "id",
    "subject",
    "status",
    "priority",
    "updated_at",
    "created_at",
    "sla_next_due",
    "sla_paused",
    "reporter__username",
    "assignee__username",
)


class TicketChangeList(ChangeList):
    """The queue, which may list a search's matches best first (see
    QueueAdmin.get_search_results): then no column header shows as sorted.

    Its page is read as QueueRows rather than tickets (see there); a list with
    editable columns, whose forms need tickets, gets tickets."""

    # The search box's maxlength: longer terms are cut (get_search_results).
    search_max_length = search.MAX_QUERY_LENGTH
    # Off, the page is Ticket instances as Django reads them (the tests compare the two).
    read_as_rows = True

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        self.page_tickets = self.result_list
        if self.read_as_rows and not self.list_editable:
            self.result_list = [QueueRow(v) for v in self.result_list.values_list(*ROW_FIELDS)]

    def tickets_for_django(self) -> None:
        """Put tickets back in the page's place, for Django's own rendering of the rows."""
        if self.result_list and isinstance(self.result_list[0], QueueRow):
            self.result_list = list(self.page_tickets)

    @property
    def by_relevance(self) -> bool:
        return tuple(self.queryset.query.order_by) == search.RELEVANCE_ORDER

    def get_ordering_field_columns(self) -> dict[int, str]:
        if self.by_relevance:
            return {}
        return super().get_ordering_field_columns()


class QueueAdmin(OfferedFiltersOnly):
    """The list page of TicketAdmin (tickets.py puts the parts together)."""

    list_display = (
        "number",
        "subject",
        "reporter",
        "status_badge",
        "priority_badge",
        "assignee_name",
        "last_update",
        "age",
        # Last, so that the other columns keep their sort numbers (?o=) in bookmarks.
        "due",
    )
    list_display_links = ("number", "subject")
    list_filter = (
        StatusFilter,
        ("priority", PriorityFilter),
        AssigneeFilter,
        SlaFilter,
        ("created_at", CreatedFilter),
    )
    list_select_related = ("reporter", "assignee")
    list_per_page = 50
    list_max_show_all = 200
    # Newest activity first, from the tickets_updated index.
    ordering = ("-updated_at", "-id")
    # get_search_results does the searching; these only switch the search box on.
    search_fields = ("subject", "description", "reporter__username", "reporter__email")
    search_help_text = gettext_lazy(
        "Words from the subject or description, a ticket number (#123 for that ticket "
        "alone), or the reporter's exact username or email address."
    )
    # The total above the list and the per-option counts are exact COUNT(*)s
    # over the table: bounded counts replace them (see BoundedCountPaginator).
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    change_list_template = "admin/tickets/ticket/change_list.html"

    # --- the columns --------------------------------------------------------

    @for_page(_page_checkboxes)
    def action_checkbox(self, obj: Ticket) -> str:
        # Django's markup for the row's checkbox, made here: Django renders it
        # through the form widgets' templates, once per row, a sixth of the
        # queue's time at 50 rows (docs/BENCHMARKS.md). A test compares the two.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

    @admin.display(description="#", ordering="id")
    def number(self, ticket: Ticket) -> str:
        return f"#{ticket.pk}"

    @admin.display(description=gettext_lazy("Status"), ordering="status")
    @for_page(_page_badges(STATUS_LABELS, _status_badge, "status"))
    def status_badge(self, ticket: Ticket) -> str:
        return _status_badge(ticket.status, _label(STATUS_LABELS, ticket.status))

    @admin.display(description=gettext_lazy("Priority"), ordering="priority_rank")
    @for_page(_page_badges(PRIORITY_LABELS, _priority_badge, "priority"))
    def priority_badge(self, ticket: Ticket) -> str:
        return _priority_badge(ticket.priority, _label(PRIORITY_LABELS, ticket.priority))

    @admin.display(description=gettext_lazy("Assignee"), ordering="assignee__username")
    @for_page(_page_assignees)
    def assignee_name(self, ticket: Ticket) -> str:
        if ticket.assignee is None:
            return format_html('<span class="hd-quiet">{}</span>', _("Unassigned"))
        return ticket.assignee.username

    # Soonest due first (late ones lead), tickets without a running target last:
    # tickets_sla_next_due serves it.
    @admin.display(
        description=pgettext_lazy("when the next service level target falls due", "Due"),
        ordering=F("sla_next_due").asc(nulls_last=True),
    )
    @for_page(_page_dues)
    def due(self, ticket: Ticket) -> str:
        return due_label(ticket.sla_next_due, paused=ticket.sla_paused)

    @admin.display(description=gettext_lazy("Last update"), ordering="updated_at")
    @for_page(_page_updates)
    def last_update(self, ticket: Ticket) -> str:
        return _when(ticket.updated_at)

    @admin.display(
        description=pgettext_lazy("how long since a ticket was opened", "Age"),
        ordering="-created_at",
    )
    @for_page(_page_ages)
    def age(self, ticket: Ticket) -> str:
        return _age(ticket.created_at)

    # --- paging and searching -----------------------------------------------

    def get_paginator(
        self,
        request: HttpRequest,
        queryset: QuerySet[Ticket],
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
    ) -> BoundedCountPaginator:
        return BoundedCountPaginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            cap=cap_for_page(request.GET.get(PAGE_VAR), per_page),
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Ticket], search_term: str
    ) -> tuple[QuerySet[Ticket], bool]:
        """Words of the subject or description (search.find_all, which becomes
        full-text search on PostgreSQL), or a ticket number, or the reporter's
        exact username or email address. Best matches first when they are few
        enough to rank and no column is sorted."""
        term = search_term.strip()[: search.MAX_QUERY_LENGTH]
        if not term:
            return queryset, False
        # OR-ed as querysets rather than `pk IN (search)`, so that the database
        # can stop at the first page of matches along the queue's index.
        number = ticket_number(term)
        if number and term.startswith("#"):
            # "#123" names a ticket: no need to read every description for it.
            return queryset.filter(pk=number), False
        # The list and its status tabs search alike: ask the index once per request.
        probes = request.__dict__.setdefault("_ticket_search_probes", {})
        results, rankable = search.find_all(queryset, term, probes=probes)
        if number:
            results |= queryset.filter(pk=number)
        if " " not in term:
            term_lower = term.lower()
            reporters = list(
                User.objects.alias(username_lower=Lower("username"), email_lower=Lower("email"))
                .filter(Q(username_lower=term_lower) | Q(email_lower=term_lower))
                .values_list("pk", flat=True)
            )
            if reporters:
                # A name: that person's tickets, which no text ranks, in the
                # queue's order (ranking them could mean sorting thousands).
                results |= queryset.filter(reporter__in=reporters)
                rankable = False
        # The queue arrives in its order already: the column the user sorted by,
        # or else last update, which gives way to relevance when all could be ranked.
        if rankable and not request.GET.get(ORDER_VAR):
            results = results.order_by(*search.RELEVANCE_ORDER)
        return results, False

    # --- the page around the list ---------------------------------------------

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return TicketChangeList

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        extra_context = {"title": _("Ticket queue"), **(extra_context or {})}
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        if isinstance(response, TemplateResponse) and "cl" in context:
            context["status_tabs"] = self._status_tabs(request, context["cl"])
            context["search_order"] = self._search_order(request, context["cl"])
        return response

    def _search_order(self, request: HttpRequest, cl: TicketChangeList) -> str | None:
        """How a search's matches are listed, when the user did not sort by a column."""
        if not cl.query or request.GET.get(ORDER_VAR):
            return None
        if cl.by_relevance:
            return _("Best matches first; click a column header to sort by it instead.")
        if cl.result_count > search.SEARCH_PROBE:
            probe = search.SEARCH_PROBE
            return ngettext(
                "More than %(count)s match: newest activity first. "
                "Add words to list the best matches first.",
                "More than %(count)s matches: newest activity first. "
                "Add words to list the best matches first.",
                probe,
            ) % {"count": intcomma(probe)}
        return None

    def _status_tabs(self, request: HttpRequest, cl: TicketChangeList) -> list[dict[str, Any]]:
        """Counts per status of the list as filtered (but for its status), in one query."""
        tickets = cl.get_queryset(request, exclude_parameters=[StatusFilter.parameter_name])
        # A search for a common word matches much of the table: count less far.
        cap = dashboard.SEARCH_COUNT_CAP if cl.query else None
        counts = dashboard.status_counts(tickets, cap=cap, keep_seconds=counts_seconds())
        current = request.GET.get(StatusFilter.parameter_name, "")
        active = [counts[s] for s in workflow.ACTIVE_STATUSES]
        tabs = [
            {
                "value": "",
                "label": pgettext("queue tab: tickets in any status", "All"),
                "count": None,
            },
            {
                "value": ACTIVE,
                "label": pgettext("queue tab: new, open and pending tickets", "Active"),
                "count": dashboard.BoundedCount(
                    sum(c.value for c in active), any(c.capped for c in active)
                ),
            },
            *(
                {"value": value, "label": label, "count": counts[value]}
                for value, label in Ticket.Status.choices
            ),
        ]
        for tab in tabs:
            tab["url"] = cl.get_query_string(
                {StatusFilter.parameter_name: tab["value"] or None, PAGE_VAR: None}
            )
            tab["current"] = tab["value"] == current
        return tabs
