"""Notification emails: every kind translated, and in the recipient's language.

In the pseudo-language, each kind of email (and each branch of its intro) is
built for its recipient, and the subject, the plain text and the HTML must
show no English the product wrote outside the markers. What the test wrote
(names, subject, description, messages), the site's name and the links may.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from notifications import emails
from notifications.models import EmailDelivery, NotificationKind
from tests.factories import StaffFactory, UserFactory, make_ticket
from tests.i18n.pseudo import pseudo_language, untranslated_html, untranslated_words
from tickets import services
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db

BRAND = [settings.SITE_NAME]


@pytest.fixture
def mail(mailoutbox, django_capture_on_commit_callbacks):
    """Run a service with its after-commit work (planning, sending); return the emails sent."""

    def during(fn):
        start = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            fn()
        return mailoutbox[start:]

    return during


def every_email(reporter, agent, other_agent) -> list[tuple[str, EmailDelivery]]:
    """One delivery of each kind of email, for each branch of its wording."""
    ticket = make_ticket(reporter, subject="Printer on fire", description="It smells of toner.")
    services.modify_ticket(actor=other_agent, ticket=ticket, assignee=agent)
    created = ticket.events.get(kind=TicketEvent.Kind.CREATED)
    reply = services.post_message(actor=reporter, ticket=ticket, body="Here is a photo.")
    staff_reply = services.post_message(actor=agent, ticket=ticket, body="Try turning it off.")
    note = services.post_message(
        actor=other_agent, ticket=ticket, body="Suspect the fuser.", is_internal=True
    )
    statuses = {}
    for status in ("pending", "resolved", "closed"):
        services.change_status(actor=agent, ticket=ticket, status=status)
        statuses[status] = ticket.events.filter(kind="status_changed").latest("pk")
    assigned = ticket.events.filter(kind="assigned").latest("pk")
    # A time-based rule assigns with no person behind it.
    by_nobody = TicketEvent.objects.get(pk=assigned.pk)
    by_nobody.actor = None

    def delivery(event, recipient, kind):
        return EmailDelivery(event=event, recipient=recipient, kind=kind)

    Kind = NotificationKind
    return [
        ("new ticket", delivery(created, other_agent, Kind.NEW_TICKET)),
        (
            "reply on an unassigned ticket",
            delivery(reply.events.get(), other_agent, Kind.NEW_TICKET),
        ),
        ("staff reply", delivery(staff_reply.events.get(), reporter, Kind.STAFF_REPLY)),
        *(
            (f"status {status}", delivery(event, reporter, Kind.STATUS_CHANGED))
            for status, event in statuses.items()
        ),
        ("reporter reply", delivery(reply.events.get(), agent, Kind.REPORTER_REPLY)),
        ("internal note", delivery(note.events.get(), agent, Kind.INTERNAL_NOTE)),
        ("assigned", delivery(assigned, agent, Kind.ASSIGNED)),
        ("assigned by the helpdesk", delivery(by_nobody, agent, Kind.ASSIGNED)),
    ]


def test_every_kind_of_email_is_translated(reporter, agent, other_agent):
    found = {}
    with pseudo_language():
        for name, delivery in every_email(reporter, agent, other_agent):
            ticket = delivery.event.ticket
            allowed = [
                *BRAND,
                ticket.subject,
                ticket.description,
                *(m.body for m in ticket.messages.all()),
                *(u.username for u in (reporter, agent, other_agent)),
                emails.ticket_link(delivery),
                emails.preferences_link(),
            ]
            email = emails.build_email(delivery)
            html = email.alternatives[0].content
            for part, words in (
                ("subject", untranslated_words(email.subject, allowed)),
                ("text", untranslated_words(email.body, allowed)),
                ("html", untranslated_html(html, allowed)),
            ):
                if words:
                    found[f"{name}, {part}"] = words
    assert not found, "Untranslated words:\n" + "\n".join(
        f"{name}: {' '.join(words)}" for name, words in found.items()
    )


def test_an_email_is_in_the_recipients_language_not_the_actors(mail, monkeypatch, settings):
    settings.LANGUAGE_CODE = "fr"
    reporter = UserFactory(username="greta", language="de")
    no_choice = StaffFactory(username="nadia", language="")
    agent = StaffFactory(username="eddie", language="en")
    ticket = make_ticket(reporter, assignee=no_choice)

    rendered_in = []
    real = emails.render_to_string

    def spy(*args, **kwargs):
        rendered_in.append(translation.get_language())
        return real(*args, **kwargs)

    monkeypatch.setattr(emails, "render_to_string", spy)
    # The staff member acts in English, as their request would have it.
    with translation.override("en"):
        (to_reporter,) = mail(
            lambda: services.post_message(actor=agent, ticket=ticket, body="Guten Tag")
        )
        assert translation.get_language() == "en"
    assert to_reporter.to == [reporter.email]
    assert rendered_in == ["de", "de"]  # the text and the HTML
    assert to_reporter.extra_headers["Content-Language"] == "de"
    assert 'lang="de"' in to_reporter.alternatives[0].content

    # Someone who chose no language reads the site's.
    rendered_in.clear()
    with translation.override("en"):
        (to_assignee,) = mail(
            lambda: services.post_message(actor=reporter, ticket=ticket, body="Danke")
        )
    assert to_assignee.to == [no_choice.email]
    assert rendered_in == ["fr", "fr"]
    assert to_assignee.extra_headers["Content-Language"] == "fr"
