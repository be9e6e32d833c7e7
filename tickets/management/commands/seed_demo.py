"""Load a small demo: one staff member, two end users, and about 30 tickets.

Everything is made through the services, so the demo data has the events and
versions the product itself would have produced. Running it twice adds nothing.
"""

from __future__ import annotations

import random
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import services as account_services
from accounts.models import User
from tickets import services

DEMO_PASSWORD = "helpdesk-demo"  # noqa: S105 - printed for the developer on purpose

PEOPLE = [
    # username, email, is_staff, is_superuser
    ("sam", "sam@example.com", True, True),
    ("alice", "alice@example.com", False, False),
    ("bob", "bob@example.com", False, False),
]

ISSUES = [
    ("VPN disconnects every hour", "The VPN drops at the top of every hour.\nI'm on macOS 15."),
    ("Printer on floor 3 jams", "Every third page jams in tray 2."),
    ("Can't open the invoice PDF", "It says the file is damaged. Attached is the error text."),
    ("Password reset email never arrives", "I asked three times since Monday."),
    ("New laptop request", "My laptop is five years old and the battery lasts 20 minutes."),
    ("Outlook keeps asking for my password", "Started after yesterday's update."),
    ("Wi-Fi slow in meeting room B", "Video calls freeze when more than four people join."),
    ("Access to the finance share", "I joined the finance team and need the Q3 folder."),
    ("Monitor flickers", "The left monitor flickers when the room lights are on."),
    ("Calendar invites show the wrong time zone", "Invites from Berlin show up an hour off."),
    ("Phone extension not working", "Extension 4411 gives a busy tone."),
    ("Install Python 3.13 on my workstation", "I need it for the data pipeline."),
    ("Shared drive is read-only", "I can't save anything to S:\\Projects since this morning."),
    ("Badge doesn't open the garage", "My badge works everywhere but the garage door."),
    ("Spam getting through", "Lots of fake invoices reached my inbox today."),
]

REPLIES = [
    "Thanks for the report, we're looking into it.",
    "Could you send a screenshot of the error?",
    "Here it is. It happens every time.",
    "We pushed a fix; can you try again?",
    "It works now, thank you!",
    "Still happening for me, I'm afraid.",
]

# The story each demo ticket goes through: (actor, action, argument).
SCRIPTS: list[list[tuple[str, str, Any]]] = [
    [],  # new
    [("staff", "status", "open")],
    [("staff", "reply", 0), ("staff", "status", "open")],
    [("staff", "reply", 1), ("staff", "status", "pending")],
    [("staff", "reply", 1), ("staff", "status", "pending"), ("reporter", "reply", 2)],
    [("staff", "reply", 3), ("staff", "status", "resolved")],
    [("staff", "reply", 3), ("staff", "status", "resolved"), ("reporter", "reply", 4)],
    [("staff", "reply", 3), ("staff", "status", "resolved"), ("staff", "status", "closed")],
    [("reporter", "status", "resolved")],
    [("staff", "note", "Probably the DHCP lease; checking with networking.")],
    [("staff", "status", "resolved"), ("reporter", "reply", 5)],
    [("staff", "assign", None), ("staff", "priority", "high"), ("staff", "status", "open")],
]


class Command(BaseCommand):
    help = "Create demo users and about 30 tickets in every status (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="load the demo with DJANGO_DEBUG off (its superuser password is public)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "seed_demo creates a superuser with a published password; it runs only "
                "with DJANGO_DEBUG=True (or --allow-production, for a throw-away instance)."
            )
        if User.objects.filter(username="alice").exists():
            self.stdout.write("Demo data is already loaded; nothing to do.")
        else:
            self._load()
        self.stdout.write("")
        self.stdout.write(f"Sign in with any of these (password for all: {DEMO_PASSWORD}):")
        for username, email, is_staff, _ in PEOPLE:
            role = "staff, superuser" if is_staff else "end user"
            self.stdout.write(f"  {username:<8} {email:<20} {role}")

    @transaction.atomic
    def _load(self) -> None:
        rng = random.Random(42)  # noqa: S311 - demo data, not security
        users: dict[str, User] = {}
        for username, email, is_staff, is_superuser in PEOPLE:
            user = account_services.create_user(
                username=username, email=email, password=DEMO_PASSWORD, is_staff=is_staff
            )
            if is_superuser:
                user.is_superuser = True
                user.save(update_fields=["is_superuser"])
            users[username] = user
        staff = users["sam"]
        reporters = [users["alice"], users["bob"]]

        count = 0
        for i in range(30):
            subject, description = ISSUES[i % len(ISSUES)]
            reporter = reporters[i % 2]
            ticket = services.report_issue(
                reporter=reporter,
                subject=subject,
                description=description,
                priority=rng.choice(["low", "normal", "normal", "high", "urgent"]),
            )
            for who, action, arg in SCRIPTS[i % len(SCRIPTS)]:
                actor = staff if who == "staff" else reporter
                if action == "status":
                    services.change_status(actor=actor, ticket=ticket, status=arg)
                elif action == "reply":
                    services.post_message(actor=actor, ticket=ticket, body=REPLIES[arg])
                elif action == "note":
                    services.post_message(actor=actor, ticket=ticket, body=arg, is_internal=True)
                elif action == "assign":
                    services.modify_ticket(actor=actor, ticket=ticket, assignee=staff)
                elif action == "priority":
                    services.modify_ticket(actor=actor, ticket=ticket, priority=arg)
            count += 1
        self.stdout.write(self.style.SUCCESS(f"Created 3 users and {count} tickets."))
