"""The issue's targets, and each one's verdict from a run's figures."""

from __future__ import annotations

from typing import Any

from bench.results import DB_CEILING_NAMES, ceiling_rps, find, ms, write_ceiling

# The targets.
SCALE_TOLERANCE = 0.10  # list and detail at 1M within 10% of 1k
CEILING_SHARE = 0.8  # ticket list at least 0.8 of the ceiling
MAX_QUERIES = 5  # per API request
SEARCH_P50_MS = 50  # q at 1M, p50 server time
MAX_RSS_MB = 100  # a gunicorn worker after the run (issue 7 asked 120, issue 18 100)

# Issue 18's targets: shares of the database ceilings (helpdesk/instrumentation.py).
DB_SHARES = {
    "list": 0.8,
    "list_status": 0.8,
    "detail": 0.8,
    "messages": 0.7,
}
CHANGELIST_CPU_MS = 15  # the console's changelist at 1M, app + database
DASHBOARD_CPU_MS = 50  # the console's dashboard (its front page) at 1M, app + database
WEB_TO_API_CPU = 1.5  # the web "my tickets" page against the API list, CPU per request
# Statements per write, the queue's INSERT included.
WRITE_STATEMENTS = {"report": 4, "post_message": 5, "change_status": 5}
# Each write against a bare DRF endpoint that inserts one row in a transaction
# (the insert ceiling, helpdesk/instrumentation.py), paired runs.
WRITE_SHARES = {"report": 0.7, "post_message": 0.7, "change_status": 0.7}


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
        for key, wanted in DB_SHARES.items():
            for role in ("reporter", "staff"):
                e = find(r, key, role)
                if not (e and "db_share" in e):
                    continue
                ceiling = find(r, e["db_ceiling"], role)
                cpu = e["app_cpu_ms"] + e["db_cpu_ms"]
                ceiling_cpu = (
                    f"{ceiling['app_cpu_ms'] + ceiling['db_cpu_ms']:.1f}" if ceiling else "—"
                )
                rows.append(
                    f"| {e['label']} ({role}) at {r['size']} ≥ {wanted} of the database "
                    f"ceiling ({DB_CEILING_NAMES[e['db_ceiling']]}) "
                    f"| {e['db_share']:.2f} of its req/s (paired runs); CPU {cpu:.1f} vs "
                    f"{ceiling_cpu} ms/req | {verdict(e['db_share'] >= wanted)} |"
                )
        admin = find(r, "admin_list", "staff")
        if admin and r["size"] == "1m":
            cpu = admin["app_cpu_ms"] + admin["db_cpu_ms"]
            rows.append(
                f"| Console changelist at 1M ≤ {CHANGELIST_CPU_MS} ms CPU per request "
                f"| {cpu:.1f} ms ({admin['app_cpu_ms']:.1f} app + {admin['db_cpu_ms']:.1f} db) "
                f"| {verdict(cpu <= CHANGELIST_CPU_MS)} |"
            )
        board = find(r, "dashboard", "staff")
        if board and r["size"] == "1m":
            cpu = board["app_cpu_ms"] + board["db_cpu_ms"]
            rows.append(
                f"| Console dashboard at 1M ≤ {DASHBOARD_CPU_MS} ms CPU per request "
                f"| {cpu:.1f} ms ({board['app_cpu_ms']:.1f} app + {board['db_cpu_ms']:.1f} db) "
                f"| {verdict(cpu <= DASHBOARD_CPU_MS)} |"
            )
        web, api_list = find(r, "web_list", "reporter"), find(r, "list", "reporter")
        if web and api_list:
            web_cpu = web["app_cpu_ms"] + web["db_cpu_ms"]
            api_cpu = api_list["app_cpu_ms"] + api_list["db_cpu_ms"]
            rows.append(
                f'| Web "my tickets" at {r["size"]} ≤ {WEB_TO_API_CPU} times the API list\'s CPU '
                f"| {web_cpu:.1f} vs {api_cpu:.1f} ms ({web_cpu / api_cpu:.2f} times) "
                f"| {verdict(web_cpu <= WEB_TO_API_CPU * api_cpu)} |"
            )
        insert = write_ceiling(r)
        for e in r["endpoints"]:
            wanted = WRITE_SHARES.get(e["key"])
            if wanted is None or "db_share" not in e:
                continue
            cpu = e["app_cpu_ms"] + e["db_cpu_ms"]
            ceiling_cpu = f"{insert['app_cpu_ms'] + insert['db_cpu_ms']:.1f}" if insert else "—"
            statements = "?" if e["queries"] is None else f"{e['queries']:g}"
            rows.append(
                f"| {e['label']} ({e['role']}) at {r['size']} ≥ {wanted} of the insert ceiling "
                f"| {e['db_share']:.2f} of its req/s (paired runs); CPU {cpu:.1f} vs "
                f"{ceiling_cpu} ms/req; {statements} statements "
                f"| {verdict(e['db_share'] >= wanted)} |"
            )
        for key, most in WRITE_STATEMENTS.items():
            counts = [e["queries"] for e in r["endpoints"] if e["key"] == key]
            if counts and all(c is not None for c in counts):
                label = next(e["label"] for e in r["endpoints"] if e["key"] == key)
                label = label.split(",")[0]
                rows.append(
                    f"| {label} at {r['size']}: ≤ {most} statements, the queue's included "
                    f"| {max(counts):g} | {verdict(max(counts) <= most)} |"
                )
        for role in ("reporter", "staff"):
            e = find(r, "list", role)
            if e:
                share = e.get("share", e["load"]["rps"] / ceiling_rps(r))
                ceiling_cpu = r["ceiling_before"]["app_cpu_ms"]
                cpu = e["app_cpu_ms"] + e["db_cpu_ms"]
                rows.append(
                    f"| API ticket list ({role}) at {r['size']} ≥ {CEILING_SHARE} of the "
                    f"in-memory ceiling (issue 7) "
                    f"| {share:.2f} of the ceiling's req/s (paired runs); CPU {cpu:.1f} vs "
                    f"{ceiling_cpu:.1f} ms/req | {verdict(share >= CEILING_SHARE)} |"
                )
    api = [
        e
        for r in results
        for e in r["endpoints"]
        if e["key"] not in ("web_list", "admin_list", "dashboard")
        and not e["key"].startswith("ceiling")
        and e["queries"] is not None
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
