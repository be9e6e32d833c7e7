from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import make_ticket
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def subjects(response) -> list[str]:
    return [ticket.subject for ticket in response.context["tickets"]]


def counts(response) -> dict[str, int]:
    return {tab.key: count for tab, count in response.context["tabs"]}


@pytest.fixture
def one_of_each(reporter):
    return {
        status: make_ticket(reporter, status=status, subject=f"A {status} ticket")
        for status in Ticket.Status.values
    }


def test_it_lists_only_my_tickets(as_reporter, reporter, other_user):
    make_ticket(reporter, subject="Mine")
    make_ticket(other_user, subject="Charlie's")
    response = as_reporter.get("/tickets/")
    assert subjects(response) == ["Mine"]
    assertNotContains(response, "Charlie&#x27;s")


def test_staff_see_the_tickets_they_reported_themselves(as_agent, agent, reporter):
    # Staff work the whole queue in the staff console; here, like everyone,
    # they see what they reported.
    make_ticket(agent, subject="Sam's own laptop")
    make_ticket(reporter, subject="Alice's printer")
    assert subjects(as_agent.get("/tickets/")) == ["Sam's own laptop"]


def test_tabs_count_my_tickets_by_status(as_reporter, one_of_each, other_user):
    make_ticket(other_user, status="pending")
    response = as_reporter.get("/tickets/")
    assert counts(response) == {"open": 2, "waiting": 1, "solved": 1, "closed": 1, "all": 5}
    assertContains(response, 'Waiting on you <span class="count count-attention">1')


@pytest.mark.parametrize(
    ("tab", "expected"),
    [
        ("open", ["A open ticket", "A new ticket"]),
        ("waiting", ["A pending ticket"]),
        ("solved", ["A resolved ticket"]),
        ("closed", ["A closed ticket"]),
        (
            "all",
            [
                "A closed ticket",
                "A resolved ticket",
                "A pending ticket",
                "A open ticket",
                "A new ticket",
            ],
        ),
    ],
)
def test_each_tab_shows_its_statuses_newest_activity_first(as_reporter, one_of_each, tab, expected):
    response = as_reporter.get("/tickets/", {"tab": tab})
    assert subjects(response) == expected
    assertContains(response, 'aria-current="page">', count=2)  # the nav link and the tab


def test_the_open_tab_is_the_default_and_unknown_tabs_fall_back_to_it(as_reporter, one_of_each):
    assert response_tab(as_reporter.get("/tickets/")) == "open"
    assert response_tab(as_reporter.get("/tickets/", {"tab": "<script>"})) == "open"


def response_tab(response) -> str:
    return response.context["tab"].key


def test_recent_activity_comes_first(as_reporter, reporter):
    older = make_ticket(reporter, subject="Older")
    make_ticket(reporter, subject="Newer")
    Ticket.objects.filter(pk=older.pk).update(updated_at=timezone.now())
    assert subjects(as_reporter.get("/tickets/")) == ["Older", "Newer"]


def test_search_finds_words_in_subject_or_description_and_counts_the_matches(as_reporter, reporter):
    make_ticket(reporter, subject="VPN drops", description="every hour")
    make_ticket(reporter, subject="Printer", description="the vpn client is fine", status="closed")
    make_ticket(reporter, subject="Monitor flickers", description="left one")
    response = as_reporter.get("/tickets/", {"q": "VPN", "tab": "all"})
    assert sorted(subjects(response)) == ["Printer", "VPN drops"]
    assert counts(response) == {"open": 1, "waiting": 0, "solved": 0, "closed": 1, "all": 2}
    assertContains(response, 'value="VPN"')
    assertContains(response, "2 tickets matching")


def test_a_search_lists_the_best_matches_first(as_reporter, reporter):
    in_subject = make_ticket(reporter, subject="Monitor flickers", description="since Monday")
    in_description = make_ticket(reporter, subject="Hardware", description="the monitor flickers")
    response = as_reporter.get("/tickets/", {"q": "monitor", "tab": "all"})
    if connection.vendor == "postgresql":
        # The subject weighs more than the description, whatever changed last.
        assert subjects(response) == [in_subject.subject, in_description.subject]
    else:
        # No ranking on SQLite: the latest activity first, as without a search.
        assert subjects(response) == [in_description.subject, in_subject.subject]


