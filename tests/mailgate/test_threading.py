"""Replies land on their ticket, found by Message-ID, reply address or [#number]; never forged."""

from __future__ import annotations

import pytest

from mailgate.models import InboundMail
from notifications.replies import reply_address
from tests.factories import make_ticket
from tests.mailgate.conftest import INBOUND, make_mail
from tickets import services
from tickets.models import Message, Ticket

Outcome = InboundMail.Outcome


@pytest.fixture
def answered(ticket, agent, notified):
    """Sam answered Alice's ticket; the notification Alice got."""
    (email,) = notified(
        lambda: services.post_message(actor=agent, ticket=ticket, body="Please restart it.")
    )
    return email


def reply_to(email, *, sender="alice@example.com", body="Done, it works.", **extra) -> bytes:
    headers = {
        "In-Reply-To": email.extra_headers["Message-ID"],
        "References": f"{email.extra_headers['References']} {email.extra_headers['Message-ID']}",
        **extra,
    }
    return make_mail(sender=sender, subject="Re: whatever", body=body, headers=headers)


def test_notifications_carry_a_signed_reply_address_and_the_marker(answered, ticket, reporter):
    assert answered.reply_to == [reply_address(ticket_id=ticket.pk, user_id=reporter.pk)]
    assert answered.reply_to[0].startswith("support+")
    assert answered.extra_headers["Auto-Submitted"] == "auto-generated"
    assert answered.body.startswith("##- Please type your reply above this line -##")
    assert "##- Please type your reply above this line -##" in answered.alternatives[0].content


def test_a_reply_is_threaded_by_in_reply_to(deliver, answered, ticket, reporter):
    mail = deliver(reply_to(answered, body="Done, it works.\n\nOn Monday Sam wrote:\n> restart"))
    assert mail.outcome == Outcome.REPLY
    assert mail.ticket == ticket
    assert mail.message.author == reporter
    assert mail.message.body == "Done, it works."
    assert not mail.message.is_internal


def test_a_reply_is_threaded_by_its_reply_address(deliver, ticket, reporter):
    to = reply_address(ticket_id=ticket.pk, user_id=reporter.pk)
    mail = deliver(make_mail(to=to, subject="no number here"))
    assert (mail.outcome, mail.ticket) == (Outcome.REPLY, ticket)


def test_a_reply_is_threaded_by_the_number_in_its_subject(deliver, ticket):
    mail = deliver(make_mail(subject=f"Re: [#{ticket.pk}] Printer on fire"))
    assert (mail.outcome, mail.ticket) == (Outcome.REPLY, ticket)


def test_a_reporters_reply_reopens_a_pending_ticket(deliver, reporter):
    pending = make_ticket(reporter, status=Ticket.Status.PENDING)
    mail = deliver(make_mail(subject=f"[#{pending.pk}]", body="Here are the details."))
    pending.refresh_from_db()
    assert mail.outcome == Outcome.REPLY
    assert pending.status == Ticket.Status.OPEN


def test_a_reply_to_a_closed_ticket_starts_a_new_one_that_links_to_it(deliver, reporter):
    closed = make_ticket(reporter, status=Ticket.Status.CLOSED)
    mail = deliver(make_mail(subject=f"Re: [#{closed.pk}] Printer on fire", body="Again!"))
    assert mail.outcome == Outcome.TICKET
    assert mail.ticket != closed
    assert mail.ticket.reporter == reporter
    assert f"#{closed.pk}" in mail.ticket.description
    assert f"https://helpdesk.test{closed.get_absolute_url()}" in mail.ticket.description
    assert "Again!" in mail.ticket.description
    assert not closed.messages.exists()


def test_staff_reply_by_email_is_public(deliver, ticket, agent):
    to = reply_address(ticket_id=ticket.pk, user_id=agent.pk)
    mail = deliver(make_mail(sender=agent.email, to=to, subject="Re: x", body="On it."))
    assert mail.outcome == Outcome.REPLY
    assert (mail.message.author, mail.message.is_internal) == (agent, False)


