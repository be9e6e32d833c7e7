"""Files in the mail land on the ticket, as if uploaded on the web."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

from mailgate.models import InboundMail
from tests.mailgate.conftest import INBOUND, fixture
from tickets.attachments import storage

Outcome = InboundMail.Outcome
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def mail_with_files(*, subject: str, body: str, files: list[tuple[str, bytes]]) -> bytes:
    msg = EmailMessage()
    msg["From"] = "alice@example.com"
    msg["To"] = INBOUND
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="example.com")
    msg.set_content(body)
    for name, content in files:
        msg.add_attachment(content, maintype="application", subtype="pdf", filename=name)
    return msg.as_bytes()


def test_a_new_tickets_files_are_the_reports_attachments(deliver):
    mail = deliver(fixture("rfc2047_subject.eml"))
    assert mail.outcome == Outcome.TICKET
    files = {a.filename: a for a in mail.ticket.attachments.all()}
    assert set(files) == {"Rechnung März.pdf", "attachment-2.png"}
    assert all(a.message_id is None for a in files.values())
    with storage().open(files["Rechnung März.pdf"].storage_name) as stored:
        assert stored.read().startswith(b"%PDF-1.4")


def test_a_replys_files_are_its_messages_attachments(deliver, ticket, reporter):
    raw = mail_with_files(
        subject=f"Re: [#{ticket.pk}] {ticket.subject}",
        body="The log is attached.",
        files=[("printer.log.pdf", b"%PDF-1.4 log")],
    )
    mail = deliver(raw)
    assert mail.outcome == Outcome.REPLY
    assert mail.message.body.strip() == "The log is attached."
    assert [a.filename for a in mail.message.attachments.all()] == ["printer.log.pdf"]


def test_a_reply_of_files_alone_is_posted(deliver, ticket):
    raw = mail_with_files(
        subject=f"Re: [#{ticket.pk}] {ticket.subject}",
        body="",
        files=[("screenshot.pdf", b"%PDF-1.4 screen")],
    )
    mail = deliver(raw)
    assert mail.outcome == Outcome.REPLY
    assert mail.message.body.strip()  # a body says that only files came
    assert [a.filename for a in mail.message.attachments.all()] == ["screenshot.pdf"]


def test_files_over_the_limit_are_left_out_and_the_text_says_so(deliver, ticket, settings):
    settings.ATTACHMENTS_MAX_FILE_SIZE = 100
    raw = mail_with_files(
        subject=f"Re: [#{ticket.pk}] {ticket.subject}",
        body="Here is the dump.",
        files=[("dump.pdf", b"%PDF-1.4" + b"x" * 200)],
    )
    mail = deliver(raw)
    assert mail.outcome == Outcome.REPLY
    assert not mail.message.attachments.exists()
    body = mail.message.body
    assert body.startswith("Here is the dump.")
    # The reason names the file and the limit; the raw mail keeps the file.
    assert "dump.pdf" in body
    assert "100" in body


def test_more_files_than_a_message_may_have_keep_the_text(deliver, ticket, settings):
    raw = mail_with_files(
        subject=f"Re: [#{ticket.pk}] {ticket.subject}",
        body="All the logs.",
        files=[(f"log{i}.pdf", b"%PDF-1.4") for i in range(settings.ATTACHMENTS_MAX_FILES + 1)],
    )
    mail = deliver(raw)
    assert mail.outcome == Outcome.REPLY
    assert not mail.message.attachments.exists()
    assert mail.message.body.startswith("All the logs.")
