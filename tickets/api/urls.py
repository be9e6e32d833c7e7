"""JSON API v1, mounted at /api/v1/ (namespace "api")."""

from __future__ import annotations

from django.urls import path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from accounts.api import MeView, TokenView
from tickets.api import schema  # noqa: F401 - registers the token auth scheme
from tickets.api.ids import ID_PATTERN
from tickets.api.views import (
    StaffViewSet,
    TicketEventViewSet,
    TicketMessageViewSet,
    TicketViewSet,
)

app_name = "api"


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
    path("auth/token/", TokenView.as_view(), name="token"),
    path("me/", MeView.as_view(), name="me"),
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
    *router.urls,
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, so the page needs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
