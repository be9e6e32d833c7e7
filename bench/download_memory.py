"""The resident memory of one app worker serving 20 concurrent 10 MB downloads.

    .venv/bin/python -m bench.download_memory [--clients 20] [--size-mb 10] [--no-sendfile]

Serves the app with gunicorn (one worker process; `gthread` with a thread per
client, or `sync`) on a free loopback port with production settings, on an
SQLite database and an attachments folder of its own in a temporary folder;
attaches one file of --size-mb through the services, then downloads it with
--clients concurrent curl processes through the API (token auth), several
rounds, while sampling the worker's VmRSS every 10 ms. Prints the worker's
resident memory before, its peak during (VmHWM), and checks every download's
size. Everything it starts is stopped, and the folder removed, at the end.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--size-mb", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", choices=["gthread", "sync"], default="gthread")
    parser.add_argument(
        "--no-sendfile",
        action="store_true",
        help="make gunicorn copy the file through Python in blocks (as for object storage)",
    )
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="helpdesk-download-bench-"))
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "False",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "ATTACHMENTS_ROOT": str(folder / "attachments"),
        "API_THROTTLE_USER": "100000000/minute",
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
    }
    env.pop("DJANGO_DEBUG", None)
    server = None
    try:
        manage = [PYTHON, str(ROOT / "manage.py")]
        migrate = [*manage, "migrate", "--noinput", "-v0"]
        subprocess.run(migrate, env=env, check=True, cwd=ROOT)  # noqa: S603
        setup = f"""
from django.core.files.base import ContentFile
from accounts.models import User
from accounts.services import create_api_token
from tickets import services
user = User.objects.create_user("bench", "bench@example.com", "x" * 20)
data = bytes(range(256)) * ({args.size_mb} * 4096)
ticket = services.report_issue(reporter=user, description="big file",
                               files=[ContentFile(data, name="big.bin")])
_, raw = create_api_token(user=user, name="bench")
print(raw, ticket.attachments.get().pk)
"""
        out = (
            subprocess.run(  # noqa: S603
                [*manage, "shell", "-c", setup], env=env, check=True, cwd=ROOT, capture_output=True
            )
            .stdout.decode()
            .split()
        )
        token, attachment_id = out[-2], out[-1]

        port = free_port()
        command = [
            str(Path(PYTHON).parent / "gunicorn"),
            "helpdesk.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--worker-class",
            args.worker,
            "--threads",
            str(args.clients if args.worker == "gthread" else 1),
            "--timeout",
            "120",
            *(["--no-sendfile"] if args.no_sendfile else []),
        ]
        server = subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)  # noqa: S603
        url = f"http://127.0.0.1:{port}/api/v1/files/{attachment_id}/"
        curl = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download}\n"]
        auth = ["-H", f"Authorization: Token {token}"]
        for _ in range(100):
            time.sleep(0.1)
            probe = subprocess.run([*curl, *auth, url], capture_output=True, text=True)  # noqa: S603
            if probe.stdout.startswith("200"):
                break
        worker = children(server.pid)[0]
        before = status_kb(worker, "VmRSS")
        peak_sampled = before
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak_sampled
            while not stop.is_set():
                peak_sampled = max(peak_sampled, status_kb(worker, "VmRSS"))
                time.sleep(0.01)

        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.perf_counter()
        sizes = []
        for _ in range(args.rounds):
            clients = [
                subprocess.Popen([*curl, *auth, url], stdout=subprocess.PIPE, text=True)  # noqa: S603
                for _ in range(args.clients)
            ]
            sizes += [client.communicate()[0].split() for client in clients]
        elapsed = time.perf_counter() - started
        stop.set()
        sampler.join()
        hwm = status_kb(worker, "VmHWM")
        expected = str(args.size_mb * 1024 * 1024)
        if not all(s == ["200", expected] for s in sizes):
            raise SystemExit(f"Not every download was complete: {sizes}")
        print(
            f"{args.rounds} rounds of {args.clients} concurrent {args.size_mb} MB downloads "
            f"({args.worker} worker{', no sendfile' if args.no_sendfile else ''}) "
            f"in {elapsed:.1f} s, all complete"
        )
        print(f"worker RSS before: {before / 1024:.1f} MB")
        print(f"worker RSS peak sampled during: {peak_sampled / 1024:.1f} MB")
        print(f"worker VmHWM (peak RSS of its life): {hwm / 1024:.1f} MB")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
