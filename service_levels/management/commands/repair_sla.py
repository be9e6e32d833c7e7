"""Rebuild the tickets' service level fields from their audit trails.

Run it after changing a policy or a calendar (the due times of tickets already
open are derived with the old targets until then), or after loading tickets
without the services. Works in batches of tickets still in progress by default.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from service_levels import services
from tickets.models import Ticket
from tickets.workflow import ACTIVE_STATUSES


class Command(BaseCommand):
    help = "Rebuild the tickets' service level due times from their audit trails."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="Every ticket, not only those in progress."
        )
        parser.add_argument("--batch", type=int, default=500, help="Tickets per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        batch = max(1, min(options["batch"], 10_000))
        tickets = Ticket.objects.order_by("pk")
        if not options["all"]:
            tickets = tickets.filter(status__in=ACTIVE_STATUSES)
        last = 0
        done = 0
        while True:
            ids = list(tickets.filter(pk__gt=last).values_list("pk", flat=True)[:batch])
            if not ids:
                break
            done += services.repair(ids)
            last = ids[-1]
        if options["verbosity"]:
            self.stdout.write(f"{done} tickets repaired.")
