"""The task queue's side of notifications: what is queued when, and the tasks.

The tasks are thin: what they record (deliveries planned, sent, failed) is
written by notifications.services; here is only when a task is enqueued, with
its transaction or after it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.tasks import task

from notifications import services

if TYPE_CHECKING:
    from datetime import datetime

    from tickets.models import TicketEvent


def queue_is_transactional() -> bool:
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(deliver_email.get_backend(), DatabaseBackend)


def enqueue_delivery(delivery_id: int, *, run_after: datetime | None = None) -> None:
    backend = deliver_email.get_backend()
    if run_after is not None and backend.supports_defer:
        deliver_email.using(run_after=run_after).enqueue(delivery_id)
    else:
        deliver_email.enqueue(delivery_id)


def queue_for_events(events: list[TicketEvent]) -> None:
    """Service hook: have the worker tell people about these events once they commit."""
    event_ids = [event.pk for event in events]
    if queue_is_transactional():
        # The queue lives in this database: the task commits or rolls back with
        # the change itself, so a crash cannot lose it and a rollback mails nobody.
        plan_notifications.enqueue(event_ids)
    else:
        transaction.on_commit(lambda: plan_notifications.enqueue(event_ids), robust=True)


@task()
def plan_notifications(event_ids: list[int]) -> int:
    """Work out who is told about these events, and queue one email per person."""
    delivery_ids = services.plan_deliveries(event_ids=event_ids)
    for delivery_id in delivery_ids:
        enqueue_delivery(delivery_id)
    return len(delivery_ids)


@task()
def deliver_email(delivery_id: int) -> str:
    """Send one delivery, at most once, however many workers hold the task."""
    with transaction.atomic():
        outcome = services.send_delivery(delivery_id=delivery_id)
        if outcome.retry_at is not None and queue_is_transactional():
            # Queued with the attempt's record, so a crash cannot lose the retry.
            enqueue_delivery(delivery_id, run_after=outcome.retry_at)
            return outcome.result
    if outcome.retry_at is not None:
        if outcome.result == "deferred" and not deliver_email.get_backend().supports_defer:
            # Run now, it would only be deferred again: notifications_sweep sends it once due.
            return outcome.result
        # An in-line backend runs the retry at once: outside the lock, so it can take it.
        enqueue_delivery(delivery_id, run_after=outcome.retry_at)
    return outcome.result
