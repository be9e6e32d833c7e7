"""The reminder email of a pending ticket, sent by the task queue's worker."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from notifications.emails import ticket_subject


def queue_reminder(ticket_id: int) -> None:
    """Queue the reminder once the rule's transaction commits (a rollback mails nobody)."""
    transaction.on_commit(lambda: send_reminder.enqueue(ticket_id), robust=True)


@task()
def send_reminder(ticket_id: int) -> str:
    from tickets.models import Ticket

    ticket = Ticket.objects.select_related("reporter").filter(pk=ticket_id).first()
    if ticket is None or ticket.status != Ticket.Status.PENDING:
        return "skipped"
    reporter = ticket.reporter
    if not (reporter.is_active and reporter.email):
        return "skipped"
    language = reporter.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "ticket": ticket,
            "reporter": reporter,
            "days": settings.RULES_RESOLVE_PENDING_DAYS,
            "ticket_url": settings.SITE_URL + reverse("tickets:detail", args=[ticket.pk]),
            "site_name": settings.SITE_NAME,
        }
        subject = ticket_subject(ticket)
        email = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("rules/reminder.txt", context),
            to=[reporter.email],
            headers={"Auto-Submitted": "auto-generated", "Content-Language": language},
        )
    email.send()
    return "sent"