def test_staff_reply_by_email_is_the_tickets_first_reply(deliver, ticket, agent):
    to = reply_address(ticket_id=ticket.pk, user_id=agent.pk)
    mail = deliver(make_mail(sender=agent.email, to=to, subject="Re: x", body="On it."))
    # The dashboard's time to first reply counts it, as it counts a reply on the web.
    answered = Ticket.objects.get(pk=ticket.pk).first_staff_reply_at
    assert answered == mail.message.created_at


def test_staff_note_by_email_is_not_a_reply(deliver, ticket, agent):
    to = reply_address(ticket_id=ticket.pk, user_id=agent.pk)
    deliver(make_mail(sender=agent.email, to=to, subject="Re: x", body="#note\nBe gentle."))
    assert Ticket.objects.get(pk=ticket.pk).first_staff_reply_at is None


def test_staff_first_line_note_makes_an_internal_note(deliver, ticket, agent):
    body = "#note\nCustomer sounds upset, be gentle."
    to = reply_address(ticket_id=ticket.pk, user_id=agent.pk)
    mail = deliver(make_mail(sender=agent.email, to=to, subject="Re: x", body=body))
    assert mail.message.is_internal
    assert mail.message.body == "Customer sounds upset, be gentle."


def test_an_end_user_cannot_write_an_internal_note(deliver, ticket):
    mail = deliver(make_mail(subject=f"[#{ticket.pk}]", body="#note\nsecret"))
    assert mail.outcome == Outcome.REPLY
    assert not mail.message.is_internal
    assert mail.message.body == "#note\nsecret"


# --- the attacker's side -------------------------------------------------------------


def test_a_forged_reply_token_does_not_thread(deliver, ticket, reporter, other_user):
    genuine = reply_address(ticket_id=ticket.pk, user_id=reporter.pk)
    forged = genuine.replace(genuine.split("-")[-1].split("@")[0], "a" * 16)
    mail = deliver(make_mail(to=forged, subject="hello"))
    assert mail.outcome == Outcome.TICKET
    assert mail.ticket != ticket


def test_a_token_guessed_for_another_ticket_does_not_thread(deliver, reporter, other_user):
    mine = make_ticket(other_user)
    theirs = make_ticket(reporter)
    # Charlie takes his own valid token and puts Alice's ticket number in it.
    token = reply_address(ticket_id=mine.pk, user_id=other_user.pk)
    guessed = token.replace(f"+{mine.pk}-", f"+{theirs.pk}-")
    mail = deliver(make_mail(sender=other_user.email, to=guessed, subject="hi"))
    assert mail.outcome == Outcome.TICKET
    assert mail.ticket.reporter == other_user
    assert not theirs.messages.exists()


def test_a_token_of_someone_else_does_not_let_another_sender_post(
    deliver, ticket, reporter, other_user
):
    to = reply_address(ticket_id=ticket.pk, user_id=reporter.pk)
    mail = deliver(make_mail(sender=other_user.email, to=to, subject="forwarded"))
    assert mail.outcome == Outcome.TICKET
    assert mail.ticket.reporter == other_user
    assert not ticket.messages.filter(author=other_user).exists()


def test_a_reply_from_another_sender_with_a_valid_in_reply_to_does_not_post(
    deliver, answered, ticket, other_user
):
    mail = deliver(reply_to(answered, sender=other_user.email, body="Let me in"))
    assert mail.outcome == Outcome.TICKET
    assert mail.ticket.reporter == other_user
    assert not Message.objects.filter(ticket=ticket, author=other_user).exists()


def test_the_number_of_someone_elses_ticket_in_the_subject_does_not_post(
    deliver, ticket, other_user
):
    mail = deliver(make_mail(sender=other_user.email, subject=f"Re: [#{ticket.pk}] hi"))
    assert mail.outcome == Outcome.TICKET
    assert mail.ticket.reporter == other_user
    assert not ticket.messages.exists()


