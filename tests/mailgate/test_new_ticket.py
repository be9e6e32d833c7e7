"""A new email becomes a ticket reported by its sender."""

from __future__ import annotations

from accounts.models import User
from mailgate.models import InboundMail
from tests.factories import UserFactory
from tests.mailgate.conftest import fixture, make_mail
from tickets.models import Ticket

Outcome = InboundMail.Outcome


def test_mail_from_a_known_user_becomes_their_ticket(deliver, reporter):
    mail = deliver(make_mail(sender="Alice <ALICE@Example.com>", body="It smells of toner."))
    assert mail.outcome == Outcome.TICKET
    ticket = mail.ticket
    assert ticket.reporter == reporter
    assert ticket.subject == "Printer on fire"
    assert ticket.description.strip() == "It smells of toner."
    assert ticket.status == Ticket.Status.NEW


def test_mail_from_an_unknown_address_makes_an_end_user_without_a_password(deliver):
    mail = deliver(fixture("iso_8859_1.eml"))
    assert mail.outcome == Outcome.TICKET
    user = User.objects.get(email="juergen@example.de")
    assert not user.has_usable_password()
    assert not user.is_staff
    assert mail.ticket.reporter == user
    assert mail.ticket.subject == "Grüße aus Köln"


def test_unknown_senders_are_refused_when_turned_off(deliver, settings):
    settings.HELPDESK_EMAIL_UNKNOWN_SENDERS = False
    mail = deliver(make_mail(sender="stranger@example.org"))
    assert mail.outcome == Outcome.REFUSED
    assert "unknown" in mail.error
    assert not User.objects.filter(email="stranger@example.org").exists()
    assert not Ticket.objects.exists()


def test_an_inactive_user_is_refused(deliver):
    UserFactory(username="gone", email="gone@example.com", is_active=False)
    mail = deliver(make_mail(sender="gone@example.com"))
    assert mail.outcome == Outcome.REFUSED
    assert not Ticket.objects.exists()


def test_no_header_sets_a_field(deliver, reporter, agent):
    mail = deliver(
        make_mail(
            headers={
                "X-Priority": "1 (Highest)",
                "Importance": "high",
                "X-Helpdesk-Status": "closed",
                "X-Helpdesk-Assignee": "sam",
            }
        )
    )
    ticket = mail.ticket
    assert (ticket.priority, ticket.status, ticket.assignee) == ("normal", "new", None)


def test_reply_prefixes_leave_the_subject_of_a_new_ticket(deliver, reporter):
    mail = deliver(make_mail(subject="Re: AW: Fwd: Printer again"))
    assert mail.ticket.subject == "Printer again"


def test_a_mail_with_no_text_takes_its_subject_as_description(deliver, reporter):
    mail = deliver(make_mail(subject="Call me back", body=""))
    assert mail.outcome == Outcome.TICKET
    assert mail.ticket.description == "Call me back"
