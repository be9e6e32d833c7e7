from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_ticket
from tickets import services
from tickets.exceptions import StaleVersion
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_resolving_sets_resolved_at(agent, ticket):
    updated = services.change_status(actor=agent, ticket=ticket, status="resolved")
    assert updated.resolved_at == updated.updated_at
    assert Ticket.objects.get(pk=ticket.pk).resolved_at is not None


def test_reopening_clears_resolved_at(reporter, ticket):
    services.change_status(actor=reporter, ticket=ticket, status="resolved")
    reopened = services.change_status(actor=reporter, ticket=ticket, status="open")
    assert reopened.status == "open"
    assert reopened.resolved_at is None
    assert Ticket.objects.get(pk=ticket.pk).resolved_at is None


def test_closing_sets_closed_at_and_keeps_resolved_at(agent, ticket):
    resolved = services.change_status(actor=agent, ticket=ticket, status="resolved")
    closed = services.change_status(actor=agent, ticket=ticket, status="closed")
    assert closed.closed_at == closed.updated_at
    assert closed.resolved_at == resolved.resolved_at


def test_closing_an_unresolved_ticket_leaves_resolved_at_empty(agent, ticket):
    closed = services.change_status(actor=agent, ticket=ticket, status="closed")
    assert closed.closed_at is not None and closed.resolved_at is None


def test_each_change_bumps_the_version_once(agent, ticket):
    services.change_status(actor=agent, ticket=ticket, status="open")
    services.change_status(actor=agent, ticket=ticket, status="pending")
    assert Ticket.objects.get(pk=ticket.pk).version == 3
    assert list(
        TicketEvent.objects.filter(ticket=ticket, kind="status_changed").values_list(
            "old_value", "new_value"
        )
    ) == [("new", "open"), ("open", "pending")]


def test_an_unknown_status_is_a_validation_error(agent, ticket):
    with pytest.raises(ValidationError) as excinfo:
        services.change_status(actor=agent, ticket=ticket, status="escalated")
    assert "status" in excinfo.value.message_dict


def test_a_stale_version_is_refused(agent, reporter, ticket):
    services.change_status(actor=agent, ticket=ticket, status="pending")
    with pytest.raises(StaleVersion):
        services.change_status(actor=reporter, ticket=ticket, status="resolved", expected_version=1)
    assert Ticket.objects.get(pk=ticket.pk).status == "pending"


def test_moving_to_the_current_status_is_refused(agent, reporter):
    from tickets.exceptions import InvalidTransition

    ticket = make_ticket(reporter, status="open")
    with pytest.raises(InvalidTransition):
        services.change_status(actor=agent, ticket=ticket, status="open")
