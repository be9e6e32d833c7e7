"""The app under test: gunicorn on loopback, its requests, and the CPU it spends."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.base import BIN, ROOT
from bench.database import admin_sql


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
