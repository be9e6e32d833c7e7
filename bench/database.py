"""The bench's databases: the server's environment, loading them, and what runs on them.

Each size has a PostgreSQL database of its own (helpdesk_bench_<size>),
created, migrated and filled by `manage.py seed_load` when it does not hold
exactly that load already (bench/scenario.py cleans up after the bench's
writes, so a second run reuses the data).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

from bench.base import ROOT, log
from bench.machine import git_commit

MESSAGES_PER_TICKET = 2
MARKER = "helpdesk bench: seed_load --tickets {n} --messages-per-ticket {m}"


def server_env(args: argparse.Namespace, dbname: str, secret_key: str) -> dict[str, str]:
    """Production settings, on plain HTTP over loopback, plus the bench's instrumentation."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HELPDESK_"))}
    env.pop("DATABASE_URL", None)
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        "DJANGO_SECRET_KEY": secret_key,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # No TLS on loopback: nothing to redirect to.
        "DJANGO_SECURE_SSL_REDIRECT": "False",
        "DATABASE_URL": f"{args.postgres}/{dbname}",
        "DATABASE_CONN_MAX_AGE": "600",
        "HELPDESK_BENCH": "True",
        # The throttles still run on every request; at 1200/minute they would
        # answer most of the bench's requests with 429. Per second, not per
        # minute: DRF's throttle keeps (and reads and writes, in the cache) the
        # time of every request in its window, at most 1,200 in production; a
        # minute of the bench's load would be tens of thousands.
        "API_THROTTLE_USER": "100000000/second",
        # Likewise the limits on writing: one writer reports and posts thousands.
        "RATE_REPORT": "100000000/h",
        "RATE_REPLY": "100000000/h",
        "RATE_REPORT_STAFF": "100000000/h",
        "RATE_REPLY_STAFF": "100000000/h",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        # Production's shared cache (throttles, API token look-ups); none: per process.
        **({"REDIS_URL": args.redis} if getattr(args, "redis", "") else {}),
    }


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def scenario(env: dict[str, str], *args: str) -> dict[str, Any]:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.scenario", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def admin_sql(postgres: str, sql: str, params: tuple = (), dbname: str = "postgres") -> list[tuple]:
    import psycopg2

    conn = psycopg2.connect(f"{postgres}/{dbname}")
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []
    finally:
        conn.close()


def ensure_database(args: argparse.Namespace, dbname: str, n: int, env: dict[str, str]) -> str:
    """Create, migrate and load the database unless it holds exactly this load already."""
    marker = MARKER.format(n=n, m=MESSAGES_PER_TICKET)
    exists = admin_sql(args.postgres, "SELECT 1 FROM pg_database WHERE datname = %s", (dbname,))
    if not exists:
        admin_sql(args.postgres, f'CREATE DATABASE "{dbname}"')
    manage(env, "migrate", "--noinput", "-v", "0")
    # Whatever a previous run wrote (even one that was stopped halfway) goes first.
    log(f"{dbname}: removing what earlier bench runs wrote: {scenario(env, 'cleanup')}")
    comment = admin_sql(
        args.postgres,
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        (dbname,),
    )[0][0]
    tickets = admin_sql(args.postgres, "SELECT count(*) FROM tickets_ticket", dbname=dbname)[0][0]
    if comment == marker and tickets == n:
        return "reused"
    if tickets:
        log(f"{dbname} holds {tickets:,} tickets, not this load: dropping it")
        admin_sql(args.postgres, f'DROP DATABASE "{dbname}" WITH (FORCE)')
        admin_sql(args.postgres, f'CREATE DATABASE "{dbname}"')
        manage(env, "migrate", "--noinput", "-v", "0")
    log(f"{dbname}: seed_load --tickets {n} --messages-per-ticket {MESSAGES_PER_TICKET}")
    started = time.monotonic()
    manage(env, "seed_load", "--tickets", str(n), "--messages-per-ticket", str(MESSAGES_PER_TICKET))
    admin_sql(args.postgres, "VACUUM ANALYZE", dbname=dbname)
    admin_sql(args.postgres, f'COMMENT ON DATABASE "{dbname}" IS %s', (marker,))
    return f"loaded in {time.monotonic() - started:.0f} s"


def explain_lists(env: dict[str, str]) -> str | None:
    """The lead's `manage.py explain_lists`, if this checkout has it."""
    commands = subprocess.run(
        [sys.executable, "manage.py", "help", "--commands"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if "explain_lists" not in commands:
        return None
    output = manage(env, "explain_lists", capture=True)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"`python manage.py explain_lists` against `{env['DATABASE_URL'].rsplit('/', 1)[1]}`, "
        f"on {when} at commit {git_commit()}:\n\n{output}"
    )
