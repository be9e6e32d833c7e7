"""The API's answers are exactly what DRF's own serializers would give.

ReadOnlyRepresentation (api/representation.py) renders tickets, messages,
events and users without DRF's per-field machinery, for speed. Each test here
fetches the same resources twice, once as served and once with DRF's generic
`to_representation` and `get_fields` put back, and compares the bodies.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from rest_framework import serializers

from api.representation import ReadOnlyRepresentation
from tests.api.conftest import TICKETS, events_url, messages_url, ticket_url
from tests.factories import make_ticket
from tickets import services
from tickets.models import Ticket


@pytest.fixture
def drf_generic(monkeypatch):
    """Switch ReadOnlyRepresentation off: DRF renders every field itself."""

    def switch_off():
        monkeypatch.setattr(
            ReadOnlyRepresentation, "to_representation", serializers.Serializer.to_representation
        )
        monkeypatch.setattr(
            ReadOnlyRepresentation, "get_fields", serializers.ModelSerializer.get_fields
        )

    return switch_off


@pytest.fixture
def busy_ticket(reporter, agent):
    """A ticket with every kind of value: assigned, resolved, a note, odd timestamps."""
    ticket = make_ticket(reporter, subject="Printer <b>jams</b> \u2013 \u00e9t\u00e9 \U0001f5a8")
    ticket = services.modify_ticket(actor=agent, ticket=ticket, assignee=agent, priority="urgent")
    services.post_message(actor=reporter, ticket=ticket, body="It jams again.\n\nSee photo.")
    services.post_message(actor=agent, ticket=ticket, body="Vendor called.", is_internal=True)
    ticket.refresh_from_db()
    services.change_status(actor=agent, ticket=ticket, status="resolved")
    # A timestamp with no microseconds renders without a fraction: keep one such.
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=datetime(2025, 3, 30, 0, 59, 59, tzinfo=UTC)
    )
    return ticket


def _bodies(client, busy_ticket) -> list:
    urls = [
        TICKETS,
        f"{TICKETS}?status=resolved",
        ticket_url(busy_ticket),
        messages_url(busy_ticket),
        events_url(busy_ticket),
    ]
    answers = [client.get(url) for url in urls]
    assert all(a.status_code == 200 for a in answers), [a.status_code for a in answers]
    return [a.json() for a in answers]


@pytest.mark.parametrize("time_zone", ["UTC", "Europe/Paris", "America/St_Johns"])
def test_staff_answers_match_drf_in_any_time_zone(
    settings, time_zone, as_agent, busy_ticket, reporter, drf_generic
):
    settings.TIME_ZONE = time_zone
    make_ticket(reporter, subject="Unassigned and open")

    served = _bodies(as_agent, busy_ticket)
    drf_generic()
    generic = _bodies(as_agent, busy_ticket)

    assert served == generic
    # What is compared holds the values that matter: dates in the zone, nulls, notes.
    listed = served[0]["results"]
    assert {t["assignee"] is None for t in listed} == {True, False}
    assert served[2]["resolved_at"] is not None and served[2]["closed_at"] is None
    assert {m["is_internal"] for m in served[3]["results"]} == {True, False}
    if time_zone == "UTC":
        assert served[2]["created_at"] == "2025-03-30T00:59:59Z"
    else:
        assert not served[2]["created_at"].endswith("Z")


def test_reporter_answers_match_drf(as_reporter, busy_ticket, drf_generic):
    served = _bodies(as_reporter, busy_ticket)
    drf_generic()

    assert served == _bodies(as_reporter, busy_ticket)
    assert served[2]["allowed_transitions"] == ["open"]


def test_a_naive_or_far_date_still_goes_through_drf(reporter, drf_generic, rf):
    """Values the fast path does not expect fall back to the field, as DRF would do."""
    from tickets.api.serializers import TicketSerializer

    ticket = make_ticket(reporter)
    ticket.updated_at = datetime(2026, 1, 2, 3, 4, 5)  # naive: DRF makes it aware
    ticket.resolved_at = datetime(9999, 12, 31, 23, 0, tzinfo=UTC) - timedelta(hours=1)
    request = rf.get("/")
    request.user = reporter
    context = {"request": request}

    fast = TicketSerializer(ticket, context=context).data
    drf_generic()
    assert fast == TicketSerializer(ticket, context=context).data
