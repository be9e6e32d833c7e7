"""Rebuild the tickets' service level fields from their audit trails.

The console queues the same for the open tickets whenever a policy or a
calendar is saved or deleted; run it after loading tickets without the
services (seed_load), or with --all for closed tickets too. Works in batches.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from service_levels import services


class Command(BaseCommand):
    help = "Rebuild the tickets' service level due times from their audit trails."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="Every ticket, not only those in progress."
        )
        parser.add_argument("--batch", type=int, default=500, help="Tickets per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        batch = max(1, min(options["batch"], 10_000))
        done = services.repair_all(everything=options["all"], batch=batch)
        if options["verbosity"]:
            self.stdout.write(f"{done} tickets repaired.")
