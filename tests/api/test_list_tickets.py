"""Listing tickets: GET /api/v1/tickets/ — who sees what, in which order, at what cost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.api.conftest import TICKETS, problem
from tests.factories import StaffFactory, UserFactory, make_ticket
from tickets.models import Ticket


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [t["id"] for t in response.json()["results"]]


def test_a_reporter_sees_only_their_own_tickets(as_reporter, reporter, other_user):
    mine = make_ticket(reporter)
    make_ticket(other_user)

    assert ids(as_reporter.get(TICKETS)) == [mine.pk]


def test_another_user_sees_none_of_alices(as_other_user, reporter):
    make_ticket(reporter)

    response = as_other_user.get(TICKETS)

    assert response.json() == {"next": None, "previous": None, "results": []}


def test_staff_see_every_ticket(as_agent, reporter, other_user):
    tickets = [make_ticket(reporter), make_ticket(other_user)]

    assert sorted(ids(as_agent.get(TICKETS))) == sorted(t.pk for t in tickets)


def test_it_requires_credentials(anon):
    problem(anon.get(TICKETS), 401, "not_authenticated")


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_it_rejects_other_methods(as_reporter, method):
    problem(getattr(as_reporter, method)(TICKETS, {}), 405, "method_not_allowed")


def _age(ticket: Ticket, *, created: int, updated: int) -> None:
    now = timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=now - timedelta(days=created), updated_at=now - timedelta(days=updated)
    )


@pytest.fixture
def three(reporter):
    """Tickets a, b, c: created oldest to newest, updated newest to oldest."""
    a = make_ticket(reporter, subject="a", priority="urgent")
    b = make_ticket(reporter, subject="b", priority="low")
    c = make_ticket(reporter, subject="c", priority="high")
    _age(a, created=3, updated=1)
    _age(b, created=2, updated=2)
    _age(c, created=1, updated=3)
    return a, b, c


def test_the_latest_activity_comes_first_by_default(as_reporter, three):
    a, b, c = three
    assert ids(as_reporter.get(TICKETS)) == [a.pk, b.pk, c.pk]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("created_at", "abc"),
        ("-created_at", "cba"),
        ("updated_at", "cba"),
        ("-updated_at", "abc"),
        # By rank: low < high < urgent, not alphabetically (high < low < urgent).
        ("priority", "bca"),
        ("-priority", "acb"),
    ],
)
def test_it_orders_by_an_allowed_field(as_reporter, three, ordering, expected):
    by_subject = {t.subject: t.pk for t in three}

    response = as_reporter.get(TICKETS, {"ordering": ordering})

    assert ids(response) == [by_subject[s] for s in expected]


def test_ties_are_broken_by_id(as_reporter, reporter):
    tickets = [make_ticket(reporter) for _ in range(4)]
    Ticket.objects.update(updated_at=timezone.now())

    newest_first = ids(as_reporter.get(TICKETS))
    oldest_first = ids(as_reporter.get(TICKETS, {"ordering": "updated_at"}))

    assert newest_first == [t.pk for t in reversed(tickets)]
    assert oldest_first == [t.pk for t in tickets]


@pytest.mark.parametrize(
    "ordering", ["subject", "priority_rank", "reporter__password", "-", "--created_at", "id"]
)
def test_any_other_ordering_is_refused(as_reporter, ordering):
    body = problem(as_reporter.get(TICKETS, {"ordering": ordering}), 400, "invalid")

    assert "ordering" in body["errors"]


@pytest.mark.parametrize("page_size", ["0", "101", "-1", "abc", "1.5", "9" * 30, "٣"])
def test_a_page_size_out_of_range_is_refused(as_reporter, page_size):
    body = problem(as_reporter.get(TICKETS, {"page_size": page_size}), 400, "invalid")

    assert "page_size" in body["errors"]


@pytest.mark.parametrize("digits", [7, 5000])
def test_a_page_size_of_thousands_of_digits_is_a_400(as_reporter, digits):
    response = as_reporter.get("/api/v1/tickets/", {"page_size": "9" * digits})
    assert response.status_code == 400
    assert response.json()["errors"]["page_size"]


@pytest.mark.parametrize("page_size", [1, 100])
def test_a_page_costs_two_queries_whatever_its_size(as_agent, django_assert_num_queries, page_size):
    for n in range(3):
        reporter = UserFactory()
        assignee = StaffFactory()
        for _ in range(40):
            make_ticket(reporter, assignee=assignee if n else None)
    as_agent.get("/api/v1/me/")  # records the token's last use, at most once a minute

    # Expect 2 queries: the token with its user; one page of tickets with
    # reporters and assignees joined (and one row more, to know if there is a next page).
    with django_assert_num_queries(2):
        response = as_agent.get(TICKETS, {"page_size": page_size, "ordering": "-priority"})

    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize("page_size", [1, 100])
def test_a_filtered_page_costs_two_queries_too(
    as_reporter, reporter, agent, django_assert_num_queries, page_size
):
    for _ in range(120):
        make_ticket(reporter, assignee=agent, status="open")
    as_reporter.get("/api/v1/me/")

    # Expect 2 queries: the token with its user; one page of tickets. On
    # PostgreSQL, 3: full-text search first probes how many tickets match.
    with django_assert_num_queries(3 if connection.vendor == "postgresql" else 2):
        response = as_reporter.get(
            TICKETS,
            {"page_size": page_size, "status": "open,new", "q": "printer", "assignee": agent.pk},
        )

    assert len(response.json()["results"]) == page_size
    assert response.json()["next"]


def test_a_browser_session_page_costs_three_queries(client, reporter, django_assert_num_queries):
    make_ticket(reporter)
    client.force_login(reporter)

    # Expect 3 queries: the session, its user, one page of tickets.
    with django_assert_num_queries(3):
        response = client.get(TICKETS)

    assert response.status_code == 200
