"""Re-queue notification emails whose task was lost (e.g. a crash right after commit).

Sending is idempotent, so re-queuing a delivery that is in fact still queued
sends it once all the same. Run it every few minutes from cron beside the workers.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from notifications.models import EmailDelivery
from notifications.tasks import enqueue_delivery


class Command(BaseCommand):
    help = "Re-queue notification emails that are overdue by more than --grace minutes."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--grace", type=int, default=10, help="minutes overdue (default 10)")

    def handle(self, *args: Any, grace: int, **options: Any) -> None:
        cutoff = timezone.now() - timedelta(minutes=grace)
        overdue = EmailDelivery.objects.filter(
            status=EmailDelivery.Status.QUEUED, next_attempt_at__lt=cutoff
        ).values_list("pk", flat=True)
        count = 0
        for pk in overdue.iterator():
            enqueue_delivery(pk)
            count += 1
        self.stdout.write(f"Re-queued {count} overdue email(s).")
