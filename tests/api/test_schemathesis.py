"""Property-based tests of the whole API from its own schema (schemathesis).

Schemathesis generates requests from the OpenAPI document, valid and invalid,
sends them in process to the WSGI app, and checks that no answer is a 5xx and
that every answer matches the schema: documented status, content type,
headers and body. It runs as a reporter and as staff, on a database with
tickets in every status (ids generated for paths land on them half the time).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.services import create_api_token
from helpdesk.wsgi import application
from tests.factories import make_ticket
from tickets import services

# Loaded when the tests are collected: serving the schema needs no database.
# (schemathesis.pytest.from_fixture would load it lazily, but it does not work
# with pytest 9 yet: it sets Function._nodeid, which pytest 9 removed.)
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # As Django's test client does: WSGIHandler closes the database connection
    # when a request finishes, which would end the test's transaction (and on
    # PostgreSQL, the connection under it).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(reporter, other_user, agent, other_agent):
    """Tickets of Alice's and Charlie's in every status, with a conversation."""
    tickets = []
    for owner in (reporter, other_user):
        for status in ("new", "open", "pending", "resolved", "closed"):
            ticket = make_ticket(owner, status=status, assignee=agent)
            tickets.append(ticket)
        services.post_message(actor=agent, ticket=tickets[-2], body="Note", is_internal=True)
        services.post_message(actor=owner, ticket=tickets[-2], body="Thanks")
    return [t.pk for t in tickets]


def run(case, user, ticket_ids):
    # Aim half of the generated ids at tickets that exist, so that the happy
    # paths are exercised as well as the 404s.
    # Only in valid requests: an invalid id must stay invalid.
    positive = case.meta is None or case.meta.generation.mode.is_positive
    for name in ("id", "ticket_id"):
        value = (case.path_parameters or {}).get(name)
        if positive and isinstance(value, int) and value % 2 == 0:
            case.path_parameters[name] = ticket_ids[value // 2 % len(ticket_ids)]
    _, raw = create_api_token(user=user, name="schemathesis")
    # Every check but positive_data_acceptance: schema-valid requests may still
    # break business rules (a workflow transition not allowed now, an assignee
    # who is not staff, a stale If-Match), which are documented 4xx answers.
    case.call_and_validate(
        headers={"Authorization": f"Token {raw}"}, excluded_checks=[positive_data_acceptance]
    )


# 40 examples per operation and role keeps CI under a minute; raise it to
# hunt deeper, e.g. API_FUZZ_EXAMPLES=1000 .venv/bin/pytest tests/api/test_schemathesis.py
SETTINGS = settings(
    max_examples=int(os.getenv("API_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@schema.parametrize()
@SETTINGS
def test_the_api_keeps_its_schema_for_a_reporter(case, world, reporter):
    run(case, reporter, world)


@schema.parametrize()
@SETTINGS
def test_the_api_keeps_its_schema_for_staff(case, world, agent):
    run(case, agent, world)
