"""Mail is hostile: what an attacker might send, and what becomes of it."""

from __future__ import annotations

import tracemalloc

from mailgate.models import InboundMail
from tests.mailgate.conftest import make_mail
from tickets import services
from tickets.models import Ticket

Outcome = InboundMail.Outcome


def test_the_default_limit_refuses_a_26_mb_message(deliver, reporter):
    raw = make_mail(body="A" * (26 * 1024 * 1024))
    mail = deliver(raw)
    assert mail.outcome == Outcome.REFUSED
    assert mail.size == len(raw)
    # Only its headers are kept, for the console.
    assert len(mail.raw) < 64 * 1024
    assert not Ticket.objects.exists()


def test_a_line_break_smuggled_into_the_subject_cannot_inject_headers(
    deliver, reporter, agent, notified
):
    raw = (
        b"From: alice@example.com\r\nTo: support@helpdesk.test\r\nMessage-ID: <inj@example.com>\r\n"
        b"Subject: =?utf-8?q?Hello=0D=0ABcc:_victim@example.net=0D=0A=0D=0Abody?=\r\n\r\nhi\r\n"
    )
    mail = deliver(raw)
    ticket = mail.ticket
    assert "\r" not in ticket.subject and "\n" not in ticket.subject
    (email,) = notified(lambda: services.post_message(actor=agent, ticket=ticket, body="ok"))
    assert "victim@example.net" not in (email.bcc + email.cc + email.to)
    message = email.message()
    assert message["Bcc"] is None
    assert "\n" not in message["Subject"]


def test_a_header_of_thousands_of_encoded_words_costs_little_memory(deliver, reporter):
    # Python's header parser takes memory quadratic in a header's encoded words:
    # 10,000 (140 KB) took 700 MB, a 7 MB header was killed at 23 GB, and the
    # message, still queued, would be tried again by the sweep.
    raw = (
        b"From: alice@example.com\r\nTo: support@helpdesk.test\r\n"
        b"Message-ID: <words@example.com>\r\nSubject: " + b"=?utf-8?q?a?= " * 10_000 + b"\r\n"
        b"Content-Type: text/plain; name=" + b"=?utf-8?q?b?= " * 10_000 + b"\r\n\r\nhi\r\n"
    )
    tracemalloc.start()
    try:
        mail = deliver(raw)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert mail.outcome == Outcome.TICKET
    assert mail.ticket.subject.startswith("aaaa")
    assert peak < 64 * 1024 * 1024


def test_an_address_hidden_in_an_encoded_word_is_not_the_sender(deliver, ticket, reporter):
    # "Splitting the email atom": the mail server checks (SPF, DKIM, DMARC) the
    # domain it sees, evil.test; decoded, the same From reads alice@example.com.
    raw = (
        b"From: =?x?q?alice=40example.com=3e=00?=foo@evil.test\r\n"
        b"To: support@helpdesk.test\r\nMessage-ID: <atom@evil.test>\r\n"
        b"Subject: Re: [#" + str(ticket.pk).encode() + b"] pay here\r\n\r\nhttps://evil.test\r\n"
    )
    mail = deliver(raw)
    assert mail.sender != reporter.email
    assert mail.ticket != ticket
    assert not ticket.messages.exists()
    assert not Ticket.objects.filter(reporter=reporter).exclude(pk=ticket.pk).exists()


def test_an_address_in_raw_utf8_is_read_as_utf8(deliver, reporter):
    raw = (
        "From: Jörg <jörg@example.com>\r\nTo: support@helpdesk.test\r\n"
        "Message-ID: <utf8@example.com>\r\nSubject: Grüße\r\n\r\nHallo\r\n"
    ).encode()
    mail = deliver(raw)
    assert mail.sender == "jörg@example.com"


def test_nul_characters_in_the_body_do_not_stop_the_message(deliver, reporter):
    mail = deliver(make_mail(body="before\x00after"))
    assert mail.outcome == Outcome.TICKET
    assert mail.ticket.description.strip() == "beforeafter"


def test_a_message_without_a_sender_is_refused(deliver):
    raw = b"To: support@helpdesk.test\r\nSubject: who am I\r\nMessage-ID: <x@y>\r\n\r\nhi\r\n"
    mail = deliver(raw)
    assert mail.outcome == Outcome.REFUSED


def test_two_senders_in_from_are_refused(deliver, reporter, other_user):
    mail = deliver(make_mail(sender="alice@example.com, charlie@example.com"))
    assert mail.outcome == Outcome.REFUSED
    assert not Ticket.objects.exists()


def test_an_autoresponder_answering_a_notification_does_not_loop(
    deliver, ticket, agent, notified, mailoutbox
):
    (email,) = notified(lambda: services.post_message(actor=agent, ticket=ticket, body="Hi"))
    before = len(mailoutbox)
    reply = make_mail(
        subject="Out of office",
        body="I am away.",
        headers={
            "In-Reply-To": email.extra_headers["Message-ID"],
            "Auto-Submitted": "auto-replied",
        },
    )
    mail = deliver(reply)
    assert mail.outcome == Outcome.IGNORED
    assert ticket.messages.count() == 1
    assert len(mailoutbox) == before
