"""Reporting an issue: POST /api/v1/tickets/."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

import service_levels.selectors
from tests.api.conftest import TICKETS, problem, ticket_url
from tickets.models import Ticket, TicketEvent


def test_it_opens_a_ticket_for_the_caller(as_reporter, reporter):
    response = as_reporter.post(
        TICKETS, {"subject": "Printer on fire", "description": "Smoke.", "priority": "high"}
    )

    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert response["Location"] == f"http://testserver{ticket_url(ticket)}"
    assert response["ETag"] == '"1"'
    body = response.json()
    assert body["id"] == ticket.pk
    assert body["url"] == response["Location"]
    assert body["subject"] == "Printer on fire"
    assert body["description"] == "Smoke."
    assert body["status"] == "new"
    assert body["priority"] == "high"
    assert body["reporter"] == {"id": reporter.pk, "username": "alice"}
    assert body["assignee"] is None
    assert body["version"] == 1
    assert body["allowed_transitions"] == ["resolved"]
    assert body["created_at"].endswith("Z")
    assert body["resolved_at"] is None and body["closed_at"] is None
    assert ticket.reporter == reporter
    assert TicketEvent.objects.filter(ticket=ticket, kind="created").exists()


def test_only_a_description_is_required(as_reporter):
    response = as_reporter.post(TICKETS, {"description": "The VPN drops\nevery hour."})

    assert response.status_code == 201
    assert response.json()["subject"] == "The VPN drops"
    assert response.json()["priority"] == "normal"


def test_read_only_fields_in_the_body_are_ignored(as_reporter, reporter, other_user, agent):
    response = as_reporter.post(
        TICKETS,
        {
            "description": "Help",
            "id": 999,
            "status": "closed",
            "version": 42,
            "reporter": other_user.pk,
            "assignee": agent.pk,
            "created_at": "2001-01-01T00:00:00Z",
            "resolved_at": "2001-01-01T00:00:00Z",
            "allowed_transitions": ["closed"],
        },
    )

    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert ticket.pk != 999
    assert (ticket.status, ticket.version, ticket.reporter, ticket.assignee) == (
        "new",
        1,
        reporter,
        None,
    )
    assert ticket.created_at.year > 2001
    assert ticket.resolved_at is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "description"),
        ({"description": ""}, "description"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 20_001}, "description"),
        ({"description": "ok", "subject": "s" * 201}, "subject"),
        ({"description": "ok", "subject": "two\nlines"}, "subject"),
        ({"description": "ok", "priority": "critical"}, "priority"),
        ({"description": "ok", "priority": "HIGH"}, "priority"),
        ({"description": "ok", "priority": ["high"]}, "priority"),
        ({"description": "ok", "priority": None}, "priority"),
        ({"description": 42}, "description"),
        ({"description": ["a"]}, "description"),
        ({"description": {"a": 1}}, "description"),
        ({"description": "nul \x00 byte"}, "description"),
        ({"description": "ok", "subject": "nul \x00"}, "subject"),
    ],
)
def test_bad_values_are_refused_by_field_and_nothing_is_written(as_reporter, body, field):
    response = as_reporter.post(TICKETS, body)

    errors = problem(response, 400, "invalid")["errors"]
    assert field in errors
    assert not Ticket.objects.exists()


def test_a_body_that_is_not_an_object_is_refused(as_reporter):
    problem(as_reporter.post(TICKETS, ["description"]), 400, "invalid")
    problem(as_reporter.post(TICKETS, "null", content_type="application/json"), 400)
    assert not Ticket.objects.exists()


def test_it_requires_credentials(anon):
    problem(anon.post(TICKETS, {"description": "Help"}), 401, "not_authenticated")
    assert not Ticket.objects.exists()


def test_a_session_must_send_its_csrf_token(reporter):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(reporter)

    body = problem(client.post(TICKETS, {"description": "Help"}), 403, "permission_denied")

    assert "CSRF" in body["detail"]
    assert not Ticket.objects.exists()


def test_a_session_with_its_csrf_token_may_report(reporter):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(reporter)
    client.cookies["csrftoken"] = "a" * 32

    response = client.post(TICKETS, {"description": "Help"}, HTTP_X_CSRFTOKEN="a" * 32)

    assert response.status_code == 201


def test_reporting_costs_three_statements(as_reporter, assert_statements):
    as_reporter.get("/api/v1/me/")  # records the token's last use, at most once a minute
    # The service level policies live in the cache, which any process's first
    # write after a policy change fills with one query (test_policy_cache.py).
    service_levels.selectors.policies()

    # Expect 3: the token with its user, INSERT the ticket, INSERT its "created" event.
    with assert_statements(3):
        response = as_reporter.post(TICKETS, {"description": "Help"})

    assert response.status_code == 201


def test_an_unknown_field_is_refused(as_reporter):
    body = problem(as_reporter.post(TICKETS, {"description": "Help", "urgent": True}), 400)

    assert body["errors"] == {"urgent": ["Unknown field."]}
    assert not Ticket.objects.exists()
