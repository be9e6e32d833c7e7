from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from tickets.models import Message, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def development(settings):
    settings.DEBUG = True


def run() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_loads_users_and_tickets_in_every_status():
    output = run()
    assert "helpdesk-demo" in output and "alice" in output and "sam" in output
    assert User.objects.get(username="sam").is_staff
    assert not User.objects.get(username="alice").is_staff
    assert 25 <= Ticket.objects.count() <= 35
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Ticket.Status.values)
    assert Message.objects.filter(is_internal=True).exists()
    assert Message.objects.filter(is_internal=False).exists()
    # Made through the services: every ticket has its created event, and its
    # version counts the changes recorded for it.
    for ticket in Ticket.objects.all():
        assert TicketEvent.objects.filter(ticket=ticket, kind="created").count() == 1


def test_running_it_twice_adds_nothing():
    run()
    counts = (User.objects.count(), Ticket.objects.count(), Message.objects.count())
    output = run()
    assert "already loaded" in output
    assert (User.objects.count(), Ticket.objects.count(), Message.objects.count()) == counts


def test_it_refuses_to_make_its_known_superuser_in_production(settings):
    from django.core.management import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=True"):
        run()
    assert not User.objects.exists()
