"""The time-based rules, each at its boundary, changing each ticket once, as "Helpdesk"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from rules import services
from tests.admin.conftest import ticket_url
from tickets import services as ticket_services
from tickets.models import Ticket, TicketEvent

START = datetime(2026, 6, 1, 9, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)


@pytest.fixture
def now(monkeypatch):
    moment = {"now": START}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])
    return moment


def run(now, at):
    now["now"] = at
    return services.run_rules(now=at)


@pytest.fixture
def resolved(now, reporter, agent):
    ticket = ticket_services.report_issue(reporter=reporter, description="Down")
    ticket_services.change_status(actor=agent, ticket=ticket, status="resolved")
    return ticket


@pytest.fixture
def pending(now, reporter, agent):
    ticket = ticket_services.report_issue(reporter=reporter, description="Down")
    ticket_services.reply_and_modify(actor=agent, ticket=ticket, body="Which?", status="pending")
    return Ticket.objects.get(pk=ticket.pk)


def test_a_resolved_ticket_closes_after_seven_days_not_before(now, resolved):
    assert run(now, START + 7 * DAY - MINUTE)["close_resolved"] == 0
    assert Ticket.objects.get(pk=resolved.pk).status == "resolved"

    assert run(now, START + 7 * DAY + MINUTE)["close_resolved"] == 1

    ticket = Ticket.objects.get(pk=resolved.pk)
    assert ticket.status == "closed"
    event = TicketEvent.objects.filter(ticket=ticket).last()
    assert (event.kind, event.new_value, event.actor) == ("status_changed", "closed", None)


def test_a_reporter_reply_restarts_the_wait(now, resolved, reporter):
    now["now"] = START + 6 * DAY
    ticket_services.post_message(actor=reporter, ticket=resolved, body="Still broken")
    ticket_services.change_status(actor=reporter, ticket=resolved, status="resolved")

    run(now, START + 7 * DAY + MINUTE)

    assert Ticket.objects.get(pk=resolved.pk).status == "resolved"


def test_a_pending_ticket_gets_one_reminder_after_three_days(
    now, pending, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert run(now, START + 3 * DAY - MINUTE)["remind_pending"] == 0
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        assert run(now, START + 3 * DAY + MINUTE)["remind_pending"] == 1
        assert run(now, START + 3 * DAY + 2 * MINUTE)["remind_pending"] == 0

    reminders = [m for m in mail.outbox if "still waiting for your answer" in m.body]
    assert len(reminders) == 1
    assert reminders[0].to == [pending.reporter.email]
    assert f"#{pending.pk}" in reminders[0].subject
    ticket = Ticket.objects.get(pk=pending.pk)
    assert ticket.status == "pending"
    assert ticket.version == pending.version  # a reminder is no change of the ticket


def test_a_pending_ticket_is_resolved_seven_days_after_its_reminder(now, pending):
    reminded = START + 3 * DAY + MINUTE
    run(now, reminded)

    assert run(now, reminded + 7 * DAY - MINUTE)["resolve_pending"] == 0
    assert run(now, reminded + 7 * DAY + MINUTE)["resolve_pending"] == 1

    ticket = Ticket.objects.get(pk=pending.pk)
    assert ticket.status == "resolved"
    assert TicketEvent.objects.filter(ticket=ticket).last().actor is None


def test_an_answer_after_the_reminder_keeps_the_ticket(now, pending, reporter):
    run(now, START + 3 * DAY + MINUTE)
    now["now"] = START + 4 * DAY
    ticket_services.post_message(actor=reporter, ticket=pending, body="Here it is")

    run(now, START + 20 * DAY)

    assert Ticket.objects.get(pk=pending.pk).status == "open"


def test_a_rule_set_to_zero_days_is_off(now, resolved, settings):
    settings.RULES_CLOSE_RESOLVED_DAYS = 0

    assert run(now, START + 100 * DAY)["close_resolved"] == 0
    assert Ticket.objects.get(pk=resolved.pk).status == "resolved"


def test_rules_work_in_batches_and_twice_change_nothing_more(now, reporter, agent):
    for _ in range(5):
        ticket = ticket_services.report_issue(reporter=reporter, description="Down")
        ticket_services.change_status(actor=agent, ticket=ticket, status="resolved")
    now["now"] = START + 8 * DAY

    assert services.run_rules(now=now["now"], batch_size=2)["close_resolved"] == 5
    assert services.run_rules(now=now["now"], batch_size=2)["close_resolved"] == 0
    assert TicketEvent.objects.filter(new_value="closed").count() == 5


def test_the_command_runs_them(now, resolved, capsys):
    now["now"] = START + 8 * DAY

    call_command("run_rules")

    assert "close_resolved: 1" in capsys.readouterr().out


def test_the_console_names_the_helpdesk_as_the_actor(now, resolved, client, agent):
    run(now, START + 8 * DAY)
    client.force_login(agent)

    html = client.get(ticket_url(resolved)).content.decode()

    assert "<strong>Helpdesk</strong>" in html
