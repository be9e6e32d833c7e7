"""Show how PostgreSQL runs every list the product serves, as Markdown.

Each scenario is a real request (API, web page or admin page) made in-process
with Django's test client against the configured database; every SELECT it
runs on the tickets, messages or events table is then run again under EXPLAIN
ANALYZE. A plan that reads a whole big table (a sequential scan) is flagged,
and `--check` fails on one. Meant for a database loaded with seed_load:

    python manage.py seed_load --tickets 1000000
    python manage.py explain_lists > plans.md
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services as account_services
from accounts.models import User
from tickets.models import Ticket

BIG_TABLES = ("tickets_ticket", "tickets_message", "tickets_ticketevent")
SEQ_SCAN = re.compile(
    r"Seq Scan on (tickets_ticket|tickets_message|tickets_ticketevent)\b.*"
    r"actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=(\d+)"
)
REMOVED = re.compile(r"Rows Removed by Filter: (\d+)")
# A sequential scan that stops early (under a LIMIT) is no problem; one that
# reads more than this share of its table is a "full scan".
FULL_SCAN_SHARE = 0.5
# Few enough matches (995 in seed_load's million) for the admin to rank them all.
RANKED_SEARCH = '"garage door" payroll fax headset'


def full_scans(plan: str, sizes: dict[str, int]) -> list[str]:
    """The big tables that this plan reads (nearly) whole."""
    found = []
    lines = plan.splitlines()
    for i, line in enumerate(lines):
        match = SEQ_SCAN.search(line)
        if not match:
            continue
        table, rows, loops = match.group(1), int(match.group(2)), int(match.group(3))
        removed = 0
        for following in lines[i + 1 : i + 4]:
            if m := REMOVED.search(following):
                removed = int(m.group(1))
                break
        if (rows + removed) * loops >= FULL_SCAN_SHARE * max(sizes.get(table, 0), 1):
            found.append(f"Seq Scan on {table}")
    return found


@dataclass
class Scenario:
    interface: str
    label: str
    url: str
    who: str  # "staff" or "reporter"


@dataclass
class Result:
    scenario: Scenario
    status: int
    ms: float
    queries: int
    plans: list[tuple[str, str]] = field(default_factory=list)

    sizes: dict[str, int] = field(default_factory=dict)

    @property
    def full_scans(self) -> list[str]:
        return [scan for _, plan in self.plans for scan in full_scans(plan, self.sizes)]


class Command(BaseCommand):
    help = "EXPLAIN ANALYZE every list query the product serves; flag full-table scans."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--staff", default=None, help="username of a staff member")
        parser.add_argument("--reporter", default=None, help="username of an end user")
        parser.add_argument("--check", action="store_true", help="exit 1 on a full scan")

    def handle(self, *args: Any, **opts: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("explain_lists needs PostgreSQL (set DATABASE_URL).")
        with connection.cursor() as cursor:
            # Planner estimates, good enough to tell "most of the table" apart.
            cursor.execute(
                "SELECT relname, reltuples::bigint FROM pg_class WHERE relname = ANY(%s)",
                [list(BIG_TABLES)],
            )
            self.sizes = dict(cursor.fetchall())
        staff = self._user(opts["staff"], is_staff=True)
        reporter = self._user(opts["reporter"], is_staff=False)
        ticket = Ticket.objects.filter(reporter=reporter).order_by("-updated_at").first()
        if ticket is None:
            raise CommandError(f"{reporter} has no tickets; load some with seed_load.")
        token, raw = account_services.create_api_token(user=staff, name="explain_lists")
        reporter_token, reporter_raw = account_services.create_api_token(
            user=reporter, name="explain_lists"
        )
        try:
            # The API with tokens; web pages and the admin with a session.
            clients = {
                ("api", "staff"): self._client(token=raw),
                ("api", "reporter"): self._client(token=reporter_raw),
                ("web", "staff"): self._client(user=staff),
                ("web", "reporter"): self._client(user=reporter),
                ("admin", "staff"): self._client(user=staff),
            }
            results = [
                self._run(s, clients[(s.interface, s.who)])
                for s in self._scenarios(staff, reporter, ticket)
            ]
        finally:
            account_services.revoke_api_token(user=staff, token_id=token.pk)
            account_services.revoke_api_token(user=reporter, token_id=reporter_token.pk)
        self._report(results, staff, reporter)
        if opts["check"] and any(r.full_scans for r in results):
            raise CommandError("Some lists read a whole table; see the plans above.")

    # --- setup ---------------------------------------------------------------

    def _user(self, username: str | None, *, is_staff: bool) -> User:
        users = User.objects.filter(is_staff=is_staff, is_active=True)
        if username:
            users = users.filter(username=username)
        elif is_staff:
            users = users.filter(username__startswith="load-staff-")
        else:
            users = users.filter(username__startswith="load-user-")
        user = users.order_by("pk").first()
        if user is None:
            kind = "staff member" if is_staff else "end user"
            raise CommandError(f"No {kind} found; pass --staff/--reporter or run seed_load.")
        return user

    def _client(self, *, token: str | None = None, user: User | None = None) -> Client:
        host = next((h for h in settings.ALLOWED_HOSTS if h and "*" not in h), "localhost")
        headers = {"Authorization": f"Token {token}"} if token else {}
        client = Client(headers=headers, HTTP_HOST=host.lstrip("."))
        if user is not None:
            client.force_login(user)
        return client

    def _scenarios(self, staff: User, reporter: User, ticket: Ticket) -> list[Scenario]:
        week_ago = (timezone.now() - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
        year_ago = (timezone.now() - timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")
        t = ticket.pk
        midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        api = [
            ("list, default", "", "staff"),
            ("list, default", "", "reporter"),
            ("list, status=open", "?status=open", "staff"),
            ("list, status=new,open,pending", "?status=new,open,pending", "staff"),
            ("list, priority=urgent", "?priority=urgent", "staff"),
            ("list, assignee=me", "?assignee=me", "staff"),
            ("list, assignee=none", "?assignee=none", "staff"),
            ("list, assignee=me&status=open", "?assignee=me&status=open", "staff"),
            ("list, reporter=<id>", f"?reporter={reporter.pk}", "staff"),
            ("list, created_after (a week)", f"?created_after={week_ago}", "staff"),
            ("list, created_before (a year)", f"?created_before={year_ago}", "staff"),
            ("list, updated_after (a week)", f"?updated_after={week_ago}", "staff"),
            ("list, q=printer (common word)", "?q=printer", "staff"),
            ("list, q=printer", "?q=printer", "reporter"),
            ("list, q=zebra (no match)", "?q=zebra", "staff"),
            ("list, q=printer&ordering=-relevance", "?q=printer&ordering=-relevance", "staff"),
            ("list, ordering=priority", "?ordering=priority", "staff"),
            ("list, ordering=-priority", "?ordering=-priority", "staff"),
            ("list, ordering=-priority&status=open", "?ordering=-priority&status=open", "staff"),
            ("list, ordering=created_at", "?ordering=created_at", "staff"),
            ("list, ordering=-created_at", "?ordering=-created_at", "staff"),
            ("list, ordering=updated_at", "?ordering=updated_at", "staff"),
            ("list, ordering=-priority", "?ordering=-priority", "reporter"),
        ]
        scenarios = [Scenario("api", label, f"/api/v1/tickets/{qs}", who) for label, qs, who in api]
        scenarios += [
            Scenario("api", "detail", f"/api/v1/tickets/{t}/", "reporter"),
            Scenario("api", "messages", f"/api/v1/tickets/{t}/messages/", "reporter"),
            Scenario("api", "events", f"/api/v1/tickets/{t}/events/", "staff"),
            Scenario("web", "my tickets, Open tab", "/tickets/", "reporter"),
            Scenario("web", "my tickets, Waiting tab", "/tickets/?tab=waiting", "reporter"),
            Scenario("web", "my tickets, Closed tab", "/tickets/?tab=closed", "reporter"),
            Scenario("web", "my tickets, All, page 2", "/tickets/?tab=all&page=2", "reporter"),
            Scenario("web", "my tickets, search", "/tickets/?tab=all&q=printer", "reporter"),
            Scenario("web", "ticket page", f"/tickets/{t}/", "reporter"),
            Scenario("admin", "changelist", "/admin/tickets/ticket/", "staff"),
            Scenario("admin", "changelist, page 3", "/admin/tickets/ticket/?p=3", "staff"),
            Scenario("admin", "status=new", "/admin/tickets/ticket/?status=new", "staff"),
            Scenario("admin", "status=active", "/admin/tickets/ticket/?status=active", "staff"),
            Scenario(
                "admin", "priority=urgent", "/admin/tickets/ticket/?priority__exact=urgent", "staff"
            ),
            Scenario("admin", "assignee=me", "/admin/tickets/ticket/?assignee=me", "staff"),
            Scenario("admin", "assignee=none", "/admin/tickets/ticket/?assignee=none", "staff"),
            Scenario(
                "admin",
                "created in the past 7 days",
                # As the admin's own "Past 7 days" link spells it.
                "/admin/tickets/ticket/?"
                + urlencode(
                    {
                        "created_at__gte": str(midnight - timedelta(days=7)),
                        "created_at__lt": str(midnight + timedelta(days=1)),
                    }
                ),
                "staff",
            ),
            Scenario("admin", "search: printer", "/admin/tickets/ticket/?q=printer", "staff"),
            Scenario(
                "admin",
                "search: 995 matches at 1M, ranked",
                "/admin/tickets/ticket/?" + urlencode({"q": RANKED_SEARCH}),
                "staff",
            ),
            Scenario("admin", "search: #id", f"/admin/tickets/ticket/?q=%23{t}", "staff"),
            Scenario("admin", "sorted by priority", "/admin/tickets/ticket/?o=5", "staff"),
            Scenario("admin", "ticket page", f"/admin/tickets/ticket/{t}/change/", "staff"),
            Scenario("admin", "dashboard", "/admin/", "staff"),
        ]
        return scenarios

    # --- measuring -----------------------------------------------------------------

    def _run(self, scenario: Scenario, client: Client) -> Result:
        client.get(scenario.url, secure=True)  # warm caches and connections
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(scenario.url, secure=True)
            ms = (time.perf_counter() - start) * 1000
        result = Result(
            scenario, response.status_code, ms, len(captured.captured_queries), sizes=self.sizes
        )
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            if not any(table in sql for table in BIG_TABLES):
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
            result.plans.append((sql, plan))
        return result

    # --- reporting -------------------------------------------------------------------

    def _report(self, results: list[Result], staff: User, reporter: User) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM tickets_ticket")
            tickets = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM tickets_message")
            messages = cursor.fetchone()[0]
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        out = self.stdout
        out.write(
            f"{tickets:,} tickets, {messages:,} messages; PostgreSQL {version}; "
            f"staff: {staff.username}, end user: {reporter.username} "
            f"({Ticket.objects.filter(reporter=reporter).count():,} tickets).\n"
        )
        out.write("| interface | list | as | status | queries | request ms | full scans |")
        out.write("|---|---|---|---|---|---|---|")
        for r in results:
            s = r.scenario
            scans = ", ".join(sorted(set(r.full_scans))) or "none"
            out.write(
                f"| {s.interface} | {s.label} | {s.who} | {r.status} | {r.queries} "
                f"| {r.ms:.1f} | {scans} |"
            )
        out.write("")
        for r in results:
            s = r.scenario
            out.write(f"#### {s.interface}: {s.label} ({s.who}) `{s.url}`\n")
            for sql, plan in r.plans:
                shown = sql if len(sql) < 600 else sql[:600] + " …"
                out.write(f"```sql\n{shown}\n```\n```\n{plan}\n```\n")
