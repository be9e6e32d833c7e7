"""Two people acting on one ticket at the same moment never lose an update.

Each thread has its own database connection; a hook inside the service holds
the row lock a little while, so that the two calls truly overlap. SQLite has
no row locks to test (it runs one writer at a time), so these run on PostgreSQL.
"""

from __future__ import annotations

import itertools
import threading
import time

import pytest
from django.db import connection, connections

from tests.factories import make_ticket
from tickets import services
from tickets.exceptions import StaleVersion
from tickets.models import Message, Ticket, TicketEvent
from tickets.services import steps

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (set DATABASE_URL)"
    ),
]


@pytest.fixture
def slow_services(monkeypatch):
    def linger(events):
        time.sleep(0.2)

    monkeypatch.setattr(steps, "_event_hooks", [linger])


def run_together(*calls):
    """Run the calls at once in their own threads; return their results or errors."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def status_chain(ticket):
    return list(
        TicketEvent.objects.filter(ticket=ticket, kind="status_changed")
        .order_by("id")
        .values_list("old_value", "new_value")
    )


def test_two_status_changes_apply_one_after_the_other(slow_services, reporter, agent, other_agent):
    ticket = make_ticket(reporter)
    results = run_together(
        lambda: services.change_status(actor=agent, ticket=ticket.pk, status="open"),
        lambda: services.change_status(actor=other_agent, ticket=ticket.pk, status="pending"),
    )
    succeeded = [r for r in results if isinstance(r, Ticket)]
    chain = status_chain(ticket)
    final = Ticket.objects.get(pk=ticket.pk)

    # Whichever came second saw the first one's result: the events form one
    # unbroken chain from "new" to the final status, one per success.
    assert len(chain) == len(succeeded) >= 1
    assert chain[0][0] == "new"
    assert all(a[1] == b[0] for a, b in itertools.pairwise(chain))
    assert chain[-1][1] == final.status
    assert final.version == 1 + len(succeeded)


def test_two_changes_from_the_same_version_let_exactly_one_through(
    slow_services, reporter, agent, other_agent
):
    ticket = make_ticket(reporter)
    results = run_together(
        lambda: services.change_status(
            actor=agent, ticket=ticket.pk, status="open", expected_version=1
        ),
        lambda: services.change_status(
            actor=other_agent, ticket=ticket.pk, status="closed", expected_version=1
        ),
    )
    assert sorted(type(r).__name__ for r in results) == ["StaleVersion", "Ticket"]
    winner = next(r for r in results if isinstance(r, Ticket))
    final = Ticket.objects.get(pk=ticket.pk)
    assert (final.status, final.version) == (winner.status, 2)
    assert status_chain(ticket) == [("new", winner.status)]
    assert isinstance(next(r for r in results if not isinstance(r, Ticket)), StaleVersion)


def test_two_messages_are_both_kept(slow_services, reporter, agent):
    ticket = make_ticket(reporter, status="pending")
    results = run_together(
        lambda: services.post_message(actor=reporter, ticket=ticket.pk, body="from Alice"),
        lambda: services.post_message(actor=agent, ticket=ticket.pk, body="from Sam"),
    )
    assert all(isinstance(r, Message) for r in results), results
    final = Ticket.objects.get(pk=ticket.pk)
    assert sorted(Message.objects.filter(ticket=ticket).values_list("body", flat=True)) == [
        "from Alice",
        "from Sam",
    ]
    assert TicketEvent.objects.filter(ticket=ticket, kind="message_posted").count() == 2
    # Alice's reply reopened the pending ticket, whichever message came first.
    assert final.status == "open"
    assert status_chain(ticket) == [("pending", "open")]
    assert final.version == ticket.version + 2
