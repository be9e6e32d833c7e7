"""Staff open a ticket for someone (a phone call, a walk-in) through report_issue."""

from __future__ import annotations

import pytest

from tests.admin.conftest import ADD, LOGIN, messages_of, ticket_url
from tests.factories import UserFactory
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_staff_open_a_ticket_for_a_reporter(as_agent, reporter):
    response = as_agent.post(
        ADD,
        {
            "reporter": reporter.pk,
            "subject": "",
            "description": "Phone: VPN down\nsince 9am",
            "priority": "high",
        },
        follow=True,
    )
    ticket = Ticket.objects.get()
    assert response.redirect_chain == [(ticket_url(ticket), 302)]
    assert messages_of(response) == [
        f"Ticket #{ticket.pk} opened for alice. Assign it or reply below."
    ]
    assert (ticket.reporter, ticket.subject, ticket.priority, ticket.status) == (
        reporter,
        "Phone: VPN down",
        "high",
        "new",
    )
    assert TicketEvent.objects.get(ticket=ticket).kind == "created"


def test_the_description_is_required(as_agent, reporter):
    response = as_agent.post(
        ADD, {"reporter": reporter.pk, "description": "  ", "priority": "normal"}
    )
    assert response.status_code == 200
    assert "description" in response.context["adminform"].form.errors
    assert not Ticket.objects.exists()


def test_inactive_people_cannot_be_reporters(as_agent):
    gone = UserFactory(username="gone", is_active=False)
    response = as_agent.post(ADD, {"reporter": gone.pk, "description": "x", "priority": "normal"})
    assert "reporter" in response.context["adminform"].form.errors
    assert not Ticket.objects.exists()


def test_the_add_page_uses_an_autocomplete_for_the_reporter(as_agent):
    html = as_agent.get(ADD).content.decode()
    assert 'data-field-name="reporter"' in html
    assert "Open a ticket for someone" in html


def test_end_users_cannot_open_tickets_here(client, reporter):
    client.force_login(reporter)
    response = client.post(ADD, {"reporter": reporter.pk, "description": "x", "priority": "normal"})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not Ticket.objects.exists()


def test_the_add_page_refuses_other_methods(as_agent):
    assert as_agent.put(ADD).status_code == 405
