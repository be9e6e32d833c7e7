"""The only code that writes notification records: preferences and email deliveries.

Every function that writes is keyword-only, typed and one transaction: on an
error nothing is written. Deciding who is told is the planner's (reads only),
building an email is emails', and the task queue is tasks': the tasks call
these services and enqueue what follows themselves, so a service never
decides whether a task leaves with its transaction or after it. A delivery
changes status only here: planned (queued), sent, given up (failed), or
queued again from the console.

A burst of changes to one ticket does not become a storm of email: one person
gets at most NOTIFICATIONS_BURST emails about one ticket within
NOTIFICATIONS_WINDOW_MINUTES. What comes on top waits until the window allows,
then goes as one digest with everything that waited (send_delivery).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import planner
from notifications.emails import build_digest, build_email
from notifications.models import (
    STAFF_KINDS,
    EmailDelivery,
    NotificationKind,
    NotificationPreferences,
)
from tickets import workflow
from tickets.models import TicketEvent

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from django.db.models import QuerySet

    from accounts.models import User

logger = logging.getLogger(__name__)


# --- preferences ------------------------------------------------------------------


def kinds_for(user: User) -> list[str]:
    """The kinds of email that `user` can receive, in the order they are shown."""
    if workflow.is_helpdesk_staff(user):
        return list(NotificationKind.values)
    return [kind for kind in NotificationKind.values if kind not in STAFF_KINDS]


def preferences_of(user: User) -> NotificationPreferences:
    """The user's preferences; unsaved defaults when they never chose."""
    try:
        return user.notification_preferences
    except NotificationPreferences.DoesNotExist:
        return NotificationPreferences(user=user)


def check_kinds(*, user: User, kinds: Iterable[str]) -> None:
    """Refuse kinds of email that `user` cannot receive (staff news for an end user)."""
    unknown = set(kinds) - set(kinds_for(user))
    if unknown:
        raise ValidationError({name: _("No such kind of email.") for name in sorted(unknown)})


@transaction.atomic
def update_preferences(*, user: User, **choices: bool) -> NotificationPreferences:
    """Turn the named kinds of email on or off for `user`; the others stay as they are."""
    check_kinds(user=user, kinds=choices)
    prefs, _ = NotificationPreferences.objects.select_for_update().get_or_create(user=user)
    for kind, wanted in choices.items():
        setattr(prefs, kind, bool(wanted))
    prefs.save()
    return prefs


# --- deliveries -------------------------------------------------------------------


def max_attempts() -> int:
    return getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 5)


def retry_delay(attempts: int) -> timedelta:
    """Back-off before try number `attempts + 1`: 30 s, 2 min, 8 min, 32 min, ..."""
    base = getattr(settings, "NOTIFICATIONS_RETRY_BASE_SECONDS", 30)
    return timedelta(seconds=base * 4 ** (attempts - 1))


@transaction.atomic
def plan_deliveries(*, event_ids: list[int]) -> list[int]:
    """Record a delivery for each person to tell about these events; return their ids.

    Runs in the background worker. Safe to run twice: a person is told about an
    event once (a unique constraint), and only deliveries not yet tried are returned.
    """
    events = list(
        TicketEvent.objects.filter(pk__in=event_ids)
        .select_related("ticket__reporter", "ticket__assignee", "message", "actor")
        .order_by("pk")
    )
    deliveries = [
        EmailDelivery(event=event, recipient=user, kind=kind)
        for event in events
        for user, kind in planner.recipients_for(event)
    ]
    if not deliveries:
        return []
    EmailDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    return list(
        EmailDelivery.objects.filter(
            event__in=events, status=EmailDelivery.Status.QUEUED, attempts=0
        ).values_list("pk", flat=True)
    )


def burst() -> int:
    """Emails one person may get about one ticket within window() before the rest wait."""
    return getattr(settings, "NOTIFICATIONS_BURST", 3)


def window() -> timedelta:
    return timedelta(minutes=getattr(settings, "NOTIFICATIONS_WINDOW_MINUTES", 10))


def _due_after_burst(delivery: EmailDelivery, now: datetime) -> datetime | None:
    """When `delivery` may go, if its recipient had their share about this ticket lately."""
    # Served by the events' (ticket) index and the deliveries' (event, recipient) one.
    recent = list(
        EmailDelivery.objects.filter(
            recipient_id=delivery.recipient_id,
            event__ticket_id=delivery.event.ticket_id,
            status=EmailDelivery.Status.SENT,
            sent_at__gt=now - window(),
        )
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)[: burst()]
    )
    if len(recent) < burst():
        return None
    # Deliveries sent in one digest share their sent_at, so after a digest the
    # next email waits a whole window: a long burst sends one digest per window.
    return recent[-1] + window()


