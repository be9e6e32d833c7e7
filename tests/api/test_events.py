"""The audit trail: GET /api/v1/tickets/{id}/events/."""

from __future__ import annotations

import pytest

from tests.api.conftest import events_url, problem
from tickets import services


@pytest.fixture
def history(ticket, reporter, agent):
    services.modify_ticket(actor=agent, ticket=ticket, priority="high", assignee=agent)
    services.post_message(actor=agent, ticket=ticket, body="Vendor again", is_internal=True)
    services.post_message(actor=agent, ticket=ticket, body="Fixed?")
    services.change_status(actor=reporter, ticket=ticket, status="resolved")
    return ticket


def kinds(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [e["kind"] for e in response.json()["results"]]


def test_staff_read_the_whole_trail_oldest_first(as_agent, history, agent):
    response = as_agent.get(events_url(history))

    assert kinds(response) == [
        "created",
        "priority_changed",
        "assigned",
        "message_posted",
        "message_posted",
        "status_changed",
    ]
    assigned = response.json()["results"][2]
    assert assigned["actor"] == {"id": agent.pk, "username": "sam"}
    assert (assigned["old_value"], assigned["new_value"]) == ("", "sam")
    assert [e["is_internal"] for e in response.json()["results"]].count(True) == 1


def test_the_reporter_does_not_see_events_about_internal_notes(as_reporter, history):
    response = as_reporter.get(events_url(history))

    assert kinds(response).count("message_posted") == 1
    assert not any(e["is_internal"] for e in response.json()["results"])


def test_reading_costs_three_queries(as_agent, history, django_assert_num_queries):
    as_agent.get("/api/v1/me/")

    # Expect 3 queries: the token with its user, the ticket, a page of events with actors.
    with django_assert_num_queries(3):
        as_agent.get(events_url(history), {"page_size": 100})


def test_another_user_gets_404(as_other_user, history):
    problem(as_other_user.get(events_url(history)), 404, "not_found")


def test_it_requires_credentials(anon, history):
    problem(anon.get(events_url(history)), 401, "not_authenticated")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_rejects_other_methods(as_agent, history, method):
    problem(getattr(as_agent, method)(events_url(history), {}), 405, "method_not_allowed")
