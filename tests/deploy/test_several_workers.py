"""Three db_worker processes on one queue: each task runs once, and the work is shared."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

from tests.deploy.conftest import needs_postgres
from tests.deploy.servers import ROOT, manage, production_env

pytestmark = [needs_postgres]

TASKS = 150


def _worker(env: dict, worker_id: str, log) -> subprocess.Popen:
    command = ["manage.py", "db_worker", "--batch", "--no-startup-delay", "--interval", "0.1"]
    return subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, *command, "--worker-id", worker_id],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def test_three_workers_run_each_task_once(shared_database, tmp_path):
    env = production_env(DATABASE_URL=shared_database, DJANGO_STATIC_ROOT=str(tmp_path))
    manage(env, "migrate", "--noinput", "-v0")
    runs = tmp_path / "runs.txt"
    manage(
        env,
        "shell",
        "-c",
        "from tests.deploy.tasks import note_run\n"
        f"for n in range({TASKS}):\n"
        f"    note_run.enqueue({str(runs)!r}, n)\n",
    )
    logs = [(tmp_path / f"worker{i}.log").open("wb") for i in range(3)]
    workers = [_worker(env, f"w{i}", log) for i, log in enumerate(logs)]
    try:
        for worker, log in zip(workers, logs, strict=True):
            code = worker.wait(timeout=180)
            assert code == 0, Path(log.name).read_text()[-2000:]
    finally:
        for worker, log in zip(workers, logs, strict=True):
            if worker.poll() is None:
                worker.kill()
                worker.wait()
            log.close()

    lines = [line.split() for line in runs.read_text().splitlines()]
    per_task = Counter(int(number) for number, _ in lines)
    assert sorted(per_task) == list(range(TASKS))
    assert set(per_task.values()) == {1}, "a task ran more than once"
    # The queue was shared: every worker ran some of it.
    assert len({pid for _, pid in lines}) == 3
