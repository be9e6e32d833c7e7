"""Real processes for the deployment tests: gunicorn with deploy/gunicorn.conf.py on loopback."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.pop("DATABASE_URL", None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
            "DJANGO_SECRET_KEY": "deploy-tests-secret-key-0123456789-abcdefghijkl",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "False",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """Run manage.py with `env`; its standard output."""
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout


def sign_in(server: Gunicorn, username: str, password: str) -> str:
    """Sign in on the web page, as a browser would; the session cookie's value."""
    _, headers, body = server.request("GET", "/accounts/login/")
    csrf_cookie = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"]).group(1)
    form_token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    status, headers, _ = server.request(
        "POST",
        "/accounts/login/",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
        },
        body=f"username={username}&password={password}&csrfmiddlewaretoken={form_token.decode()}",
    )
    assert status == 302, headers
    return re.search(r"sessionid=([^;]+)", headers["Set-Cookie"]).group(1)


def release(env: dict[str, str]) -> None:
    """The README's release steps: gather the static files, migrate."""
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "migrate", "--noinput", "-v0")


class Gunicorn:
    """gunicorn -c deploy/gunicorn.conf.py on a free loopback port, stopped on exit."""

    def __init__(self, env: dict[str, str], log: Path, workers: int = 1) -> None:
        self.port = free_port()
        self.env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(workers),
        }
        self.log = log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.logfile = self.log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - our own server
            [
                str(BIN / "gunicorn"),
                "-c",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "helpdesk.wsgi:application",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.logfile,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-3000:]}")
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer: {self.log.read_text()[-3000:]}")

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.logfile.close()

    def request(
        self, method: str, path: str, headers: dict | None = None, body: str | bytes | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()
