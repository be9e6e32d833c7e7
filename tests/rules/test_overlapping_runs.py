"""Two runs of the rules at once (two timers, two machines) change each ticket once.

Each run has its own connection; a hook inside the service holds the row
locks a while so that the runs truly overlap. SQLite runs one writer at a
time and has no row locks to test, so this runs on PostgreSQL.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from rules import services
from tests.factories import make_ticket
from tests.tickets.test_concurrency import run_together
from tickets.models import Ticket, TicketEvent
from tickets.services import steps

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (set DATABASE_URL)"
    ),
]


def test_two_runs_at_once_close_each_ticket_once(reporter, monkeypatch):
    tickets = [make_ticket(reporter, status="resolved") for _ in range(6)]
    monkeypatch.setattr(steps, "_event_hooks", [lambda events: time.sleep(0.05)])
    later = timezone.now() + timedelta(days=8)

    results = run_together(
        lambda: services.run_rules(now=later, batch_size=2),
        lambda: services.run_rules(now=later, batch_size=2),
    )

    assert sum(r["close_resolved"] for r in results) == len(tickets)
    assert Ticket.objects.filter(status="closed").count() == len(tickets)
    assert TicketEvent.objects.filter(new_value="closed").count() == len(tickets)
