"""JSON API v1, mounted at /api/v1/ (namespace "api"): the root routes and each app's.

The one module of api/ that knows the apps: it mounts their endpoints. Each
app's routes join the "api" namespace (e.g. "api:ticket-detail").
"""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from accounts.api.views import MeView, TokenView
from api import schema  # noqa: F401 - registers the token auth scheme
from api.docs import DocsView

app_name = "api"

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("me/", MeView.as_view(), name="me"),
    path("", include("tickets.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, so the page needs no inline script.
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
]