def test_the_search_box_keeps_the_tab_and_bounds_the_query(as_reporter, reporter):
    make_ticket(reporter, subject="VPN drops")
    response = as_reporter.get("/tickets/", {"q": "vpn " + "x" * 5000, "tab": "all"})
    assert response.status_code == 200
    assert len(response.context["q"]) == 200
    assertContains(response, '<input type="hidden" name="tab" value="all">')


def test_a_nul_in_the_web_search_is_bad_input(reporter):
    # Refused before the view, as in every interface (tests/project/test_nul_in_query.py).
    make_ticket(reporter, subject="Printer on fire")
    client = Client(raise_request_exception=False)
    client.force_login(reporter)
    response = client.get("/tickets/", {"tab": "all", "q": "prin\x00ter"})
    assert response.status_code == 400


def test_an_unmatched_search_says_so(as_reporter, reporter):
    make_ticket(reporter, subject="VPN drops")
    response = as_reporter.get("/tickets/", {"q": "<b>printer</b>"})
    assertContains(response, "No matches here")
    assertContains(response, "&lt;b&gt;printer&lt;/b&gt;")
    assertNotContains(response, "<b>printer</b>")


def test_pages_hold_25_tickets(as_reporter, reporter):
    for i in range(27):
        make_ticket(reporter, subject=f"Ticket {i}")
    first = as_reporter.get("/tickets/")
    assert len(subjects(first)) == 25
    assert subjects(first)[0] == "Ticket 26"
    assertContains(first, "Page 1 of 2")
    assertContains(first, 'rel="next" href="?page=2"')
    second = as_reporter.get("/tickets/", {"page": 2})
    assert subjects(second) == ["Ticket 1", "Ticket 0"]
    # A page past the end shows the last one; junk shows the first.
    assert subjects(as_reporter.get("/tickets/", {"page": 99})) == ["Ticket 1", "Ticket 0"]
    assert len(subjects(as_reporter.get("/tickets/", {"page": "x"}))) == 25


def test_page_links_keep_the_tab_and_search(as_reporter, reporter):
    for i in range(26):
        make_ticket(reporter, subject=f"VPN {i}")
    response = as_reporter.get("/tickets/", {"tab": "all", "q": "vpn"})
    assertContains(response, 'rel="next" href="?tab=all&amp;q=vpn&amp;page=2"')


def test_the_query_count_does_not_grow_with_the_tickets(
    as_reporter, reporter, agent, django_assert_num_queries
):
    for i in range(30):
        make_ticket(reporter, subject=f"Ticket {i}", assignee=agent if i % 2 else None)
    # Expect 4 queries: the session, the user, every tab's count in one
    # aggregate, and the page of tickets with reporter and assignee joined; on
    # PostgreSQL one more, as full-text search first probes how many match.
    with django_assert_num_queries(5 if connection.vendor == "postgresql" else 4):
        response = as_reporter.get("/tickets/", {"tab": "all", "q": "ticket"})
    assert len(subjects(response)) == 25


def test_a_newcomer_is_invited_to_report_their_first_issue(as_reporter):
    response = as_reporter.get("/tickets/")
    assertContains(response, "No tickets yet")
    assertContains(response, 'href="/tickets/new/">Report your first issue</a>')
    assertNotContains(response, 'class="tabs"')


def test_an_empty_tab_says_what_it_would_hold(as_reporter, reporter):
    make_ticket(reporter, status="resolved")
    assertContains(as_reporter.get("/tickets/", {"tab": "waiting"}), "Nothing is waiting on you")


def test_rows_link_to_the_ticket_and_show_status_as_text(as_reporter, reporter):
    ticket = make_ticket(reporter, status="pending", subject="Need info")
    response = as_reporter.get("/tickets/", {"tab": "waiting"})
    assertContains(response, f'<a class="ticket-link" href="/tickets/{ticket.pk}/">Need info</a>')
    html = response.content.decode()
    assert re.search(r'class="badge badge-pending">.*?Waiting on you</span>', html, re.S)


def test_it_rejects_post(as_reporter):
    assert as_reporter.post("/tickets/").status_code == 405
