"""The interactive API docs render in a browser from our own static files alone."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_docs_render_without_any_cdn(page, live_server, screenshot):
    ours = urlsplit(live_server.url).netloc
    elsewhere = []

    def only_ours(route):
        if urlsplit(route.request.url).netloc != ours:
            elsewhere.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", only_ours)

    page.goto("/api/v1/docs/")

    page.get_by_text("Helpdesk API").first.wait_for()
    assert page.locator(".opblock-summary-path", has_text="/api/v1/tickets/{id}/status/").count()
    assert page.get_by_text("Report an issue").first.is_visible()
    assert elsewhere == []
    screenshot(page, "api-docs")
