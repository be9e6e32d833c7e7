"""Fill the database with a realistic load of tickets, fast.

The one documented exception to "every write goes through services": a million
tickets through the services would take hours. It writes what the services
would have written — a created event per ticket, status changes that follow the
workflow, a message_posted event per message, versions that count the changes —
with COPY on PostgreSQL and bulk inserts elsewhere, in batches, with progress.

    python manage.py seed_load --tickets 1000000 --messages-per-ticket 2 --users 10000
"""

from __future__ import annotations

import csv
import io
import random
import sys
import time
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import HELPDESK_STAFF_GROUP, User
from tickets.models import Message, Ticket, TicketEvent

WORDS = (
    "printer vpn email outlook password reset laptop monitor screen keyboard mouse wifi network "
    "slow crash error login access share drive folder permission invoice pdf report excel word "
    "calendar meeting room phone badge door garage server database backup restore update install "
    "license software hardware battery charger cable dock headset camera microphone audio video "
    "browser chrome firefox certificate expired token account locked disabled new user onboarding "
    "offboarding payroll finance sales marketing support ticket urgent broken missing cannot open "
    "save print scan fax copy paste sync upload download timeout disconnect freeze flicker noise "
    "the a my our it is was not when after before since every morning today yesterday again still "
    "please help thanks issue problem request question working stopped started happens always"
).split()

STATUS_WEIGHTS = {"new": 8, "open": 10, "pending": 7, "resolved": 15, "closed": 60}
PRIORITY_WEIGHTS = {"low": 15, "normal": 60, "high": 20, "urgent": 5}
# The workflow path that leads to each status (all staff moves, from "new").
PATHS = {
    "new": [],
    "open": ["open"],
    "pending": ["open", "pending"],
    "resolved": ["open", "resolved"],
    "closed": ["open", "resolved", "closed"],
}
SPAN = timedelta(days=730)
BATCH = 20_000


class Progress:
    """A one-line progress bar with rate and time left, on stderr."""

    def __init__(self, total: int, label: str, write=sys.stderr.write) -> None:
        self.total, self.label, self.write = total, label, write
        self.done = 0
        self.start = time.monotonic()

    def advance(self, n: int) -> None:
        self.done += n
        elapsed = max(time.monotonic() - self.start, 1e-6)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else 0
        width = 30
        filled = int(width * self.done / self.total) if self.total else width
        self.write(
            f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
            f"{self.done:,}/{self.total:,}  {rate:,.0f}/s  "
            f"elapsed {timedelta(seconds=int(elapsed))}  left {timedelta(seconds=int(left))} "
        )

    def finish(self) -> float:
        self.write("\n")
        return time.monotonic() - self.start


