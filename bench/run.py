"""The benchmark: load N tickets, serve the app with gunicorn, drive it with wrk.

    python -m bench                      # 1k, 100k and 1M tickets; writes docs/BENCHMARKS.md
    python -m bench --sizes 1k --quick   # a smoke run of a minute or two; writes nothing to docs/

For each size it uses a PostgreSQL database of its own (helpdesk_bench_<size>),
created, migrated and filled by `manage.py seed_load` when it does not hold
exactly that load already (bench/scenario.py cleans up after the bench's
writes, so a second run reuses the data). It serves the app with gunicorn and
production settings on loopback, plus HELPDESK_BENCH=True for the ceiling
endpoint and the X-Query-Count header, and measures every endpoint with wrk:
a warm-up, a run under load, and (for reads) a run with one client, whose
latency is the server's time per request with no queueing. Raw results go to
bench/results/<date>/; the tables to docs/BENCHMARKS.md between its markers.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "BENCHMARKS.md"
LUA = ROOT / "bench" / "wrk.lua"

SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
MESSAGES_PER_TICKET = 2
MARKER = "helpdesk bench: seed_load --tickets {n} --messages-per-ticket {m}"

BEGIN, END = "<!-- bench:results:begin -->", "<!-- bench:results:end -->"
PLANS_BEGIN, PLANS_END = "<!-- bench:plans:begin -->", "<!-- bench:plans:end -->"

# The targets.
SCALE_TOLERANCE = 0.10  # list and detail at 1M within 10% of 1k
CEILING_SHARE = 0.8  # ticket list at least 0.8 of the ceiling
MAX_QUERIES = 5  # per API request
SEARCH_P50_MS = 50  # q at 1M, p50 server time
MAX_RSS_MB = 120  # a gunicorn worker after the run


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


# --- the machine ------------------------------------------------------------------


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if shutil.which("apt-get") and os.geteuid() == 0:
        log("wrk is missing: installing it from Debian's packages (apt-get install -y wrk)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-qq", "wrk"]
        if subprocess.run(install, env=env, check=False).returncode != 0:  # noqa: S603
            subprocess.run(["apt-get", "update", "-qq"], env=env, check=True)  # noqa: S607
            subprocess.run(install, env=env, check=True)  # noqa: S603
        wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("The benchmark needs wrk: install it with `sudo apt-get install wrk`.")
    return wrk


def machine(postgres: str) -> dict[str, Any]:
    import psycopg2

    meminfo = Path("/proc/meminfo").read_text()
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    with psycopg2.connect(f"{postgres}/postgres") as conn, conn.cursor() as cur:
        cur.execute("SHOW server_version")
        pg_version = cur.fetchone()[0]
        settings = {}
        for name in ("shared_buffers", "work_mem", "effective_cache_size"):
            cur.execute(f"SHOW {name}")
            settings[name] = cur.fetchone()[0]
    wrk_version = subprocess.run(  # noqa: S603
        [ensure_wrk(), "--version"], capture_output=True, text=True, check=False
    ).stdout.split("\n")[0]
    import django
    import gunicorn
    import rest_framework

    return {
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "cpu": model.group(1).strip() if model else platform.processor() or "unknown",
        "kernel": platform.release(),
        "postgresql": pg_version.split()[0],
        "postgresql_settings": settings,
        "python": platform.python_version(),
        "django": django.get_version(),
        "drf": rest_framework.VERSION,
        "gunicorn": gunicorn.__version__,
        "wrk": " ".join(wrk_version.split()[:2]),
    }


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- the database ---------------------------------------------------------------------


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
        # answer most of the bench's requests with 429.
        "API_THROTTLE_USER": "100000000/minute",
        # Likewise the limits on writing: one writer reports and posts thousands.
        "RATE_REPORT": "100000000/h",
        "RATE_REPLY": "100000000/h",
        "RATE_REPORT_STAFF": "100000000/h",
        "RATE_REPLY_STAFF": "100000000/h",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
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


# --- the server -------------------------------------------------------------------------


class Server:
    """gunicorn with sync workers, serving the app on 127.0.0.1:<port>."""

    def __init__(self, env: dict[str, str], port: int, workers: int, logfile: Path) -> None:
        self.env, self.port, self.workers, self.logfile = env, port, workers, logfile
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.log = self.logfile.open("a")
        with socket_probe(self.port) as busy:
            if busy:
                sys.exit(f"Port {self.port} is in use: pick another with --port.")
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "helpdesk.wsgi:application",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={self.workers}",
                "--worker-class=sync",
                "--backlog=2048",
                "--timeout=60",
                "--log-level=warning",
                f"--error-logfile={self.logfile}",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            # The app's own log (e.g. "Conflict: ..." warnings) goes there too.
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited with {self.process.returncode}: see {self.logfile}")
            try:
                answered = request(self.port, "GET", "/bench/ceiling/", [])[0] == 200
                if answered and len(self.worker_pids()) == self.workers:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        sys.exit(f"gunicorn did not answer on port {self.port}: see {self.logfile}")

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def worker_pids(self) -> list[int]:
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            kb = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
            sizes.append(round(kb / 1024, 1))
        return sizes


class socket_probe:
    """Whether something listens on the port already."""

    def __init__(self, port: int) -> None:
        self.port = port

    def __enter__(self) -> bool:
        import socket

        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.port)) == 0

    def __exit__(self, *exc: object) -> None:
        return None


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time of these processes, in seconds."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


class CpuMeter:
    """CPU time the gunicorn workers and their PostgreSQL backends spend, per request.

    Unlike requests per second, this barely moves when other work shares the
    machine, so it is what tells one size from another on a busy machine.
    """

    def __init__(self, server: Server, postgres: str, dbname: str) -> None:
        self.server, self.postgres, self.dbname = server, postgres, dbname

    def pids(self) -> tuple[list[int], list[int]]:
        backends = admin_sql(
            self.postgres,
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = %s AND backend_type = 'client backend'",
            (self.dbname,),
        )
        return self.server.worker_pids(), [pid for (pid,) in backends]

    def snapshot(self) -> tuple[float, float]:
        app, db = self.pids()
        return cpu_seconds(app), cpu_seconds(db)


def request(
    port: int, method: str, path: str, headers: list[str], body: str = ""
) -> tuple[int, str | None]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            method,
            path,
            body=body.encode() if body else None,
            headers=dict(h.split(": ", 1) for h in headers),
        )
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("X-Query-Count")
    finally:
        conn.close()


# --- measuring ---------------------------------------------------------------------------


def wrk(
    port: int, headers: list[str], spec: str, *, seconds: float, connections: int
) -> dict[str, Any]:
    # wrk takes whole seconds.
    command = [ensure_wrk(), "-t1", f"-c{connections}", f"-d{round(seconds)}s", "--timeout=10s"]
    for header in headers:
        command += ["-H", header]
    command += ["-s", str(LUA), f"http://127.0.0.1:{port}", "--", spec]
    done = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, check=False, timeout=seconds + 60
    )
    if done.returncode != 0:
        sys.exit(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    out = done.stdout
    line = next(x for x in out.splitlines() if x.startswith("WRK_RESULT "))
    result = json.loads(line.removeprefix("WRK_RESULT "))
    seconds_taken = result["duration_us"] / 1e6
    result["rps"] = result["requests"] / seconds_taken if seconds_taken else 0.0
    result["errors"] = sum(
        result[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts")
    )
    return result


def measured(
    meter: CpuMeter, port: int, headers: list[str], spec: str, *, seconds: int, connections: int
) -> dict[str, Any]:
    """A wrk run, with the CPU milliseconds the app and the database spent per request."""
    before = meter.snapshot()
    result = wrk(port, headers, spec, seconds=seconds, connections=connections)
    after = meter.snapshot()
    n = max(result["requests"], 1)
    result["app_cpu_ms"] = (after[0] - before[0]) * 1000 / n
    result["db_cpu_ms"] = (after[1] - before[1]) * 1000 / n
    return result


def measure(
    args: argparse.Namespace,
    meter: CpuMeter,
    spec: dict[str, Any],
    ceiling: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Warm up, probe the query count, then the runs under load and with one client.

    With `ceiling`, each run is preceded by a short run of the ceiling, and the
    endpoint's share of the ceiling is the median of the paired ratios: on a
    machine whose other work comes and goes, a ceiling measured minutes apart
    would say more about the neighbours than about the endpoint.
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
    runs, paired = [], []
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
        + f"queries {result['queries']}  failed {result['failures']}/{result['requests']}"
    )
    return result


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
        for spec in reads:
            if spec["key"] != "ceiling" and chosen(spec):
                result["endpoints"].append(measure(args, meter, spec, ceiling))
        if not args.skip_writes:
            made = scenario(env, "writes", str(out), str(args.repeat))
            log(f"{dbname}: writes: {made}")
            for spec in json.loads((out / "writes.json").read_text()):
                if chosen(spec):
                    result["endpoints"].append(measure(args, meter, spec, ceiling))
        result["ceiling_after"] = measure(args, meter, ceiling)
        result["worker_rss_mb"] = server.worker_rss_mb()
        log(f"{dbname}: gunicorn workers' RSS after the run: {result['worker_rss_mb']} MB")
    result["loadavg_after"] = loadavg()
    log(f"{dbname}: cleanup: {scenario(env, 'cleanup')}")
    if size == args.plans_at and not args.quick:
        result["plans"] = explain_lists(env)
        log(f"{dbname}: explain_lists {'embedded' if result['plans'] else 'not available'}")
    return result


# Compared size against size, interleaved: the target "list and detail at 1M within
# 10% of 1k" asks for a difference smaller than a shared machine's drift over the
# minutes between two sizes' tables.
COMPARED = ("list", "list_status", "detail")


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


# --- reporting ------------------------------------------------------------------------------


def ceiling_rps(size: dict[str, Any]) -> float:
    return (size["ceiling_before"]["load"]["rps"] + size["ceiling_after"]["load"]["rps"]) / 2


def ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def find(size: dict[str, Any], key: str, role: str) -> dict[str, Any] | None:
    return next(
        (e for e in size["endpoints"] if e["key"] == key and e["role"] == role),
        None,
    )


ROLE = {"reporter": "reporter", "staff": "staff", "-": "—"}


def size_table(size: dict[str, Any]) -> list[str]:
    ceiling = ceiling_rps(size)
    rows = [
        "| endpoint | as | req/s | share of ceiling (paired) | p50 ms | p99 ms | p50 ms, 1 client "
        "| CPU ms/req, app + db | queries | failed | spread |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]

    def row(e: dict[str, Any], label: str | None = None) -> str:
        load, single = e["load"], e.get("single")
        spread = (max(e["runs_rps"]) - min(e["runs_rps"])) / max(e["runs_rps"])
        share = "—" if e["key"] == "ceiling" else f"{e.get('share', load['rps'] / ceiling):.2f}"
        return (
            f"| {label or e['label']} | {ROLE[e['role']]} | {load['rps']:,.0f} "
            f"| {share} "
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
        + (f", each after {args.paired:g} s of the ceiling" if args.paired else "")
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


PLACEHOLDER = (
    "> **Placeholder.** `manage.py explain_lists` is not on this branch yet: once it is,\n"
    "> `python -m bench` embeds its output here, run against the 1M database\n"
    "> (`python -m bench --plans-only` does just that, without measuring anything)."
)

SKELETON = f"""# Benchmarks

