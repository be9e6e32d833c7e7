"""The task queue's side of email in: store a message and queue its processing, as one.

A message is stored and its processing queued in one transaction when the
queue lives in the database (as in production), so a crash can lose neither.
"""

from __future__ import annotations

from django.db import transaction
from django.tasks import task

from mailgate import services
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
    with transaction.atomic():
        mail, created = services.receive(raw=raw, mailbox=mailbox, size=size)
        if created and mail.outcome == InboundMail.Outcome.QUEUED:
            enqueue(mail.pk)
    if not queue_is_transactional():
        mail.refresh_from_db()
    return mail, created


@task()
def process_inbound(inbound_id: int) -> str:
    """Route one stored message (mailgate.services.process); its outcome."""
    return services.process(inbound_id=inbound_id)
