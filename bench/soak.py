"""Sustained load on two app servers, and proof that every accepted write is stored once.

    .venv/bin/python -m bench.soak                 # 60 s at 80% of the measured peak
    .venv/bin/python -m bench.soak --seconds 20    # shorter

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

Not part of the test suite; the figures go in docs/OPERATIONS.md. The client
is Python threads on the same machine as the servers, so the peak is the
machine's, client included.
"""

from __future__ import annotations

import argparse
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

from bench.database import manage

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
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers={"Host": "127.0.0.1", **headers})
        response = conn.getresponse()
        return response.status, response.read()
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
        try:
            status, content = request(port, method, path, headers, body)
        except OSError as exc:
            status, content = 0, str(exc).encode()
        self.results.add(kind, status, time.perf_counter() - started, marker, content)
        if kind == "report" and status == 201:
            self.tickets.append(json.loads(content)["id"])


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: dict[str, dict[int, int]] = {}
        self.accepted: dict[str, list[str]] = {"reply": [], "report": []}
        self.errors: list[str] = []

    def add(self, kind: str, status: int, seconds: float, marker: str, content: bytes) -> None:
        with self.lock:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", default="postgres://root@127.0.0.1:5432")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--load", type=float, default=0.8, help="fraction of the peak")
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

    with Server(env, work / "a.log") as a, Server(env, work / "b.log") as b:
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
        if duplicates or missing or unexpected:
            problems.append(f"{kind}: {duplicates} stored twice, {len(missing)} missing, "
                            f"{len(unexpected)} stored but not told")  # fmt: skip
    errors = sum(n for by in soak.statuses.values() for s, n in by.items() if s >= 400 or s == 0)
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
    }
    print(json.dumps(summary, indent=2))
    psql(args.postgres, "postgres", f'DROP DATABASE IF EXISTS "{DBNAME}" WITH (FORCE)')
    sys.exit(1 if problems or errors else 0)


if __name__ == "__main__":
    main()
