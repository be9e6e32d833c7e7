"""Sustained load on two app servers, and proof that every accepted write is stored once.

    .venv/bin/python -m bench.soak                 # 60 s at 80% of the measured peak
    .venv/bin/python -m bench.soak --seconds 20    # shorter
    .venv/bin/python -m bench.soak --outage 8      # PostgreSQL away for 8 s mid-run

What it does, on a database of its own (helpdesk_soak, made afresh each run
on --postgres) and Redis database 7 (flushed):
1. migrates, gathers the static files, and signs up --users people (a third
   of them helpdesk staff), each with an API token and two tickets;
2. starts two gunicorn servers from deploy/gunicorn.conf.py (two workers
   each) on free loopback ports;
3. measures the peak: --threads clients sending the mix as fast as they can
   for 10 s, round-robin over both servers;
4. runs the mix for --seconds at --load (0.8) of that peak, paced: 70% reads
   (a list or one of one's tickets), 20% replies, 10% new tickets, each
   write carrying a unique marker;
5. counts: every write a client was told succeeded (201) must be in the
   database exactly once, and nothing else of the run's.

With --outage N the servers reach PostgreSQL through a TCP proxy that is cut
a third of the way into the run and restored N seconds later (PostgreSQL
itself, shared with other work, is never stopped). Then every answer in
between must be a 503 problem+json with Retry-After (never a 500), the
servers must answer again by themselves soon after, no ticket or message may
lack its event (nothing half-written), and the only writes stored without
their client being told are ones whose answer was lost in the cut.

Not part of the test suite; the figures go in docs/OPERATIONS.md. The client
is Python threads on the same machine as the servers, so the peak is the
machine's, client included.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from bench.database import manage
from bench.proxy import CuttableProxy

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DBNAME = "helpdesk_soak"
REDIS_URL = "redis://127.0.0.1:6379/7"


def log(message: str) -> None:
    print(f"[soak] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(postgres: str, static_root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HELPDESK_"))}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "False",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DATABASE_URL": f"{postgres}/{DBNAME}",
        "DATABASE_CONN_MAX_AGE": "600",
        "REDIS_URL": REDIS_URL,
        # The production limits on writing are per person per hour; a minute of
        # load from 50 people would trip them, which is not what is measured.
        "RATE_REPORT": "100000/h",
        "RATE_REPLY": "100000/h",
        "RATE_REPORT_STAFF": "100000/h",
        "RATE_REPLY_STAFF": "100000/h",
        "API_THROTTLE_USER": "100000/minute",
        "LOG_LEVEL": "WARNING",
    }


def psql(postgres: str, dbname: str, sql: str) -> str:
    return subprocess.run(  # noqa: S603
        ["psql", f"{postgres}/{dbname}", "-At", "-c", sql],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


SEED = """
import json
from accounts.services import create_api_token, create_user
from django.contrib.auth.models import Group
from tickets import services
people = []
for n in range({users}):
    staff = n % 3 == 0
    user = create_user(username=f"soak{{n}}", email=f"soak{{n}}@example.com",
                       password="soak-Passw0rd-" + str(n), is_staff=staff)
    if staff:
        user.groups.add(Group.objects.get(name="Helpdesk staff"))
    people.append(user)
out = []
reporters = [p for p in people if not p.is_staff]
for user in people:
    mine = [services.report_issue(reporter=user if not user.is_staff else reporters[0],
                                  actor=user, description="Seeded") for _ in range(2)]
    out.append({{"token": create_api_token(user=user, name="soak")[1],
                "tickets": [t.pk for t in mine]}})
