"""The database refuses bad data even when code bypasses the services."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "escalated"},
        {"priority": "critical"},
        {"version": 0},
        {"closed_at": timezone.now()},
        {"resolved_at": timezone.now()},
    ],
)
def test_bad_ticket_rows_are_refused(ticket, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(**fields)


def test_a_bad_event_kind_is_refused(ticket):
    with pytest.raises(IntegrityError), transaction.atomic():
        TicketEvent.objects.create(ticket=ticket, kind="exploded")


def test_a_reporter_with_tickets_cannot_be_deleted(reporter, ticket):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        reporter.delete()


@pytest.mark.parametrize(
    ("priority", "rank"), [("low", 0), ("normal", 1), ("high", 2), ("urgent", 3)]
)
def test_priority_rank_follows_priority(reporter, priority, rank):
    from tests.factories import make_ticket

    ticket = make_ticket(reporter, priority=priority)
    assert Ticket.objects.get(pk=ticket.pk).priority_rank == rank
