"""The interactive API docs page (Swagger UI, from our own static files)."""

from __future__ import annotations

from drf_spectacular.views import SpectacularSwaggerSplitView


class DocsView(SpectacularSwaggerSplitView):
    # An HTML page and its script, read with GET alone. DRF would answer OPTIONS
    # with its metadata through this view's template renderer, which has no
    # template for it (a 500): every other method is 405.
    http_method_names = ["get", "head"]
