"""Changing a ticket's status: POST /api/v1/tickets/{id}/status/."""

from __future__ import annotations

import pytest

from tests.api.conftest import problem, status_url
from tests.factories import make_ticket
from tickets import services
from tickets.models import Ticket


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def test_the_reporter_marks_their_ticket_resolved(as_reporter, ticket):
    response = as_reporter.post(status_url(ticket), {"status": "resolved"})

    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    body = response.json()
    assert body["status"] == "resolved"
    assert body["resolved_at"] is not None
    assert body["allowed_transitions"] == ["open"]


def test_the_reporter_reopens_a_resolved_ticket(as_reporter, reporter):
    ticket = make_ticket(reporter, status="resolved")

    response = as_reporter.post(status_url(ticket), {"status": "open"})

    assert response.json()["status"] == "open"
    assert response.json()["resolved_at"] is None


def test_staff_close_a_ticket(as_agent, ticket):
    response = as_agent.post(status_url(ticket), {"status": "closed"})

    assert response.json()["status"] == "closed"
    assert response.json()["closed_at"] is not None
    assert response.json()["allowed_transitions"] == []


@pytest.mark.parametrize(("start", "target"), [("new", "closed"), ("new", "pending")])
def test_the_reporter_may_not_make_staff_transitions(as_reporter, reporter, start, target):
    ticket = make_ticket(reporter, status=start)

    body = problem(as_reporter.post(status_url(ticket), {"status": target}), 409)

    assert body["code"] == "invalid_transition"
    assert body["allowed"] == ["resolved"]
    assert body["current"] == start
    assert fresh(ticket).status == start


def test_moving_to_the_same_status_is_not_a_transition(as_agent, reporter):
    ticket = make_ticket(reporter, status="open")

    body = problem(as_agent.post(status_url(ticket), {"status": "open"}), 409)

    assert body["allowed"] == ["pending", "resolved", "closed"]


def test_a_closed_ticket_stays_closed(as_agent, reporter):
    ticket = make_ticket(reporter, status="closed")

    problem(as_agent.post(status_url(ticket), {"status": "open"}), 409, "ticket_closed")


@pytest.mark.parametrize("body", [{}, {"status": "done"}, {"status": "OPEN"}, {"status": 1}])
def test_an_unknown_status_is_400(as_agent, ticket, body):
    response = as_agent.post(status_url(ticket), body)

    assert "status" in problem(response, 400, "invalid")["errors"]
    assert fresh(ticket).version == 1


def test_if_match_with_the_current_etag_applies_it(as_agent, ticket):
    response = as_agent.post(status_url(ticket), {"status": "open"}, HTTP_IF_MATCH='"1"')

    assert response.status_code == 200


def test_a_stale_if_match_is_412_and_nothing_is_written(as_agent, ticket, reporter):
    services.modify_ticket(actor=reporter, ticket=ticket, subject="Changed meanwhile")

    response = as_agent.post(status_url(ticket), {"status": "open"}, HTTP_IF_MATCH='"1"')

    problem(response, 412, "stale_version")
    assert fresh(ticket).status == "new"


def test_another_user_gets_404(as_other_user, ticket):
    problem(as_other_user.post(status_url(ticket), {"status": "resolved"}), 404, "not_found")
    assert fresh(ticket).status == "new"


def test_it_requires_credentials(anon, ticket):
    problem(anon.post(status_url(ticket), {"status": "resolved"}), 401, "not_authenticated")


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_it_rejects_other_methods(as_reporter, ticket, method):
    problem(getattr(as_reporter, method)(status_url(ticket)), 405, "method_not_allowed")


def test_changing_status_costs_four_statements(as_agent, ticket, assert_statements):
    as_agent.get("/api/v1/me/")  # records the token's last use, at most once a minute

    # Expect 4: the token with its user, the ticket locked, UPDATE it, INSERT the event.
    with assert_statements(4):
        response = as_agent.post(status_url(ticket), {"status": "open"})

    assert response.status_code == 200
