from __future__ import annotations

import pytest
from django.db import connection

from tests.factories import make_ticket
from tickets import search
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_search_matches_words_in_any_order_in_subject_or_description(reporter):
    vpn = make_ticket(reporter, subject="VPN drops", description="every hour on the wifi")
    make_ticket(reporter, subject="Printer jam", description="tray two")
    found = search.find(Ticket.objects.all(), "wifi vpn")
    assert list(found) == [vpn]


def test_search_ignores_case_and_blank_queries(reporter):
    ticket = make_ticket(reporter, subject="Outlook password prompt")
    assert list(search.find(Ticket.objects.all(), "OUTLOOK")) == [ticket]
    assert search.find(Ticket.objects.all(), "   ").count() == 1


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL"
)


@postgres_only
def test_full_text_search_stems_english_words(reporter):
    ticket = make_ticket(reporter, subject="Printers keep jamming", description="Floor 3")
    assert list(search.find(Ticket.objects.all(), "printer jam")) == [ticket]


@postgres_only
def test_full_text_search_ranks_subject_matches_first(reporter):
    in_description = make_ticket(reporter, subject="Hardware", description="the monitor flickers")
    in_subject = make_ticket(reporter, subject="Monitor flickers", description="since Monday")
    found = search.find(Ticket.objects.all(), "monitor", by_relevance=True)
    assert list(found) == [in_subject, in_description]


@postgres_only
def test_full_text_search_follows_edits(reporter, agent):
    from tickets import services

    ticket = make_ticket(reporter, subject="Keyboard", description="keys stick")
    services.modify_ticket(actor=agent, ticket=ticket, subject="Trackpad")
    assert list(search.find(Ticket.objects.all(), "trackpad")) == [ticket]
    assert list(search.find(Ticket.objects.all(), "keyboard")) == []


@postgres_only
def test_full_text_search_accepts_any_punctuation(reporter):
    make_ticket(reporter)
    for q in ['"unterminated', "a & b | !c", "(((", "':*", "-", "\\"]:
        list(search.find(Ticket.objects.all(), q))


@postgres_only
def test_the_search_index_exists_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'tickets_ticket_search'")
        (definition,) = cursor.fetchone()
    assert "gin (search_vector)" in definition


@postgres_only
@pytest.mark.parametrize("probe", [1, 1000])
def test_search_finds_the_same_tickets_with_few_or_many_matches(reporter, monkeypatch, probe):
    # Few matches are listed from the full-text index; many, by walking the
    # list's order. Either way the same tickets, in the caller's order.
    monkeypatch.setattr(search, "SEARCH_PROBE", probe)
    older = make_ticket(reporter, subject="Printer jams", description="tray 2")
    newer = make_ticket(reporter, subject="Printers again", description="tray 1")
    make_ticket(reporter, subject="Keyboard", description="sticky keys")
    found = search.find(Ticket.objects.order_by("-updated_at", "-id"), "printer")
    assert list(found) == [newer, older]
    ranked = search.find(Ticket.objects.all(), "printer tray", by_relevance=True)
    assert set(ranked) == {newer, older}


def test_a_search_of_no_tickets_finds_none_with_or_without_kept_probes(reporter):
    make_ticket(reporter, subject="Printer jam")
    for probes in (None, {}):
        found, _ = search.find_all(Ticket.objects.none(), "printer", probes=probes)
        assert list(found) == []


@postgres_only
def test_kept_probes_answer_the_same_search_again_without_asking(reporter):
    printer = make_ticket(reporter, subject="Printer jam")
    probes: dict = {}
    first, _ = search.find_all(Ticket.objects.all(), "printer", probes=probes)
    assert list(first) == [printer]
    assert len(probes) == 1
    make_ticket(reporter, subject="Printer again")
    again, rankable = search.find_all(Ticket.objects.all(), "printer", probes=probes)
    # Within one request the answer stands, as the list and its counts must agree.
    assert list(again) == [printer]
    assert rankable
