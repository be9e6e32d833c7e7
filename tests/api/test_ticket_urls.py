"""Every ticket in an answer links to itself, whatever the page and the host asked for."""

from __future__ import annotations

from tests.api.conftest import TICKETS, ticket_url
from tests.factories import make_ticket


def test_each_ticket_of_a_page_links_to_itself(as_agent, reporter, other_user):
    tickets = [make_ticket(reporter), make_ticket(other_user), make_ticket(reporter)]

    results = as_agent.get(TICKETS).json()["results"]

    assert {t["id"]: t["url"] for t in results} == {
        t.pk: f"http://testserver{ticket_url(t)}" for t in tickets
    }


def test_the_links_follow_the_host_of_each_request(as_agent, ticket):
    first = as_agent.get(TICKETS).json()["results"][0]["url"]
    second = as_agent.get(TICKETS, headers={"host": "localhost"}).json()["results"][0]["url"]

    assert first == f"http://testserver{ticket_url(ticket)}"
    assert second == f"http://localhost{ticket_url(ticket)}"


def test_a_link_from_the_list_leads_to_the_ticket(as_reporter, ticket):
    url = as_reporter.get(TICKETS).json()["results"][0]["url"]

    response = as_reporter.get(url)

    assert response.status_code == 200
    assert response.json()["id"] == ticket.pk
