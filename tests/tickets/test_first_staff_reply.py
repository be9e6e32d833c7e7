"""When staff first answered the reporter: stored on the ticket by the services.

The dashboard's median time to first reply (tickets.dashboard) is an aggregate
of it. The rule is the one the median used to read from the messages: the
first public message by staff other than the ticket's reporter.
"""

from __future__ import annotations

import random
from datetime import timedelta
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import DurationField, ExpressionWrapper, F, OuterRef, Subquery
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.admin.conftest import clock
from tests.factories import StaffFactory, UserFactory, make_ticket
from tickets import dashboard, services
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


def reply(ticket, author, minutes: int, *, is_internal: bool = False) -> None:
    with clock(ticket.created_at + timedelta(minutes=minutes)):
        services.post_message(actor=author, ticket=ticket, body="Reply", is_internal=is_internal)


def stored(ticket) -> timedelta | None:
    at = Ticket.objects.values_list("first_staff_reply_at", flat=True).get(pk=ticket.pk)
    return None if at is None else at - ticket.created_at


def test_a_new_ticket_has_no_reply_yet(ticket):
    assert stored(ticket) is None


def test_the_first_public_staff_reply_is_stored(ticket, agent):
    reply(ticket, agent, 25)
    assert stored(ticket) == timedelta(minutes=25)


def test_later_replies_do_not_move_it(ticket, agent, other_agent, reporter):
    reply(ticket, agent, 25)
    reply(ticket, reporter, 30)
    reply(ticket, other_agent, 40)
    reply(ticket, agent, 50)
    assert stored(ticket) == timedelta(minutes=25)


def test_internal_notes_are_not_replies(ticket, agent):
    reply(ticket, agent, 5, is_internal=True)
    assert stored(ticket) is None
    reply(ticket, agent, 15)
    assert stored(ticket) == timedelta(minutes=15)


def test_the_reporters_own_messages_are_not_replies(ticket, reporter):
    reply(ticket, reporter, 5)
    assert stored(ticket) is None


def test_staff_reporting_their_own_issue_do_not_answer_themselves(agent, other_agent):
    ticket = make_ticket(agent)
    reply(ticket, agent, 5)
    assert stored(ticket) is None
    reply(ticket, other_agent, 90)
    assert stored(ticket) == timedelta(minutes=90)


def test_it_rides_in_the_replys_own_update(reporter, agent):
    ticket = make_ticket(reporter)
    with CaptureQueriesContext(connection) as first:
        services.post_message(actor=agent, ticket=ticket, body="First")
    with CaptureQueriesContext(connection) as later:
        services.post_message(actor=agent, ticket=ticket, body="Second")
    # No statement more than a later reply, which stores nothing.
    assert len(first) == len(later)


def old_median(days: int = dashboard.DAYS) -> tuple[timedelta | None, int]:
    """The dashboard's median as it was worked out before the time was stored:
    a look-up of each ticket's first public staff message (exact, in Python)."""
    first_reply = (
        Message.objects.filter(ticket=OuterRef("pk"), is_internal=False, author__is_staff=True)
        .exclude(author=OuterRef("reporter"))
        .order_by("created_at", "id")
        .values("created_at")[:1]
    )
    waits = sorted(
        wait
        for wait in Ticket.objects.filter(created_at__gte=dashboard._window_start(days))
        .annotate(wait=ExpressionWrapper(Subquery(first_reply) - F("created_at"), DurationField()))
        .values_list("wait", flat=True)
        if wait is not None
    )
    if not waits:
        return None, 0
    middle = waits[(len(waits) - 1) // 2 : len(waits) // 2 + 1]
    return sum(middle, timedelta()) / len(middle), len(waits)


def test_the_backfill_gives_the_median_the_messages_gave(reporter):
    rng = random.Random(18)
    staff = [StaffFactory(username=f"agent{i}") for i in range(3)]
    reporters = [reporter, UserFactory(username="bob"), staff[0]]
    start = timezone.now() - timedelta(days=40)
    for i in range(40):
        with clock(start + timedelta(days=i, hours=rng.randint(0, 20))):
            ticket = make_ticket(rng.choice(reporters))
        minute = 0
        for _ in range(rng.randint(0, 4)):
            minute += rng.randint(1, 600)
            author = rng.choice([ticket.reporter, *staff])
            internal = author.is_staff and rng.random() < 0.3
            reply(ticket, author, minute, is_internal=internal)
    expected = old_median()
    assert expected[1] >= 10
    assert dashboard.first_staff_reply(Ticket.objects.all()) == dashboard.FirstReply(*expected)
    kept = dict(Ticket.objects.values_list("pk", "first_staff_reply_at"))

    # As the column was when the migration added it: empty.
    Ticket.objects.update(first_staff_reply_at=None)
    migration = import_module("tickets.migrations.0013_backfill_first_staff_reply_at")
    batch, migration.BATCH = migration.BATCH, 7  # several batches, the last one partly empty
    try:
        migration.backfill(apps, SimpleNamespace(connection=connection))
    finally:
        migration.BATCH = batch
    assert dict(Ticket.objects.values_list("pk", "first_staff_reply_at")) == kept
    assert dashboard.first_staff_reply(Ticket.objects.all()) == dashboard.FirstReply(*expected)


def test_the_backfill_leaves_times_already_stored_alone(ticket, agent):
    reply(ticket, agent, 10)
    # A time the services stored (e.g. while the backfill ran) is the truth.
    Ticket.objects.update(first_staff_reply_at=ticket.created_at + timedelta(minutes=3))
    migration = import_module("tickets.migrations.0013_backfill_first_staff_reply_at")
    migration.backfill(apps, SimpleNamespace(connection=connection))
    assert stored(ticket) == timedelta(minutes=3)
