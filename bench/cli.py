"""`python -m bench`: the command line, and a run from start to finish."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.base import DOC, RESULTS, ROOT, SIZES, log
from bench.database import ensure_database, explain_lists, manage, server_env
from bench.machine import ensure_wrk, git_commit, machine
from bench.measure import bench_size, compare_sizes
from bench.publish import PLANS_BEGIN, PLANS_END, publish, replace_between


def parse_args(argv: list[str]) -> argparse.Namespace:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark the helpdesk at several sizes; write docs/BENCHMARKS.md.",
    )
    parser.add_argument(
        "--sizes",
        default=None,
        help=f"comma-separated, of {', '.join(SIZES)} (default 1k,100k,1m; 1k with --quick)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 2 s per endpoint, docs/ untouched"
    )
    parser.add_argument("--duration", type=int, help="seconds per run under load (5)")
    parser.add_argument("--repeat", type=int, help="runs under load per endpoint, best kept (3)")
    parser.add_argument("--warmup", type=int, help="seconds of warm-up per endpoint (2)")
    parser.add_argument("--single", type=int, help="seconds with one client per read (5)")
    parser.add_argument(
        "--paired", type=int, help="seconds of ceiling run before each run under load (2; 0: none)"
    )
    parser.add_argument(
        "--workers", type=int, default=2 * cores + 1, help="gunicorn sync workers (2 x cores + 1)"
    )
    parser.add_argument(
        "--connections", type=int, default=None, help="wrk connections (2 x workers)"
    )
    parser.add_argument("--port", type=int, default=8105)
    parser.add_argument(
        "--postgres",
        default=os.getenv("BENCH_POSTGRES", "postgres://root@127.0.0.1:5432"),
        help="server URL, without a database name (env BENCH_POSTGRES)",
    )
    parser.add_argument("--only", help="comma-separated endpoint keys, e.g. list,detail")
    parser.add_argument(
        "--redis",
        default=os.getenv("BENCH_REDIS", "redis://127.0.0.1:6379/13"),
        help="the shared cache, as production has one (env BENCH_REDIS; '' for none)",
    )
    parser.add_argument("--skip-writes", action="store_true")
    parser.add_argument(
        "--doc",
        type=Path,
        default=None,
        help="Markdown file to update (docs/BENCHMARKS.md; none with --quick unless given)",
    )
    parser.add_argument("--plans-at", default="1m", help="size whose query plans go in the doc")
    parser.add_argument(
        "--plans-only",
        action="store_true",
        help="measure nothing: put `manage.py explain_lists` at --plans-at in the doc",
    )
    args = parser.parse_args(argv)
    args.command = " ".join(["python -m bench", *argv])
    args.sizes = [
        s.strip().lower() for s in (args.sizes or ("1k" if args.quick else "1k,100k,1m")).split(",")
    ]
    for size in args.sizes:
        if size not in SIZES:
            parser.error(f"unknown size {size!r}; use {', '.join(SIZES)}")
    quick = args.quick
    args.duration = args.duration or (2 if quick else 5)
    args.repeat = args.repeat or (1 if quick else 3)
    args.warmup = args.warmup if args.warmup is not None else (1 if quick else 2)
    args.single = args.single if args.single is not None else (1 if quick else 5)
    args.paired = args.paired if args.paired is not None else (1 if quick else 2)
    args.connections = args.connections or 2 * args.workers
    if args.doc is None and not quick:
        args.doc = DOC
    return args


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--render"]:
        # Write the doc again from a saved run, e.g. after changing the tables' layout.
        saved = Path(argv[1])
        run = json.loads(saved.read_text())
        # Runs saved before these were recorded: the folder is named after the start.
        started = datetime.strptime(saved.parent.name, "%Y%m%d-%H%M%S").astimezone(UTC)
        run.setdefault("started", started.strftime("%Y-%m-%d %H:%M UTC"))
        args = parse_args(run["command"].split()[3:])
        args.doc = Path(argv[2]) if len(argv) > 2 else DOC
        publish(run, args, None)
        return
    args = parse_args(argv)
    # Stopped with SIGTERM (or from a background job, where SIGINT is ignored):
    # unwind, so that gunicorn is stopped and nothing is left listening.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("bench: stopped"))
    # Production settings serve static files from the manifest: the pages (and
    # explain_lists, which renders them) fail without it.
    static_env = server_env(args, "postgres", secrets.token_urlsafe(50))
    manage(static_env, "collectstatic", "--noinput", "-v", "0")
    if args.plans_only:
        dbname = f"helpdesk_bench_{args.plans_at}"
        env = server_env(args, dbname, secrets.token_urlsafe(50))
        log(f"{dbname}: {ensure_database(args, dbname, SIZES[args.plans_at], env)}")
        plans = explain_lists(env)
        if plans is None:
            sys.exit("This checkout has no `manage.py explain_lists`.")
        doc = args.doc or DOC
        doc.write_text(replace_between(doc.read_text(), PLANS_BEGIN, PLANS_END, plans))
        log(f"wrote the query plans at {args.plans_at} to {doc}")
        return
    ensure_wrk()
    run: dict[str, Any] = {
        "machine": machine(args.postgres),
        "command": args.command,
        "commit": git_commit(),
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "sizes": [],
    }
    run_dir = RESULTS / datetime.now().strftime("%Y%m%d-%H%M%S")
    run_dir.mkdir(parents=True, exist_ok=True)
    log(f"results in {run_dir.relative_to(ROOT)}; machine: {run['machine']}")

    for size in args.sizes:
        run["sizes"].append(bench_size(args, size, run_dir))
        (run_dir / "results.json").write_text(json.dumps(run, indent=1))
    run["compared"] = compare_sizes(args, run_dir)
    (run_dir / "results.json").write_text(json.dumps(run, indent=1))
    publish(run, args, run_dir)
