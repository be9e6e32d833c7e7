"""Inputs that once answered 500: now a clear 4xx (or a page), and nothing written."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client

from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def cursor(payload: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


@pytest.mark.parametrize("digits", [7, 5000])
def test_a_page_size_of_thousands_of_digits_is_a_400(as_reporter, digits):
    response = as_reporter.get("/api/v1/tickets/", {"page_size": "9" * digits})
    assert response.status_code == 400
    assert response.json()["errors"]["page_size"]


def test_a_cursor_holding_a_lone_surrogate_is_a_400(as_agent):
    bad = cursor({"d": "n", "o": "username", "v": "\ud800", "i": 1})
    response = as_agent.get("/api/v1/staff/", {"cursor": bad})
    assert response.status_code == 400


def test_a_nul_in_the_web_search_is_ignored(reporter):
    make_ticket(reporter, subject="Printer on fire")
    client = Client(raise_request_exception=False)
    client.force_login(reporter)
    response = client.get("/tickets/", {"tab": "all", "q": "prin\x00ter"})
    assert response.status_code == 200
