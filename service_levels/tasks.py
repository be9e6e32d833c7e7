"""Service level warning emails, sent by the task queue's worker, each at most once."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.emails import ticket_subject


def queue_repair() -> None:
    """Once the settings' change commits, rebuild the open tickets' due times."""
    transaction.on_commit(lambda: repair_open_tickets.enqueue(), robust=True)


@task()
def repair_open_tickets() -> int:
    """The open tickets' service level fields, rebuilt from their trails (as repair_sla)."""
    from service_levels import services

    return services.repair_all()


def queue_warning(warning_id: int) -> None:
    transaction.on_commit(lambda: send_warning.enqueue(warning_id), robust=True)


def recipients(ticket):
    from accounts.models import User
    from tickets import workflow

    if ticket.assignee is not None and workflow.is_helpdesk_staff(ticket.assignee):
        return [ticket.assignee] if ticket.assignee.email else []
    return list(
        User.objects.filter(
            is_staff=True, is_active=True, notification_preferences__new_ticket=True
        )
        .exclude(email="")
        .order_by("pk")
    )


@task()
def send_warning(warning_id: int) -> int:
    from service_levels import services
    from service_levels.models import Warning

    warning = Warning.objects.select_related("ticket__assignee").filter(pk=warning_id).first()
    # Claimed and sent in one transaction: if the mail server refuses, the claim
    # is undone and a later run_rules queues the warning again.
    with transaction.atomic():
        if warning is None or not services.mark_warning_sent(
            warning_id=warning_id, now=timezone.now()
        ):
            return 0
        return _send(warning)


def _send(warning) -> int:
    ticket = warning.ticket
    sent = 0
    for person in recipients(ticket):
        with translation.override(person.language or settings.LANGUAGE_CODE):
            context = {
                "ticket": ticket,
                "warning": warning,
                "target": {
                    "first_reply": _("first reply"),
                    "next_reply": _("next reply"),
                    "resolution": _("resolution"),
                }.get(warning.target, warning.target),
                "due": timezone.localtime(warning.due_at).strftime("%Y-%m-%d %H:%M %Z"),
                "ticket_url": settings.SITE_URL
                + reverse("admin:tickets_ticket_change", args=[ticket.pk]),
                "site_name": settings.SITE_NAME,
            }
            subject = ticket_subject(ticket)
            email = EmailMultiAlternatives(
                subject=subject,
                body=render_to_string("service_levels/warning.txt", context),
                to=[person.email],
                headers={"Auto-Submitted": "auto-generated"},
            )
        email.send()
        sent += 1
    return sent
