"""The services count new tickets and messages per person, for every interface at once."""

from __future__ import annotations

import pytest

from helpdesk.limits import parse_rate
from tests.factories import make_ticket
from tickets import services
from tickets.exceptions import RateLimited, TicketClosed
from tickets.models import Message, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_an_hour(settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        **{scope: "2/h" for scope in ("report", "reply")},
        **{scope: "4/h" for scope in ("report_staff", "reply_staff")},
    }


def test_one_report_too_many_is_refused_and_writes_nothing(two_an_hour, reporter):
    for _ in range(2):
        services.report_issue(reporter=reporter, description="Help")
    with pytest.raises(RateLimited) as refused:
        services.report_issue(reporter=reporter, description="Help")
    assert refused.value.code == "rate_limited"
    assert 0 < refused.value.wait <= 3600
    assert "Try again in about" in refused.value.message
    assert Ticket.objects.count() == 2
    assert TicketEvent.objects.count() == 2


def test_one_message_too_many_is_refused_and_writes_nothing(two_an_hour, reporter, ticket):
    for n in range(2):
        services.post_message(actor=reporter, ticket=ticket, body=f"ping {n}")
    with pytest.raises(RateLimited):
        services.post_message(actor=reporter, ticket=ticket, body="ping")
    assert Message.objects.count() == 2
    ticket.refresh_from_db()
    assert ticket.version == 3


def test_what_is_refused_for_another_reason_is_not_counted(two_an_hour, reporter, agent):
    closed = make_ticket(reporter, status="closed")
    for _ in range(3):
        with pytest.raises(TicketClosed):
            services.post_message(actor=reporter, ticket=closed, body="hello?")
    ticket = make_ticket(reporter)
    services.post_message(actor=reporter, ticket=ticket, body="one")
    services.post_message(actor=reporter, ticket=ticket, body="two")


def test_a_reply_with_changes_counts_once(two_an_hour, agent, reporter, ticket):
    for _ in range(4):
        services.reply_and_modify(actor=agent, ticket=ticket, body="On it", priority="high")
    with pytest.raises(RateLimited):
        services.reply_and_modify(actor=agent, ticket=ticket, body="On it", priority="low")


def test_staff_count_against_their_own_higher_limit(two_an_hour, agent, reporter):
    # Opening tickets for callers counts against the staff member, not the caller.
    for _ in range(4):
        services.report_issue(reporter=reporter, actor=agent, description="Phone call")
    with pytest.raises(RateLimited):
        services.report_issue(reporter=reporter, actor=agent, description="Phone call")
    services.report_issue(reporter=reporter, description="My own")


def test_the_production_limits_are_higher_for_staff_and_finite(write_limits):
    for action in ("report", "reply"):
        per_user, period = parse_rate(write_limits[action])
        per_staff, staff_period = parse_rate(write_limits[f"{action}_staff"])
        assert period == staff_period == 3600
        assert per_user < per_staff < 10_000
    assert (write_limits["report"], write_limits["reply"]) == ("30/h", "120/h")
