"""The web forms slow down whoever repeats one action too often."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.asserts import assertContains

from accounts.models import User
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_limits(settings):
    settings.RATE_LIMITS = {
        "signup": "2/h",
        "password_reset": "3/h",
        "password_reset_email": "2/h",
        "signup_email": "10/h",
        "report": "2/h",
        "reply": "2/h",
    }


def test_sign_ups_from_one_address_are_limited(low_limits):
    codes = []
    for i in range(3):
        client = Client(REMOTE_ADDR="203.0.113.5")
        codes.append(
            client.post(
                "/accounts/signup/",
                {
                    "username": f"bulk{i}",
                    "email": f"bulk{i}@example.com",
                    "password1": "a-long-passphrase-9",
                    "password2": "a-long-passphrase-9",
                },
            ).status_code
        )
    assert codes == [302, 302, 429]
    assert User.objects.filter(username__startswith="bulk").count() == 2
    # Someone else, elsewhere, signs up as usual.
    other = Client(REMOTE_ADDR="198.51.100.9").get("/accounts/signup/")
    assert other.status_code == 200


def test_the_limit_page_says_when_to_come_back(low_limits, as_reporter):
    for _ in range(2):
        as_reporter.post("/tickets/new/", {"description": "help", "priority": "normal"})
    response = as_reporter.post("/tickets/new/", {"description": "help", "priority": "normal"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assertContains(response, "Slow down a little", status_code=429)
    assertContains(response, "<title>Slow down · Helpdesk</title>", status_code=429)
    assert Ticket.objects.count() == 2


def test_replies_are_limited_per_person(
    low_limits, as_reporter, as_other_user, reporter, other_user
):
    from tests.factories import make_ticket

    ticket = make_ticket(reporter)
    codes = [
        as_reporter.post(
            f"/tickets/{ticket.pk}/reply/", {"body": f"ping {i}", "version": 1 + i}
        ).status_code
        for i in range(3)
    ]
    assert codes == [302, 302, 429]
    assert Message.objects.count() == 2
    # Charlie's own quota is untouched.
    theirs = make_ticket(other_user)
    response = as_other_user.post(f"/tickets/{theirs.pk}/reply/", {"body": "hi", "version": 1})
    assert response.status_code == 302


def test_reading_pages_is_never_limited(low_limits, as_reporter):
    assert all(as_reporter.get("/tickets/new/").status_code == 200 for _ in range(5))


def test_password_reset_mails_one_address_a_few_times_at_most(low_limits, reporter, mailoutbox):
    codes = [
        Client(REMOTE_ADDR=f"198.51.100.{i}")
        .post("/accounts/password/reset/", {"email": "alice@example.com"})
        .status_code
        for i in range(4)
    ]
    # The page answers as always (no hint that the limit was reached)...
    assert codes == [302, 302, 302, 302]
    # ...but only two links went out.
    assert len(mailoutbox) == 2


def test_password_reset_requests_from_one_address_are_limited(low_limits, mailoutbox):
    client = Client(REMOTE_ADDR="203.0.113.7")
    codes = [
        client.post("/accounts/password/reset/", {"email": f"x{i}@example.com"}).status_code
        for i in range(4)
    ]
    assert codes == [302, 302, 302, 429]
