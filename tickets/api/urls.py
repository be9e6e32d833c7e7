"""JSON API v1 (filled in by the API issue)."""

urlpatterns: list = []
