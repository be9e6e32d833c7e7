"""The ticket queue: columns, order, paging, counts per status, and its cost."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.admin.conftest import QUEUE, clock
from tests.factories import UserFactory, make_ticket
from tickets import dashboard, services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def rows(response) -> list[Ticket]:
    return list(response.context["cl"].result_list)


def test_the_queue_shows_what_staff_triage_by(as_agent, reporter, agent):
    ticket = make_ticket(
        reporter, subject="VPN drops hourly", status="pending", priority="urgent", assignee=agent
    )
    response = as_agent.get(QUEUE)
    assert response.context["title"] == "Ticket queue"
    html = response.content.decode()
    for header in ("Subject", "Reporter", "Status", "Priority", "Assignee", "Last update", "Age"):
        assert f">{header}<" in html or f">{header}</a>" in html, header
    assert f"#{ticket.pk}" in html
    assert "VPN drops hourly" in html
    assert '<span class="hd-badge hd-status-pending">Pending</span>' in html
    assert '<span class="hd-badge hd-priority-urgent">Urgent</span>' in html
    assert '<td class="field-reporter nowrap">alice</td>' in html
    assert '<td class="field-assignee_name">sam</td>' in html


def test_unassigned_tickets_say_so(as_agent, ticket):
    assert "Unassigned" in as_agent.get(QUEUE).content.decode()


def test_the_newest_activity_comes_first(as_agent, reporter, agent):
    old, new = make_ticket(reporter, subject="old"), make_ticket(reporter, subject="new")
    assert rows(as_agent.get(QUEUE)) == [new, old]
    services.post_message(actor=agent, ticket=old, body="Looking")
    assert rows(as_agent.get(QUEUE)) == [old, new]


def test_the_queue_sorts_by_priority_rank_not_alphabet(as_agent, reporter):
    for priority in ("normal", "urgent", "low", "high"):
        make_ticket(reporter, priority=priority)
    column = 5  # "#", subject, reporter, status, priority (1-based, after the checkbox)
    listed = rows(as_agent.get(QUEUE, {"o": f"-{column}"}))
    assert [t.priority for t in listed] == ["urgent", "high", "normal", "low"]


def test_age_sorts_youngest_first(as_agent, reporter):
    now = timezone.now()
    with clock(now - timedelta(days=3)):
        older = make_ticket(reporter, subject="older")
    with clock(now - timedelta(days=1)):
        younger = make_ticket(reporter, subject="younger")
    listed = rows(as_agent.get(QUEUE, {"o": "8"}))
    assert listed == [younger, older]
    assert "3\xa0days" in as_agent.get(QUEUE).content.decode()


def test_subjects_and_names_are_escaped(as_agent, db):
    mallory = UserFactory(username="mallory")
    make_ticket(mallory, subject="<script>alert(1)</script>")
    html = as_agent.get(QUEUE).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_fifty_tickets_a_page(as_agent, reporter):
    for _ in range(51):
        make_ticket(reporter)
    first = as_agent.get(QUEUE)
    assert len(rows(first)) == 50
    assert len(rows(as_agent.get(QUEUE, {"p": 2}))) == 1
    assert "51 tickets" in first.content.decode()


def status_tabs(response) -> dict[str, str]:
    return {tab["label"]: str(tab["count"]) for tab in response.context["status_tabs"]}


def test_counts_per_status_are_shown_above_the_list(as_agent, reporter, agent):
    for status in ("new", "new", "open", "pending", "resolved", "closed", "closed", "closed"):
        make_ticket(reporter, status=status)
    response = as_agent.get(QUEUE)
    assert status_tabs(response) == {
        "All": "None",
        "Active": "4",
        "New": "2",
        "Open": "1",
        "Pending": "1",
        "Resolved": "1",
        "Closed": "3",
    }
    html = response.content.decode()
    assert re.search(r'hd-status-closed">Closed</span>\s*<span class="hd-tab-count">3</span>', html)


def test_the_counts_follow_the_other_filters_but_not_the_status(as_agent, reporter, agent):
    make_ticket(reporter, status="open", assignee=agent)
    make_ticket(reporter, status="open")
    make_ticket(reporter, status="pending", assignee=agent)
    response = as_agent.get(QUEUE, {"assignee": "me", "status": "open"})
    assert len(rows(response)) == 1
    counts = status_tabs(response)
    assert (counts["Open"], counts["Pending"], counts["Active"]) == ("1", "1", "2")
    current = [tab["label"] for tab in response.context["status_tabs"] if tab["current"]]
    assert current == ["Open"]


def test_a_status_tab_keeps_the_other_filters(as_agent, ticket):
    response = as_agent.get(QUEUE, {"assignee": "me", "p": "1"})
    pending = next(t for t in response.context["status_tabs"] if t["label"] == "Pending")
    assert pending["url"] == "?assignee=me&status=pending"


def test_counts_stop_at_the_cap(as_agent, reporter, monkeypatch):
    monkeypatch.setattr(dashboard, "COUNT_CAP", 3)
    monkeypatch.setattr("tickets.admin.queue.cap_for_page", lambda page, per_page: 3)
    for _ in range(5):
        make_ticket(reporter)
    response = as_agent.get(QUEUE)
    assert status_tabs(response)["New"] == "3+"
    html = response.content.decode()
    assert "3+ tickets" in html
    assert response.context["cl"].paginator.capped


def test_with_a_search_the_counts_stop_sooner(as_agent, reporter, monkeypatch):
    monkeypatch.setattr(dashboard, "SEARCH_COUNT_CAP", 2)
    for _ in range(3):
        make_ticket(reporter, subject="Printer jams")
    make_ticket(reporter, subject="Printer jams", status="open")
    make_ticket(reporter, subject="VPN drops")

    searched = status_tabs(as_agent.get(QUEUE, {"q": "printer"}))
    unsearched = status_tabs(as_agent.get(QUEUE))

    assert (searched["New"], searched["Open"], searched["Active"]) == ("2+", "1", "3+")
    assert (unsearched["New"], unsearched["Active"]) == ("4", "5")


def test_the_queue_never_counts_the_whole_table(as_agent, reporter):
    for _ in range(3):
        make_ticket(reporter)
    with CaptureQueriesContext(connection) as queries:
        as_agent.get(QUEUE, {"status": "active", "q": "printer"})
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts, "expected the bounded counts"
    for sql in counts:
        # Every count reads a LIMITed subquery, never the table itself.
        assert sql.upper().count("COUNT(") == sql.upper().count("LIMIT"), sql


def test_the_queue_costs_the_same_queries_for_fifty_rows(
    as_agent, django_assert_num_queries, agent, other_agent
):
    reporters = [UserFactory() for _ in range(5)]
    for i in range(60):
        make_ticket(
            reporters[i % 5],
            status=["new", "open", "pending"][i % 3],
            assignee=[None, agent, other_agent][i % 3],
        )
    as_agent.get(QUEUE)  # warm the per-process caches (content types)
    # Expect 8 queries: session, user, the user's permissions, their groups'
    # permissions, active staff (assignee filter), the bounded count, the page
    # of 50 tickets with reporter and assignee, the counts per status.
    with django_assert_num_queries(8):
        response = as_agent.get(QUEUE)
    assert len(rows(response)) == 50


def test_the_queue_refuses_other_methods(as_agent):
    assert as_agent.put(QUEUE).status_code == 405
    assert as_agent.delete(QUEUE).status_code == 405


def count_statements(client, query=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(QUEUE, query or {})
    return sum("AS bounded), (SELECT COUNT(*)" in q["sql"] for q in queries.captured_queries)


def test_the_status_counts_are_kept_a_few_seconds_when_asked(as_agent, reporter, settings):
    settings.HELPDESK_QUEUE_COUNTS_CACHE_SECONDS = 5
    start = timezone.now()
    make_ticket(reporter, status="open")
    with clock(start):
        assert count_statements(as_agent) == 1
        assert count_statements(as_agent) == 0
        # Another list (here, another filter) is counted for itself.
        assert count_statements(as_agent, {"assignee": "none"}) == 1
        make_ticket(reporter, status="open")
        # Within the seconds, a new ticket may be missing from the counts...
        assert status_tabs(as_agent.get(QUEUE))["Open"] == "1"
        # ...but never from the list.
        assert len(rows(as_agent.get(QUEUE))) == 2
    with clock(start + timedelta(seconds=5)):
        assert status_tabs(as_agent.get(QUEUE))["Open"] == "2"


def test_without_the_setting_the_status_counts_are_read_on_every_visit(as_agent, settings):
    settings.HELPDESK_QUEUE_COUNTS_CACHE_SECONDS = 0
    assert count_statements(as_agent) == 1
    assert count_statements(as_agent) == 1