{BEGIN}
{END}

## Query plans at 1M

{PLANS_BEGIN}
{PLACEHOLDER}
{PLANS_END}
"""


def replace_between(text: str, begin: str, end: str, body: str) -> str:
    start, stop = text.index(begin) + len(begin), text.index(end)
    return text[:start] + "\n" + body.strip("\n") + "\n" + text[stop:]


# Where the plans themselves go: beside the doc, generated, never edited by hand.
QUERY_PLANS_NAME = "QUERY_PLANS.md"


def split_plans(plans: str) -> tuple[str, str]:
    """The summary table (for the doc, which must read in minutes) and every plan."""
    summary = plans.split("\n#### ", 1)[0]
    link = f"Every plan in full: [{QUERY_PLANS_NAME}]({QUERY_PLANS_NAME}) (generated)."
    return summary.rstrip() + "\n\n" + link + "\n", plans


def write_doc(path: Path, body: str, plans: str | None) -> None:
    text = path.read_text() if path.exists() else SKELETON
    text = replace_between(text, BEGIN, END, body)
    # Without plans (no explain_lists here), whatever the doc holds stays.
    if plans is not None:
        summary, full = split_plans(plans)
        text = replace_between(text, PLANS_BEGIN, PLANS_END, summary)
        path.with_name(QUERY_PLANS_NAME).write_text(
            "# Query plans at 1M\n\n"
            "<!-- Generated by `python -m bench` (or `--plans-only`); do not edit. -->\n\n"
            + full.strip("\n")
            + "\n"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


# --- main -----------------------------------------------------------------------------------


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


def git_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(  # noqa: S603
            ["git", *args],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    # The bench's own output does not count as a change to what it measured.
    changed = [
        line
        for line in git("status", "--porcelain").splitlines()
        if "bench/results" not in line and not line.endswith(str(DOC.relative_to(ROOT)))
    ]
    return f"{commit} with uncommitted changes" if changed else commit


def publish(run: dict[str, Any], args: argparse.Namespace, run_dir: Path | None) -> None:
    body = render(run, args)
    if run_dir:
        (run_dir / "BENCHMARKS.md").write_text(body + "\n")
    plans = next((r["plans"] for r in run["sizes"] if r.get("plans")), None)
    if args.doc:
        write_doc(args.doc, body, plans)
        log(f"wrote {args.doc}")
    print()
    print(body)


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
