"""Service levels in the API: the `sla` object for staff, nothing for reporters, ?sla= filters."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from tests.api.conftest import TICKETS, problem, ticket_url
from tickets import services


@pytest.fixture
def monday_9am(monkeypatch):
    moment = {"now": datetime(2026, 6, 1, 9, tzinfo=UTC)}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])
    return moment


def report(reporter, priority="urgent"):
    return services.report_issue(reporter=reporter, description="Down", priority=priority)


def test_staff_see_the_service_levels_of_a_ticket(as_agent, reporter, monday_9am):
    ticket = report(reporter)

    sla = as_agent.get(ticket_url(ticket)).json()["sla"]

    assert sla == {
        "policy": "Urgent",
        "first_reply_due": "2026-06-01T10:00:00Z",
        "next_reply_due": None,
        "resolution_due": "2026-06-01T13:00:00Z",
        "breached": [],
        "paused": False,
    }


def test_a_running_target_past_due_is_breached(as_agent, reporter, monday_9am):
    ticket = report(reporter)
    monday_9am["now"] = datetime(2026, 6, 1, 10, 1, tzinfo=UTC)

    sla = as_agent.get(ticket_url(ticket)).json()["sla"]

    assert sla["breached"] == ["first_reply"]
    assert sla["first_reply_due"] == "2026-06-01T10:00:00Z"


def test_pending_shows_the_resolution_paused(as_agent, agent, reporter, monday_9am):
    ticket = report(reporter)
    services.reply_and_modify(actor=agent, ticket=ticket, body="Which one?", status="pending")

    sla = as_agent.get(ticket_url(ticket)).json()["sla"]

    assert sla["paused"] is True
    assert sla["resolution_due"] is None
    assert sla["first_reply_due"] is None


def test_reporters_see_nothing_of_service_levels(as_reporter, reporter, monday_9am):
    ticket = report(reporter)

    assert "sla" not in as_reporter.get(ticket_url(ticket)).json()
    assert "sla" not in as_reporter.get(TICKETS).json()["results"][0]
    assert "sla" not in as_reporter.post(TICKETS, {"description": "Again"}).json()


def test_reporters_may_not_filter_by_service_level(as_reporter, reporter):
    report(reporter)

    body = problem(as_reporter.get(TICKETS, {"sla": "late"}), 403)

    assert "service level" in body["detail"]


def test_late_and_due_soon_filter_the_list(as_agent, reporter, monday_9am):
    late = report(reporter, "urgent")  # first reply due 10:00
    soon = report(reporter, "high")  # first reply due 13:00
    report(reporter, "low")  # due in two days
    monday_9am["now"] = datetime(2026, 6, 1, 12, 30, tzinfo=UTC)

    def ids(value):
        return [t["id"] for t in as_agent.get(TICKETS, {"sla": value}).json()["results"]]

    assert ids("late") == [late.pk]
    assert ids("due_soon") == [soon.pk]


@pytest.mark.parametrize("value", ["soon", "LATE", ""])
def test_other_sla_values_are_refused(as_agent, value):
    body = problem(as_agent.get(TICKETS, {"sla": value}), 400)

    assert "sla" in str(body)


def test_the_staff_list_costs_no_more_with_service_levels(
    as_agent, reporter, django_assert_num_queries
):
    for _ in range(3):
        report(reporter)
    as_agent.get("/api/v1/me/")

    # Expect 2 queries: the token with its user, a page of tickets with their
    # people (the policies' names come from the cache).
    with django_assert_num_queries(2):
        response = as_agent.get(TICKETS)

    assert all("sla" in t for t in response.json()["results"])
