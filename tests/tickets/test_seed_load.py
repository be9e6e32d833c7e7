"""seed_load writes what the services would have written, only faster."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, OuterRef, Q, Subquery

from tickets import services
from tickets.models import Message, Ticket, TicketEvent
from tickets.workflow import Role, transitions_for

pytestmark = pytest.mark.django_db(transaction=True)


def load(**options) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_load", stdout=out, stderr=err, **options)
    return out.getvalue() + err.getvalue()


def test_it_loads_tickets_messages_and_events_with_progress():
    output = load(tickets=300, messages_per_ticket=2, users=20, batch=100)
    assert Ticket.objects.count() == 300
    assert 400 <= Message.objects.count() <= 800
    assert "300/300" in output and "/s" in output and "left" in output
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Ticket.Status.values)
    assert set(Ticket.objects.values_list("priority", flat=True)) == set(Ticket.Priority.values)


def test_the_data_is_what_the_services_would_have_made():
    load(tickets=200, messages_per_ticket=2, users=10, batch=64)
    tickets = Ticket.objects.annotate(
        changes=Count("events", filter=~Q(events__kind="created")),
        created_events=Count("events", filter=Q(events__kind="created")),
    )
    for ticket in tickets:
        assert ticket.created_events == 1
        assert ticket.version == 1 + ticket.changes
        chain = list(
            ticket.events.filter(kind="status_changed")
            .order_by("created_at", "id")
            .values_list("old_value", "new_value")
        )
        current = "new"
        for old, new in chain:
            assert old == current
            assert new in transitions_for(Role.STAFF, old)
            current = new
        assert current == ticket.status
        assert (ticket.resolved_at is not None) == (ticket.status in ("resolved", "closed"))
        assert (ticket.closed_at is not None) == (ticket.status == "closed")
        assert ticket.created_at <= ticket.updated_at
    assert TicketEvent.objects.filter(kind="message_posted").count() == Message.objects.count()
    # Internal notes are flagged on their events, so reporters never see them.
    assert not TicketEvent.objects.filter(message__is_internal=True, is_internal=False).exists()
    # The first public staff reply's time, as post_message stores it.
    first_reply = (
        Message.objects.filter(ticket=OuterRef("pk"), is_internal=False, author__is_staff=True)
        .exclude(author=OuterRef("reporter"))
        .order_by("created_at", "id")
        .values("created_at")[:1]
    )
    pairs = Ticket.objects.annotate(expected=Subquery(first_reply)).values_list(
        "first_staff_reply_at", "expected"
    )
    assert all(stored == expected for stored, expected in pairs)
    assert any(stored is not None for stored, _ in pairs)


def test_the_services_carry_on_after_a_load(reporter):
    load(tickets=50, users=5)
    # Sequences were moved past the loaded ids.
    ticket = services.report_issue(reporter=reporter, description="After the load")
    assert ticket.pk > 50
    message = services.post_message(actor=reporter, ticket=ticket, body="Hi")
    assert message.pk > Message.objects.exclude(pk=message.pk).order_by("-pk").first().pk


def test_it_refuses_nonsense_counts():
    with pytest.raises(CommandError):
        load(tickets=0)
    with pytest.raises(CommandError):
        load(tickets=10, messages_per_ticket=-1)