class Command(BaseCommand):
    help = "Bulk-load N realistic tickets with messages and events (PostgreSQL: COPY)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--tickets", type=int, required=True)
        parser.add_argument("--messages-per-ticket", type=float, default=2.0)
        parser.add_argument("--users", type=int, default=None, help="end users (default N/100)")
        parser.add_argument("--staff", type=int, default=None, help="staff (default users/50)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=BATCH)

    def handle(self, *args: Any, **opts: Any) -> None:
        n = opts["tickets"]
        if n < 1:
            raise CommandError("--tickets must be at least 1")
        if opts["messages_per_ticket"] < 0:
            raise CommandError("--messages-per-ticket cannot be negative")
        self.rng = random.Random(opts["seed"])  # noqa: S311 - test data
        n_users = opts["users"] or max(10, n // 100)
        n_staff = opts["staff"] or max(2, n_users // 50)
        self.per_ticket = opts["messages_per_ticket"]
        self.postgres = connection.vendor == "postgresql"

        reporters, staff = self._users(n_users, n_staff)
        self.reporters, self.staff = reporters, staff
        self.staff_names = dict(User.objects.filter(pk__in=staff).values_list("pk", "username"))
        now = timezone.now()
        self.start_at = now - SPAN

        with connection.cursor() as cursor:
            self.next_ticket = self._next_id(cursor, Ticket)
            self.next_message = self._next_id(cursor, Message)
            self.next_event = self._next_id(cursor, TicketEvent)

        progress = Progress(n, "tickets", write=lambda text: self.stderr.write(text, ending=""))
        totals = {"tickets": 0, "messages": 0, "events": 0}
        made = 0
        while made < n:
            size = min(opts["batch"], n - made)
            rows = self._batch(size, made, n)
            with transaction.atomic():
                self._write(rows)
            for key in totals:
                totals[key] += len(rows[key])
            made += size
            progress.advance(size)
        elapsed = progress.finish()
        self._reset_sequences()
        if self.postgres:
            with connection.cursor() as cursor:
                # VACUUM too: fresh visibility maps make index-only scans worth it.
                tables = "tickets_ticket, tickets_message, tickets_ticketevent"
                cursor.execute(f"VACUUM (ANALYZE) {tables}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {totals['tickets']:,} tickets, {totals['messages']:,} messages and "
                f"{totals['events']:,} events in {elapsed:.1f} s "
                f"({totals['tickets'] / elapsed:,.0f} tickets/s)."
            )
        )

    # --- users -----------------------------------------------------------------

    def _users(self, n_users: int, n_staff: int) -> tuple[list[int], list[int]]:
        from django.contrib.auth.models import Group

        password = make_password(None)  # unusable: load users never sign in
        existing = set(
            User.objects.filter(username__startswith="load-").values_list("username", flat=True)
        )
        wanted = [(f"load-user-{i}", False) for i in range(n_users)] + [
            (f"load-staff-{i}", True) for i in range(n_staff)
        ]
        User.objects.bulk_create(
            [
                User(
                    username=name,
                    email=f"{name}@load.example.com",
                    password=password,
                    is_staff=is_staff,
                )
                for name, is_staff in wanted
                if name not in existing
            ],
            batch_size=5000,
        )
        group, _ = Group.objects.get_or_create(name=HELPDESK_STAFF_GROUP)
        staff = list(
            User.objects.filter(username__startswith="load-staff-").values_list("pk", flat=True)
        )
        group.user_set.add(*staff)
        reporters = list(
            User.objects.filter(username__startswith="load-user-").values_list("pk", flat=True)
        )
        return reporters, staff

    # --- generating ------------------------------------------------------------

    def _text(self, low: int, high: int) -> str:
        words = self.rng.choices(WORDS, k=self.rng.randint(low, high))
        return " ".join(words)

    def _description(self) -> str:
        # Mostly short, some long: a log-normal-ish length, kept under the limit.
        words = min(int(self.rng.lognormvariate(3.6, 0.9)) + 3, 3000)
        text = " ".join(self.rng.choices(WORDS, k=words))
        if words > 40:
            cut = self.rng.randint(10, words * 5)
            text = text[:cut] + "\n\n" + text[cut:]
        return text[:20_000]

    def _batch(self, size: int, made: int, total: int) -> dict[str, list[tuple]]:
        rng = self.rng
        tickets, messages, events = [], [], []
        statuses = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()), k=size)
        priorities = rng.choices(
            list(PRIORITY_WEIGHTS), weights=list(PRIORITY_WEIGHTS.values()), k=size
        )
        for i in range(size):
            # Ids grow with creation time, as they do in a real helpdesk.
            position = (made + i + rng.random()) / total
            created = self.start_at + SPAN * position
            status = statuses[i]
            tid = self.next_ticket
            self.next_ticket += 1
            reporter = rng.choice(self.reporters)
            staff = rng.choice(self.staff)
            assignee = staff if status != "new" and rng.random() < 0.8 else None
            subject = self._text(3, 9).capitalize()
            now = created
            version = 1
            events.append(
                (self._event_id(), tid, reporter, "created", "", "", "new", None, False, created)
            )

            def later(at: datetime) -> datetime:
                return at + timedelta(seconds=rng.randint(60, 3 * 86400))

            if assignee is not None:
                now = later(now)
                version += 1
                username = self.staff_names[assignee]
                events.append(
                    (self._event_id(), tid, staff, "assigned", "", "", username, None, False, now)
                )

            n_messages = self._message_count()
            current = "new"
            path = PATHS[status]
            resolved_at = closed_at = first_staff_reply_at = None
            # Interleave the conversation with the status moves.
            steps = ["m"] * n_messages + ["s"] * len(path)
            rng.shuffle(steps)
            path_iter = iter(path)
            for step in steps:
                now = later(now)
                version += 1
                if step == "m":
                    mid = self.next_message
                    self.next_message += 1
                    internal = rng.random() < 0.1
                    # The reporter's public reply would reopen a pending or resolved
                    # ticket; while it waits there, only staff write.
                    from_reporter = (
                        not internal
                        and current not in ("pending", "resolved")
                        and rng.random() < 0.5
                    )
                    author = reporter if from_reporter else (assignee or staff)
                    if first_staff_reply_at is None and not (internal or from_reporter):
                        first_staff_reply_at = now
                    messages.append((mid, tid, author, self._text(5, 60), internal, now))
                    events.append(
                        (
                            self._event_id(),
                            tid,
                            author,
                            "message_posted",
                            "",
                            "",
                            "",
                            mid,
                            internal,
                            now,
                        )
                    )
                else:
                    target = next(path_iter)
                    events.append(
                        (
                            self._event_id(),
                            tid,
                            assignee or staff,
                            "status_changed",
                            "",
                            current,
                            target,
                            None,
                            False,
                            now,
                        )
                    )
                    current = target
                    if target == "resolved":
                        resolved_at = now
                    elif target == "closed":
                        closed_at = now
            tickets.append(
                (
                    tid,
                    reporter,
                    subject,
                    self._description(),
                    status,
                    priorities[i],
                    assignee,
                    created,
                    now,
                    resolved_at,
                    closed_at,
                    version,
                    first_staff_reply_at,
                )
            )
        return {"tickets": tickets, "messages": messages, "events": events}

    def _message_count(self) -> int:
        # Around the asked-for mean, varied: 0..2x the mean.
        mean = self.per_ticket
        if mean == 0:
            return 0
        whole = int(mean)
        count = whole + (1 if self.rng.random() < mean - whole else 0)
        return max(0, count + self.rng.choice((-1, 0, 0, 1)) if count else 0)

    def _event_id(self) -> int:
        eid = self.next_event
        self.next_event += 1
        return eid

    # --- writing -----------------------------------------------------------------

    TICKET_COLUMNS = (
        "id reporter_id subject description status priority assignee_id created_at updated_at "
        "resolved_at closed_at version first_staff_reply_at"
    ).split()
    MESSAGE_COLUMNS = "id ticket_id author_id body is_internal created_at".split()
    EVENT_COLUMNS = (
        "id ticket_id actor_id kind field old_value new_value message_id is_internal created_at"
    ).split()

    def _write(self, rows: dict[str, list[tuple]]) -> None:
        if self.postgres:
            self._copy("tickets_ticket", self.TICKET_COLUMNS, rows["tickets"])
            self._copy("tickets_message", self.MESSAGE_COLUMNS, rows["messages"])
            self._copy("tickets_ticketevent", self.EVENT_COLUMNS, rows["events"])
        else:
            Ticket.objects.bulk_create(
                [Ticket(**dict(zip(self.TICKET_COLUMNS, r, strict=True))) for r in rows["tickets"]],
                batch_size=500,
            )
            Message.objects.bulk_create(
                [
                    Message(**dict(zip(self.MESSAGE_COLUMNS, r, strict=True)))
                    for r in rows["messages"]
                ],
                batch_size=500,
            )
            TicketEvent.objects.bulk_create(
                [
                    TicketEvent(**dict(zip(self.EVENT_COLUMNS, r, strict=True)))
                    for r in rows["events"]
                ],
                batch_size=500,
            )

    def _copy(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow(
                [
                    "\\N" if v is None else ("t" if v is True else "f" if v is False else v)
                    for v in row
                ]
            )
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.copy_expert(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                buffer,
            )

    def _next_id(self, cursor, model) -> int:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")  # noqa: S608
        return cursor.fetchone()[0]

    def _reset_sequences(self) -> None:
        from django.core.management.color import no_style

        statements = connection.ops.sequence_reset_sql(no_style(), [Ticket, Message, TicketEvent])
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
