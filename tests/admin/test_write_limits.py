"""The console keeps the limits on new tickets and messages too: staff's, higher but finite.

The services count for every interface (helpdesk.limits); the console says so
on the page, keeps what was typed, and answers 429 with Retry-After.
"""

from __future__ import annotations

import pytest

from tests.admin.conftest import ADD, change_data, messages_of, ticket_url
from tests.factories import make_ticket
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_staff_limits(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report_staff": "2/h", "reply_staff": "2/h"}


def test_one_reply_too_many_is_not_saved_and_is_kept(low_staff_limits, as_agent, reporter):
    ticket = make_ticket(reporter)
    for n in range(2):
        response = as_agent.post(ticket_url(ticket), change_data(ticket, reply=f"Reply {n}"))
        assert response.status_code == 302

    response = as_agent.post(ticket_url(ticket), change_data(ticket, reply="One more"))

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    said = messages_of(response)[-1]
    assert said.startswith("Not saved. You posted many messages in a short time.")
    assert response.context["adminform"].form["reply"].value() == "One more"
    assert Message.objects.count() == 2


def test_internal_notes_count_as_messages(low_staff_limits, as_agent, reporter):
    ticket = make_ticket(reporter)
    codes = [
        as_agent.post(
            ticket_url(ticket), change_data(ticket, reply=f"Note {n}", internal="on")
        ).status_code
        for n in range(3)
    ]
    assert codes == [302, 302, 429]


def test_one_ticket_too_many_opened_for_someone_is_refused(low_staff_limits, as_agent, reporter):
    data = {"reporter": reporter.pk, "description": "Phone call", "priority": "normal"}
    assert [as_agent.post(ADD, data).status_code for _ in range(2)] == [302, 302]

    response = as_agent.post(ADD, {**data, "description": "Another call"})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    said = messages_of(response)[-1]
    assert said.startswith("Not saved. You reported many issues in a short time.")
    assert response.context["adminform"].form["description"].value() == "Another call"
    assert Ticket.objects.count() == 2


def test_staff_are_not_held_to_an_end_users_limit(write_limits, as_agent, reporter):
    # Staff open tickets for callers: 31 in an hour is over an end user's 30.
    data = {"reporter": reporter.pk, "description": "Phone call", "priority": "normal"}
    assert {as_agent.post(ADD, data).status_code for _ in range(31)} == {302}
