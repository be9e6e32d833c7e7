"""Never loop, never lose a message, never post twice."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mailgate import parsing
from mailgate import services as mail_services
from mailgate.models import InboundMail
from notifications import planner
from notifications.models import NotificationKind
from notifications.services import update_preferences
from tests.factories import StaffFactory
from tests.mailgate.conftest import INBOUND, fixture, make_mail
from tickets import services
from tickets.models import Ticket

Outcome = InboundMail.Outcome


@pytest.mark.parametrize("name", ["auto_reply.eml", "dsn_bounce.eml", "list_mail.eml"])
def test_automatic_mail_is_stored_as_ignored_and_answered_by_nothing(
    name, deliver, reporter, mailoutbox
):
    mail = deliver(fixture(name))
    assert mail.outcome == Outcome.IGNORED
    assert mail.error
    assert not Ticket.objects.exists()
    assert mailoutbox == []


def test_an_autoresponder_loop_ends_at_the_per_sender_limit(deliver, settings, agent, mailoutbox):
    settings.HELPDESK_EMAIL_TICKET_RATE = "3/h"
    outcomes = [
        deliver(make_mail(sender="robot@example.com", subject=f"I got your mail {n}")).outcome
        for n in range(6)
    ]
    assert outcomes == [Outcome.TICKET] * 3 + [Outcome.REFUSED] * 3
    assert Ticket.objects.count() == 3
    # Another address is not held up by the robot.
    assert deliver(make_mail(sender="bob@example.com")).outcome == Outcome.TICKET


def test_the_helpdesks_own_address_is_never_notified(ticket, agent):
    inbox = StaffFactory(username="support-inbox", email=INBOUND.upper())
    update_preferences(user=inbox, new_ticket=True)
    other = services.report_issue(reporter=ticket.reporter, description="Another one")
    event = other.events.get()
    assert planner.recipients_for(event) == []
    update_preferences(user=agent, new_ticket=True)
    assert planner.recipients_for(event) == [(agent, NotificationKind.NEW_TICKET)]


def test_the_same_message_twice_posts_once(deliver, ticket):
    raw = make_mail(subject=f"Re: [#{ticket.pk}]", body="Only once, please.")
    first = deliver(raw)
    second = deliver(raw)
    assert first.pk == second.pk
    assert InboundMail.objects.count() == 1
    assert ticket.messages.count() == 1


def test_the_same_message_id_in_another_mailbox_is_its_own_record(deliver, reporter):
    raw = make_mail()
    deliver(raw, mailbox="pipe")
    deliver(raw, mailbox="imap:support")
    assert InboundMail.objects.count() == 2


def test_a_message_too_large_is_refused_and_its_headers_kept(deliver, settings, reporter):
    settings.HELPDESK_EMAIL_MAX_BYTES = 10_000
    raw = make_mail(body="x" * 20_000)
    mail = deliver(raw)
    assert mail.outcome == Outcome.REFUSED
    assert "larger than" in mail.error
    assert mail.size == len(raw)
    assert b"From: alice@example.com" in bytes(mail.raw)
    assert len(mail.raw) < 10_000
    assert not Ticket.objects.exists()


def test_a_failure_is_stored_with_its_error_and_blocks_nothing(deliver, reporter, monkeypatch):
    real_parse = parsing.parse

    def broken(raw):
        if b"poison" in raw:
            raise ValueError("a bug in the parser")
        return real_parse(raw)

    monkeypatch.setattr(parsing, "parse", broken)
    failed = deliver(make_mail(subject="poison", body="poison"))
    assert failed.outcome == Outcome.FAILED
    assert "ValueError: a bug in the parser" in failed.error
    assert failed.attempts == 1
    assert not Ticket.objects.exists()
    after = deliver(make_mail(subject="fine"))
    assert after.outcome == Outcome.TICKET


def test_staff_process_a_failed_message_again_after_the_fix(
    deliver, reporter, monkeypatch, admin_client, django_capture_on_commit_callbacks
):
    real_parse = parsing.parse
    monkeypatch.setattr(parsing, "parse", lambda raw: 1 / 0)
    failed = deliver(make_mail(subject="Printer"))
    assert failed.outcome == Outcome.FAILED
    monkeypatch.setattr(parsing, "parse", real_parse)  # the fix

    url = reverse("admin:mailgate_inboundmail_changelist")
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "alice@example.com" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, {"action": "process_again", "_selected_action": [failed.pk]}
        )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.outcome, failed.error, failed.attempts) == (Outcome.TICKET, "", 2)
    assert failed.ticket.reporter == reporter
    # Processing again what succeeded does nothing.
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {"action": "process_again", "_selected_action": [failed.pk]})
    assert Ticket.objects.count() == 1


def test_the_console_shows_the_raw_message_as_text(deliver, admin_client, reporter):
    mail = deliver(fixture("html_script.eml"))
    page = admin_client.get(reverse("admin:mailgate_inboundmail_change", args=[mail.pk]))
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)</script>" not in page.text


def test_helpdesk_staff_may_see_and_process_inbound_mail(agent):
    assert agent.has_perm("mailgate.view_inboundmail")
    assert agent.has_perm("mailgate.change_inboundmail")


def test_an_end_user_cannot_reach_the_inbound_mail_console(client, reporter):
    client.force_login(reporter)
    response = client.get(reverse("admin:mailgate_inboundmail_changelist"))
    assert response.status_code == 302


def test_the_sweep_queues_again_a_message_whose_task_was_lost(
    db, reporter, django_capture_on_commit_callbacks
):
    # Stored, but its task never ran (a worker killed halfway).
    lost, _ = mail_services.receive(
        raw=make_mail(), mailbox="pipe", message_id="lost@x", sender=reporter.email, subject="x"
    )
    fresh, _ = mail_services.receive(
        raw=make_mail(), mailbox="pipe", message_id="fresh@x", sender=reporter.email, subject="y"
    )
    InboundMail.objects.filter(pk=lost.pk).update(
        received_at=timezone.now() - timedelta(minutes=30)
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("mailgate_sweep", stdout=io.StringIO())
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.outcome == Outcome.TICKET
    assert fresh.outcome == Outcome.QUEUED


def test_a_message_that_stops_its_worker_every_time_is_given_up(
    db, reporter, monkeypatch, settings
):
    from mailgate import processing, tasks

    settings.HELPDESK_EMAIL_MAX_ATTEMPTS = 3
    mail, _created = tasks.accept(raw=make_mail(subject="poison"), mailbox="pipe")
    calls = []

    def dies(raw):
        # What a worker killed mid-message leaves: nothing of its transaction.
        calls.append(raw)
        raise SystemExit("killed")

    monkeypatch.setattr(processing, "route", dies)
    for _ in range(3):
        with pytest.raises(SystemExit):
            tasks.process_inbound.call(mail.pk)
    # The sweep queues it again: the fourth time it is not tried, but given up.
    tasks.process_inbound.call(mail.pk)
    mail.refresh_from_db()
    assert len(calls) == 3
    assert (mail.outcome, mail.attempts) == (Outcome.FAILED, 3)
    assert "3 attempts" in mail.error
