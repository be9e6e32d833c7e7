"""A burst of changes to one ticket sends each person a digest, not a storm of email.

The probe's find: 150 replies through the API sent 151 emails to the assigned
staff member. Now one person gets at most NOTIFICATIONS_BURST (3) emails about
one ticket in NOTIFICATIONS_WINDOW_MINUTES (10); what comes on top waits, and
goes as one digest once the window allows.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notifications.models import EmailDelivery
from tests.factories import make_ticket
from tickets import services

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def to(outbox, address: str) -> list:
    return [m for m in outbox if m.to == [address]]


def ten_minutes_pass() -> None:
    """Move every recorded time back by the window, as if it had gone by."""
    back = timedelta(minutes=10, seconds=1)
    EmailDelivery.objects.update(
        sent_at=F("sent_at") - back, next_attempt_at=F("next_attempt_at") - back
    )


def send_what_is_due() -> None:
    # With the in-line task backend of the tests, deferred emails wait for the
    # sweep (in production the queue runs them when due).
    call_command("notifications_sweep", "--grace", "0", verbosity=0)


@pytest.mark.django_db
def test_150_replies_send_the_assignee_a_handful_of_emails(mail, reporter, agent):
    ticket = make_ticket(reporter, assignee=agent)

    def burst():
        for n in range(150):
            services.post_message(actor=reporter, ticket=ticket, body=f"Still broken ({n})")

    mail.during(burst)
    # The first three go at once, as in any conversation; the rest wait.
    assert len(to(mail.outbox, "sam@example.com")) == 3
    assert EmailDelivery.objects.filter(status="queued").count() == 147

    ten_minutes_pass()
    send_what_is_due()

    emails = to(mail.outbox, "sam@example.com")
    assert len(emails) == 4
    assert not EmailDelivery.objects.exclude(status="sent").exists()
    digest = emails[-1]
    assert digest.subject == f"[#{ticket.pk}] Printer on fire"
    assert "There were 147 updates on this ticket" in digest.body
    assert "Still broken (3)" in digest.body and "Still broken (22)" in digest.body
    assert "Still broken (23)" not in digest.body
    assert "and 127 more updates: open the ticket to read them" in digest.body
    assert digest.body.count("alice replied:") == 20
    html = digest.alternatives[0].content
    assert "Still broken (3)" in html and "127 more updates" in html


@pytest.mark.django_db
def test_the_digest_threads_with_the_tickets_other_emails(mail, reporter, agent, ticket):
    def five_replies():
        for n in range(5):
            services.post_message(actor=agent, ticket=ticket, body=f"Step {n}")

    mail.during(five_replies)
    ten_minutes_pass()
    send_what_is_due()

    emails = to(mail.outbox, "alice@example.com")
    assert len(emails) == 4
    assert "There were 2 updates" in emails[-1].body
    assert "Step 3" in emails[-1].body and "Step 4" in emails[-1].body
    roots = {e.extra_headers["References"] for e in emails}
    assert roots == {emails[0].extra_headers["In-Reply-To"]}
    assert len({e.extra_headers["Message-ID"] for e in emails}) == 4


@pytest.mark.django_db
def test_a_long_burst_sends_one_digest_per_window(mail, reporter, agent, ticket):
    def ten_replies():
        for n in range(10):
            services.post_message(actor=agent, ticket=ticket, body=f"Update {n}")

    sent = []
    for _ in range(4):
        mail.during(ten_replies)
        ten_minutes_pass()
        send_what_is_due()
        sent.append(len(to(mail.outbox, "alice@example.com")) - sum(sent))
    # Three at once, then the rest of the first ten as a digest; from then on,
    # each digest holds the next email back for a whole window: one per window.
    assert sent == [4, 1, 1, 1]
    assert not EmailDelivery.objects.exclude(status="sent").exists()


@pytest.mark.django_db
def test_only_one_person_and_one_ticket_are_held_back(mail, reporter, agent, watcher):
    busy = make_ticket(reporter, assignee=agent)
    quiet = make_ticket(reporter, assignee=agent)

    def changes():
        for n in range(5):
            services.post_message(actor=reporter, ticket=busy, body=f"ping {n}")
        services.post_message(actor=reporter, ticket=quiet, body="Another thing")
        services.post_message(actor=agent, ticket=busy, body="Looking")

    mail.during(changes)
    sam = to(mail.outbox, "sam@example.com")
    assert [m.subject.startswith(f"[#{busy.pk}]") for m in sam] == [True, True, True, False]
    # Alice has had nothing about the busy ticket yet: she hears at once.
    assert len(to(mail.outbox, "alice@example.com")) == 1


@pytest.mark.django_db
@override_settings(NOTIFICATIONS_BURST=1, NOTIFICATIONS_WINDOW_MINUTES=5)
def test_the_burst_and_the_window_are_settings(mail, reporter, agent, ticket):
    mail.during(lambda: [services.post_message(actor=agent, ticket=ticket, body=b) for b in "xy"])
    assert len(mail.last) == 1
    waiting = EmailDelivery.objects.get(status="queued")
    sent = EmailDelivery.objects.get(status="sent")
    assert waiting.next_attempt_at == sent.sent_at + timedelta(minutes=5)


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_QUEUE)
def test_the_queue_runs_a_deferred_email_when_it_is_due(mailoutbox, reporter, agent):
    def reply_and_work(body):
        services.post_message(actor=agent, ticket=ticket, body=body)
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)

    ticket = make_ticket(reporter)
    for n in range(5):
        reply_and_work(f"Step {n}")
    assert len(mailoutbox) == 3
    first = EmailDelivery.objects.filter(status="sent").order_by("sent_at").first().sent_at
    waiting = DBTaskResult.objects.filter(status="READY")
    assert waiting.count() == 2
    assert {task.run_after for task in waiting} == {first + timedelta(minutes=10)}

    # Ten minutes later the worker finds them due: one digest, one task with nothing left.
    waiting.update(run_after=timezone.now() - timedelta(seconds=1))
    ten_minutes_pass()
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)

    assert len(mailoutbox) == 4
    assert "There were 2 updates" in mailoutbox[-1].body
    assert not EmailDelivery.objects.exclude(status="sent").exists()


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_QUEUE)
def test_emails_that_piled_up_in_the_queue_go_as_one(mailoutbox, reporter, agent):
    ticket = make_ticket(reporter)
    for n in range(5):
        services.post_message(actor=agent, ticket=ticket, body=f"Step {n}")
    # The worker was away (or behind) while they were written.
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
    [email] = mailoutbox
    assert "There were 5 updates" in email.body
