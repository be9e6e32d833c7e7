"""The machine and the checkout under test: what they are, and the wrk they need."""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.base import DOC, ROOT, log


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
