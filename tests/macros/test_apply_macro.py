"""Applying a macro: placeholders filled by replacement only; reply and changes in one go."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from macros import placeholders, services
from tests.factories import make_ticket
from tickets.exceptions import InvalidTransition, NotAllowed, TicketNotFound
from tickets.models import Message, Ticket, TicketEvent


def test_the_four_placeholders_are_filled():
    body = "{{reporter_name}} / {{ ticket_number }} / {{  subject }} / {{ staff_name }}"

    filled = placeholders.fill(
        body,
        {"reporter_name": "Alice", "ticket_number": "7", "subject": "VPN", "staff_name": "Sam"},
    )

    assert filled == "Alice / 7 / VPN / Sam"


@pytest.mark.parametrize(
    "body",
    [
        "{{ request }}",
        "{{ ticket.reporter.password }}",
        "{% debug %}{% load static %}",
        "{{ settings.SECRET_KEY }}",
        "<script>alert(1)</script>",
        "{{ reporter_name|upper }}",
    ],
)
def test_no_other_template_code_is_evaluated(body):
    assert placeholders.fill(body, {"reporter_name": "Alice"}) == body


def test_a_value_that_looks_like_a_placeholder_is_not_expanded_again():
    filled = placeholders.fill(
        "{{ subject }}", {"subject": "{{ staff_name }}", "staff_name": "Sam"}
    )

    assert filled == "{{ staff_name }}"


def test_applying_posts_the_reply_and_makes_the_changes(agent, reporter, macro_factory):
    ticket = make_ticket(reporter)
    macro = macro_factory(status="pending", priority="high", assign="me")

    outcome = services.apply_macro(actor=agent, ticket=ticket, macro=macro)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.assignee) == ("pending", "high", agent)
    message = Message.objects.get(ticket=ticket)
    assert message.body == "Hello Alice, which printer? Sam"
    assert not message.is_internal
    assert outcome.applied and outcome.ticket.version == ticket.version


def test_an_internal_macro_posts_a_note(agent, reporter, macro_factory):
    ticket = make_ticket(reporter)

    services.apply_macro(actor=agent, ticket=ticket, macro=macro_factory(is_internal=True))

    assert Message.objects.get(ticket=ticket).is_internal


def test_an_invalid_transition_is_refused_and_nothing_is_written(agent, reporter, macro_factory):
    ticket = make_ticket(reporter, status="resolved")
    macro = macro_factory(status="pending", priority="urgent")
    events = TicketEvent.objects.count()

    with pytest.raises(InvalidTransition):
        services.apply_macro(actor=agent, ticket=ticket, macro=macro)

    assert not Message.objects.exists()
    assert TicketEvent.objects.count() == events
    assert Ticket.objects.get(pk=ticket.pk).priority == "normal"


def test_a_preview_says_what_would_happen_and_writes_nothing(agent, reporter, macro_factory):
    ticket = make_ticket(reporter)
    macro = macro_factory(status="pending", assign="person", assignee=agent)

    outcome = services.preview_macro(actor=agent, ticket=ticket, macro=macro)

    assert outcome.body == "Hello Alice, which printer? Sam"
    assert outcome.changes == {"status": "pending", "assignee": agent}
    assert not outcome.applied
    assert not Message.objects.exists()
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version


def test_another_staff_members_personal_macro_is_unknown(
    agent, other_agent, reporter, macro_factory
):
    ticket = make_ticket(reporter)
    theirs = macro_factory(owner=other_agent)

    with pytest.raises(ValidationError) as caught:
        services.apply_macro(actor=agent, ticket=ticket, macro=theirs)

    assert "macro" in caught.value.message_dict
    assert not Message.objects.exists()


def test_a_personal_macro_works_for_its_owner(agent, reporter, macro_factory):
    ticket = make_ticket(reporter)

    services.apply_macro(actor=agent, ticket=ticket, macro=macro_factory(owner=agent))

    assert Message.objects.filter(ticket=ticket).exists()


def test_reporters_may_not_use_macros(reporter, macro_factory):
    ticket = make_ticket(reporter)

    with pytest.raises(NotAllowed):
        services.apply_macro(actor=reporter, ticket=ticket, macro=macro_factory())


def test_a_ticket_the_user_may_not_see_is_not_found(other_user, reporter, macro_factory):
    ticket = make_ticket(reporter)

    with pytest.raises(TicketNotFound):
        services.preview_macro(actor=other_user, ticket=ticket, macro=macro_factory())
