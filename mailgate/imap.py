"""Fetch mail from IMAP mailboxes: store each message first, then move it out of the way.

A mailbox is a URL in HELPDESK_EMAIL_IMAP:
`imaps://user:password@host:993/INBOX?processed=Processed` (TLS from the
start), or `imap://...?starttls=True` (STARTTLS on port 143; plain IMAP is
refused, passwords never travel in the clear). `after=delete` deletes fetched
messages instead of moving them to the `processed` folder; `cafile=` names the
CA certificates to trust instead of the system's.

Never losing a message, even if the process dies at any point: each message
is stored (mailgate.tasks.accept, one commit) before it is moved or deleted;
a message fetched again after a crash between the two is recognised by its
Message-ID (or its bytes) and only moved.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import ssl
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from mailgate.services import max_bytes
from mailgate.tasks import accept

logger = logging.getLogger(__name__)


class MailboxError(ValueError):
    pass


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    username: str
    password: str
    folder: str = "INBOX"
    starttls: bool = False
    processed: str = "Processed"
    delete: bool = False
    cafile: str | None = None

    @property
    def name(self) -> str:
        """How stored messages name where they came from (never the password)."""
        return f"imap:{self.username}@{self.host}:{self.port}/{self.folder}"


def parse_url(url: str) -> Mailbox:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    unknown = set(query) - {"processed", "after", "starttls", "cafile"}
    if unknown:
        raise MailboxError(f"Unknown option(s) {sorted(unknown)} in an IMAP URL")
    if parts.scheme == "imaps":
        starttls = False
    elif parts.scheme == "imap" and query.get("starttls") == "True":
        starttls = True
    else:
        raise MailboxError("Use imaps://..., or imap://...?starttls=True: never plain IMAP")
    if not parts.hostname or not parts.username or parts.password is None:
        raise MailboxError("An IMAP URL needs a user, a password and a host")
    if query.get("after", "move") not in ("move", "delete"):
        raise MailboxError("after= is 'move' (the default) or 'delete'")
    return Mailbox(
        host=parts.hostname,
        port=parts.port or (993 if parts.scheme == "imaps" else 143),
        username=unquote(parts.username),
        password=unquote(parts.password),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
        starttls=starttls,
        processed=query.get("processed", "Processed"),
        delete=query.get("after") == "delete",
        cafile=query.get("cafile"),
    )


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def connect(mailbox: Mailbox) -> imaplib.IMAP4:
    context = ssl.create_default_context(cafile=mailbox.cafile)
    if mailbox.starttls:
        conn = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=60)
        conn.starttls(ssl_context=context)
    else:
        conn = imaplib.IMAP4_SSL(mailbox.host, mailbox.port, ssl_context=context, timeout=60)
    conn.login(mailbox.username, mailbox.password)
    return conn


def _check(response: tuple[str, list]) -> list:
    typ, data = response
    if typ != "OK":
        raise imaplib.IMAP4.error(f"{typ} {data!r}")
    return data


def fetch(mailbox: Mailbox) -> int:
    """Store every message in the mailbox's folder, moving (or deleting) each once stored.

    Returns how many messages were handled.
    """
    conn = connect(mailbox)
    try:
        can_move = "MOVE" in _check(conn.capability())[0].decode().upper().split()
        if not mailbox.delete:
            # Already there is fine.
            conn.create(_quote(mailbox.processed))
        _check(conn.select(_quote(mailbox.folder)))
        uids = _check(conn.uid("SEARCH", None, "UNDELETED"))[0].split()
        for uid in uids:
            _handle(conn, mailbox, uid.decode(), can_move)
        if not can_move or mailbox.delete:
            _check(conn.expunge())
        return len(uids)
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()


def _handle(conn: imaplib.IMAP4, mailbox: Mailbox, uid: str, can_move: bool) -> None:
    data = _check(conn.uid("FETCH", uid, "(RFC822.SIZE)"))
    match = re.search(rb"RFC822\.SIZE (\d+)", data[0] or b"")
    size = int(match[1]) if match else 0
    # Over the limit: only the header is fetched, and the message refused.
    part = "BODY.PEEK[HEADER]" if size > max_bytes() else "BODY.PEEK[]"
    fetched = _check(conn.uid("FETCH", uid, f"({part})"))
    raw = next((item[1] for item in fetched if isinstance(item, tuple)), None)
    if raw is None:
        return  # gone meanwhile (another poller took it)
    accept(raw=raw, mailbox=mailbox.name, size=size or None)
    # Stored and committed: now it may leave the folder.
    if mailbox.delete:
        _check(conn.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)"))
    elif can_move:
        _check(conn.uid("MOVE", uid, _quote(mailbox.processed)))
    else:
        _check(conn.uid("COPY", uid, _quote(mailbox.processed)))
        _check(conn.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)"))
