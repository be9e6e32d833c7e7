"""Cursor pages: every ticket exactly once, in order, even while tickets arrive."""

from __future__ import annotations

import base64
import json

import pytest
from django.utils import timezone

from tests.api.conftest import TICKETS, problem
from tests.factories import make_ticket
from tickets.models import Ticket


def walk(client, url, params=None, *, on_page=None, direction="next"):
    """Follow the links from the first page; return the ids seen, page by page."""
    pages = []
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([t["id"] for t in body["results"]])
        if on_page:
            on_page()
        if not body[direction]:
            return pages
        assert body[direction].startswith("http://testserver/api/v1/")
        response = client.get(body[direction])


@pytest.mark.parametrize("ordering", ["-updated_at", "created_at", "-created_at", "priority"])
def test_walking_the_pages_sees_every_ticket_once_while_new_ones_arrive(
    as_reporter, reporter, ordering
):
    priorities = ["low", "normal", "high", "urgent"]
    before = [make_ticket(reporter, priority=priorities[n % 4]) for n in range(23)]

    def someone_reports():
        make_ticket(reporter, priority="urgent")

    pages = walk(
        as_reporter, TICKETS, {"page_size": 5, "ordering": ordering}, on_page=someone_reports
    )

    seen = [pk for page in pages for pk in page]
    assert len(seen) == len(set(seen)), "a ticket was shown twice"
    assert {t.pk for t in before} <= set(seen), "a ticket was missed"
    assert all(len(page) <= 5 for page in pages)


def test_pages_are_stable_when_many_tickets_share_a_sort_value(as_reporter, reporter):
    tickets = [make_ticket(reporter, priority="normal") for _ in range(12)]
    Ticket.objects.update(updated_at=timezone.now())

    pages = walk(as_reporter, TICKETS, {"page_size": 5, "ordering": "-priority"})

    assert [len(p) for p in pages] == [5, 5, 2]
    assert [pk for page in pages for pk in page] == sorted((t.pk for t in tickets), reverse=True)


def test_previous_links_walk_back_to_the_first_page(as_reporter, reporter):
    for _ in range(11):
        make_ticket(reporter)
    forward = walk(as_reporter, TICKETS, {"page_size": 4})
    last_page = as_reporter.get(TICKETS, {"page_size": 4})
    while last_page.json()["next"]:
        last_page = as_reporter.get(last_page.json()["next"])

    backward = [[t["id"] for t in last_page.json()["results"]]]
    previous = last_page.json()["previous"]
    while previous:
        body = as_reporter.get(previous).json()
        backward.append([t["id"] for t in body["results"]])
        previous = body["previous"]

    assert list(reversed(backward)) == forward
    first = as_reporter.get(TICKETS, {"page_size": 4}).json()
    assert first["previous"] is None


def test_links_keep_the_filters_and_ordering(as_reporter, reporter):
    for _ in range(3):
        make_ticket(reporter, priority="high")
    make_ticket(reporter, priority="low")

    body = as_reporter.get(TICKETS, {"page_size": 2, "priority": "high", "ordering": "priority"})

    assert "priority=high" in body.json()["next"]
    assert "ordering=priority" in body.json()["next"]
    assert "page_size=2" in body.json()["next"]


def _cursor(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "%%%",
        _cursor({"d": "n", "o": "-updated_at", "v": "not a date", "i": 1}),
        _cursor({"d": "n", "o": "-updated_at", "v": "2026-01-01T00:00:00", "i": 1}),
        _cursor({"d": "x", "o": "-updated_at", "v": "2026-01-01T00:00:00Z", "i": 1}),
        _cursor({"d": "n", "o": "-updated_at", "v": "2026-01-01T00:00:00Z", "i": "1"}),
        _cursor({"d": "n", "o": "-updated_at", "v": "2026-01-01T00:00:00Z", "i": 10**30}),
        _cursor({"d": "n", "o": "-updated_at", "v": "2026-01-01T00:00:00\x00", "i": 1}),
        _cursor({"d": "n", "o": "-updated_at", "v": "0001-01-01T00:00:00+05:00", "i": 1}),
        _cursor({"d": "n", "o": "-updated_at"}),
        _cursor([1, 2]),
        _cursor({"d": "n", "o": "priority", "v": 1, "i": 1}),
    ],
)
def test_a_cursor_that_was_not_given_out_is_refused(as_reporter, reporter, cursor):
    make_ticket(reporter)

    body = problem(as_reporter.get(TICKETS, {"cursor": cursor}), 400, "invalid")

    assert "cursor" in body["errors"]


def test_a_priority_cursor_must_hold_a_rank(as_reporter, reporter):
    cursor = _cursor({"d": "n", "o": "priority", "v": "high", "i": 1})

    body = problem(as_reporter.get(TICKETS, {"cursor": cursor, "ordering": "priority"}), 400)

    assert "cursor" in body["errors"]
