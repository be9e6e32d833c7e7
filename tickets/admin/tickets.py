"""The staff console's TicketAdmin, put together from its parts.

- queue.py: the list (columns, search, status tabs, bounded counts);
- actions.py: the bulk actions on the queue's selection;
- ticket_page.py: the ticket page and the add page (one context builder);
- error_messages.py: the one function that words a refusal from the services;
- forms.py, filters.py, pagination.py: what those use.

Every change made here goes through tickets.services, so the workflow, the
audit trail and the version checks hold exactly as in the API: the change and
add pages are our own views rather than ModelForm saves, the bulk actions call
one service per ticket, and deletes go through services.delete_ticket. This
module holds what is true of all the parts: which tickets the console shows,
who may change or delete them, and which HTTP methods its pages answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpResponseNotAllowed

from tickets import selectors, services
from tickets.admin.actions import BulkActionsAdmin
from tickets.admin.queue import QueueAdmin
from tickets.admin.ticket_page import TicketPageAdmin

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse

    from tickets.models import Ticket

ALLOWED_METHODS = ("GET", "HEAD", "POST")


def _methods_allowed(request: HttpRequest) -> HttpResponse | None:
    if request.method not in ALLOWED_METHODS:
        return HttpResponseNotAllowed(ALLOWED_METHODS)
    return None


class TicketAdmin(QueueAdmin, BulkActionsAdmin, TicketPageAdmin):
    # Its stylesheet, admin_extra/console.css, is on every console page (admin/base_site.html).

    # --- who may do what ----------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[Ticket]:
        return selectors.visible_tickets(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Ticket | None = None) -> bool:
        # A closed ticket takes no more changes: its page is view-only.
        if obj is not None and obj.is_closed:
            return False
        # Otherwise the user's permission, whatever the ticket. The queue asks
        # for it once per bulk action each time Django lists them (thirty
        # times a page): the request keeps the answer.
        may = request.__dict__.get("_helpdesk_may_change_tickets")
        if may is None:
            may = super().has_change_permission(request, obj)
            request.__dict__["_helpdesk_may_change_tickets"] = may
        return may

    def has_delete_permission(self, request: HttpRequest, obj: Ticket | None = None) -> bool:
        # Closing keeps the record; deleting is for superusers (spam, personal data).
        return request.user.is_active and request.user.is_superuser

    # --- deleting (superusers only) ----------------------------------------

    def delete_model(self, request: HttpRequest, obj: Ticket) -> None:
        services.delete_ticket(actor=request.user, ticket=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        for ticket in queryset:
            services.delete_ticket(actor=request.user, ticket=ticket)

    # --- the pages answer GET, HEAD and POST alone ----------------------------

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        if refused := _methods_allowed(request):
            return refused
        return super().changelist_view(request, extra_context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        if refused := _methods_allowed(request):
            return refused
        return super().change_view(request, object_id, form_url, extra_context)

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        if refused := _methods_allowed(request):
            return refused
        return super().add_view(request, form_url, extra_context)
