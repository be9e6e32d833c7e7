"""The "Mark as solved" and "Reopen" buttons."""

from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains, assertRedirects

from tests.factories import make_ticket
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def press(client, ticket, status, **overrides):
    data = {"status": status, "version": ticket.version, "seen": 0} | overrides
    return client.post(f"/tickets/{ticket.pk}/status/", data)


def status_of(ticket) -> str:
    return Ticket.objects.get(pk=ticket.pk).status


def test_the_reporter_marks_their_ticket_solved(as_reporter, ticket):
    response = press(as_reporter, ticket, "resolved")
    assertRedirects(response, f"/tickets/{ticket.pk}/", fetch_redirect_response=False)
    assert status_of(ticket) == "resolved"
    page = as_reporter.get(response.url)
    assertContains(page, "Marked as solved.")
    assertContains(page, "changed the status from New to Solved")


def test_the_reporter_reopens_a_solved_ticket(as_reporter, reporter):
    ticket = make_ticket(reporter, status="resolved")
    response = press(as_reporter, ticket, "open")
    assert status_of(ticket) == "open"
    assertContains(as_reporter.get(response.url), "Ticket reopened.")


def test_a_change_from_a_stale_page_is_refused(as_reporter, agent, ticket):
    loaded = Ticket.objects.get(pk=ticket.pk)
    services.change_status(actor=agent, ticket=ticket, status="pending")
    response = press(as_reporter, loaded, "resolved", seen=123)
    assert status_of(ticket) == "pending"
    assert response.url == f"/tickets/{ticket.pk}/?since=123"
    assertContains(
        as_reporter.get(response.url),
        "This ticket changed after you loaded the page, so your change was not applied.",
    )


def test_a_move_the_workflow_forbids_is_refused(as_reporter, ticket):
    response = press(as_reporter, ticket, "closed")
    assert status_of(ticket) == "new"
    assertContains(
        as_reporter.get(response.url), "This ticket is New now, so it cannot be changed to Closed."
    )


def test_a_closed_ticket_stays_closed(as_reporter, reporter):
    ticket = make_ticket(reporter, status="closed")
    response = press(as_reporter, ticket, "open")
    assert status_of(ticket) == "closed"
    assertContains(as_reporter.get(response.url), "This ticket is closed")


@pytest.mark.parametrize(
    "data", [{"status": "resolved"}, {"status": "nonsense", "version": 1}, {"version": 1}]
)
def test_an_incomplete_request_changes_nothing(as_reporter, ticket, data):
    response = as_reporter.post(f"/tickets/{ticket.pk}/status/", data)
    assert status_of(ticket) == "new"
    assertContains(as_reporter.get(response.url), "That request was incomplete.")


def test_someone_elses_ticket_is_not_found(as_other_user, ticket):
    assert press(as_other_user, ticket, "resolved").status_code == 404
    assert status_of(ticket) == "new"


def test_it_rejects_get(as_reporter, ticket):
    assert as_reporter.get(f"/tickets/{ticket.pk}/status/").status_code == 405


def test_anonymous_callers_are_sent_to_sign_in(client, ticket):
    assert press(client, ticket, "resolved").status_code == 302
    assert status_of(ticket) == "new"
