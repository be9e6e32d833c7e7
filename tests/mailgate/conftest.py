from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest

from mailgate.models import InboundMail
from mailgate.tasks import accept

FIXTURES = Path(__file__).parent / "fixtures"
INBOUND = "support@helpdesk.test"


@pytest.fixture(autouse=True)
def _mail_settings(settings):
    """Email in at support@helpdesk.test, links (and Message-IDs) at helpdesk.test."""
    settings.HELPDESK_EMAIL_ADDRESS = INBOUND
    settings.SITE_URL = "https://helpdesk.test"
    settings.HELPDESK_EMAIL_TRUSTED_AUTHSERV_IDS = ["mx.helpdesk.test"]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def make_mail(
    *,
    sender: str = "alice@example.com",
    to: str = INBOUND,
    subject: str = "Printer on fire",
    body: str = "It smells of toner.",
    headers: dict[str, str] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="example.com")
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    return msg.as_bytes()


@pytest.fixture
def deliver(db, django_capture_on_commit_callbacks):
    """Hand a raw message to the helpdesk as the mail server would; the stored record."""

    def deliver(raw: bytes, mailbox: str = "pipe") -> InboundMail:
        with django_capture_on_commit_callbacks(execute=True):
            mail, _created = accept(raw=raw, mailbox=mailbox)
        mail.refresh_from_db()
        return mail

    return deliver


@pytest.fixture
def notified(mailoutbox, django_capture_on_commit_callbacks):
    """Run a service with its notifications sent; the emails it sent."""

    def notified(fn):
        start = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            fn()
        return mailoutbox[start:]

    return notified
