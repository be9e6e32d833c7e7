"""Service levels in the queue: what is due next or late, sorted and filtered by it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.admin.conftest import QUEUE, clock
from tickets import services

pytestmark = pytest.mark.django_db

MONDAY_9AM = datetime(2026, 6, 1, 9, tzinfo=UTC)  # the default calendar: 09-17 UTC, Mon-Fri


def report(reporter, priority, subject):
    with clock(MONDAY_9AM):
        return services.report_issue(
            reporter=reporter, subject=subject, description="Down", priority=priority
        )


def rows(response):
    return [t.subject for t in response.context["cl"].result_list]


@pytest.fixture
def three(reporter):
    report(reporter, "urgent", "urgent one")  # first reply due 10:00
    report(reporter, "high", "high one")  # first reply due 13:00
    report(reporter, "low", "low one")  # due in two business days


def test_the_queue_says_how_long_until_due_or_how_late(as_agent, three):
    with clock(datetime(2026, 6, 1, 10, 35, tzinfo=UTC)):
        html = as_agent.get(QUEUE).content.decode()

    assert ">Due<" in html or ">Due</a>" in html
    assert 'class="hd-sla hd-sla-late"' in html and "late by 35 min" in html
    assert 'class="hd-sla hd-sla-running"' in html and "due in 2 h 25 min" in html


def test_a_target_due_within_the_hour_stands_out(as_agent, three):
    with clock(datetime(2026, 6, 1, 12, 30, tzinfo=UTC)):
        html = as_agent.get(QUEUE).content.decode()

    assert 'class="hd-sla hd-sla-soon"' in html and "due in 30 min" in html


def test_a_pending_ticket_shows_its_clock_paused(as_agent, agent, reporter):
    ticket = report(reporter, "urgent", "waiting")
    with clock(MONDAY_9AM):
        services.reply_and_modify(actor=agent, ticket=ticket, body="Which?", status="pending")
        html = as_agent.get(QUEUE).content.decode()

    assert 'class="hd-sla hd-sla-paused">paused<' in html


def test_the_queue_sorts_by_next_due(as_agent, reporter, three):
    resolved = report(reporter, "urgent", "done")
    with clock(MONDAY_9AM):
        services.change_status(
            actor=resolved.reporter, ticket=resolved, status="resolved"
        )  # no running target: last
        listed = rows(as_agent.get(QUEUE, {"o": "9"}))

    assert listed == ["urgent one", "high one", "low one", "done"]


def test_late_and_due_within_an_hour_filter_the_queue(as_agent, three):
    with clock(datetime(2026, 6, 1, 12, 30, tzinfo=UTC)):
        assert rows(as_agent.get(QUEUE, {"sla": "late"})) == ["urgent one"]
        assert rows(as_agent.get(QUEUE, {"sla": "due_soon"})) == ["high one"]
