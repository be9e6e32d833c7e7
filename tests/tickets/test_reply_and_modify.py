from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_ticket
from tickets import services
from tickets.exceptions import InvalidTransition, NotAllowed, StaleVersion, TicketClosed
from tickets.models import Message, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_staff_reply_and_set_pending_in_one_go(agent, ticket):
    message = services.reply_and_modify(
        actor=agent, ticket=ticket, body="Which printer?", status="pending", expected_version=1
    )
    assert (message.author, message.body, message.is_internal) == (agent, "Which printer?", False)
    updated = Ticket.objects.get(pk=ticket.pk)
    assert updated.status == "pending"
    assert message.ticket.status == "pending"
    # One version per step: the message, then the status.
    assert updated.version == 3 == message.ticket.version
    assert list(
        TicketEvent.objects.filter(ticket=ticket)
        .exclude(kind="created")
        .values_list("kind", "old_value", "new_value")
    ) == [("message_posted", "", ""), ("status_changed", "new", "pending")]


def test_an_internal_note_with_an_assignment(agent, ticket):
    message = services.reply_and_modify(
        actor=agent, ticket=ticket, body="Mine.", is_internal=True, assignee=agent
    )
    assert message.is_internal
    assert Ticket.objects.get(pk=ticket.pk).assignee == agent


def test_a_reply_without_changes_is_just_a_message(agent, ticket):
    message = services.reply_and_modify(actor=agent, ticket=ticket, body="On it")
    assert Ticket.objects.get(pk=ticket.pk).version == 2
    assert message.ticket.version == 2


def test_a_refused_status_change_keeps_the_message_out_too(agent, reporter):
    ticket = make_ticket(reporter, status="resolved")
    with pytest.raises(InvalidTransition):
        services.reply_and_modify(actor=agent, ticket=ticket, body="Done", status="pending")
    assert not Message.objects.exists()
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version
    assert not TicketEvent.objects.filter(kind="message_posted").exists()


def test_a_bad_field_value_keeps_the_message_out_too(agent, ticket):
    with pytest.raises(ValidationError) as excinfo:
        services.reply_and_modify(actor=agent, ticket=ticket, body="Done", priority="asap")
    assert "priority" in excinfo.value.message_dict
    assert not Message.objects.exists()


def test_a_stale_version_writes_nothing(agent, other_agent, ticket):
    services.change_status(actor=other_agent, ticket=ticket, status="open")
    with pytest.raises(StaleVersion):
        services.reply_and_modify(
            actor=agent, ticket=ticket, body="Hi", status="pending", expected_version=1
        )
    assert not Message.objects.exists()
    assert Ticket.objects.get(pk=ticket.pk).status == "open"


def test_a_closed_ticket_takes_no_reply(agent, reporter):
    ticket = make_ticket(reporter, status="closed")
    with pytest.raises(TicketClosed):
        services.reply_and_modify(actor=agent, ticket=ticket, body="Hi")
    assert not Message.objects.exists()


def test_the_reporter_cannot_change_staff_fields_with_a_reply(reporter, agent, ticket):
    with pytest.raises(NotAllowed):
        services.reply_and_modify(actor=reporter, ticket=ticket, body="Me", assignee=agent)
    assert not Message.objects.exists()
