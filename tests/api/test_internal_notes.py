"""Internal notes never reach an end user, through any endpoint."""

from __future__ import annotations

from tests.api.conftest import TICKETS, events_url, messages_url, ticket_url
from tickets import services

SECRET = "Customer is on the naughty list"


def internal_flags(data) -> list:
    """Every is_internal value anywhere in a JSON document."""
    if isinstance(data, dict):
        found = [data["is_internal"]] if "is_internal" in data else []
        return found + [f for value in data.values() for f in internal_flags(value)]
    if isinstance(data, list):
        return [f for item in data for f in internal_flags(item)]
    return []


def test_nothing_a_reporter_receives_mentions_an_internal_note(as_reporter, ticket, agent):
    note = services.post_message(actor=agent, ticket=ticket, body=SECRET, is_internal=True)

    for url in (TICKETS, ticket_url(ticket), messages_url(ticket), events_url(ticket)):
        response = as_reporter.get(url)
        assert response.status_code == 200
        assert SECRET not in response.content.decode()
        assert True not in internal_flags(response.json())
    events = as_reporter.get(events_url(ticket)).json()["results"]
    assert note.pk not in [e["message"] for e in events]


def test_staff_receive_it(as_agent, ticket, agent):
    services.post_message(actor=agent, ticket=ticket, body=SECRET, is_internal=True)

    assert SECRET in as_agent.get(messages_url(ticket)).content.decode()
    assert True in internal_flags(as_agent.get(events_url(ticket)).json())