def test_a_forged_staff_sender_with_the_number_in_the_subject_does_not_post_as_staff(
    deliver, ticket, agent
):
    # Anyone can write a staff member's address in From (FreeScout CVE-2026-47123):
    # a ticket number is no proof, and staff may post to every ticket.
    body = "Please send your password to mallory@example.net"
    mail = deliver(make_mail(sender=agent.email, subject=f"Re: [#{ticket.pk}] x", body=body))
    assert mail.outcome == Outcome.TICKET
    assert mail.ticket != ticket
    assert not ticket.messages.exists()


def test_a_forged_staff_sender_cannot_write_an_internal_note(deliver, ticket, agent):
    body = "#note\nRefund approved, pay to IBAN XX00"
    mail = deliver(make_mail(sender=agent.email, subject=f"[#{ticket.pk}]", body=body))
    assert mail.ticket != ticket
    assert not ticket.messages.exists()


def test_a_forged_staff_sender_with_another_persons_message_id_does_not_post(
    deliver, answered, ticket, agent
):
    # The Message-ID of Alice's notification is made of ids, which can be guessed.
    mail = deliver(reply_to(answered, sender=agent.email, body="Pay here: https://evil.test"))
    assert mail.outcome == Outcome.TICKET
    assert not ticket.messages.filter(body__contains="evil.test").exists()


def test_a_message_id_the_helpdesk_never_sent_does_not_thread(deliver, ticket, agent):
    # The form of ours, but no delivery of that event to that person was made.
    fake = f"<ticket-{ticket.pk}-event-999999-{agent.pk}@helpdesk.test>"
    mail = deliver(make_mail(sender=agent.email, subject="hi", headers={"In-Reply-To": fake}))
    assert mail.outcome == Outcome.TICKET


def test_a_reply_to_elsewhere_makes_it_a_new_ticket_only(deliver, answered, ticket, reporter):
    mail = deliver(reply_to(answered, **{"Reply-To": "mallory@example.net"}))
    assert mail.outcome == Outcome.TICKET
    assert not ticket.messages.filter(author=reporter).exists()


def test_failed_authentication_from_a_trusted_server_makes_it_a_new_ticket_only(
    deliver, answered, ticket
):
    header = "mx.helpdesk.test; spf=fail smtp.mailfrom=example.com; dkim=none; dmarc=fail"
    mail = deliver(reply_to(answered, **{"Authentication-Results": header}))
    assert mail.outcome == Outcome.TICKET


def test_authentication_results_from_an_unknown_server_are_ignored(deliver, answered, ticket):
    header = "mx.attacker.example; dmarc=fail"
    mail = deliver(reply_to(answered, **{"Authentication-Results": header}))
    assert (mail.outcome, mail.ticket) == (Outcome.REPLY, ticket)


def test_passed_authentication_threads(deliver, answered, ticket):
    header = "mx.helpdesk.test; spf=pass; dkim=pass header.d=example.com; dmarc=pass"
    mail = deliver(reply_to(answered, **{"Authentication-Results": header}))
    assert (mail.outcome, mail.ticket) == (Outcome.REPLY, ticket)


def test_mail_from_the_helpdesks_own_address_is_ignored(deliver, ticket):
    mail = deliver(make_mail(sender=INBOUND, subject=f"[#{ticket.pk}]"))
    assert mail.outcome == Outcome.IGNORED
    assert not ticket.messages.exists()


def test_without_an_inbound_address_notifications_carry_no_reply_address(
    ticket, agent, notified, settings
):
    settings.HELPDESK_EMAIL_ADDRESS = ""
    (email,) = notified(lambda: services.post_message(actor=agent, ticket=ticket, body="Hi"))
    assert email.reply_to == []
    assert "##-" not in email.body
    assert email.extra_headers["Auto-Submitted"] == "auto-generated"


def test_a_message_id_of_another_domain_does_not_thread(deliver, answered, ticket):
    foreign = answered.extra_headers["Message-ID"].replace("helpdesk.test", "evil.example")
    mail = deliver(make_mail(subject="hi", headers={"In-Reply-To": foreign}))
    assert mail.outcome == Outcome.TICKET
    assert mail.ticket != ticket