def _waiting_with(delivery: EmailDelivery) -> list[EmailDelivery]:
    """The other queued deliveries to the same person about the same ticket, locked."""
    waiting = (
        EmailDelivery.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("event__message__author", "event__actor", "event__ticket")
        .filter(
            recipient_id=delivery.recipient_id,
            event__ticket_id=delivery.event.ticket_id,
            status=EmailDelivery.Status.QUEUED,
        )
        .exclude(pk=delivery.pk)
        .order_by("event_id")
    )
    if not workflow.is_helpdesk_staff(delivery.recipient):
        # Those fail on their own turn (send_delivery's check below).
        waiting = waiting.exclude(kind__in=STAFF_KINDS)
    return list(waiting)


@dataclass(frozen=True)
class SendOutcome:
    """What became of one try: sent, failed, skipped, or retrying (or deferred) at `retry_at`."""

    result: str
    retry_at: datetime | None = None


@transaction.atomic
def send_delivery(*, delivery_id: int) -> SendOutcome:
    """Send one queued delivery, at most once, however many workers try at once.

    The row stays locked while the email goes out, so a second worker skips it.
    On a failure worth retrying the outcome says when; queuing that retry is
    the caller's (notifications.tasks). So is queuing a delivery deferred because
    its recipient had their burst of emails about the ticket: when it is due, it
    goes as one digest with every other delivery to them about the ticket still
    queued, which are then sent too (their own tasks find nothing left to do).
    """
    delivery = (
        EmailDelivery.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("recipient", "event__ticket__reporter", "event__ticket__assignee")
        .select_related("event__message__author", "event__actor")
        .filter(pk=delivery_id, status=EmailDelivery.Status.QUEUED)
        .first()
    )
    if delivery is None:
        # Sent or given up already, or another worker is sending it right now.
        return SendOutcome("skipped")
    if not delivery.recipient.is_active or (
        delivery.kind in STAFF_KINDS and not workflow.is_helpdesk_staff(delivery.recipient)
    ):
        # Checked again at sending time: an email waiting for a retry must
        # not reach someone who has left, or who is no longer staff.
        delivery.status = EmailDelivery.Status.FAILED
        delivery.last_error = "The recipient may no longer receive this email."
        delivery.save(update_fields=["status", "last_error"])
        return SendOutcome("failed")

    now = timezone.now()
    if (due := _due_after_burst(delivery, now)) is not None:
        delivery.next_attempt_at = due
        delivery.save(update_fields=["next_attempt_at"])
        return SendOutcome("deferred", retry_at=due)
    waiting = _waiting_with(delivery)

    delivery.attempts += 1
    try:
        email = build_digest([delivery, *waiting]) if waiting else build_email(delivery)
    except Exception as exc:
        # Not something a retry would fix: record it and stop.
        logger.exception("Building the email of delivery %s failed", delivery.pk)
        delivery.status = EmailDelivery.Status.FAILED
        delivery.last_error = f"Could not build the email: {type(exc).__name__}: {exc}"[:2000]
        delivery.save(update_fields=["attempts", "status", "last_error"])
        return SendOutcome("failed")
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
            return SendOutcome("failed")
        delivery.next_attempt_at = timezone.now() + retry_delay(delivery.attempts)
        delivery.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        return SendOutcome("retrying", retry_at=delivery.next_attempt_at)
    delivery.status = EmailDelivery.Status.SENT
    delivery.sent_at = timezone.now()
    delivery.last_error = ""
    delivery.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    if waiting:
        EmailDelivery.objects.filter(pk__in=[d.pk for d in waiting]).update(
            status=EmailDelivery.Status.SENT,
            sent_at=delivery.sent_at,
            last_error="",
            attempts=F("attempts") + 1,
        )
    return SendOutcome("sent")


@transaction.atomic
def requeue_failed_deliveries(*, deliveries: QuerySet[EmailDelivery]) -> list[int]:
    """Queue the failed ones among `deliveries` afresh, from try one; return their ids.

    Sending them is the caller's: it enqueues a task for each id.
    """
    failed = list(
        deliveries.filter(status=EmailDelivery.Status.FAILED).values_list("pk", flat=True)
    )
    EmailDelivery.objects.filter(pk__in=failed).update(
        status=EmailDelivery.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
    return failed
