"""Build notification emails: text and HTML parts, threading headers, unsubscribe link."""

from __future__ import annotations

import contextlib
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.models import EmailDelivery, NotificationKind
from notifications.replies import inbound_address, reply_address
from tickets import workflow
from tickets.models import Ticket

SUBJECT_MAX = 150
# A digest shows this many of the events it covers; the ticket page has the rest.
DIGEST_MAX_ITEMS = 20


def mail_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def thread_root_id(ticket_id: int) -> str:
    """The Message-ID every email about one ticket refers to, so they thread together."""
    return f"<ticket-{ticket_id}@{mail_domain()}>"


def message_id(delivery: EmailDelivery) -> str:
    event = delivery.event
    return f"<ticket-{event.ticket_id}-event-{event.pk}-{delivery.recipient_id}@{mail_domain()}>"


_OWN_MESSAGE_ID = re.compile(r"ticket-(\d{1,18})-event-(\d{1,18})-(\d{1,18})@(.+)")


def read_message_id(value: str) -> tuple[int, int, int] | None:
    """(ticket, event, recipient) ids of a Message-ID as message_id() makes them, else None.

    Only the form is checked here: whether the helpdesk really sent it is the
    EmailDelivery of (event, recipient), which mailgate looks up.
    """
    match = _OWN_MESSAGE_ID.fullmatch(value.strip().strip("<>"))
    if match is None or match[4].lower() != mail_domain().lower():
        return None
    return int(match[1]), int(match[2]), int(match[3])


def ticket_link(delivery: EmailDelivery) -> str:
    ticket = delivery.event.ticket
    path = ticket.get_absolute_url()
    if workflow.is_helpdesk_staff(delivery.recipient):
        # Staff work in the console.
        with contextlib.suppress(NoReverseMatch):
            path = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    return settings.SITE_URL + path


def preferences_link() -> str:
    return settings.SITE_URL + reverse("notification_preferences")


def language_of(delivery: EmailDelivery) -> str:
    """The recipient's language, else the site's: never the language of whoever acted."""
    return delivery.recipient.language or settings.LANGUAGE_CODE


def ticket_subject(ticket: Ticket) -> str:
    """The subject of every email about `ticket`, in the active language: "[#123] Subject"."""
    # Subjects are single-line plain text (the services see to it); stay safe
    # with rows written before that rule or by the bulk loader.
    one_line = " ".join(ticket.subject.split())
    # Translators: an email's subject. Keep "[#%(number)s]" before the subject: mail
    # programs and people recognise a ticket's emails by it.
    subject = _("[#%(number)s] %(subject)s") % {"number": ticket.pk, "subject": one_line}
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1] + "…"
    return subject


def build_email(delivery: EmailDelivery) -> EmailMultiAlternatives:
    """The email of `delivery`, subject to footer in its recipient's language."""
    language = language_of(delivery)
    with translation.override(language):
        return _build_email(delivery, language)


def _build_email(delivery: EmailDelivery, language: str) -> EmailMultiAlternatives:
    event = delivery.event
    ticket = event.ticket
    context = {
        "delivery": delivery,
        "kind": delivery.kind,
        "kinds": NotificationKind,
        "ticket": ticket,
        "event": event,
        "message": event.message,
        # The names of the files the change attached (escaped in the HTML part).
        "files": event.old_value.split("\n") if event.field == "attachments" else [],
        "actor": event.actor,
        "recipient": delivery.recipient,
        "new_status": ticket.Status(event.new_value).label
        if event.kind == event.Kind.STATUS_CHANGED
        else "",
        "ticket_url": ticket_link(delivery),
        "preferences_url": preferences_link(),
        "site_name": settings.SITE_NAME,
        # The line above which mailgate keeps a reply (mailgate.quotes.MARKER).
        "reply_marker": bool(inbound_address()),
    }
    subject = ticket_subject(ticket)
    root = thread_root_id(ticket.pk)
    headers = {
        "Message-ID": message_id(delivery),
        "In-Reply-To": root,
        "References": root,
        "List-Unsubscribe": f"<{context['preferences_url']}>",
        "Auto-Submitted": "auto-generated",
        "Content-Language": language,
    }
    # Replies come back to the helpdesk (mailgate) at an address naming the
    # ticket and the recipient, signed: it threads even if the headers are lost.
    reply_to = reply_address(ticket_id=ticket.pk, user_id=delivery.recipient_id)
    email = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("notifications/email.txt", context),
        to=[delivery.recipient.email],
        reply_to=[reply_to] if reply_to else [],
        headers=headers,
    )
    email.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    return email


def build_digest(deliveries: list[EmailDelivery]) -> EmailMultiAlternatives:
    """One email to one person about several events of one ticket, oldest first.

    It is the first delivery's email (subject, threading headers, Message-ID,
    language) with a body that lists every event; the others are recorded as
    sent with it.
    """
    lead = deliveries[0]
    email = build_email(lead)
    with translation.override(language_of(lead)):
        _digest_body(email, lead, deliveries)
    return email


def _digest_body(
    email: EmailMultiAlternatives, lead: EmailDelivery, deliveries: list[EmailDelivery]
) -> None:
    items = sorted(deliveries, key=lambda d: d.event_id)
    context = {
        "ticket": lead.event.ticket,
        "recipient": lead.recipient,
        "items": [_about(d) for d in items[:DIGEST_MAX_ITEMS]],
        "count": len(items),
        "more": max(0, len(items) - DIGEST_MAX_ITEMS),
        "ticket_url": ticket_link(lead),
        "preferences_url": preferences_link(),
        "site_name": settings.SITE_NAME,
        # The line above which mailgate keeps a reply (mailgate.quotes.MARKER).
        "reply_marker": bool(inbound_address()),
    }
    email.body = render_to_string("notifications/digest.txt", context)
    email.alternatives = []
    email.attach_alternative(render_to_string("notifications/digest.html", context), "text/html")


def _about(delivery: EmailDelivery) -> dict:
    """One event of a digest, as notifications/_intro.txt and the digest templates read it."""
    event = delivery.event
    return {
        "kind": delivery.kind,
        "event": event,
        "message": event.message,
        "actor": event.actor,
        "new_status": event.ticket.Status(event.new_value).label
        if event.kind == event.Kind.STATUS_CHANGED
        else "",
    }
