"""Read one raw email into what the helpdesk needs of it, trusting none of it.

Python's email package with policy.default decodes the headers (RFC 2047
words, RFC 2231 parameters) and the transfer encodings; this module picks the
sender, the threading headers, the body as text (the text part, or the HTML
part turned into text: no markup survives), the attachments and inline images
as (filename, content type, bytes), and whether it is automatic mail that must
never be answered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.policy import EmailPolicy
from email.utils import getaddresses

from mailgate.html import html_to_text

# At most this many attachments are read out of one message; the rest is in the raw mail.
MAX_ATTACHMENTS = 50
_MSGID = re.compile(r"<([^<>\s]{1,900})>")
# The longest header (of the message or of a part) that is read whole; the rest
# of a longer one is left unread (the raw mail keeps it). Python's parser of
# headers takes memory quadratic in a header's encoded words: 140 KB of them
# took 700 MB, 7 MB was killed at 23 GB. 16 KB is hundreds of addresses or
# References, and costs a few MB.
MAX_HEADER_LENGTH = 16 * 1024


class _Policy(EmailPolicy):
    """policy.default, reading at most MAX_HEADER_LENGTH characters of a header."""

    def header_fetch_parse(self, name, value):
        if isinstance(value, str) and len(value) > MAX_HEADER_LENGTH:
            value = value[:MAX_HEADER_LENGTH]
        return super().header_fetch_parse(name, value)


POLICY = _Policy()


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass
class ParsedMail:
    sender: str  # the From address, lower-cased; "" if there is none we can read
    sender_name: str
    subject: str
    body: str  # the whole text of the message, quotes and all
    message_id: str  # without the angle brackets; "" if absent
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    reply_to: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)  # To, Cc, Delivered-To, X-Original-To
    attachments: list[Attachment] = field(default_factory=list)
    automatic: str = ""  # why it is automatic mail (a header and its value), or ""
    authentication_results: list[str] = field(default_factory=list)
    several_senders: bool = False


def parse_bytes(raw: bytes) -> EmailMessage:
    return BytesParser(policy=POLICY).parsebytes(raw)


def message_ids(value: str | None) -> list[str]:
    """The Message-IDs in a header such as References, without brackets, in order."""
    if not value:
        return []
    return _MSGID.findall(str(value))


def _header(msg: Message, name: str) -> str:
    value = msg.get(name)
    if value is None:
        return ""
    # A header that policy.default could not parse still has its text.
    return " ".join(str(value).split())


def _utf8(raw_value: str) -> str:
    # A raw header's 8-bit bytes (UTF-8 headers, RFC 6532) come as surrogate escapes.
    return raw_value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _addresses(msg: Message, *names: str) -> list[str]:
    # From the headers as sent, not decoded: an encoded word is never an address
    # (RFC 2047, 5), yet decoded, "=?x?q?alice=40example.com=3e=00?=foo@evil.test"
    # reads alice@example.com while the mail server checked evil.test.
    wanted = {name.lower() for name in names}
    values = [_utf8(v[:MAX_HEADER_LENGTH]) for k, v in msg.raw_items() if k.lower() in wanted]
    return [addr.strip().lower() for _, addr in getaddresses(values) if "@" in addr]


def sender_addresses(msg: Message) -> list[str]:
    """The addresses in From, lower-cased (one, normally)."""
    return _addresses(msg, "From")


def automatic_reason(msg: Message) -> str:
    """Why `msg` was sent by a machine (and must not be answered), or "" if by a person."""
    auto_submitted = _header(msg, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    precedence = _header(msg, "Precedence").lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "List-Id"):
        if msg.get(name) is not None:
            return f"{name}: {_header(msg, name)[:100]}"
    if msg.get_content_type() == "multipart/report":
        return f"Content-Type: multipart/report; report-type={msg.get_param('report-type')}"
    if _addresses(msg, "Return-Path") == [] and msg.get("Return-Path") is not None:
        # "Return-Path: <>" is the null sender of bounces (RFC 5321 4.5.5).
        return "Return-Path: <>"
    return ""


def _text_of(part: Message) -> str:
    """A text part's content as str, whatever charset it claims."""
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        # A charset Python does not know: the bytes as UTF-8, wrong ones replaced.
        return payload.decode("utf-8", errors="replace")


def _body_and_attachments(msg: EmailMessage) -> tuple[str, list[Attachment]]:
    plain: str | None = None
    html: str | None = None
    attachments: list[Attachment] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        is_text = content_type in ("text/plain", "text/html")
        if is_text and disposition != "attachment" and not filename:
            if content_type == "text/plain" and plain is None:
                plain = _text_of(part)
            elif content_type == "text/html" and html is None:
                html = _text_of(part)
            continue
        if part.get_content_maintype() == "message" or len(attachments) >= MAX_ATTACHMENTS:
            continue
        # An attachment, or an inline image (Content-ID, no name perhaps).
        content = part.get_payload(decode=True) or b""
        name = _safe_filename(filename or "", content_type, len(attachments) + 1)
        attachments.append(Attachment(name, content_type, content))
    if plain is not None and plain.strip():
        return plain, attachments
    if html is not None:
        return html_to_text(html), attachments
    return plain or "", attachments


def _safe_filename(name: str, content_type: str, number: int) -> str:
    # A name, not a path: whatever came before a slash or backslash goes.
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")[:200]
    if not name:
        extension = content_type.rpartition("/")[2][:10] or "bin"
        name = f"attachment-{number}.{extension}"
    return name


def parse(raw: bytes) -> ParsedMail:
    """Everything the helpdesk reads of one raw message."""
    msg = parse_bytes(raw)
    senders = _addresses(msg, "From")
    name = ""
    if senders:
        for display, addr in getaddresses([str(v) for v in msg.get_all("From", [])]):
            if addr.strip().lower() == senders[0]:
                name = display
                break
    body, attachments = _body_and_attachments(msg)
    message_id = message_ids(msg.get("Message-ID"))
    return ParsedMail(
        sender=senders[0] if len(senders) == 1 else "",
        sender_name=" ".join(name.split())[:150],
        subject=_header(msg, "Subject"),
        body=body,
        message_id=message_id[0] if message_id else "",
        in_reply_to=message_ids(msg.get("In-Reply-To")),
        references=message_ids(msg.get("References")),
        reply_to=_addresses(msg, "Reply-To"),
        recipients=_addresses(msg, "To", "Cc", "Delivered-To", "X-Original-To"),
        attachments=attachments,
        automatic=automatic_reason(msg),
        authentication_results=[
            " ".join(str(v).split()) for v in msg.get_all("Authentication-Results", []) or []
        ],
        several_senders=len(senders) > 1,
    )
