"""Ticket pages for end users."""

from __future__ import annotations

from django.urls import path

from tickets import views

app_name = "tickets"
urlpatterns = [
    path("tickets/", views.ticket_list, name="list"),
    path("tickets/new/", views.ticket_new, name="new"),
    path("tickets/<int:pk>/", views.ticket_detail, name="detail"),
    path("tickets/<int:pk>/reply/", views.ticket_reply, name="reply"),
    path("tickets/<int:pk>/status/", views.ticket_status, name="status"),
    path("tickets/<int:pk>/edit/", views.ticket_edit, name="edit"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
    path(
        "files/<int:pk>/thumbnail/",
        views.attachment,
        {"thumbnail": True},
        name="attachment-thumbnail",
    ),
]
