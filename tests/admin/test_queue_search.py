"""Searching the queue by number, words, or the reporter's username or email."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.admin.conftest import QUEUE
from tests.factories import UserFactory, make_ticket
from tickets import search

pytestmark = pytest.mark.django_db


def found(client, q: str) -> set[int]:
    response = client.get(QUEUE, {"q": q})
    assert response.status_code == 200
    return {t.pk for t in response.context["cl"].result_list}


@pytest.fixture
def tickets(reporter, other_user):
    bob = UserFactory(username="bob", email="Bob.Builder@Example.com")
    return {
        "vpn": make_ticket(reporter, subject="VPN drops", description="Every hour on the hour."),
        "printer": make_ticket(other_user, subject="Printer jam", description="Tray 2 again."),
        "badge": make_ticket(bob, subject="Badge", description="Garage door will not open."),
    }


def test_by_number(as_agent, tickets):
    assert found(as_agent, str(tickets["printer"].pk)) == {tickets["printer"].pk}


def test_by_number_with_a_hash(as_agent, tickets):
    assert found(as_agent, f"#{tickets['badge'].pk}") == {tickets["badge"].pk}


def test_a_bare_number_also_finds_it_in_the_text(as_agent, reporter, tickets):
    # The number as a word of its own, which both the contains match (SQLite)
    # and full-text search (PostgreSQL) find.
    extension = make_ticket(reporter, subject=f"Extension {tickets['vpn'].pk} is dead")
    number = str(tickets["vpn"].pk)
    assert found(as_agent, number) == {tickets["vpn"].pk, extension.pk}
    assert found(as_agent, f"#{number}") == {tickets["vpn"].pk}


def test_by_subject_words_in_any_case(as_agent, tickets):
    assert found(as_agent, "vpn") == {tickets["vpn"].pk}


def test_by_description_words(as_agent, tickets):
    assert found(as_agent, "garage") == {tickets["badge"].pk}


def test_every_word_must_match(as_agent, tickets):
    assert found(as_agent, "printer tray") == {tickets["printer"].pk}
    assert found(as_agent, "printer garage") == set()


def test_by_reporter_username(as_agent, tickets):
    assert found(as_agent, "Charlie") == {tickets["printer"].pk}


def test_by_reporter_email_in_any_case(as_agent, tickets):
    assert found(as_agent, "bob.builder@example.com") == {tickets["badge"].pk}


def test_a_partial_username_is_not_a_reporter_match(as_agent, tickets):
    assert found(as_agent, "charl") == set()


def test_nothing_found(as_agent, tickets):
    response = as_agent.get(QUEUE, {"q": "kettle"})
    assert list(response.context["cl"].result_list) == []
    assert "0 results" in response.content.decode()


def test_search_combines_with_filters(as_agent, reporter, tickets):
    done = make_ticket(reporter, subject="VPN again", status="closed")
    assert found(as_agent, "vpn") == {tickets["vpn"].pk, done.pk}
    response = as_agent.get(QUEUE, {"q": "vpn", "status": "active"})
    assert {t.pk for t in response.context["cl"].result_list} == {tickets["vpn"].pk}


def test_a_very_long_search_is_cut_not_refused(as_agent, tickets):
    assert found(as_agent, "vpn " + "x" * 5000) == set()
    assert as_agent.get(QUEUE, {"q": "a" * 5000}).status_code == 200


def test_the_search_box_takes_as_much_as_the_search_reads(as_agent):
    html = as_agent.get(QUEUE).content.decode()
    assert f'maxlength="{search.MAX_QUERY_LENGTH}" name="q"' in html


def test_the_search_term_is_escaped_on_the_page(as_agent, tickets):
    html = as_agent.get(QUEUE, {"q": '"><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)</script>" not in html


# --- in which order the matches come -------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="relevance ranking is PostgreSQL's full-text search"
)


def listed(client, **params) -> list[int]:
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    return [t.pk for t in response.context["cl"].result_list]


@pytest.fixture
def monitors(reporter):
    in_subject = make_ticket(reporter, subject="Monitor flickers", description="Since Monday.")
    # Newer, so the queue's own order (last update first) would list it first.
    in_description = make_ticket(reporter, subject="Hardware", description="The monitor flickers.")
    return in_subject, in_description


@postgres_only
def test_a_search_lists_the_best_matches_first(as_agent, monitors):
    in_subject, in_description = monitors
    assert listed(as_agent, q="monitor") == [in_subject.pk, in_description.pk]


@postgres_only
def test_a_column_sort_wins_over_relevance(as_agent, monitors):
    in_subject, in_description = monitors
    # Column 1 is the ticket number (column 0 holds the action checkboxes).
    assert listed(as_agent, q="monitor", o="-1") == [in_description.pk, in_subject.pk]


@postgres_only
def test_too_many_matches_to_rank_keep_the_queue_order(as_agent, monitors, monkeypatch):
    monkeypatch.setattr(search, "SEARCH_PROBE", 1)
    in_subject, in_description = monitors
    response = as_agent.get(QUEUE, {"q": "monitor"})
    assert [t.pk for t in response.context["cl"].result_list] == [in_description.pk, in_subject.pk]
    assert "More than 1 match: newest activity first." in response.content.decode()


@postgres_only
def test_a_search_that_names_a_reporter_keeps_the_queue_order(as_agent, reporter):
    # Bob's own tickets match by name, not by text: ranked they would all sink.
    bob = UserFactory(username="bob")
    mentions = make_ticket(reporter, subject="Bob's monitor", description="Dead pixels.")
    by_bob = make_ticket(bob, subject="Keyboard", description="Sticky keys.")
    assert listed(as_agent, q="bob") == [by_bob.pk, mentions.pk]


def test_the_page_says_when_matches_are_listed_best_first(as_agent, monitors):
    assert "Best matches first" in as_agent.get(QUEUE, {"q": "monitor"}).content.decode()
    assert "Best matches first" not in as_agent.get(QUEUE).content.decode()
    sorted_by_number = as_agent.get(QUEUE, {"q": "monitor", "o": "-1"}).content.decode()
    assert "Best matches first" not in sorted_by_number


@postgres_only
@pytest.mark.parametrize("params", [{}, {"status": "new"}])
def test_a_search_asks_the_full_text_index_once_per_page(as_agent, monitors, params):
    # The list and its status tabs need the same matches; a phrase search can
    # cost a quarter of a second at a million tickets, so not twice. With a
    # status filter the tabs need the other statuses' matches too: once more.
    with CaptureQueriesContext(connection) as queries:
        as_agent.get(QUEUE, {"q": "monitor", **params})
    probes = [q for q in queries.captured_queries if "@@" in q["sql"] and "LIMIT 1001" in q["sql"]]
    assert len(probes) == (1 if not params else 2)


@postgres_only
def test_counting_the_matches_does_not_rank_them(as_agent, monitors):
    # The queue counts up to 10,000 matches; scoring each would only slow it.
    with CaptureQueriesContext(connection) as queries:
        as_agent.get(QUEUE, {"q": "monitor"})
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(")]
    assert counts
    assert not [sql for sql in counts if "ts_rank" in sql]


def test_no_column_claims_the_order_of_a_search_listed_best_first(as_agent, monitors):
    # The column headers show which columns sort the list; relevance is none of them.
    assert "sorted descending" in as_agent.get(QUEUE).content.decode()
    ranked = as_agent.get(QUEUE, {"q": "monitor"}).content.decode()
    assert "Best matches first" in ranked
    assert "sorted descending" not in ranked
    by_number = as_agent.get(QUEUE, {"q": "monitor", "o": "-1"}).content.decode()
    assert "sorted descending" in by_number