print(json.dumps(out))
"""


class Server:
    def __init__(self, env: dict[str, str], logfile: Path) -> None:
        self.port = free_port()
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": "2"}
        self.logfile = logfile

    def __enter__(self) -> Server:
        self.log = self.logfile.open("ab")
        self.process = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "helpdesk.wsgi:application"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for _ in range(300):
            try:
                if request(self.port, "GET", "/readyz", {})[0] == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn did not get ready: see {self.logfile}")

    def __exit__(self, *exc: object) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        self.log.close()


def request(port: int, method: str, path: str, headers: dict, body: str | None = None):
    status, content, _headers = request_with_headers(port, method, path, headers, body)
    return status, content


def request_with_headers(port: int, method: str, path: str, headers: dict, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers={"Host": "127.0.0.1", **headers})
        response = conn.getresponse()
        return response.status, response.read(), response
    finally:
        conn.close()


class Client:
    """One simulated person: a token, their tickets, and what they were told."""

    def __init__(self, person: dict, ports: list[int], results: Results, rng: random.Random):
        self.token, self.tickets = person["token"], list(person["tickets"])
        self.ports, self.results, self.rng = ports, results, rng
        self.turn = rng.randrange(len(ports))

    def one(self) -> None:
        self.turn += 1
        port = self.ports[self.turn % len(self.ports)]
        headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json"}
        roll = self.rng.random()
        marker = f"soak-{uuid.uuid4().hex}"
        if roll < 0.70:
            kind, method, body = "read", "GET", None
            path = (
                "/api/v1/tickets/"
                if self.rng.random() < 0.5
                else f"/api/v1/tickets/{self.rng.choice(self.tickets)}/"
            )
        elif roll < 0.90:
            kind, method = "reply", "POST"
            path = f"/api/v1/tickets/{self.rng.choice(self.tickets)}/messages/"
            body = json.dumps({"body": marker})
        else:
            kind, method, path = "report", "POST", "/api/v1/tickets/"
            body = json.dumps({"subject": marker, "description": "Under load"})
        started = time.perf_counter()
        retry_after = False
        try:
            status, content, response = request_with_headers(port, method, path, headers, body)
            retry_after = (
                status == 503
                and bool(response.getheader("Retry-After"))
                and (response.getheader("Content-Type", "").startswith("application/problem+json"))
            )
        except OSError as exc:
            status, content = 0, str(exc).encode()
        self.results.add(kind, status, time.perf_counter() - started, marker, content, retry_after)
        if kind == "report" and status == 201:
            self.tickets.append(json.loads(content)["id"])


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: dict[str, dict[int, int]] = {}
        self.accepted: dict[str, list[str]] = {"reply": [], "report": []}
        self.errors: list[str] = []
        # (when it was answered, status, whether it was a 503 with Retry-After), for --outage.
        self.timeline: list[tuple[float, int, bool]] = []

    def add(
        self,
        kind: str,
        status: int,
        seconds: float,
        marker: str,
        content: bytes,
        retry_after: bool = False,
    ) -> None:
        with self.lock:
            self.timeline.append((time.monotonic(), status, retry_after))
            self.latencies.append(seconds)
            by_status = self.statuses.setdefault(kind, {})
            by_status[status] = by_status.get(status, 0) + 1
            ok = 200 if kind == "read" else 201
            if status == ok and kind != "read":
                self.accepted[kind].append(marker)
            elif status != ok and len(self.errors) < 10:
                self.errors.append(f"{kind} {status}: {content[:200]!r}")

    def count(self) -> int:
        return len(self.latencies)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000


def run(clients: list[Client], threads: int, seconds: float, rate: float | None) -> Results:
    """`threads` workers for `seconds`; paced at `rate` requests/s overall, or flat out."""
    results = Results()
    for client in clients:
        client.results = results
    deadline = time.monotonic() + seconds
    interval = threads / rate if rate else 0.0

    def worker(index: int) -> None:
        mine = clients[index::threads]
        next_at = time.monotonic() + random.random() * interval  # noqa: S311
        n = 0
        while time.monotonic() < deadline:
            if interval:
                pause = next_at - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                next_at += interval
            mine[n % len(mine)].one()
            n += 1

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return results


def cut_for_a_while(proxy: CuttableProxy, after: float, seconds: float, out: dict) -> None:
    """Take the database away `after` seconds from now, for `seconds`."""
    time.sleep(after)
    log(f"cutting the database off for {seconds:.0f} s")
    out["cut"] = time.monotonic()
    proxy.cut()
    time.sleep(seconds)
    proxy.restore()
    out["restored"] = time.monotonic()
    log("database back")


def judge_outage(
    soak: Results, outage: dict, problems: list[str], postgres: str
) -> tuple[int, dict[str, object]]:
    """Errors that break the promise, and what the outage looked like."""
    cut, restored = outage["cut"], outage["restored"]
    wrong = [s for t, s, ok503 in soak.timeline if s >= 400 and not (s == 503 and ok503)]
    wrong += [s for t, s, _ in soak.timeline if s == 0]
    during = [s for t, s, _ in soak.timeline if cut <= t <= restored]
    first_ok = min((t for t, s, _ in soak.timeline if t > restored and s < 400), default=None)
    late_errors = [s for t, s, _ in soak.timeline if t > restored + 10 and s >= 400]
    half_written = int(
        psql(
            postgres,
            DBNAME,
            "SELECT (SELECT count(*) FROM tickets_ticket t WHERE NOT EXISTS (SELECT 1 FROM "
            "tickets_ticketevent e WHERE e.ticket_id = t.id AND e.kind = 'created')) + "
            "(SELECT count(*) FROM tickets_message m WHERE NOT EXISTS (SELECT 1 FROM "
            "tickets_ticketevent e WHERE e.message_id = m.id))",
        )
    )
    if first_ok is None:
        problems.append("the servers never answered again after the database came back")
    if late_errors:
        problems.append(f"{len(late_errors)} errors more than 10 s after the database came back")
    if half_written:
        problems.append(f"{half_written} tickets or messages without their event")
    report = {
        "outage_s": round(restored - cut, 1),
        "answers_during_outage": {str(s): during.count(s) for s in sorted(set(during))},
        "recovered_after_s": None if first_ok is None else round(first_ok - restored, 2),
        "errors_not_503_problem": len(wrong),
        "half_written": half_written,
        **{k: v for k, v in outage.items() if k.startswith("stored_without")},
    }
    return len(wrong), report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", default="postgres://root@127.0.0.1:5432")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--load", type=float, default=0.8, help="fraction of the peak")
    parser.add_argument(
        "--outage", type=float, default=0, help="seconds PostgreSQL is away mid-run (0: none)"
    )
    args = parser.parse_args()

    work = Path(ROOT / "bench" / "results" / "soak")
    work.mkdir(parents=True, exist_ok=True)
    psql(args.postgres, "postgres", f'DROP DATABASE IF EXISTS "{DBNAME}" WITH (FORCE)')
    psql(args.postgres, "postgres", f'CREATE DATABASE "{DBNAME}"')
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    env = server_env(args.postgres, work / "static")
    log("migrating and seeding")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "migrate", "--noinput", "-v0")
    people = json.loads(
        manage(env, "shell", "-c", SEED.format(users=args.users), capture=True).splitlines()[-1]
    )
    rng = random.Random(16)  # noqa: S311
    outage: dict[str, float] = {}
    proxy: CuttableProxy | None = None
    if args.outage:
        address = urlsplit(args.postgres)
        proxy = CuttableProxy((address.hostname or "127.0.0.1", address.port or 5432))
        proxy.__enter__()  # listening now, for the port; the with below closes it
        env = {
            **env,
            "DATABASE_URL": f"postgres://{address.username}@127.0.0.1:{proxy.port}/{DBNAME}",
        }

    with contextlib.ExitStack() as stack:
        if args.outage:
            stack.callback(proxy.__exit__, None, None, None)
        a = stack.enter_context(Server(env, work / "a.log"))
        b = stack.enter_context(Server(env, work / "b.log"))
        ports = [a.port, b.port]
        clients = [Client(p, ports, Results(), rng) for p in people]
        log(f"peak: {args.threads} clients flat out for 10 s")
        peak = run(clients, args.threads, 10, None)
        peak_rps = peak.count() / 10
        target = peak_rps * args.load
        log(f"peak {peak_rps:.0f} req/s; soaking {args.seconds:.0f} s at {target:.0f} req/s")
        # Only the soak's writes are counted against the database.
        before = {
            "report": int(psql(args.postgres, DBNAME, "SELECT count(*) FROM tickets_ticket")),
            "reply": int(psql(args.postgres, DBNAME, "SELECT count(*) FROM tickets_message")),
        }
        started = time.monotonic()
        if args.outage:
            threading.Thread(
                target=cut_for_a_while, args=(proxy, args.seconds / 3, args.outage, outage)
            ).start()
        soak = run(clients, args.threads, args.seconds, target)
        elapsed = time.monotonic() - started

    stored = {
        "report": psql(
            args.postgres, DBNAME, "SELECT subject FROM tickets_ticket WHERE subject LIKE 'soak-%'"
        ).split(),
        "reply": psql(
            args.postgres, DBNAME, "SELECT body FROM tickets_message WHERE body LIKE 'soak-%'"
        ).split(),
    }
    peak_writes = {kind: set(peak.accepted[kind]) for kind in stored}
    problems = []
    for kind, rows in stored.items():
        told = set(soak.accepted[kind]) | peak_writes[kind]
        duplicates = len(rows) - len(set(rows))
        missing = told - set(rows)
        unexpected = set(rows) - told
        if args.outage:
            # A write whose answer was lost in the cut may be stored: reported, not a loss.
            outage[f"stored_without_answer_{kind}"] = len(unexpected)
            unexpected = set()
        if duplicates or missing or unexpected:
            problems.append(f"{kind}: {duplicates} stored twice, {len(missing)} missing, "
                            f"{len(unexpected)} stored but not told")  # fmt: skip
    errors = sum(n for by in soak.statuses.values() for s, n in by.items() if s >= 400 or s == 0)
    extra: dict[str, object] = {}
    if args.outage:
        errors, extra = judge_outage(soak, outage, problems, args.postgres)
    summary = {
        "peak_rps": round(peak_rps),
        "target_rps": round(target),
        "achieved_rps": round(soak.count() / elapsed),
        "requests": soak.count(),
        "errors": errors,
        "p50_ms": round(soak.percentile(0.50), 1),
        "p99_ms": round(soak.percentile(0.99), 1),
        "statuses": soak.statuses,
        "writes_told_ok": {kind: len(v) for kind, v in soak.accepted.items()},
        "rows_before": before,
        "verdict": problems or "nothing lost, nothing doubled",
        "first_errors": soak.errors,
        **extra,
    }
    print(json.dumps(summary, indent=2))
    psql(args.postgres, "postgres", f'DROP DATABASE IF EXISTS "{DBNAME}" WITH (FORCE)')
    sys.exit(1 if problems or errors else 0)


if __name__ == "__main__":
    main()
