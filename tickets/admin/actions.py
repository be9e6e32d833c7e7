"""The queue's bulk actions: one service call per selected ticket.

Each ticket is changed on its own (its own lock, workflow check, events and
version), so one refusal skips that ticket only; the report after the action
says what was done, what was already so and what was skipped and why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from tickets import services
from tickets.admin.error_messages import error_message
from tickets.exceptions import TicketError
from tickets.models import Ticket

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest
    from django.utils.functional import Promise

Status = Ticket.Status
Priority = Ticket.Priority

# Bulk actions call one service per ticket; past this, ask for a narrower selection.
BULK_LIMIT = 500

# What each action reports when it changed tickets: whole sentences, one per
# action, so that each language can word its own (the count picks the plural).
MOVED = {
    Status.OPEN: ngettext_lazy(
        "Moved %(count)s ticket to open.", "Moved %(count)s tickets to open.", "count"
    ),
    Status.PENDING: ngettext_lazy(
        "Moved %(count)s ticket to pending.", "Moved %(count)s tickets to pending.", "count"
    ),
    Status.RESOLVED: ngettext_lazy(
        "Moved %(count)s ticket to resolved.", "Moved %(count)s tickets to resolved.", "count"
    ),
    Status.CLOSED: ngettext_lazy(
        "Moved %(count)s ticket to closed.", "Moved %(count)s tickets to closed.", "count"
    ),
}
PRIORITY_SET = {
    Priority.LOW: ngettext_lazy(
        "Set %(count)s ticket to low priority.", "Set %(count)s tickets to low priority.", "count"
    ),
    Priority.NORMAL: ngettext_lazy(
        "Set %(count)s ticket to normal priority.",
        "Set %(count)s tickets to normal priority.",
        "count",
    ),
    Priority.HIGH: ngettext_lazy(
        "Set %(count)s ticket to high priority.",
        "Set %(count)s tickets to high priority.",
        "count",
    ),
    Priority.URGENT: ngettext_lazy(
        "Set %(count)s ticket to urgent priority.",
        "Set %(count)s tickets to urgent priority.",
        "count",
    ),
}
ASSIGNED_TO_YOU = ngettext_lazy(
    "Assigned %(count)s ticket to you.", "Assigned %(count)s tickets to you.", "count"
)
UNASSIGNED = ngettext_lazy("Unassigned %(count)s ticket.", "Unassigned %(count)s tickets.", "count")


def _ticket_link(ticket: Ticket) -> str:
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    return format_html('<a href="{}">#{} “{}”</a>', url, ticket.pk, ticket.subject)


def _bulk_action(description: Promise, method: str, value: str) -> Callable:
    """An admin action that calls `method` of the ModelAdmin with one fixed value."""

    @admin.action(description=description, permissions=["change"])
    def action(
        model_admin: BulkActionsAdmin, request: HttpRequest, queryset: QuerySet[Ticket]
    ) -> None:
        getattr(model_admin, method)(request, queryset, value)

    return action


class BulkActionsAdmin(admin.ModelAdmin):
    """The actions of TicketAdmin (tickets.py puts the parts together)."""

    actions = (
        "set_open",
        "set_pending",
        "set_resolved",
        "set_closed",
        "assign_to_me",
        "unassign",
        "set_priority_low",
        "set_priority_normal",
        "set_priority_high",
        "set_priority_urgent",
    )

    def _bulk(
        self,
        request: HttpRequest,
        queryset: QuerySet[Ticket],
        *,
        done: Promise,
        apply: Callable[[Ticket], Ticket],
    ) -> None:
        """Apply `apply` (one service call) to each selected ticket; report what was skipped."""
        tickets = list(queryset.order_by("pk")[: BULK_LIMIT + 1])
        if len(tickets) > BULK_LIMIT:
            self.message_user(
                request,
                ngettext(
                    "Select at most %(limit)s ticket at a time; nothing was changed.",
                    "Select at most %(limit)s tickets at a time; nothing was changed.",
                    BULK_LIMIT,
                )
                % {"limit": BULK_LIMIT},
                messages.ERROR,
            )
            return
        applied: list[Ticket] = []
        unchanged: list[Ticket] = []
        skipped: list[tuple[Ticket, str]] = []
        for ticket in tickets:
            try:
                updated = apply(ticket)
            except (TicketError, ValidationError) as exc:
                skipped.append((ticket, error_message(exc, ticket_id=ticket.pk, where="skipped")))
            else:
                (applied if updated.version != ticket.version else unchanged).append(ticket)
        if applied:
            self.message_user(request, done % {"count": len(applied)}, messages.SUCCESS)
        if unchanged:
            self.message_user(
                request,
                format_html(
                    # Translators: {tickets} is a list of links, "#12 “Printer on fire”, ...".
                    ngettext(
                        "Already so, left as they were: {tickets}.",
                        "Already so, left as they were: {tickets}.",
                        len(unchanged),
                    ),
                    tickets=format_html_join(", ", "{}", ((_ticket_link(t),) for t in unchanged)),
                ),
                messages.INFO,
            )
        if skipped:
            self.message_user(
                request,
                format_html(
                    # Translators: {tickets} is a list of links, each with the reason in
                    # brackets: "#4 “VPN” (closed); #9 “Printer” (already open)".
                    ngettext(
                        "Skipped {count} ticket: {tickets}.",
                        "Skipped {count} tickets: {tickets}.",
                        len(skipped),
                    ),
                    count=len(skipped),
                    tickets=format_html_join(
                        "; ", "{} ({})", ((_ticket_link(t), why) for t, why in skipped)
                    ),
                ),
                messages.WARNING,
            )

    # --- status -------------------------------------------------------------

    def _set_status(self, request: HttpRequest, queryset: QuerySet[Ticket], status: str) -> None:
        self._bulk(
            request,
            queryset,
            done=MOVED[status],
            apply=lambda t: services.change_status(actor=request.user, ticket=t.pk, status=status),
        )

    set_open = _bulk_action(gettext_lazy("Set status: open"), "_set_status", Status.OPEN)
    set_pending = _bulk_action(gettext_lazy("Set status: pending"), "_set_status", Status.PENDING)
    set_resolved = _bulk_action(
        gettext_lazy("Set status: resolved"), "_set_status", Status.RESOLVED
    )
    set_closed = _bulk_action(gettext_lazy("Set status: closed"), "_set_status", Status.CLOSED)

    # --- assignee and priority ----------------------------------------------

    def _modify(
        self, request: HttpRequest, queryset: QuerySet[Ticket], done: Promise, **changes: Any
    ) -> None:
        self._bulk(
            request,
            queryset,
            done=done,
            apply=lambda t: services.modify_ticket(actor=request.user, ticket=t.pk, **changes),
        )

    @admin.action(description=gettext_lazy("Assign to me"), permissions=["change"])
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        self._modify(request, queryset, ASSIGNED_TO_YOU, assignee=request.user)

    @admin.action(description=gettext_lazy("Unassign"), permissions=["change"])
    def unassign(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        self._modify(request, queryset, UNASSIGNED, assignee=None)

    def _set_priority(
        self, request: HttpRequest, queryset: QuerySet[Ticket], priority: str
    ) -> None:
        self._modify(request, queryset, PRIORITY_SET[priority], priority=priority)

    set_priority_low = _bulk_action(
        gettext_lazy("Set priority: low"), "_set_priority", Priority.LOW
    )
    set_priority_normal = _bulk_action(
        gettext_lazy("Set priority: normal"), "_set_priority", Priority.NORMAL
    )
    set_priority_high = _bulk_action(
        gettext_lazy("Set priority: high"), "_set_priority", Priority.HIGH
    )
    set_priority_urgent = _bulk_action(
        gettext_lazy("Set priority: urgent"), "_set_priority", Priority.URGENT
    )
