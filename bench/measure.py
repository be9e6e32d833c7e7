"""Measuring: each endpoint, each size, and the smallest size against the largest."""

from __future__ import annotations

import argparse
import json
import secrets
from pathlib import Path
from statistics import median
from typing import Any

from bench.base import SIZES, log
from bench.database import ensure_database, explain_lists, scenario, server_env
from bench.machine import loadavg
from bench.server import CpuMeter, Server, request
from bench.targets import COMPARED
from bench.wrk import measured, wrk


def measure(
    args: argparse.Namespace,
    meter: CpuMeter,
    spec: dict[str, Any],
    ceiling: dict[str, Any] | None = None,
    db_ceiling: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Warm up, probe the query count, then the runs under load and with one client.

    With `ceiling`, each run is preceded by a short run of the ceiling, and the
    endpoint's share of the ceiling is the median of the paired ratios: on a
    machine whose other work comes and goes, a ceiling measured minutes apart
    would say more about the neighbours than about the endpoint. With
    `db_ceiling` too, each run is also preceded by a short run of that database
    ceiling (for a write: the insert ceiling), and `db_share` is the median of
    those ratios.
    """
    port = meter.server.port
    wrk(port, spec["headers"], spec["warmup"], seconds=args.warmup, connections=args.connections)
    # After the warm-up, so that no worker's first request (which loads caches) is counted.
    probes = [request(port, m, p, spec["headers"], b) for m, p, b in spec["probe"]]
    statuses = sorted({status for status, _ in probes})
    if any(status != spec["expect"] for status in statuses):
        log(f"  ! {spec['key']} as {spec['role']}: probes answered {statuses}")
    counts = [int(c) for _, c in probes if c is not None]
    result: dict[str, Any] = {
        "key": spec["key"],
        "label": spec["label"],
        "role": spec["role"],
        "kind": spec["kind"],
        "probe_statuses": statuses,
        "queries": median(counts) if counts else None,
        "queries_all": counts,
    }
    # Best of several runs: other work on a shared machine only ever slows a run down.
    runs, paired, db_paired = [], [], []
    for k in range(args.repeat):
        if ceiling is not None and args.paired:
            paired.append(
                wrk(
                    port,
                    ceiling["headers"],
                    ceiling["runs"][0],
                    seconds=args.paired,
                    connections=args.connections,
                )["rps"]
            )
        if db_ceiling is not None and args.paired:
            db_paired.append(
                wrk(
                    port,
                    db_ceiling["headers"],
                    db_ceiling["runs"][0],
                    seconds=args.paired,
                    connections=args.connections,
                )["rps"]
            )
        runs.append(
            measured(
                meter,
                port,
                spec["headers"],
                spec["runs"][k % len(spec["runs"])],
                seconds=args.duration,
                connections=args.connections,
            )
        )
    if paired:
        result["paired_ceiling_rps"] = [round(x, 1) for x in paired]
        result["share"] = median(r["rps"] / c for r, c in zip(runs, paired, strict=True))
    if db_paired:
        result["db_ceiling"] = db_ceiling["key"]
        result["paired_db_ceiling_rps"] = [round(x, 1) for x in db_paired]
        result["db_share"] = median(r["rps"] / c for r, c in zip(runs, db_paired, strict=True))
    result["app_cpu_ms"] = median(r["app_cpu_ms"] for r in runs)
    result["db_cpu_ms"] = median(r["db_cpu_ms"] for r in runs)
    result["load"] = max(runs, key=lambda r: r["rps"])
    result["runs_rps"] = [round(r["rps"], 1) for r in runs]
    # Every refusal counts, whichever run it came in.
    result["requests"] = sum(r["requests"] for r in runs)
    result["failures"] = sum(r["status_errors"] + r["errors"] for r in runs)
    if spec["kind"] != "write" and args.single:
        result["single"] = wrk(
            port, spec["headers"], spec["runs"][0], seconds=args.single, connections=1
        )
    load = result["load"]
    single = result.get("single")
    log(
        f"  {spec['label']:<38} {spec['role']:<8} {load['rps']:8.1f} req/s  "
        f"p50 {load['p50_us'] / 1000:7.1f} ms  p99 {load['p99_us'] / 1000:7.1f} ms  "
        + (f"1 client p50 {single['p50_us'] / 1000:6.1f} ms  " if single else "")
        + f"CPU app {result['app_cpu_ms']:.1f} + db {result['db_cpu_ms']:.1f} ms  "
        + (f"db ceiling {result['db_share']:.2f}  " if "db_share" in result else "")
        + f"queries {result['queries']}  failed {result['failures']}/{result['requests']}"
    )
    return result


def bench_size(args: argparse.Namespace, size: str, run_dir: Path) -> dict[str, Any]:
    n = SIZES[size]
    dbname = f"helpdesk_bench_{size}"
    env = server_env(args, dbname, secrets.token_urlsafe(50))
    out = run_dir / size
    out.mkdir(parents=True, exist_ok=True)
    data = ensure_database(args, dbname, n, env)
    log(f"{dbname}: {data}; load average {loadavg()}")
    result: dict[str, Any] = {
        "size": size,
        "tickets": n,
        "database": dbname,
        "data": data,
        "loadavg_before": loadavg(),
        "endpoints": [],
    }
    log(f"{dbname}: reads: {scenario(env, 'reads', str(out))}")
    reads = json.loads((out / "endpoints.json").read_text())
    ceiling = next(e for e in reads if e["key"] == "ceiling")
    wanted = set(args.only.split(",")) if args.only else None

    def chosen(spec: dict[str, Any]) -> bool:
        return wanted is None or spec["key"] in wanted

    with Server(env, args.port, args.workers, out / "gunicorn.log") as server:
        meter = CpuMeter(server, args.postgres, dbname)
        result["ceiling_before"] = measure(args, meter, ceiling)

        def db_ceiling_of(spec: dict[str, Any]) -> dict[str, Any] | None:
            key = spec.get("db_ceiling")
            return next((e for e in reads if e["key"] == key and e["role"] == spec["role"]), None)

        for spec in reads:
            if spec["key"] != "ceiling" and chosen(spec):
                result["endpoints"].append(measure(args, meter, spec, ceiling, db_ceiling_of(spec)))
        if not args.skip_writes:
            made = scenario(env, "writes", str(out), str(args.repeat))
            log(f"{dbname}: writes: {made}")
            writes = json.loads((out / "writes.json").read_text())
            # One insert ceiling, as the writer, for every write whoever writes: its
            # rows must be the writer's, for the cleanup to find them.
            insert_ceiling = next((e for e in writes if e["key"] == "ceiling_insert"), None)
            for spec in writes:
                if chosen(spec) or (spec is insert_ceiling and any(map(chosen, writes))):
                    paired = insert_ceiling if spec.get("db_ceiling") else None
                    result["endpoints"].append(measure(args, meter, spec, ceiling, paired))
        result["ceiling_after"] = measure(args, meter, ceiling)
        result["worker_rss_mb"] = server.worker_rss_mb()
        log(f"{dbname}: gunicorn workers' RSS after the run: {result['worker_rss_mb']} MB")
    result["loadavg_after"] = loadavg()
    log(f"{dbname}: cleanup: {scenario(env, 'cleanup')}")
    if size == args.plans_at and not args.quick:
        result["plans"] = explain_lists(env)
        log(f"{dbname}: explain_lists {'embedded' if result['plans'] else 'not available'}")
    return result


def compare_sizes(args: argparse.Namespace, run_dir: Path) -> dict[str, Any] | None:
    """Serve the smallest and the largest size at once; alternate their runs."""
    if len(args.sizes) < 2:
        return None
    small, large = min(args.sizes, key=SIZES.get), max(args.sizes, key=SIZES.get)
    sides = {}
    for k, size in enumerate((small, large)):
        dbname = f"helpdesk_bench_{size}"
        env = server_env(args, dbname, secrets.token_urlsafe(50))
        out = run_dir / "compare" / size
        out.mkdir(parents=True, exist_ok=True)
        scenario(env, "reads", str(out))
        specs = json.loads((out / "endpoints.json").read_text())
        sides[size] = {
            "env": env,
            "dbname": dbname,
            "port": args.port + k,
            "out": out,
            "specs": specs,
        }
    log(f"{small} against {large}, interleaved: {', '.join(COMPARED)}")
    results = []

    def serve(size: str) -> Server:
        side = sides[size]
        return Server(side["env"], side["port"], args.workers, side["out"] / "gunicorn.log")

    with serve(small) as s1, serve(large) as s2:
        meters = {
            small: CpuMeter(s1, args.postgres, sides[small]["dbname"]),
            large: CpuMeter(s2, args.postgres, sides[large]["dbname"]),
        }
        for spec in sides[small]["specs"]:
            if spec["key"] not in COMPARED:
                continue
            pair = {
                size: next(
                    e
                    for e in sides[size]["specs"]
                    if e["key"] == spec["key"] and e["role"] == spec["role"]
                )
                for size in (small, large)
            }
            runs: dict[str, list[dict[str, Any]]] = {small: [], large: []}
            for size in (small, large):
                e = pair[size]
                wrk(
                    meters[size].server.port,
                    e["headers"],
                    e["warmup"],
                    seconds=args.warmup,
                    connections=args.connections,
                )
            for k in range(args.repeat):
                # Each round starts with the other size, so neither always goes first.
                for size in (small, large) if k % 2 == 0 else (large, small):
                    e = pair[size]
                    runs[size].append(
                        measured(
                            meters[size],
                            meters[size].server.port,
                            e["headers"],
                            e["runs"][0],
                            seconds=args.duration,
                            connections=args.connections,
                        )
                    )
            row = {"key": spec["key"], "label": spec["label"], "role": spec["role"]}
            for size in (small, large):
                row[size] = {
                    "rps": max(r["rps"] for r in runs[size]),
                    "runs_rps": [round(r["rps"], 1) for r in runs[size]],
                    "cpu_ms": median(r["app_cpu_ms"] + r["db_cpu_ms"] for r in runs[size]),
                }
            change = row[large]["rps"] / row[small]["rps"] - 1
            log(
                f"  {spec['label']:<38} {spec['role']:<8} {row[small]['rps']:7.1f} vs "
                f"{row[large]['rps']:7.1f} req/s ({change:+.0%}); CPU {row[small]['cpu_ms']:.1f} "
                f"vs {row[large]['cpu_ms']:.1f} ms"
            )
            results.append(row)
    for size in (small, large):
        scenario(sides[size]["env"], "cleanup")
    return {"small": small, "large": large, "endpoints": results}
