"""The ticket list is read as rows, and answers exactly what it answered from models.

The list reads its page with `values_list` by a plan derived from the
serializer's fields (api/rows.py) rather than as Ticket and User instances:
building them was a third of the list's time at a million tickets
(docs/BENCHMARKS.md). Each test here fetches the same lists twice, once as
served and once with the plan switched off (models, as before), and compares
the bodies, page links included.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db.models.signals import post_init
from django.utils import timezone
from rest_framework import serializers

from api import rows
from tests.api.conftest import TICKETS, ticket_url
from tests.factories import make_ticket
from tests.files import content, png_bytes
from tickets import services
from tickets.api.serializers import TicketSerializer
from tickets.models import Ticket


@pytest.fixture
def models_only(monkeypatch):
    """Switch the rows off: the list reads Ticket instances, as it did before."""

    def switch_off():
        monkeypatch.setattr(rows, "columns_for", lambda serializer: None)

    return switch_off


@pytest.fixture
def varied_tickets(reporter, other_user, agent, monkeypatch):
    """Tickets with every kind of value the list shows."""
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 6, 1, 9, tzinfo=UTC))
    with_file = services.report_issue(
        reporter=reporter,
        subject="Scanner <script>alert(1)</script> \u2013 \u00e9t\u00e9 \U0001f5a8",
        description="Line one\n\nline \"two\" & 'three'",
        priority="urgent",
        files=[content("r.png", png_bytes()), content("notes.txt", b"n")],
    )
    assigned = services.report_issue(reporter=reporter, description="Assigned", priority="high")
    services.modify_ticket(actor=agent, ticket=assigned, assignee=agent)
    services.reply_and_modify(actor=agent, ticket=assigned, body="Which one?", status="pending")
    resolved = make_ticket(reporter, subject="Resolved one")
    services.change_status(actor=agent, ticket=resolved, status="resolved")
    make_ticket(other_user, subject="Someone else's", priority="low")
    make_ticket(agent, subject="Staff reported it themselves")
    # Later: the first ticket's due times have passed (breached, for staff).
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 6, 3, 9, tzinfo=UTC))
    return with_file


LISTS = [
    TICKETS,
    f"{TICKETS}?page_size=2",
    f"{TICKETS}?status=open&status=pending",
    f"{TICKETS}?priority=urgent",
    f"{TICKETS}?ordering=priority&page_size=2",
    f"{TICKETS}?ordering=-created_at",
    f"{TICKETS}?q=scanner&ordering=-relevance",
    f"{TICKETS}?assignee=none",
]


def _walk(client, url: str) -> list:
    """Every page of a list, following its next links, then the first page's previous."""
    bodies = []
    while url and len(bodies) < 10:
        answer = client.get(url)
        assert answer.status_code == 200, (url, answer.content)
        bodies.append(answer.json())
        url = bodies[-1]["next"]
    if bodies[-1]["previous"]:
        bodies.append(client.get(bodies[-1]["previous"]).json())
    return bodies


def _all_lists(client) -> list:
    return [_walk(client, url) for url in LISTS]


@pytest.mark.parametrize("time_zone", ["UTC", "America/St_Johns"])
def test_staff_lists_are_what_the_models_gave(
    settings, time_zone, as_agent, varied_tickets, models_only
):
    settings.TIME_ZONE = time_zone
    served = _all_lists(as_agent)
    models_only()

    assert served == _all_lists(as_agent)
    # The comparison covers the values that matter.
    listed = served[0][0]["results"]
    assert len(listed) == 5
    assert {t["assignee"] is None for t in listed} == {True, False}
    first = next(t for t in listed if t["id"] == varied_tickets.pk)
    assert [a["filename"] for a in first["attachments"]] == ["r.png", "notes.txt"]
    assert first["sla"]["breached"] and first["sla"]["policy"] == "Urgent"
    assert any(t["sla"]["paused"] for t in listed)
    assert len(served[1]) > 2  # paged through, links compared


def test_reporter_lists_are_what_the_models_gave(as_reporter, varied_tickets, models_only):
    served = _all_lists(as_reporter)
    models_only()

    assert served == _all_lists(as_reporter)
    listed = served[0][0]["results"]
    assert len(listed) == 3
    assert all("sla" not in t for t in listed)
    assert {tuple(t["allowed_transitions"]) for t in listed} >= {("resolved",), ("open",)}


def _tickets_one_by_one(client) -> list:
    answers = [client.get(ticket_url(ticket)) for ticket in Ticket.objects.order_by("id")]
    # A 404's problem names its request (a new id each time): its status is compared.
    return [
        (a.status_code, a.headers.get("ETag"), a.content if a.status_code == 200 else None)
        for a in answers
    ]


def test_each_ticket_is_what_the_model_gave(as_agent, as_reporter, varied_tickets, models_only):
    served = [_tickets_one_by_one(client) for client in (as_agent, as_reporter)]
    models_only()

    assert served == [_tickets_one_by_one(client) for client in (as_agent, as_reporter)]
    # Staff see all five, the reporter her three and 404 for the others.
    assert [status for status, _, _ in served[0]] == [200] * 5
    assert sorted(status for status, _, _ in served[1]) == [200, 200, 200, 404, 404]


def test_an_unchanged_ticket_is_304_read_as_a_row(as_agent, varied_tickets):
    first = as_agent.get(ticket_url(varied_tickets))
    again = as_agent.get(ticket_url(varied_tickets), HTTP_IF_NONE_MATCH=first.headers["ETag"])

    assert again.status_code == 304
    assert again.headers["ETag"] == first.headers["ETag"] == f'"{varied_tickets.version}"'


def test_the_list_builds_no_ticket_or_user_instances(as_agent, varied_tickets):
    built = []

    def count(sender, **kwargs):
        built.append(sender.__name__)

    post_init.connect(count)
    try:
        answer = as_agent.get(TICKETS)
        one = as_agent.get(ticket_url(varied_tickets))
    finally:
        post_init.disconnect(count)

    assert len(answer.json()["results"]) == 5
    assert one.json()["id"] == varied_tickets.pk
    assert "Ticket" not in built
    assert built.count("User") <= 2  # the caller's own, at most, per request


class _Unplanned(TicketSerializer):
    mood = serializers.SerializerMethodField()

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "mood"]

    def get_mood(self, ticket: Ticket) -> str:
        return "fine"


def test_a_field_that_does_not_say_what_it_reads_falls_back_to_models(rf, agent):
    request = rf.get("/")
    request.user = agent

    assert rows.columns_for(TicketSerializer(context={"request": request})) is not None
    assert rows.columns_for(_Unplanned(context={"request": request})) is None
