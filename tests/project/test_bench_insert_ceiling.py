"""The benchmark's insert ceiling: one row in a transaction, behind the API's authentication.

Routed only with HELPDESK_BENCH=True (helpdesk/urls.py); here a urlconf of this
module's own routes it, so that requests go through the whole middleware stack.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path

from accounts.services import create_api_token
from helpdesk.instrumentation import INSERT_CEILING, InsertCeiling
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

urlpatterns = [path(INSERT_CEILING.lstrip("/"), InsertCeiling.as_view())]

BODY = {"subject": "Printer on fire", "description": "Smoke everywhere", "priority": "high"}


@pytest.fixture
def routed(settings):
    settings.ROOT_URLCONF = __name__


def statements(client: Client, raw: str) -> list[str]:
    """What one POST runs, less the savepoints a test's transaction turns BEGIN and COMMIT into."""
    with CaptureQueriesContext(connection) as context:
        assert post(client, raw).status_code == 201
    return [
        q["sql"]
        for q in context.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def post(client: Client, raw: str | None, body: dict | None = None):
    headers = {"authorization": f"Token {raw}"} if raw else {}
    return client.post(
        INSERT_CEILING,
        json.dumps(body or BODY),
        content_type="application/json",
        headers=headers,
    )


def test_it_is_not_routed_without_helpdesk_bench(client, reporter):
    _, raw = create_api_token(user=reporter, name="bench")

    assert post(client, raw).status_code == 404
    assert not Ticket.objects.exists()


@pytest.mark.usefixtures("routed")
def test_it_refuses_a_caller_without_a_token(client):
    response = post(client, None)

    assert response.status_code == 401
    assert not Ticket.objects.exists()


@pytest.mark.usefixtures("routed")
def test_it_refuses_a_revoked_token(client, reporter):
    token, raw = create_api_token(user=reporter, name="bench")
    token.delete()

    assert post(client, raw).status_code == 401


@pytest.mark.usefixtures("routed")
def test_it_refuses_a_session_without_a_token(client, reporter):
    client.force_login(reporter)

    assert post(client, None).status_code == 401


@pytest.mark.usefixtures("routed")
def test_it_inserts_exactly_one_ticket_row_for_the_caller(reporter):
    _, raw = create_api_token(user=reporter, name="bench")
    # Token requests need no CSRF token, as the API's.
    client = Client(enforce_csrf_checks=True)

    response = post(client, raw)

    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert response.json() == {
        "id": ticket.pk,
        "subject": "Printer on fire",
        "status": "new",
        "created_at": response.json()["created_at"],
    }
    assert (ticket.reporter, ticket.subject, ticket.description) == (
        reporter,
        "Printer on fire",
        "Smoke everywhere",
    )
    assert (ticket.status, ticket.priority, ticket.version) == ("new", "high", 1)
    # Written bare: no event, which is how the bench's cleanup tells it apart.
    assert not ticket.events.exists()


@pytest.mark.usefixtures("routed")
def test_it_costs_the_token_and_the_insert(client, reporter):
    _, raw = create_api_token(user=reporter, name="bench")
    post(client, raw)  # records the token's last use, at most once a minute

    # Expect 2: the token with its user, INSERT the ticket.
    assert len(statements(client, raw)) == 2


@pytest.mark.usefixtures("routed")
def test_with_the_token_cache_it_costs_only_the_insert(client, reporter, settings):
    settings.API_TOKEN_CACHE_SECONDS = 300
    _, raw = create_api_token(user=reporter, name="bench")
    post(client, raw)  # keeps the token in the cache

    # Expect 1: INSERT the ticket (the token comes from the cache, as in production).
    [insert] = statements(client, raw)
    assert insert.startswith("INSERT INTO tickets_ticket")
    assert Ticket.objects.count() == 2


@pytest.mark.usefixtures("routed")
def test_the_bench_cleanup_deletes_the_rows_and_only_them(client, reporter):
    from accounts.services import create_user
    from bench.scenario import WRITER, delete_bare_rows
    from tests.factories import make_ticket

    writer = create_user(username=WRITER, email="writer@bench.example.com", password=None)
    _, raw = create_api_token(user=writer, name="bench")
    for _ in range(3):
        post(client, raw)
    made = make_ticket(writer)  # through the services: the cleanup deletes it through them
    others = make_ticket(reporter)

    assert delete_bare_rows() == 3

    assert list(Ticket.objects.order_by("pk")) == [made, others]


def test_the_targets_set_each_write_against_the_insert_ceiling():
    from bench.targets import targets

    def row(key: str, role: str, **extra) -> dict:
        return {
            "key": key,
            "label": f"API {key}",
            "role": role,
            "queries": 4,
            "app_cpu_ms": 5.0,
            "db_cpu_ms": 1.0,
            **extra,
        }

    size = {
        "size": "1m",
        "endpoints": [
            row("ceiling_insert", "reporter", app_cpu_ms=3.0, queries=1),
            row("report", "reporter", db_share=0.75, db_ceiling="ceiling_insert"),
            row("post_message", "staff", db_share=0.5, db_ceiling="ceiling_insert"),
        ],
    }

    lines = targets({"sizes": [size]})

    assert (
        "| API report (reporter) at 1m ≥ 0.7 of the insert ceiling | 0.75 of its req/s "
        "(paired runs); CPU 6.0 vs 4.0 ms/req; 4 statements | **met** |"
    ) in lines
    assert any(
        line.startswith("| API post_message (staff) at 1m ≥ 0.7") and "**missed**" in line
        for line in lines
    )
