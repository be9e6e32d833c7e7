"""Warning emails: once before a target falls due, once when it breached; never twice."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core import mail

from notifications.models import NotificationPreferences
from rules import services as rules
from tests.factories import StaffFactory
from tickets import services


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def run(fixed_clock, django_capture_on_commit_callbacks):
    def at(*args: int) -> list:
        before = len(mail.outbox)
        when = fixed_clock.at(*args)
        with django_capture_on_commit_callbacks(execute=True):
            rules.run_rules(now=when)
        return mail.outbox[before:]

    return at


@pytest.fixture
def assigned(fixed_clock, reporter, agent):
    # The default calendar: 09:00-17:00 UTC, Monday to Friday. Urgent: first reply in 1 h.
    fixed_clock.at(2026, 6, 1, 9)
    ticket = services.report_issue(reporter=reporter, description="Down", priority="urgent")
    services.modify_ticket(actor=agent, ticket=ticket, assignee=agent)
    return ticket


def test_the_assignee_is_warned_once_before_and_once_at_the_breach(run, assigned, agent):
    assert run(2026, 6, 1, 9, 29) == []

    soon = run(2026, 6, 1, 9, 31)
    assert [m.to for m in soon] == [[agent.email]]
    assert "falls due for its first reply" in soon[0].body
    assert run(2026, 6, 1, 9, 45) == []

    breached = run(2026, 6, 1, 10, 1)
    assert [m.to for m in breached] == [[agent.email]]
    assert "missed its first reply target" in breached[0].body
    assert run(2026, 6, 1, 10, 30) == []


def test_unassigned_tickets_warn_the_staff_who_opted_in(run, fixed_clock, reporter, agent):
    watcher = StaffFactory(username="wendy", email="wendy@example.com")
    NotificationPreferences.objects.create(user=watcher, new_ticket=True)
    fixed_clock.at(2026, 6, 1, 9)
    services.report_issue(reporter=reporter, description="Down", priority="urgent")

    assert [m.to for m in run(2026, 6, 1, 9, 31)] == [["wendy@example.com"]]


def test_no_warning_outside_business_hours_for_a_business_hours_policy(
    run, fixed_clock, reporter, agent
):
    fixed_clock.at(2026, 6, 1, 15, 59)
    ticket = services.report_issue(reporter=reporter, description="Down", priority="urgent")
    services.modify_ticket(actor=agent, ticket=ticket, assignee=agent)  # due 16:59

    run(2026, 6, 1, 16, 40)  # the "soon" one, in hours
    assert run(2026, 6, 1, 17, 5) == []  # breached, but the office is closed
    assert len(run(2026, 6, 2, 9, 1)) == 1  # told when it opens


def test_a_warning_the_mail_server_refused_is_sent_by_a_later_run(run, assigned, agent, settings):
    working = settings.MAILERS
    settings.MAILERS = {"default": {"BACKEND": "tests.operations.broken_mail.EmailBackend"}}
    assert run(2026, 6, 1, 9, 31) == []  # the mail server refused it

    settings.MAILERS = working
    assert run(2026, 6, 1, 9, 33) == []  # a failed send is retried after a pause
    again = run(2026, 6, 1, 9, 40)
    assert [m.to for m in again] == [[agent.email]]
    assert "falls due for its first reply" in again[0].body
    assert run(2026, 6, 1, 9, 50) == []
