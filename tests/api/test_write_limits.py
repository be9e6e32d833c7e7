"""The API keeps the same limits on new tickets and messages as the web pages.

The probe's find: one self-registered account made 100 tickets in 5 s through
the API, which skipped the web's limits. The services count now, for every
interface at once (helpdesk.limits).
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api.conftest import TICKETS, messages_url, problem
from tests.factories import make_ticket
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


def test_the_31st_ticket_in_an_hour_is_a_429(write_limits, as_reporter):
    assert write_limits["report"] == "30/h"
    codes = [
        as_reporter.post(TICKETS, {"description": f"Issue {n}"}).status_code for n in range(30)
    ]
    assert codes == [201] * 30

    response = as_reporter.post(TICKETS, {"description": "One more"})

    body = problem(response, 429, "rate_limited")
    assert "many issues" in body["detail"]
    assert 0 < int(response["Retry-After"]) <= 3600
    assert Ticket.objects.count() == 30


def test_the_121st_message_in_an_hour_is_a_429(write_limits, as_reporter, reporter):
    assert write_limits["reply"] == "120/h"
    ticket = make_ticket(reporter)
    codes = {
        as_reporter.post(messages_url(ticket), {"body": f"ping {n}"}).status_code
        for n in range(120)
    }
    assert codes == {201}

    response = as_reporter.post(messages_url(ticket), {"body": "and another"})

    body = problem(response, 429, "rate_limited")
    assert "many messages" in body["detail"]
    assert int(response["Retry-After"]) > 0
    assert Message.objects.count() == 120


def test_a_refused_or_invalid_request_does_not_use_up_the_allowance(
    settings, as_reporter, as_other_user, reporter
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": "2/h"}
    for _ in range(5):
        problem(as_reporter.post(TICKETS, {"description": ""}), 400, "invalid")
    codes = [as_reporter.post(TICKETS, {"description": "x"}).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    # Charlie's allowance is his own.
    assert as_other_user.post(TICKETS, {"description": "mine"}).status_code == 201


def test_staff_are_limited_more_generously_but_not_unlimited(write_limits, settings, as_agent):
    report, staff = write_limits["report"], write_limits["report_staff"]
    assert int(staff.split("/")[0]) > int(report.split("/")[0])
    codes = {as_agent.post(TICKETS, {"description": "x"}).status_code for _ in range(31)}
    assert codes == {201}
    # A finite limit all the same (lowered here to keep the test short).
    settings.RATE_LIMITS = {**write_limits, "report_staff": "35/h"}
    codes = [as_agent.post(TICKETS, {"description": "x"}).status_code for _ in range(5)]
    assert codes == [201, 201, 201, 201, 429]


def test_the_web_and_the_api_share_one_count(settings, as_reporter, reporter):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": "3/h"}
    web = Client()
    web.force_login(reporter)
    assert (
        web.post("/tickets/new/", {"description": "web 1", "priority": "normal"}).status_code == 302
    )
    assert as_reporter.post(TICKETS, {"description": "api 1"}).status_code == 201
    assert (
        web.post("/tickets/new/", {"description": "web 2", "priority": "normal"}).status_code == 302
    )

    problem(as_reporter.post(TICKETS, {"description": "api 2"}), 429, "rate_limited")
    assert (
        web.post("/tickets/new/", {"description": "web 3", "priority": "normal"}).status_code == 429
    )
