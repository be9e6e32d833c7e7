"""The task queue's side of email in: store a message and queue its processing, as one.

The console's "process again" queues through here too, as the notifications'
console queues its retries through notifications.tasks.

A message is stored and its processing queued in one transaction when the
queue lives in the database (as in production), so a crash can lose neither.
"""

from __future__ import annotations

from django.db import transaction
from django.tasks import task

from mailgate import parsing, processing, services
from mailgate.models import InboundMail


def queue_is_transactional() -> bool:
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(process_inbound.get_backend(), DatabaseBackend)


def enqueue(inbound_id: int) -> None:
    if queue_is_transactional():
        process_inbound.enqueue(inbound_id)
    else:
        transaction.on_commit(lambda: process_inbound.enqueue(inbound_id), robust=True)


def accept(*, raw: bytes, mailbox: str, size: int | None = None) -> tuple[InboundMail, bool]:
    """Store `raw` and queue it; (the record, whether it is new). Safe to call twice."""
    # Only the headers are read here; the message is read whole when processed.
    head = parsing.parse_bytes(services.head_of(raw))
    found = parsing.message_ids(head.get("Message-ID"))
    senders = parsing.sender_addresses(head)
    with transaction.atomic():
        mail, created = services.receive(
            raw=raw,
            mailbox=mailbox,
            message_id=found[0] if found else "",
            sender=senders[0] if len(senders) == 1 else "",
            subject=str(head.get("Subject", "")),
            size=size,
        )
        if created and mail.outcome == InboundMail.Outcome.QUEUED:
            enqueue(mail.pk)
    if not queue_is_transactional():
        mail.refresh_from_db()
    return mail, created


@task()
def process_inbound(inbound_id: int) -> str:
    """Route one stored message (mailgate.processing.process); its outcome."""
    if not services.count_attempt(inbound_id=inbound_id):
        return InboundMail.Outcome.FAILED
    return processing.process(inbound_id=inbound_id)
