"""Driving wrk (with bench/wrk.lua) and reading its results."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from bench.base import LUA
from bench.machine import ensure_wrk
from bench.server import CpuMeter


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
