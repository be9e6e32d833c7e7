"""A task for the worker tests: it notes each run in a file, so runs can be counted."""

from __future__ import annotations

import os
import time

from django.tasks import task


@task()
def note_run(path: str, number: int) -> int:
    # Slow enough that three workers overlap; O_APPEND keeps lines whole across processes.
    time.sleep(0.02)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{number} {os.getpid()}\n".encode())
    finally:
        os.close(fd)
    return number
