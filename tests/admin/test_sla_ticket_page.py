"""The console's ticket page shows each service level target: met, running, paused or breached."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tests.admin.conftest import clock, ticket_url
from tickets import services

pytestmark = pytest.mark.django_db

MONDAY_9AM = datetime(2026, 6, 1, 9, tzinfo=UTC)


def targets(html: str) -> dict[str, str]:
    section = html.split('id="hd-sla-heading"')[1].split("</section>")[0]
    return {
        label: re.sub(r"<[^>]+>", "", state).strip()
        for label, state in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", section, re.S)
    }


def test_each_target_shows_its_state(as_agent, agent, reporter):
    with clock(MONDAY_9AM):
        ticket = services.report_issue(reporter=reporter, description="Down", priority="urgent")
    with clock(datetime(2026, 6, 1, 9, 30, tzinfo=UTC)):
        services.post_message(actor=agent, ticket=ticket, body="On it")
    with clock(datetime(2026, 6, 1, 10, tzinfo=UTC)):
        services.post_message(actor=reporter, ticket=ticket, body="Thanks, still down")
    with clock(datetime(2026, 6, 1, 11, 30, tzinfo=UTC)):
        html = as_agent.get(ticket_url(ticket)).content.decode()

    assert "Policy: Urgent" in html
    assert targets(html) == {
        "First reply": "met",
        "Next reply": "breached, due 2026-06-01 11:00",
        "Resolution": "running, due 2026-06-01 13:00",
    }


def test_pending_shows_resolution_paused(as_agent, agent, reporter):
    with clock(MONDAY_9AM):
        ticket = services.report_issue(reporter=reporter, description="Down", priority="urgent")
        services.reply_and_modify(actor=agent, ticket=ticket, body="Which?", status="pending")
        html = as_agent.get(ticket_url(ticket)).content.decode()

    assert targets(html) == {
        "First reply": "met",
        "Next reply": "not started",
        "Resolution": "paused",
    }


def test_the_reporters_page_shows_nothing_of_service_levels(client, reporter):
    with clock(MONDAY_9AM):
        ticket = services.report_issue(reporter=reporter, description="Down", priority="urgent")
    client.force_login(reporter)

    html = client.get(ticket.get_absolute_url()).content.decode()

    assert "Service level" not in html
    assert "due" not in html.lower().replace("overdue", "")
