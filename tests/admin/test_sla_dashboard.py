"""The dashboard's service level figures: share meeting each target, median first reply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from service_levels import selectors
from tests.admin.conftest import clock
from tickets import services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

MONDAY_9AM = datetime(2026, 6, 1, 9, tzinfo=UTC)


def answered_after(reporter, agent, minutes):
    with clock(MONDAY_9AM):
        ticket = services.report_issue(reporter=reporter, description="Down", priority="urgent")
    with clock(MONDAY_9AM + timedelta(minutes=minutes)):
        services.post_message(actor=agent, ticket=ticket, body="On it")
    return ticket


def test_share_meeting_each_target_and_median_first_reply_in_business_time(reporter, agent):
    answered_after(reporter, agent, 10)
    answered_after(reporter, agent, 30)
    answered_after(reporter, agent, 90)  # missed: urgent allows 60 minutes
    with clock(datetime(2026, 5, 29, 16, 50, tzinfo=UTC)):  # Friday, ten minutes to closing
        weekend = services.report_issue(reporter=reporter, description="Down", priority="urgent")
    with clock(datetime(2026, 6, 1, 9, 10, tzinfo=UTC)):
        services.post_message(actor=agent, ticket=weekend, body="Monday")  # 20 business min

    report = selectors.report(
        Ticket.objects.all(),
        since=MONDAY_9AM - timedelta(days=30),
        now=MONDAY_9AM + 2 * 60 * 60 * timedelta(seconds=1),
    )

    assert report.tickets == 4
    assert report.met["first_reply"] == 0.75
    assert report.met["next_reply"] == 1
    assert report.answered == 4
    assert report.median_first_reply == timedelta(minutes=25)  # 10, 20, 30, 90


def test_the_front_page_shows_them(as_agent, reporter, agent):
    answered_after(reporter, agent, 10)

    with clock(MONDAY_9AM + timedelta(hours=1)):
        html = as_agent.get(reverse("admin:index")).content.decode()

    assert "Service levels met" in html
    assert "100&nbsp;%" in html
    assert "Median first reply in business time" in html
