"""Ticket pages (filled in by the web pages issue)."""

from django.http import HttpResponse
from django.urls import path

app_name = "tickets"
urlpatterns: list = [
    # Placeholder until the web pages land: links in emails point here.
    path("tickets/<int:pk>/", lambda request, pk: HttpResponse(status=501), name="detail"),
]
