from __future__ import annotations

import pytest

from tickets import services
from tickets.exceptions import NotAllowed, TicketNotFound
from tickets.models import Message, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_a_superuser_deletes_a_ticket_with_its_conversation(superuser, agent, ticket):
    services.post_message(actor=agent, ticket=ticket, body="On it")
    services.delete_ticket(actor=superuser, ticket=ticket)
    assert not Ticket.objects.exists()
    assert not Message.objects.exists()
    assert not TicketEvent.objects.exists()


def test_staff_cannot_delete(agent, ticket):
    with pytest.raises(NotAllowed):
        services.delete_ticket(actor=agent, ticket=ticket)
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_the_reporter_cannot_delete(reporter, ticket):
    with pytest.raises(NotAllowed):
        services.delete_ticket(actor=reporter, ticket=ticket.pk)
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_a_missing_ticket_is_not_found(superuser):
    with pytest.raises(TicketNotFound):
        services.delete_ticket(actor=superuser, ticket=12345)
