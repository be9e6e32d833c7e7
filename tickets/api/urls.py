"""The ticket API's routes: tickets, their messages and events, and the staff to assign.

Mounted by api/urls.py at /api/v1/, in its "api" namespace.
"""

from __future__ import annotations

from django.urls import path, register_converter
from rest_framework.routers import SimpleRouter

from tickets.api.ids import ID_PATTERN
from tickets.api.views import (
    AttachmentView,
    StaffViewSet,
    TicketEventViewSet,
    TicketMessageViewSet,
    TicketViewSet,
)


class TicketIdConverter:
    """Digits that fit a 64-bit key: anything longer is a 404 here, not a 500 in the database."""

    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(TicketIdConverter, "ticket_id")

router = SimpleRouter()
router.register("tickets", TicketViewSet, basename="ticket")
router.register("staff", StaffViewSet, basename="staff")

urlpatterns = [
    path(
        "tickets/<ticket_id:ticket_id>/messages/",
        TicketMessageViewSet.as_view({"get": "list", "post": "create"}),
        name="ticket-messages",
    ),
    path(
        "tickets/<ticket_id:ticket_id>/events/",
        TicketEventViewSet.as_view({"get": "list"}),
        name="ticket-events",
    ),
    path("files/<ticket_id:id>/", AttachmentView.as_view(), name="attachment"),
    path(
        "files/<ticket_id:id>/thumbnail/",
        AttachmentView.as_view(thumbnail=True),
        name="attachment-thumbnail",
    ),
    *router.urls,
]
