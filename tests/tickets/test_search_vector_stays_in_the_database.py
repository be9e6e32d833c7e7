"""Pages never carry the search vector: as long as the ticket's text, and only searches use it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.services import create_api_token
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def _sql_of(client: Client, url: str, **headers: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return [q["sql"] for q in queries.captured_queries]


def test_no_page_reads_the_search_vector(reporter, agent):
    ticket = make_ticket(reporter, subject="Printer jams", description="tray two " * 200)
    _, raw = create_api_token(user=agent, name="tests")
    web, admin, api = Client(), Client(), Client()
    web.force_login(reporter)
    admin.force_login(agent)
    token = {"authorization": f"Token {raw}"}

    statements = [
        *_sql_of(api, "/api/v1/tickets/", **token),
        *_sql_of(api, f"/api/v1/tickets/{ticket.pk}/", **token),
        *_sql_of(web, "/tickets/"),
        *_sql_of(web, f"/tickets/{ticket.pk}/"),
        *_sql_of(admin, "/admin/tickets/ticket/"),
        *_sql_of(admin, f"/admin/tickets/ticket/{ticket.pk}/change/"),
    ]

    assert any("tickets_ticket" in sql for sql in statements)
    assert not [sql for sql in statements if "search_vector" in sql]
