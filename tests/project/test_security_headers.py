"""Headers that keep pages safe in the browser and out of shared caches."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_every_page_forbids_inline_and_foreign_scripts(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy


def test_the_api_docs_page_runs_no_inline_script(client):
    html = client.get("/api/v1/docs/").content.decode()
    assert "<script>" not in html
    assert "?script=" in html


def test_a_signed_in_persons_pages_are_kept_out_of_shared_caches(client, reporter):
    client.force_login(reporter)
    cache_control = client.get("/tickets/").headers["Cache-Control"]
    assert "private" in cache_control and "no-cache" in cache_control


def test_public_pages_are_not_marked_private(client):
    assert "private" not in client.get("/").headers.get("Cache-Control", "")
