"""Background tasks that send notification emails, with retries and back-off."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from notifications.emails import build_email
from notifications.models import STAFF_KINDS, EmailDelivery
from notifications.planner import plan
from tickets import workflow

logger = logging.getLogger(__name__)


def max_attempts() -> int:
    return getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 5)


def retry_delay(attempts: int) -> timedelta:
    """Back-off before try number `attempts + 1`: 30 s, 2 min, 8 min, 32 min, ..."""
    base = getattr(settings, "NOTIFICATIONS_RETRY_BASE_SECONDS", 30)
    return timedelta(seconds=base * 4 ** (attempts - 1))


def queue_is_transactional() -> bool:
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(deliver_email.get_backend(), DatabaseBackend)


def enqueue_delivery(delivery_id: int, *, run_after=None) -> None:
    backend = deliver_email.get_backend()
    if run_after is not None and backend.supports_defer:
        deliver_email.using(run_after=run_after).enqueue(delivery_id)
    else:
        deliver_email.enqueue(delivery_id)


def queue_for_events(events: list) -> None:
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
    delivery_ids = plan(event_ids)
    for delivery_id in delivery_ids:
        enqueue_delivery(delivery_id)
    return len(delivery_ids)


@task()
def deliver_email(delivery_id: int) -> str:
    """Send one delivery, at most once, however many workers hold the task."""
    with transaction.atomic():
        delivery = (
            EmailDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient", "event__ticket__reporter", "event__ticket__assignee")
            .select_related("event__message__author", "event__actor")
            .filter(pk=delivery_id, status=EmailDelivery.Status.QUEUED)
            .first()
        )
        if delivery is None:
            # Sent or given up already, or another worker is sending it right now.
            return "skipped"
        if not delivery.recipient.is_active or (
            delivery.kind in STAFF_KINDS and not workflow.is_helpdesk_staff(delivery.recipient)
        ):
            # Checked again at sending time: an email waiting for a retry must
            # not reach someone who has left, or who is no longer staff.
            delivery.status = EmailDelivery.Status.FAILED
            delivery.last_error = "The recipient may no longer receive this email."
            delivery.save(update_fields=["status", "last_error"])
            return "failed"

        delivery.attempts += 1
        try:
            email = build_email(delivery)
        except Exception as exc:
            # Not something a retry would fix: record it and stop.
            logger.exception("Building the email of delivery %s failed", delivery.pk)
            delivery.status = EmailDelivery.Status.FAILED
            delivery.last_error = f"Could not build the email: {type(exc).__name__}: {exc}"[:2000]
            delivery.save(update_fields=["attempts", "status", "last_error"])
            return "failed"
        try:
            email.send()
        except Exception as exc:
            logger.warning(
                "Sending delivery %s failed (try %s): %s", delivery.pk, delivery.attempts, exc
            )
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if delivery.attempts >= max_attempts():
                delivery.status = EmailDelivery.Status.FAILED
                delivery.save(update_fields=["attempts", "status", "last_error"])
                return "failed"
            delivery.next_attempt_at = timezone.now() + retry_delay(delivery.attempts)
            delivery.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            retry_at = delivery.next_attempt_at
            if queue_is_transactional():
                # Queued with the attempt's record, so a crash cannot lose the retry.
                enqueue_delivery(delivery_id, run_after=retry_at)
                return "retrying"
        else:
            delivery.status = EmailDelivery.Status.SENT
            delivery.sent_at = timezone.now()
            delivery.last_error = ""
            delivery.save(update_fields=["attempts", "status", "sent_at", "last_error"])
            return "sent"

    # An in-line backend runs the retry at once: outside the lock, so it can take it.
    enqueue_delivery(delivery_id, run_after=retry_at)
    return "retrying"
