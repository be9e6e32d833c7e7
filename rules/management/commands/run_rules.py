"""Run the time-based rules once: close, resolve and remind tickets left alone.

Meant for a timer (cron, a systemd timer) every few minutes, on one machine or
several: runs that overlap never change a ticket twice (rules.services).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from rules import services


class Command(BaseCommand):
    help = "Apply the time-based rules to the tickets they match now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=None, help="Tickets per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        batch = options["batch"]
        if batch is not None and not 1 <= batch <= 10_000:
            self.stderr.write("--batch must be between 1 and 10000")
            raise SystemExit(2)
        started = timezone.now()
        done = services.run_rules(now=started, batch_size=batch)
        if options["verbosity"]:
            took = (timezone.now() - started).total_seconds()
            counts = ", ".join(f"{name}: {count}" for name, count in done.items())
            self.stdout.write(f"{counts} ({took:.2f} s)")
