"""Ticket pages (filled in by the web pages issue)."""

app_name = "tickets"
urlpatterns: list = []
