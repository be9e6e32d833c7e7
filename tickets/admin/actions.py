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

from tickets import services
from tickets.admin.error_messages import error_message
from tickets.exceptions import TicketError
from tickets.models import Ticket

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest

Status = Ticket.Status
Priority = Ticket.Priority

# Bulk actions call one service per ticket; past this, ask for a narrower selection.
BULK_LIMIT = 500


def _ticket_link(ticket: Ticket) -> str:
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    return format_html('<a href="{}">#{} “{}”</a>', url, ticket.pk, ticket.subject)


def _bulk_action(description: str, method: str, value: str) -> Callable:
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
        done: str,
        apply: Callable[[Ticket], Ticket],
    ) -> None:
        """Apply `apply` (one service call) to each selected ticket; report what was skipped."""
        tickets = list(queryset.order_by("pk")[: BULK_LIMIT + 1])
        if len(tickets) > BULK_LIMIT:
            self.message_user(
                request,
                f"Select at most {BULK_LIMIT} tickets at a time; nothing was changed.",
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
            noun = "ticket" if len(applied) == 1 else "tickets"
            self.message_user(
                request, f"{done.format(n=len(applied), noun=noun)}.", messages.SUCCESS
            )
        if unchanged:
            self.message_user(
                request,
                format_html(
                    "Already so, left as they were: {}.",
                    format_html_join(", ", "{}", ((_ticket_link(t),) for t in unchanged)),
                ),
                messages.INFO,
            )
        if skipped:
            self.message_user(
                request,
                format_html(
                    "Skipped {} {}: {}.",
                    len(skipped),
                    "ticket" if len(skipped) == 1 else "tickets",
                    format_html_join(
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
            done=f"Moved {{n}} {{noun}} to {status}",
            apply=lambda t: services.change_status(actor=request.user, ticket=t.pk, status=status),
        )

    set_open = _bulk_action("Set status: open", "_set_status", Status.OPEN)
    set_pending = _bulk_action("Set status: pending", "_set_status", Status.PENDING)
    set_resolved = _bulk_action("Set status: resolved", "_set_status", Status.RESOLVED)
    set_closed = _bulk_action("Set status: closed", "_set_status", Status.CLOSED)

    # --- assignee and priority ----------------------------------------------

    def _modify(
        self, request: HttpRequest, queryset: QuerySet[Ticket], done: str, **changes: Any
    ) -> None:
        self._bulk(
            request,
            queryset,
            done=done,
            apply=lambda t: services.modify_ticket(actor=request.user, ticket=t.pk, **changes),
        )

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        self._modify(request, queryset, "Assigned {n} {noun} to you", assignee=request.user)

    @admin.action(description="Unassign", permissions=["change"])
    def unassign(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        self._modify(request, queryset, "Unassigned {n} {noun}", assignee=None)

    def _set_priority(
        self, request: HttpRequest, queryset: QuerySet[Ticket], priority: str
    ) -> None:
        self._modify(
            request, queryset, f"Set {{n}} {{noun}} to {priority} priority", priority=priority
        )

    set_priority_low = _bulk_action("Set priority: low", "_set_priority", Priority.LOW)
    set_priority_normal = _bulk_action("Set priority: normal", "_set_priority", Priority.NORMAL)
    set_priority_high = _bulk_action("Set priority: high", "_set_priority", Priority.HIGH)
    set_priority_urgent = _bulk_action("Set priority: urgent", "_set_priority", Priority.URGENT)
