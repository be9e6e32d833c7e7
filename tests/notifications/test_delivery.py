"""How notification emails travel: after commit, through the queue, with retries."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from notifications.models import EmailDelivery
from notifications.services import plan_deliveries
from notifications.tasks import deliver_email
from tests.factories import make_ticket
from tickets import services

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
FAILING_MAIL = {"default": {"BACKEND": "tests.notifications.failing_backend.FailingBackend"}}


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


@pytest.mark.django_db
def test_nothing_is_sent_when_the_transaction_rolls_back(mail, reporter, agent, ticket):
    class Boom(Exception):
        pass

    def change_then_fail():
        with transaction.atomic():
            services.post_message(actor=agent, ticket=ticket, body="Never seen")
            raise Boom

    with pytest.raises(Boom):
        mail.during(change_then_fail)
    assert mail.outbox == []
    assert not EmailDelivery.objects.exists()


@pytest.mark.django_db
def test_an_email_is_sent_only_after_commit(
    mailoutbox, django_capture_on_commit_callbacks, agent, ticket
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.post_message(actor=agent, ticket=ticket, body="Soon")
        assert mailoutbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_QUEUE)
def test_the_worker_delivers_a_queued_email(mailoutbox, reporter, agent):
    ticket = make_ticket(reporter)
    queued = DBTaskResult.objects.filter(status="READY").count()
    services.post_message(actor=agent, ticket=ticket, body="We're on it")
    # One task queued in the database with the change itself; nothing sent yet.
    assert mailoutbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == queued + 1

    run_worker()

    assert [m.to for m in mailoutbox] == [["alice@example.com"]]
    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert delivery.sent_at is not None


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_QUEUE)
def test_running_the_worker_again_sends_nothing_twice(mailoutbox, reporter, agent):
    ticket = make_ticket(reporter)
    services.post_message(actor=agent, ticket=ticket, body="Once")
    run_worker()
    run_worker()
    delivery = EmailDelivery.objects.get()
    # A duplicate task for the same delivery (a sweep, a second worker) is a no-op.
    assert deliver_email.call(delivery.pk) == "skipped"
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
@override_settings(
    TASKS=DB_QUEUE,
    MAILERS=FAILING_MAIL,
    NOTIFICATIONS_MAX_ATTEMPTS=3,
    NOTIFICATIONS_RETRY_BASE_SECONDS=0,
)
def test_a_failing_send_is_retried_then_recorded_as_failed(reporter, agent):
    ticket = make_ticket(reporter)
    services.post_message(actor=agent, ticket=ticket, body="Down")
    run_worker()
    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert "SMTP server unreachable" in delivery.last_error


@pytest.mark.django_db
@override_settings(NOTIFICATIONS_RETRY_BASE_SECONDS=30)
def test_retries_back_off():
    from notifications.services import retry_delay

    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 120, 480]


@pytest.mark.django_db
def test_a_later_try_succeeds_after_a_failure(mail, settings, agent, ticket):
    settings.MAILERS = FAILING_MAIL
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    mail.during(lambda: services.post_message(actor=agent, ticket=ticket, body="Hello"))
    delivery = EmailDelivery.objects.get()
    assert delivery.status == "failed"

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    EmailDelivery.objects.filter(pk=delivery.pk).update(status="queued", attempts=0)
    assert deliver_email.call(delivery.pk) == "sent"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_sweep_requeues_overdue_deliveries(mailoutbox, agent, ticket):
    from datetime import timedelta

    from django.utils import timezone

    message = services.post_message(actor=agent, ticket=ticket, body="Lost task")
    # Planned, but its send task was lost (say the worker died in between).
    plan_deliveries(event_ids=[message.events.get().pk])
    EmailDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(hours=1))
    call_command("notifications_sweep", verbosity=0)
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]


@pytest.mark.django_db
def test_emails_say_what_happened_with_a_link(mail, reporter, agent, ticket, settings):
    settings.SITE_URL = "https://help.example.com"
    mail.during(lambda: services.post_message(actor=agent, ticket=ticket, body="Reboot it"))
    (email,) = mail.last
    assert email.subject == f"[#{ticket.pk}] Printer on fire"
    assert "sam from the helpdesk replied" in email.body
    assert "Reboot it" in email.body
    assert f"https://help.example.com/tickets/{ticket.pk}/" in email.body
    html = email.alternatives[0].content
    assert f'href="https://help.example.com/tickets/{ticket.pk}/"' in html
    assert (
        email.extra_headers["List-Unsubscribe"]
        == "<https://help.example.com/accounts/notifications/>"
    )


@pytest.mark.django_db
def test_every_email_of_a_ticket_threads_together(mail, reporter, agent, watcher):
    ticket = mail.during(lambda: services.report_issue(reporter=reporter, description="Help"))
    emails = list(mail.last)
    mail.during(lambda: services.post_message(actor=agent, ticket=ticket, body="On it"))
    emails += mail.last
    mail.during(lambda: services.change_status(actor=agent, ticket=ticket, status="resolved"))
    emails += mail.last
    assert len(emails) == 3

    root = emails[0].extra_headers["References"]
    assert re.fullmatch(rf"<ticket-{ticket.pk}@[\w.-]+>", root)
    message_ids = {e.extra_headers["Message-ID"] for e in emails}
    assert len(message_ids) == 3
    for email in emails:
        assert email.extra_headers["References"] == root
        assert email.extra_headers["In-Reply-To"] == root
        assert email.extra_headers["Message-ID"] != root


@pytest.mark.django_db
def test_what_users_wrote_is_escaped_in_html_and_verbatim_in_text(mail, reporter, agent):
    nasty = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    ticket = make_ticket(reporter, subject="<b>bold</b> subject")
    mail.during(lambda: services.post_message(actor=agent, ticket=ticket, body=nasty))
    (email,) = mail.last
    html = email.alternatives[0].content
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img" in html
    assert "&lt;b&gt;bold&lt;/b&gt; subject" in html
    # Plain text is never interpreted as markup: it shows exactly what was written.
    assert nasty in email.body
    assert email.subject.endswith("<b>bold</b> subject")


@pytest.mark.django_db
def test_internal_note_emails_are_marked_as_staff_only(mail, reporter, agent, other_agent):
    ticket = make_ticket(reporter, assignee=agent)
    mail.during(
        lambda: services.post_message(
            actor=other_agent, ticket=ticket, body="Suspect DNS", is_internal=True
        )
    )
    (email,) = mail.last
    assert "internal note (staff only)" in email.body
    assert email.to == ["sam@example.com"]


@pytest.mark.django_db
def test_an_email_that_cannot_be_built_fails_at_once_without_retries(
    mail, agent, ticket, monkeypatch
):
    import notifications.services

    def broken(delivery):
        raise ValueError("Header values may not contain linefeed")

    monkeypatch.setattr(notifications.services, "build_email", broken)
    mail.during(lambda: services.post_message(actor=agent, ticket=ticket, body="Hi"))
    delivery = EmailDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert "Could not build the email" in delivery.last_error


@pytest.mark.django_db
def test_an_old_subject_with_a_line_break_still_makes_a_one_line_email_subject(
    mail, agent, reporter
):
    from tickets.models import Ticket

    ticket = make_ticket(reporter)
    Ticket.objects.filter(pk=ticket.pk).update(subject="one\u2028two")  # written before the rule
    mail.during(lambda: services.post_message(actor=agent, ticket=ticket, body="Hi"))
    (email,) = mail.last
    assert email.subject == f"[#{ticket.pk}] one two"
    email.message()  # renders the headers without complaint


@pytest.mark.django_db
def test_a_staff_email_waiting_for_a_retry_skips_someone_no_longer_staff(
    mail, reporter, agent, other_agent, settings
):
    ticket = make_ticket(reporter, assignee=agent)
    settings.MAILERS = FAILING_MAIL
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    mail.during(
        lambda: services.post_message(actor=other_agent, ticket=ticket, body="n", is_internal=True)
    )
    delivery = EmailDelivery.objects.get()
    # Sam leaves the helpdesk before the retry...
    from accounts.services import set_staff

    set_staff(user=agent, is_staff=False)
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    EmailDelivery.objects.filter(pk=delivery.pk).update(status="queued", attempts=0)
    assert deliver_email.call(delivery.pk) == "failed"
    assert mail.outbox == []
