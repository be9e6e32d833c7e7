"""The benchmark's scenario, on the Django side: who asks for what, on which tickets.

Run by bench/database.py in a process of its own per database (with the same
environment as the server under test), as

    python -m bench.scenario reads  OUT   # users, tokens, sessions, read specs
    python -m bench.scenario writes OUT REPEAT  # tickets the writes work on, write specs
    python -m bench.scenario cleanup      # delete everything the bench wrote

Reads work on the loaded data: an end user's tickets (load-user-0 has about a
hundred at every size, as seed_load gives each user N/100) and tickets sampled
across the whole table for staff (load-staff-0). Writes work on tickets of a
user of the bench's own (bench-writer), made through the services, so that
`cleanup` can delete all of them (through services.delete_ticket) and leave the
database holding exactly the load seed_load wrote.

Each spec is a file of requests for bench/wrk.lua, one per line:
METHOD<TAB>PATH<TAB>BODY. OUT/endpoints.json lists the endpoints with their
headers, their specs (run and warm-up) and three probe requests, which
bench/measure.py sends one at a time to read their X-Query-Count.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

TICKETS = "/api/v1/tickets/"
DB_CEILING = "/bench/ceiling/db/tickets/"
INSERT_CEILING = "/bench/ceiling/db/insert/"
# What people type into a helpdesk's search box: one or two words, common and rarer.
QUERIES = (
    "printer",
    "vpn timeout",
    "password reset",
    "outlook crash",
    "laptop battery",
    "certificate expired",
    "badge door",
    "payroll",
)
READER, STAFF = "load-user-0", "load-staff-0"
WRITER, ADMIN = "bench-writer", "bench-admin"
TOKEN_NAME = "bench"  # noqa: S105 - a name, not a secret
STAFF_SAMPLE = 1000
# Tickets per write pool: a status toggle comes back to a ticket only after
# going through the whole pool, long after its previous answer.
STATUS_POOL, WARMUP_POOL, MESSAGE_POOL = 200, 100, 100


def setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    import django

    django.setup()


# --- specs --------------------------------------------------------------------------


def line(method: str, path: str, body: dict | None = None) -> str:
    return f"{method}\t{path}\t{json.dumps(body, separators=(',', ':')) if body else ''}"


def write_spec(out: Path, name: str, lines: list[str]) -> str:
    path = out / f"{name}.spec"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def endpoint(
    out: Path,
    key: str,
    label: str,
    role: str,
    headers: list[str],
    run: list[str],
    *,
    runs: list[list[str]] | None = None,
    warmup: list[str] | None = None,
    probe: list[str] | None = None,
    kind: str = "read",
    expect: int = 200,
    db_ceiling: str | None = None,
) -> dict[str, Any]:
    """An endpoint: `run` for every measured run, or one spec per run in `runs`.

    `db_ceiling`: the key of the database ceiling (as the same role) that each of
    its runs is paired with, besides the in-memory ceiling.
    """
    name = f"{key}-{role}"
    runs = runs or [run]
    return {
        "key": key,
        "label": label,
        "role": role,
        "kind": kind,
        "expect": expect,
        "headers": headers,
        "runs": [write_spec(out, f"{name}.{i}", spec) for i, spec in enumerate(runs)],
        "warmup": write_spec(out, f"{name}.warmup", warmup or runs[0]),
        "probe": [p.split("\t") for p in (probe or runs[0][:3])],
        "db_ceiling": db_ceiling,
    }


def toggles(ids: list[int], there: str, back: str) -> list[str]:
    """Every ticket to `there`, then every ticket back: cycled, each alternates."""
    return [
        line("POST", f"{TICKETS}{pk}/status/", {"status": status})
        for status in (there, back)
        for pk in ids
    ]


# --- reads --------------------------------------------------------------------------


def reads(out: Path) -> None:
    from django.test import Client

    from accounts.models import ApiToken, User
    from accounts.services import create_api_token
    from tickets.models import Ticket

    reader = User.objects.get(username=READER)
    staff = User.objects.get(username=STAFF)
    ApiToken.objects.filter(name=TOKEN_NAME).delete()
    tokens = {
        role: create_api_token(user=user, name=TOKEN_NAME)[1]
        for role, user in (("reporter", reader), ("staff", staff))
    }
    sessions = {}
    for role, user in (("reporter", reader), ("staff", staff)):
        client = Client()
        client.force_login(user, backend="accounts.backends.ModelBackend")
        sessions[role] = client.cookies["sessionid"].value

    rng = random.Random(7)  # noqa: S311 - picking test data
    mine = list(Ticket.objects.filter(reporter=reader).values_list("pk", flat=True))
    rng.shuffle(mine)
    bounds = Ticket.objects.order_by("pk").values_list("pk", flat=True)
    low, high = bounds.first(), bounds.last()
    sample = rng.sample(range(low, high + 1), min(STAFF_SAMPLE, high - low + 1))
    targets = {"reporter": mine, "staff": sample}

    api = {role: [f"Authorization: Token {raw}"] for role, raw in tokens.items()}
    endpoints = []
    for role in ("reporter", "staff"):
        ids = targets[role]
        # The database ceilings, as this role: each endpoint below names the one
        # that does the same reads bare (a page, a page of one status, a row by id).
        endpoints += [
            endpoint(
                out,
                "ceiling_db_list",
                "Ceiling: bare DRF + PostgreSQL, page of 25",
                role,
                api[role],
                [line("GET", DB_CEILING)],
            ),
            endpoint(
                out,
                "ceiling_db_status",
                "Ceiling: bare DRF + PostgreSQL, page of 25, status=open",
                role,
                api[role],
                [line("GET", f"{DB_CEILING}?status=open")],
            ),
            endpoint(
                out,
                "ceiling_db_row",
                "Ceiling: bare DRF + PostgreSQL, row by id",
                role,
                api[role],
                [line("GET", f"{DB_CEILING}{pk}/") for pk in ids],
            ),
        ]
        endpoints += [
            endpoint(
                out,
                "list",
                "API ticket list",
                role,
                api[role],
                [line("GET", TICKETS)],
                db_ceiling="ceiling_db_list",
            ),
            endpoint(
                out,
                "list_status",
                "API ticket list, status=open",
                role,
                api[role],
                [line("GET", f"{TICKETS}?status=open")],
                db_ceiling="ceiling_db_status",
            ),
            endpoint(
                out,
                "list_q",
                "API ticket list, q=…",
                role,
                api[role],
                [line("GET", f"{TICKETS}?{urlencode({'q': q})}") for q in QUERIES],
                db_ceiling="ceiling_db_list",
            ),
            endpoint(
                out,
                "detail",
                "API ticket detail",
                role,
                api[role],
                [line("GET", f"{TICKETS}{pk}/") for pk in ids],
                db_ceiling="ceiling_db_row",
            ),
            endpoint(
                out,
                "messages",
                "API messages list",
                role,
                api[role],
                [line("GET", f"{TICKETS}{pk}/messages/") for pk in ids],
                db_ceiling="ceiling_db_row",
            ),
        ]
    endpoints += [
        endpoint(
            out,
            "web_list",
            'Web "my tickets"',
            "reporter",
            [f"Cookie: sessionid={sessions['reporter']}"],
            [line("GET", "/tickets/")],
            db_ceiling="ceiling_db_list",
        ),
        endpoint(
            out,
            "admin_list",
            "Admin changelist",
            "staff",
            [f"Cookie: sessionid={sessions['staff']}"],
            [line("GET", "/admin/tickets/ticket/")],
            db_ceiling="ceiling_db_list",
        ),
        endpoint(
            out,
            "dashboard",
            "Console dashboard",
            "staff",
            [f"Cookie: sessionid={sessions['staff']}"],
            [line("GET", "/admin/")],
            db_ceiling="ceiling_db_list",
        ),
        endpoint(
            out,
            "ceiling",
            "Ceiling (bare DRF, 25 objects)",
            "-",
            [],
            [line("GET", "/bench/ceiling/")],
        ),
    ]
    (out / "endpoints.json").write_text(json.dumps(endpoints, indent=1))
    (out / "tokens.json").write_text(json.dumps(tokens))
    print(json.dumps({"reads": len(endpoints), "reporter_tickets": len(mine)}))


# --- writes --------------------------------------------------------------------------


def _text(rng: random.Random, low: int, high: int) -> str:
    from tickets.management.commands.seed_load import WORDS

    return " ".join(rng.choices(WORDS, k=rng.randint(low, high)))


def writes(out: Path, repeat: int) -> None:
    from accounts.models import User
    from accounts.services import create_api_token, create_user
    from tickets import services

    staff = User.objects.get(username=STAFF)
    writer = User.objects.filter(username=WRITER).first() or create_user(
        username=WRITER, email=f"{WRITER}@bench.example.com", password=None
    )
    tokens = json.loads((out / "tokens.json").read_text())
    tokens["writer"] = create_api_token(user=writer, name=TOKEN_NAME)[1]
    rng = random.Random(11)  # noqa: S311 - test data

    def pool(n: int, label: str, *, status: str | None = None) -> list[int]:
        ids = []
        for i in range(n):
            ticket = services.report_issue(
                reporter=writer,
                subject=f"Bench {label} {i}: {_text(rng, 3, 8)}",
                description=_text(rng, 10, 80),
            )
            if status:
                services.change_status(actor=staff, ticket=ticket, status=status)
            ids.append(ticket.pk)
        return ids

    # The toggles start from new, which allows both first moves (staff: new to
    # pending; the reporter: new to resolved). Each measured run gets tickets of
    # its own: a run cut off halfway leaves its tickets in mixed states.
    def status_pools(there: str, back: str, label: str) -> dict[str, Any]:
        probe = pool(1, f"{label}p")
        return {
            "runs": [toggles(pool(STATUS_POOL, f"{label}{k}"), there, back) for k in range(repeat)],
            "warmup": toggles(pool(WARMUP_POOL, f"{label}w"), there, back),
            # there, back, there: three probes, each a valid move.
            "probe": [toggles(probe, there, back)[k] for k in (0, 1, 0)],
        }

    talk = pool(MESSAGE_POOL, "conversation", status="open")
    staff_status = status_pools("pending", "open", "s")
    own_status = status_pools("resolved", "open", "r")

    def report(n: int) -> list[str]:
        return [
            line(
                "POST",
                TICKETS,
                {
                    "subject": _text(rng, 3, 9).capitalize(),
                    "description": _text(rng, 8, 120),
                    "priority": rng.choice(("low", "normal", "normal", "normal", "high")),
                },
            )
            for _ in range(n)
        ]

    def messages(n: int, *, staff: bool) -> list[str]:
        # Staff write an internal note one time in ten, as in seed_load's data.
        return [
            line(
                "POST",
                f"{TICKETS}{rng.choice(talk)}/messages/",
                {"body": _text(rng, 5, 60), "is_internal": True}
                if staff and rng.random() < 0.1
                else {"body": _text(rng, 5, 60)},
            )
            for _ in range(n)
        ]

    json_headers = ["Content-Type: application/json"]
    as_writer = [f"Authorization: Token {tokens['writer']}", *json_headers]
    as_staff = [f"Authorization: Token {tokens['staff']}", *json_headers]
    status = "API change status"
    reports = report(1000)
    endpoints = [
        # The writes' yardstick, as the writer (its rows are the writer's, so the
        # cleanup finds them): every write below is paired with it.
        endpoint(
            out,
            "ceiling_insert",
            "Ceiling: bare DRF + PostgreSQL, insert a row",
            "reporter",
            as_writer,
            # The reports' bodies: the same JSON to parse, the same text to store.
            [r.replace(f"\t{TICKETS}\t", f"\t{INSERT_CEILING}\t", 1) for r in reports],
            kind="write",
            expect=201,
        ),
        endpoint(
            out,
            "report",
            "API report an issue",
            "reporter",
            as_writer,
            reports,
            kind="write",
            expect=201,
            db_ceiling="ceiling_insert",
        ),
        # The reporter's messages first, then staff's: the order the specs draw from rng.
        *(
            endpoint(
                out,
                "post_message",
                "API post a message",
                role,
                headers,
                messages(1000, staff=role == "staff"),
                kind="write",
                expect=201,
                db_ceiling="ceiling_insert",
            )
            for role, headers in (("reporter", as_writer), ("staff", as_staff))
        ),
        endpoint(
            out,
            "change_status",
            f"{status}, to resolved and back",
            "reporter",
            as_writer,
            [],
            kind="write",
            db_ceiling="ceiling_insert",
            **own_status,
        ),
        endpoint(
            out,
            "change_status",
            f"{status}, to pending and back",
            "staff",
            as_staff,
            [],
            kind="write",
            db_ceiling="ceiling_insert",
            **staff_status,
        ),
    ]
    (out / "writes.json").write_text(json.dumps(endpoints, indent=1))
    made = MESSAGE_POOL + 2 * ((repeat * STATUS_POOL) + WARMUP_POOL + 1)
    print(json.dumps({"writes": len(endpoints), "pool_tickets": made}))


# --- cleanup --------------------------------------------------------------------------


def delete_bare_rows() -> int:
    """Delete the insert ceiling's rows (thousands a run) in one go; how many.

    They are the bench writer's tickets INSERTed bare (helpdesk/instrumentation.py):
    without the "created" event that every ticket the services make has, and
    with nothing referring to them.
    """
    from tickets.models import Ticket

    bare = Ticket.objects.filter(reporter__username=WRITER, events__isnull=True)
    _, deleted = bare.delete()
    return deleted.get(Ticket._meta.label, 0)


def cleanup() -> None:
    """Delete what the bench wrote: bench-writer's tickets, the insert ceiling's rows, tokens,
    the queued tasks."""
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from accounts.models import ApiToken, User
    from tickets import services
    from tickets.models import Message, Ticket, TicketEvent

    admin = User.objects.filter(username=ADMIN).first()
    if admin is None:
        # Deleting tickets is for superusers only; this one never signs in.
        admin = User.objects.create_superuser(
            username=ADMIN, email=f"{ADMIN}@bench.example.com", password=None
        )
    bare = delete_bare_rows()
    ids = list(Ticket.objects.filter(reporter__username=WRITER).values_list("pk", flat=True))
    for pk in ids:
        services.delete_ticket(actor=admin, ticket=pk)
    ApiToken.objects.filter(name=TOKEN_NAME).delete()
    # The bench's database has no worker: every task in its queue was queued by a bench run.
    tasks, _ = DBTaskResult.objects.all().delete()
    Session.objects.all().delete()
    # Autovacuum waits for a fifth of a table to be dead: at 1M tickets the rows
    # deleted here would stay, run after run, at the top of the last-update
    # indexes that every list walks. Vacuum them so each run starts alike.
    tables = [m._meta.db_table for m in (Ticket, Message, TicketEvent, DBTaskResult, Session)]
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
    print(json.dumps({"deleted_tickets": len(ids), "deleted_rows": bare, "deleted_tasks": tasks}))


def main(argv: list[str]) -> None:
    setup_django()
    command = argv[0]
    if command == "reads":
        reads(Path(argv[1]))
    elif command == "writes":
        writes(Path(argv[1]), int(argv[2]))
    elif command == "cleanup":
        cleanup()
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
