from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_ticket
from tickets import services
from tickets.exceptions import NotAllowed, StaleVersion, TicketClosed, TicketNotFound
from tickets.models import Message, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_reporter_posts_a_message(reporter, ticket):
    message = services.post_message(actor=reporter, ticket=ticket, body="Any news?")
    assert (message.author, message.body, message.is_internal) == (reporter, "Any news?", False)
    updated = Ticket.objects.get(pk=ticket.pk)
    assert updated.version == 2
    assert updated.updated_at == message.created_at
    event = TicketEvent.objects.get(ticket=ticket, kind="message_posted")
    assert (event.actor, event.message, event.is_internal) == (reporter, message, False)


def test_staff_post_an_internal_note(agent, ticket):
    message = services.post_message(
        actor=agent, ticket=ticket, body="Looks like DNS", is_internal=True
    )
    assert message.is_internal
    assert TicketEvent.objects.get(ticket=ticket, kind="message_posted").is_internal


def test_an_internal_note_leaves_what_the_reporter_sees_alone(agent, ticket):
    services.post_message(actor=agent, ticket=ticket, body="Looks like DNS", is_internal=True)
    after = Ticket.objects.get(pk=ticket.pk)
    # Neither the version (the API's ETag) nor the last update moves, so the
    # reporter cannot tell that a note was written.
    assert (after.version, after.updated_at) == (ticket.version, ticket.updated_at)


def test_reporter_cannot_post_internal_notes(reporter, ticket):
    with pytest.raises(NotAllowed):
        services.post_message(actor=reporter, ticket=ticket, body="psst", is_internal=True)
    assert not Message.objects.exists()


def test_another_user_cannot_post(other_user, ticket):
    with pytest.raises(TicketNotFound):
        services.post_message(actor=other_user, ticket=ticket, body="Hi")
    assert not Message.objects.exists()


@pytest.mark.parametrize("status", ["pending", "resolved"])
def test_the_reporters_reply_reopens(reporter, status):
    ticket = make_ticket(reporter, status=status)
    services.post_message(actor=reporter, ticket=ticket, body="Still broken")
    updated = Ticket.objects.get(pk=ticket.pk)
    assert updated.status == "open"
    assert updated.resolved_at is None
    assert updated.version == ticket.version + 1
    assert list(
        TicketEvent.objects.filter(ticket=ticket)
        .exclude(kind="created")
        .values_list("kind", "old_value", "new_value", "actor")
    ) == [("message_posted", "", "", reporter.pk), ("status_changed", status, "open", reporter.pk)]


@pytest.mark.parametrize("status", ["new", "open"])
def test_the_reporters_reply_leaves_other_statuses(reporter, status):
    ticket = make_ticket(reporter, status=status)
    services.post_message(actor=reporter, ticket=ticket, body="More detail")
    assert Ticket.objects.get(pk=ticket.pk).status == status


def test_a_staff_reply_does_not_reopen(reporter, agent):
    ticket = make_ticket(reporter, status="pending")
    services.post_message(actor=agent, ticket=ticket, body="Any update?")
    assert Ticket.objects.get(pk=ticket.pk).status == "pending"


def test_a_staff_note_does_not_reopen_even_on_their_own_ticket(agent):
    ticket = make_ticket(agent, status="resolved")
    services.post_message(actor=agent, ticket=ticket, body="note to self", is_internal=True)
    assert Ticket.objects.get(pk=ticket.pk).status == "resolved"


def test_a_closed_ticket_takes_no_messages(reporter, agent):
    ticket = make_ticket(reporter, status="closed")
    for actor in (reporter, agent):
        with pytest.raises(TicketClosed):
            services.post_message(actor=actor, ticket=ticket, body="Hello?")
    assert not Message.objects.exists()


@pytest.mark.parametrize("body", ["", "  \n", "x" * 20_001, "nul\x00"])
def test_bad_bodies_are_refused(reporter, ticket, body):
    with pytest.raises(ValidationError) as excinfo:
        services.post_message(actor=reporter, ticket=ticket, body=body)
    assert "body" in excinfo.value.message_dict
    assert not Message.objects.exists()
    assert Ticket.objects.get(pk=ticket.pk).version == 1


def test_a_stale_version_is_refused(reporter, agent, ticket):
    services.change_status(actor=agent, ticket=ticket, status="open")
    with pytest.raises(StaleVersion):
        services.post_message(actor=reporter, ticket=ticket, body="Hi", expected_version=1)
    assert not Message.objects.exists()
