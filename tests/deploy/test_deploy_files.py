"""The files in deploy/ pass the checks their own tools make, without a daemon.

nginx and systemd-analyze are installed by .ci/run; where one is missing here
the test fails rather than passing unchecked. The Dockerfile is checked by
reading: it installs with the README's command, and compose.yaml runs what
the README says.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
README = (ROOT / "README.md").read_text()


def _tool(name: str) -> str:
    path = shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if Path(p).exists()), None
    )
    assert path, f"{name} is not installed: .ci/run installs it"
    return path


@pytest.fixture
def certificate(tmp_path):
    subprocess.run(  # noqa: S603
        [
            _tool("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=helpdesk.example.com",
            "-keyout", str(tmp_path / "privkey.pem"),
            "-out", str(tmp_path / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return tmp_path


def _nginx_test(tmp_path: Path, site: str) -> subprocess.CompletedProcess:
    (tmp_path / "helpdesk.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/error.log;\n"
        "events {}\n"
        "http {\n"
        f"  client_body_temp_path {tmp_path}/body;\n"
        f"  proxy_temp_path {tmp_path}/proxy;\n"
        f"  access_log {tmp_path}/access.log;\n"
        f"  include {tmp_path}/helpdesk.conf;\n"
        "}\n"
    )
    return subprocess.run(  # noqa: S603
        [_tool("nginx"), "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
         "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip


def test_the_nginx_example_passes_nginx_t(certificate):
    site = (DEPLOY / "nginx" / "helpdesk.conf").read_text()
    site = site.replace("/etc/ssl/helpdesk", str(certificate))
    result = _nginx_test(certificate, site)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_nginx_t_catches_a_broken_config(certificate):
    site = (DEPLOY / "nginx" / "helpdesk.conf").read_text()
    site = site.replace("/etc/ssl/helpdesk", str(certificate)).replace("proxy_pass", "proxy_pas")
    assert _nginx_test(certificate, site).returncode != 0


def test_the_nginx_example_forwards_what_the_app_trusts_and_hides_the_operators_endpoints():
    site = (DEPLOY / "nginx" / "helpdesk.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert re.search(r"client_max_body_size \d+m;", site)
    for path in ("/metrics", "/readyz"):
        assert f"location = {path} " in site


def _verify_units(tmp_path: Path, units: dict[str, str]) -> subprocess.CompletedProcess:
    for name, text in units.items():
        # The units name /srv/helpdesk; here the code is in the checkout.
        (tmp_path / name).write_text(text.replace("/srv/helpdesk", str(ROOT)))
    names = [
        str(tmp_path / name.replace("@.service", "@1.service"))
        for name in units
        if name.endswith((".service", ".timer"))
    ]
    return subprocess.run(  # noqa: S603
        [_tool("systemd-analyze"), "verify", "--man=no", *names],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )


def _units() -> dict[str, str]:
    return {path.name: path.read_text() for path in (DEPLOY / "systemd").iterdir()}


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    units = _units()
    assert {"helpdesk-web.service", "helpdesk-worker@.service", "helpdesk-sweep.timer"} <= set(
        units
    )
    result = _verify_units(tmp_path, units)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr


def test_systemd_analyze_verify_catches_a_broken_unit(tmp_path):
    units = _units()
    units["helpdesk-web.service"] = units["helpdesk-web.service"].replace(
        "/.venv/bin/gunicorn", "/.venv/bin/no-such-gunicorn"
    )
    assert _verify_units(tmp_path, units).returncode != 0


def test_the_units_run_the_worker_and_gunicorn_with_the_deploy_config():
    units = _units()
    assert "gunicorn -c /srv/helpdesk/deploy/gunicorn.conf.py" in units["helpdesk-web.service"]
    assert "manage.py db_worker" in units["helpdesk-worker@.service"]
    assert "manage.py notifications_sweep" in units["helpdesk-sweep.service"]


def _install_command(dockerfile: str) -> str:
    runs = [line for line in dockerfile.splitlines() if line.startswith("RUN ")]
    (install,) = [run[4:] for run in runs if "pip install" in run]
    return install


def test_the_dockerfile_installs_with_the_readmes_command():
    install = _install_command((DEPLOY / "Dockerfile").read_text())
    assert install in README


def test_compose_runs_web_worker_postgres_and_redis():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"web", "worker", "postgres", "redis"} <= set(services)
    web_env = services["web"]["environment"]
    assert web_env["DATABASE_URL"].startswith("postgres://")
    assert web_env["REDIS_URL"].startswith("redis://redis:")
    assert "db_worker" in " ".join(services["worker"]["command"])
    # Redis keeps nothing across a restart: no snapshot brings back a signed-out session.
    assert services["redis"]["command"] == [
        "redis-server", "--save", "", "--appendonly", "no"
    ]  # fmt: skip
    # The release steps run before the web server starts.
    release = " ".join(services["release"]["command"])
    assert "collectstatic" in release and "migrate" in release
    assert services["web"]["depends_on"]["release"]["condition"] == (
        "service_completed_successfully"
    )


def test_the_readmes_install_command_installs_the_project(tmp_path):
    # The Dockerfile's command, resolved by pip against this checkout without
    # building an image: the project builds and its dependencies resolve.
    install = _install_command((DEPLOY / "Dockerfile").read_text())
    assert install == "python3 -m venv .venv && .venv/bin/pip install --no-cache-dir ."
    pip = Path(sys.executable).parent / "pip"
    report = tmp_path / "report.json"
    result = subprocess.run(  # noqa: S603
        [
            str(pip),
            "install",
            "--no-cache-dir",
            "--dry-run",
            "--quiet",
            "--report",
            str(report),
            ".",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    names = [item["metadata"]["name"] for item in json.loads(report.read_text())["install"]]
    assert "helpdesk" in names
