"""The API's JSON is byte for byte what DRF's JSONRenderer writes.

api.renderers.JSONRenderer writes it with orjson, for speed. Each test renders
the same data with both and compares the bytes: every body the API serves for a
sample of tickets, messages and events with awkward text, and values of every
kind DRF's encoder knows.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework import renderers
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from api.renderers import JSONRenderer
from tests.api.conftest import TICKETS, events_url, messages_url, ticket_url
from tests.factories import make_ticket
from tickets import services
from tickets.models import Ticket

AWKWARD = (
    'Quotes " and \\ backslashes, </script>, tabs\tand\nnewlines, \x01\x1f\x7f, '
    "\u2028 line and \u2029 paragraph separators, \u00e9t\u00e9, \u4e2d\u6587, \U0001f5a8, "
    "\ufeff, \u200b"
)


def drf(data, accepted_media_type=None, renderer_context=None) -> bytes:
    return renderers.JSONRenderer().render(data, accepted_media_type, renderer_context)


def ours(data, accepted_media_type=None, renderer_context=None) -> bytes:
    return JSONRenderer().render(data, accepted_media_type, renderer_context)


@pytest.mark.django_db
def test_every_body_of_a_sample_of_tickets_messages_and_events_is_drfs(
    as_agent, as_reporter, reporter, agent
):
    tickets = [
        make_ticket(
            reporter,
            subject=f'Ticket {n}: "quotes", \\, \u00e9t\u00e9 \U0001f5a8',
            description=AWKWARD[: 40 * (n + 1)],
        )
        for n in range(4)
    ]
    busy = services.modify_ticket(actor=agent, ticket=tickets[0], assignee=agent)
    services.post_message(actor=reporter, ticket=busy, body=AWKWARD)
    services.post_message(actor=agent, ticket=busy, body="Note \u2028 x", is_internal=True)
    busy.refresh_from_db()
    services.change_status(actor=agent, ticket=busy, status="resolved")
    Ticket.objects.filter(pk=tickets[1].pk).update(
        created_at=datetime(2025, 3, 30, 0, 59, 59, tzinfo=UTC)
    )
    urls = [
        TICKETS,
        f"{TICKETS}?page_size=2",
        f"{TICKETS}?status=resolved",
        *(ticket_url(t) for t in tickets),
        messages_url(busy),
        events_url(busy),
        "/api/v1/me/",
        "/api/v1/staff/",
    ]
    checked = 0
    for client in (as_agent, as_reporter):
        for url in urls:
            response = client.get(url)
            if response.status_code != 200:
                continue
            assert response.content == drf(response.data), url
            checked += 1
    assert checked >= 15
    # The awkward text made it through, escaped as DRF escapes it.
    assert b"\\u2028 line and \\u2029" in as_agent.get(messages_url(busy)).content


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        0,
        -(2**63),
        2**64 - 1,
        1.5,
        0.1 + 0.2,
        "",
        AWKWARD,
        [],
        {},
        {"nested": [{"a": [1, "b", None]}], "order": "kept", "after": 1},
        datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
        datetime(2026, 1, 5, 9, 30, 0, 123456, tzinfo=UTC),
        datetime(2026, 1, 5, 9, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        datetime(2026, 1, 5, 9, 30),
        date(2026, 1, 5),
        time(9, 30, 15, 250000),
        Decimal("12.50"),
        uuid.UUID("12345678-1234-5678-1234-567812345678"),
        gettext_lazy("Not found."),
        Ticket.Status.OPEN,
        (1, 2),
        ReturnDict({"id": 1}, serializer=None),
        ReturnList([{"id": 1}], serializer=None),
        # What orjson refuses goes to DRF's renderer.
        {1: "an integer key"},
        2**64,
    ],
)
def test_values_of_every_kind_render_as_drf_renders_them(value):
    assert ours({"value": value}) == drf({"value": value})


def test_asking_for_indentation_is_still_answered_by_drf():
    data = {"a": [1, 2]}
    media = "application/json; indent=4"

    assert ours(data, media) == drf(data, media)
    assert b"\n    " in ours(data, media)


def test_no_body_renders_as_nothing():
    assert ours(None) == drf(None) == b""


def test_a_value_neither_can_write_is_refused_by_both():
    with pytest.raises(TypeError):
        drf({"value": object()})
    with pytest.raises(TypeError):
        ours({"value": object()})
