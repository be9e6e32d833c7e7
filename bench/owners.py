"""Whose code a request's time is spent in: ours, Django's (by part), DRF's, the drivers'.

    .venv/bin/python -m bench.owners [--size 1m] [--calls 2000] [--only web_list,admin_list]
    .venv/bin/python -m bench.owners --writes --only ceiling_insert,report,post_message

For each endpoint it runs `python -m bench.parts --whole --only KEY` under
py-spy (a sampling profiler: no per-call overhead that would inflate small
functions, as cProfile's does) and files every sample inside the WSGI handler
under the owner of the innermost frame that is not the standard library's: a
sample in `re.match` called by Django's URL resolver is Django's. The table it
prints is the "whose time" table of docs/BENCHMARKS.md: what is left to take
from our code, and what only a change to Django, DRF or a driver (or not using
that part of them) would remove. Samples are wall time while the process is
holding the GIL (`--gil`): waiting on PostgreSQL or Redis, which releases it,
is not counted; a round trip shows only as the driver's own work.
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.base import SIZES

OURS = (
    "accounts/",
    "api/",
    "helpdesk/",
    "macros/",
    "mailgate/",
    "notifications/",
    "rules/",
    "service_levels/",
    "tickets/",
)
# First match wins: the more specific prefixes first.
OWNERS = (
    ("django/template", "Django: templates"),
    ("django/db/models", "Django: ORM (queries built, compiled, objects made)"),
    ("django/db/backends", "driver: PostgreSQL (psycopg2, Django's wrapper)"),
    ("psycopg2", "driver: PostgreSQL (psycopg2, Django's wrapper)"),
    ("redis/", "driver: Redis (redis-py, Django's cache)"),
    ("django/core/cache", "driver: Redis (redis-py, Django's cache)"),
    ("django/contrib/admin", "Django: admin"),
    ("django/forms", "Django: forms"),
    ("rest_framework", "DRF"),
    ("django/", "Django: handler, middleware, auth, sessions, i18n, URLs"),
    ("whitenoise", "other libraries (whitenoise, axes)"),
    ("axes", "other libraries (whitenoise, axes)"),
)


def owner(frames: list[str]) -> str:
    """The owner of a sample: of its innermost frame outside the standard library."""
    for frame in reversed(frames):
        where = frame[frame.rfind("(") + 1 :]
        if where.startswith(OURS):
            return "ours"
        for prefix, name in OWNERS:
            if where.startswith(prefix):
                return name
    return "standard library"


def shares(raw: str) -> tuple[int, collections.Counter]:
    """Samples inside the WSGI handler, and their count per owner."""
    counts: collections.Counter = collections.Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, n = line.rpartition(" ")
        frames = stack.split(";")
        handler = (i for i, f in enumerate(frames) if f.startswith("WSGIHandler.__call__"))
        start = next(handler, None)
        # Not the imports of the first request: a worker pays them once.
        if start is None or any(f.startswith("_find_and_load") for f in frames):
            continue
        total += int(n)
        counts[owner(frames[start:])] += int(n)
    return total, counts


def profile(key: str, size: str, calls: int, writes: bool = False) -> str:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "raw.txt"
        command = [
            *("py-spy", "record", "--gil", "--rate", "1000"),
            *("--format", "raw", "--output", str(out)),
            *("--", sys.executable, "-m", "bench.parts", "--whole"),
            *("--size", size, "--calls", str(calls), "--only", key),
            *(["--writes"] if writes else []),
        ]
        subprocess.run(command, check=True, capture_output=True)  # noqa: S603 (our own command)
        return out.read_text()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.owners", description=__doc__)
    parser.add_argument("--size", default="1m", choices=SIZES)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--only", default="list_reporter,web_list,web_ticket,admin_list")
    parser.add_argument(
        "--writes",
        action="store_true",
        help="offer bench.parts' writes too (report, post_message, change_status, "
        "ceiling_insert), on tickets of their own that the bench's cleanup deletes",
    )
    args = parser.parse_args(argv)
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"

    results = {
        key: shares(profile(key, args.size, args.calls, args.writes))
        for key in args.only.split(",")
    }
    names = sorted({name for _, counts in results.values() for name in counts})
    keys = list(results)
    print(f"| share of the request's time ({args.size}) | " + " | ".join(keys) + " |")
    print("|---|" + "--:|" * len(keys))
    for name in sorted(names, key=lambda n: -sum(results[k][1][n] / results[k][0] for k in keys)):
        cells = [f"{100 * results[k][1][name] / results[k][0]:.0f}%" for k in keys]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("| samples | " + " | ".join(str(results[k][0]) for k in keys) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
