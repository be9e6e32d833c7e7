"""The only code that writes inbound email records.

`receive` stores a message raw before anything else happens (the same message
twice in one mailbox is stored once); `claim` locks a queued one for
processing and `record_outcome` writes what became of it: ticket made, reply
posted, ignored (automatic mail), refused, or failed with the error; `requeue`
sends failed ones round again. Reading the mail and routing it through the
ticket services is the interface's (mailgate.processing), queuing it the task
queue's (mailgate.tasks). Every function is keyword-only and one transaction.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from mailgate.models import InboundMail
from notifications.replies import is_own_address

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from tickets.models import Message, Ticket

logger = logging.getLogger(__name__)

Outcome = InboundMail.Outcome
# What of a message over the size limit is kept: its headers, for the console.
REFUSED_KEEP_BYTES = 64 * 1024


def max_bytes() -> int:
    return getattr(settings, "HELPDESK_EMAIL_MAX_BYTES", 25 * 1024 * 1024)


# --- receiving --------------------------------------------------------------------


def dedupe_key(*, message_id: str, raw: bytes) -> str:
    if message_id:
        return hashlib.sha256(b"id:" + message_id.encode("utf-8", "replace")).hexdigest()
    return hashlib.sha256(b"raw:" + raw).hexdigest()


def head_of(raw: bytes) -> bytes:
    end = raw.find(b"\r\n\r\n")
    if end < 0:
        end = raw.find(b"\n\n")
    return raw[: end if 0 <= end < REFUSED_KEEP_BYTES else REFUSED_KEEP_BYTES]


def first_line(value: str, limit: int) -> str:
    value = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in value)
    return " ".join(value.split())[:limit]


@transaction.atomic
def receive(
    *,
    raw: bytes,
    mailbox: str,
    message_id: str,
    sender: str,
    subject: str,
    size: int | None = None,
) -> tuple[InboundMail, bool]:
    """Store one raw message; (the record, whether it is new).

    A message seen before in `mailbox` (same Message-ID, or same bytes without
    one) is not stored again: the first record comes back with False. A new
    one is queued, or refused at once when it is too large or comes from an
    unknown address while unknown senders are turned off (so that the mail
    server can bounce it). Processing a queued one is the caller's to queue.
    `message_id`, `sender` and `subject` are as the headers say (the sender
    "" unless there is exactly one); `size` is the message's size when `raw`
    is only its header (IMAP fetches no more of a message over the limit).
    """
    size = len(raw) if size is None else size
    too_large = size > max_bytes()
    sender = sender.strip().lower()
    record = InboundMail(
        mailbox=mailbox[:200],
        dedupe_key=dedupe_key(message_id=message_id, raw=raw),
        header_message_id=message_id,
        sender=sender[:254],
        subject=first_line(subject, 255),
        raw=raw,
        size=size,
    )
    existing = InboundMail.objects.filter(mailbox=record.mailbox, dedupe_key=record.dedupe_key)
    if (found_record := existing.first()) is not None:
        return found_record, False
    if too_large:
        record.raw = head_of(raw)
        record.outcome = Outcome.REFUSED
        record.error = _("The message is larger than %(limit)s bytes.") % {"limit": max_bytes()}
        record.processed_at = timezone.now()
    elif (
        not getattr(settings, "HELPDESK_EMAIL_UNKNOWN_SENDERS", True)
        and sender
        and not User.objects.filter(email__iexact=sender).exists()
        and not is_own_address(sender)
    ):
        record.outcome = Outcome.REFUSED
        record.error = _("Mail from unknown senders is turned off.")
        record.processed_at = timezone.now()
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        # Another process stored the same message a moment ago.
        return existing.get(), False
    if record.outcome == Outcome.REFUSED:
        logger.info("Refused inbound mail %s from %r: %s", record.pk, record.sender, record.error)
    return record, True


@transaction.atomic
def requeue(*, mails: QuerySet[InboundMail]) -> list[int]:
    """Mark the failed ones among `mails` to be processed again; their ids.

    Queuing them is the caller's: it enqueues a task for each id.
    """
    ids = list(mails.filter(outcome=Outcome.FAILED).values_list("pk", flat=True))
    InboundMail.objects.filter(pk__in=ids).update(outcome=Outcome.QUEUED, error="")
    return ids


@transaction.atomic
def count_attempt(*, inbound_id: int) -> bool:
    """Count a try at processing a queued message, in a transaction of its own; whether to try.

    The count commits before processing starts, so a message that stops its
    worker every time (killed, out of memory) still counts its tries; after
    HELPDESK_EMAIL_MAX_ATTEMPTS it is recorded as failed, for staff to see,
    instead of being handed to the next worker for ever.
    """
    mail = (
        InboundMail.objects.select_for_update(skip_locked=True)
        .filter(pk=inbound_id, outcome=Outcome.QUEUED)
        .first()
    )
    if mail is None:
        return True  # done, or another worker has it: process() will see
    limit = settings.HELPDESK_EMAIL_MAX_ATTEMPTS
    if mail.attempts >= limit:
        mail.outcome = Outcome.FAILED
        mail.error = _(
            "Given up after %(count)s attempts: processing never finished "
            "(the worker stopped each time)."
        ) % {"count": mail.attempts}
        mail.processed_at = timezone.now()
        mail.save(update_fields=["outcome", "error", "processed_at"])
        return False
    mail.attempts += 1
    mail.save(update_fields=["attempts"])
    return True


@transaction.atomic
def claim(*, inbound_id: int) -> InboundMail | None:
    """The message, locked for processing, if it is still queued; else None.

    Call it inside the transaction that also records the outcome: the lock is
    what keeps two workers from processing one message. The try was counted
    before, by count_attempt.
    """
    return (
        InboundMail.objects.select_for_update(skip_locked=True)
        .filter(pk=inbound_id, outcome=Outcome.QUEUED)
        .first()
    )


@transaction.atomic
def record_outcome(
    *,
    mail: InboundMail,
    outcome: str,
    error: str = "",
    ticket: Ticket | None = None,
    message: Message | None = None,
) -> InboundMail:
    """Write what became of a claimed message."""
    if outcome not in Outcome.values or outcome == Outcome.QUEUED:
        raise ValueError(f"not an outcome of processing: {outcome!r}")
    mail.outcome = outcome
    mail.error = error[:4000]
    mail.ticket = ticket
    mail.message = message
    mail.processed_at = timezone.now()
    mail.save(update_fields=["outcome", "error", "ticket", "message", "attempts", "processed_at"])
    return mail
