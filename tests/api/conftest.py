"""API clients for the personas of tests/conftest.py, and helpers to read answers."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import create_api_token
from api.problems import PROBLEM_CONTENT_TYPE

TICKETS = "/api/v1/tickets/"


@pytest.fixture(autouse=True)
def _forget_throttles():
    # Throttle history lives in the (per-process) cache: start every test afresh.
    cache.clear()
    yield
    cache.clear()


def token_client(user) -> APIClient:
    _, raw = create_api_token(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    client.raw_token = raw
    return client


@pytest.fixture
def anon(db):
    return APIClient()


@pytest.fixture
def as_reporter(reporter):
    """Alice, through a token of her own."""
    return token_client(reporter)


@pytest.fixture
def as_other_user(other_user):
    return token_client(other_user)


@pytest.fixture
def as_agent(agent):
    return token_client(agent)


def ticket_url(ticket_or_id) -> str:
    pk = getattr(ticket_or_id, "pk", ticket_or_id)
    return reverse("api:ticket-detail", args=[pk])


def status_url(ticket_or_id) -> str:
    return ticket_url(ticket_or_id) + "status/"


def messages_url(ticket_or_id) -> str:
    return ticket_url(ticket_or_id) + "messages/"


def events_url(ticket_or_id) -> str:
    return ticket_url(ticket_or_id) + "events/"


def problem(response, status: int, code: str | None = None) -> dict:
    """Assert that `response` is a problem of this status (and code); return its body."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body = response.json()
    assert {"type", "title", "status", "detail", "code"} <= set(body)
    assert body["status"] == status
    assert body["detail"]
    if code is not None:
        assert body["code"] == code, body
    return body


@pytest.fixture
def assert_statements():
    """Like django_assert_num_queries, not counting SAVEPOINT and RELEASE.

    Services run in a transaction of their own: in production that is BEGIN and
    COMMIT, which the connection sends without a query of ours; inside a test's
    transaction it becomes two savepoint statements, which we do not pay for.
    """

    @contextmanager
    def check(expected: int):
        with CaptureQueriesContext(connection) as context:
            yield context
        statements = [
            q["sql"]
            for q in context.captured_queries
            if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
        ]
        assert len(statements) == expected, "\n".join(statements)

    return check
