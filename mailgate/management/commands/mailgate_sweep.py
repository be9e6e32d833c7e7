"""Queue again inbound messages still waiting long after they came (their task was lost).

With the queue in the database a message and its task commit together, but a
worker killed halfway through a task can leave it behind. Processing is
idempotent (only a queued message is processed, under a lock), so queuing one
that is in fact still on its way processes it once all the same. Run it every
few minutes from cron beside the workers.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from mailgate.selectors import waiting_since
from mailgate.tasks import enqueue


class Command(BaseCommand):
    help = "Queue again inbound emails still waiting after --grace minutes."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--grace", type=int, default=10, help="minutes waiting (default 10)")

    def handle(self, *args: Any, grace: int, **options: Any) -> None:
        count = 0
        for pk in waiting_since(timezone.now() - timedelta(minutes=grace)):
            enqueue(pk)
            count += 1
        self.stdout.write(f"Queued {count} waiting email(s) again.")
