"""The issue's targets, and each one's verdict from a run's figures."""

from __future__ import annotations

from typing import Any

from bench.results import ceiling_rps, find, ms

# The targets.
SCALE_TOLERANCE = 0.10  # list and detail at 1M within 10% of 1k
CEILING_SHARE = 0.8  # ticket list at least 0.8 of the ceiling
MAX_QUERIES = 5  # per API request
SEARCH_P50_MS = 50  # q at 1M, p50 server time
MAX_RSS_MB = 120  # a gunicorn worker after the run


# Compared size against size, interleaved: the target "list and detail at 1M within
# 10% of 1k" asks for a difference smaller than a shared machine's drift over the
# minutes between two sizes' tables.
COMPARED = ("list", "list_status", "detail")


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def targets(run: dict[str, Any]) -> list[str]:
    results = run["sizes"]
    by_size = {r["size"]: r for r in results}
    rows = ["| target | measured | verdict |", "|---|---|---|"]
    compared = run.get("compared")
    if compared:
        # The interleaved comparison: both sizes served at once, runs alternated.
        lo, hi = compared["small"], compared["large"]
        for row in compared["endpoints"]:
            a, b = row[lo], row[hi]
            ratio = b["rps"] / a["rps"]
            rows.append(
                f"| {row['label']} ({row['role']}) at {hi} within 10% of {lo} "
                f"| {b['rps']:,.0f} vs {a['rps']:,.0f} req/s ({ratio - 1:+.0%}), interleaved; "
                f"CPU {b['cpu_ms']:.1f} vs {a['cpu_ms']:.1f} ms/req "
                f"| {verdict(ratio >= 1 - SCALE_TOLERANCE)} |"
            )
    elif "1k" in by_size and "1m" in by_size:
        for key in COMPARED:
            for role in ("reporter", "staff"):
                a, b = find(by_size["1k"], key, role), find(by_size["1m"], key, role)
                if not (a and b):
                    continue
                ratio = b["load"]["rps"] / a["load"]["rps"]
                cpu_a = a["app_cpu_ms"] + a["db_cpu_ms"]
                cpu_b = b["app_cpu_ms"] + b["db_cpu_ms"]
                rows.append(
                    f"| {a['label']} ({role}) at 1M within 10% of 1k "
                    f"| {b['load']['rps']:,.0f} vs {a['load']['rps']:,.0f} req/s "
                    f"({ratio - 1:+.0%}); 1 client p50 {ms(b['single']['p50_us'])} vs "
                    f"{ms(a['single']['p50_us'])} ms; CPU {cpu_b:.1f} vs {cpu_a:.1f} ms/req "
                    f"| {verdict(ratio >= 1 - SCALE_TOLERANCE)} |"
                )
    for r in results:
        for role in ("reporter", "staff"):
            e = find(r, "list", role)
            if e:
                share = e.get("share", e["load"]["rps"] / ceiling_rps(r))
                ceiling_cpu = r["ceiling_before"]["app_cpu_ms"]
                cpu = e["app_cpu_ms"] + e["db_cpu_ms"]
                rows.append(
                    f"| API ticket list ({role}) at {r['size']} ≥ {CEILING_SHARE} of the ceiling "
                    f"| {share:.2f} of the ceiling's req/s (paired runs); CPU {cpu:.1f} vs "
                    f"{ceiling_cpu:.1f} ms/req | {verdict(share >= CEILING_SHARE)} |"
                )
    api = [
        e
        for r in results
        for e in r["endpoints"]
        if e["key"] not in ("web_list", "admin_list") and e["queries"] is not None
    ]
    if api:
        worst = max(api, key=lambda e: e["queries"])
        rows.append(
            f"| ≤ {MAX_QUERIES} SQL queries per API request "
            f"| at most {worst['queries']:g} ({worst['label']}, {worst['role']}) "
            f"| {verdict(worst['queries'] <= MAX_QUERIES)} |"
        )
    large = by_size.get("1m")
    if large:
        for role in ("reporter", "staff"):
            e = find(large, "list_q", role)
            if e and e.get("single"):
                p50 = e["single"]["p50_us"] / 1000
                rows.append(
                    f"| Search with q at 1M ({role}) under {SEARCH_P50_MS} ms p50 server time "
                    f"| {p50:.1f} ms (1 client; {ms(e['load']['p50_us'])} ms under load) "
                    f"| {verdict(p50 < SEARCH_P50_MS)} |"
                )
    for r in results:
        if r.get("worker_rss_mb"):
            peak = max(r["worker_rss_mb"])
            rows.append(
                f"| A gunicorn worker under {MAX_RSS_MB} MB RSS after the run at {r['size']} "
                f"| {peak:.0f} MB (workers: {', '.join(f'{x:.0f}' for x in r['worker_rss_mb'])}) "
                f"| {verdict(peak < MAX_RSS_MB)} |"
            )
    return rows
