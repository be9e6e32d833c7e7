"""A run as Markdown: the machine, a table per size, across sizes, the targets."""

from __future__ import annotations

import argparse
from typing import Any

from bench.machine import git_commit
from bench.results import DB_CEILING_NAMES, ROLE, ceiling_rps, find, ms
from bench.targets import targets


def size_table(size: dict[str, Any]) -> list[str]:
    ceiling = ceiling_rps(size)
    rows = [
        "| endpoint | as | req/s | share of in-memory ceiling | share of DB ceiling "
        "| p50 ms | p99 ms | p50 ms, 1 client "
        "| CPU ms/req, app + db | queries | failed | spread |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]

    def row(e: dict[str, Any], label: str | None = None) -> str:
        load, single = e["load"], e.get("single")
        spread = (max(e["runs_rps"]) - min(e["runs_rps"])) / max(e["runs_rps"])
        share = "—" if e["key"] == "ceiling" else f"{e.get('share', load['rps'] / ceiling):.2f}"
        db_share = (
            f"{e['db_share']:.2f} ({DB_CEILING_NAMES[e['db_ceiling']]})" if "db_share" in e else "—"
        )
        return (
            f"| {label or e['label']} | {ROLE[e['role']]} | {load['rps']:,.0f} "
            f"| {share} | {db_share} "
            f"| {ms(load['p50_us'])} | {ms(load['p99_us'])} "
            f"| {ms(single['p50_us']) if single else '—'} "
            f"| {e['app_cpu_ms']:.1f} + {e['db_cpu_ms']:.1f} "
            f"| {e['queries'] if e['queries'] is not None else '—'} "
            f"| {e['failures']:,} of {e['requests']:,} | {spread:.0%} |"
        )

    rows.append(row(size["ceiling_before"], "Ceiling: bare DRF, 25 objects (first)"))
    rows += [row(e) for e in size["endpoints"]]
    rows.append(row(size["ceiling_after"], "Ceiling: bare DRF, 25 objects (last)"))
    return rows


def render(run: dict[str, Any], args: argparse.Namespace) -> str:
    results, info = run["sizes"], run["machine"]
    pg = info["postgresql_settings"]
    lines = [
        f"Measured on {run.get('started', 'an unrecorded date')} with `{run['command']}`, "
        f"at commit {run.get('commit') or git_commit()}.",
        "",
        f"- Machine: {info['cores']} cores ({info['cpu']}), {info['memory_gb']} GB memory, "
        f"Linux {info['kernel']}; shared with other work, and with the load generator.",
        f"- PostgreSQL {info['postgresql']} on the same machine (shared_buffers "
        f"{pg['shared_buffers']}, work_mem {pg['work_mem']}, effective_cache_size "
        f"{pg['effective_cache_size']}).",
        f"- Python {info['python']}, Django {info['django']}, DRF {info['drf']}, gunicorn "
        f"{info['gunicorn']} ({args.workers} sync workers), {info['wrk']} "
        f"(1 thread, {args.connections} connections).",
        f"- Each endpoint: {args.warmup:g} s warm-up, then the best of {args.repeat} runs of "
        f"{args.duration:g} s under load"
        + (
            f", each after {args.paired:g} s of the in-memory ceiling (and {args.paired:g} s "
            "of the database ceiling doing the same reads, or for writes of the insert ceiling)"
            if args.paired
            else ""
        )
        + (f", then {args.single:g} s with one client (reads)" if args.single else "")
        + ". Data: `seed_load --tickets N --messages-per-ticket 2` (N/100 end users).",
        "",
    ]
    for r in results:
        lines += [
            f"### {r['tickets']:,} tickets",
            "",
            f"Database `{r['database']}` ({r['data']}); load average {r['loadavg_before']} "
            f"before, {r['loadavg_after']} after. Ceiling {ceiling_rps(r):,.0f} req/s "
            f"(mean of first and last). Gunicorn workers' RSS after the run: "
            f"{', '.join(f'{x:.0f}' for x in r['worker_rss_mb'])} MB.",
            "",
            *size_table(r),
            "",
        ]
    by_size = {r["size"]: r for r in results}
    if len(by_size) > 1:
        sizes = list(by_size)
        lines += [
            "### Across sizes",
            "",
            "Requests per second under load; p50 ms with one client; CPU ms per request "
            "(gunicorn worker + PostgreSQL backend).",
            "",
            "| endpoint | as | "
            + " | ".join(f"{s} req/s | {s} p50 | {s} CPU" for s in sizes)
            + " |",
            "|---|---|" + "--:|--:|--:|" * len(sizes),
        ]
        for e in results[0]["endpoints"]:
            cells = []
            for s in sizes:
                other = find(by_size[s], e["key"], e["role"])
                if other is None:
                    cells += ["—", "—", "—"]
                    continue
                single = other.get("single")
                cells += [
                    f"{other['load']['rps']:,.0f}",
                    ms(single["p50_us"]) if single else "—",
                    f"{other['app_cpu_ms'] + other['db_cpu_ms']:.1f}",
                ]
            lines.append(f"| {e['label']} | {ROLE[e['role']]} | " + " | ".join(cells) + " |")
        ceiling_cells = []
        for s in sizes:
            c = by_size[s]["ceiling_before"]
            ceiling_cells += [
                f"{ceiling_rps(by_size[s]):,.0f}",
                ms(c["single"]["p50_us"]),
                f"{c['app_cpu_ms'] + c['db_cpu_ms']:.1f}",
            ]
        lines += [
            "| Ceiling: bare DRF, 25 objects | — | " + " | ".join(ceiling_cells) + " |",
            "",
        ]
    compared = run.get("compared")
    if compared:
        small, large = compared["small"], compared["large"]
        lines += [
            f"### {small} against {large}, interleaved",
            "",
            f"Both databases served at once (two gunicorns), each endpoint's {args.repeat} runs of "
            f"{args.duration:g} s alternating between them, so that both sizes see the same "
            "neighbours; req/s is the best run, CPU the median.",
            "",
            f"| endpoint | as | {small} req/s | {large} req/s | change | {small} CPU ms/req "
            f"| {large} CPU ms/req |",
            "|---|---|--:|--:|--:|--:|--:|",
        ]
        for row in compared["endpoints"]:
            a, b = row[small], row[large]
            lines.append(
                f"| {row['label']} | {ROLE[row['role']]} | {a['rps']:,.0f} | {b['rps']:,.0f} "
                f"| {b['rps'] / a['rps'] - 1:+.0%} | {a['cpu_ms']:.1f} | {b['cpu_ms']:.1f} |"
            )
        lines.append("")
    lines += ["### Targets", "", *targets(run), ""]
    return "\n".join(lines)
