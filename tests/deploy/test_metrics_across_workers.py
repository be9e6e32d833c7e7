"""/metrics on a real gunicorn with several workers sums what every worker counted."""

from __future__ import annotations

import socket
import time

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.deploy.servers import Gunicorn, production_env, release

TOKEN = "deploy-metrics-token-0123456789abcdef"


@pytest.fixture
def server(tmp_path):
    folder = tmp_path / "metrics"
    folder.mkdir()
    # A file left by a process that is gone: gunicorn's start clears it.
    (folder / "counter_999999999.db").write_bytes(b"\0" * 16)
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        PROMETHEUS_MULTIPROC_DIR=str(folder),
        METRICS_TOKEN=TOKEN,
    )
    release(env)
    with Gunicorn(env, tmp_path / "gunicorn.log", workers=3) as gunicorn:
        gunicorn.folder = folder
        yield gunicorn


def _sample(server, name: str, **labels: str) -> float:
    status, _, body = server.request(
        "GET", "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert status == 200
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


def _workers_that_counted_requests(folder) -> set[str]:
    from prometheus_client.mmap_dict import MmapedDict

    return {
        path.name
        for path in folder.glob("counter_*.db")
        if any(
            "helpdesk_http_requests_total" in key and value
            for key, value, *_ in MmapedDict.read_all_values_from_file(str(path))
        )
    }


def test_the_scrape_sums_every_worker(server):
    assert not (server.folder / "counter_999999999.db").exists()
    labels = {"view": "<unmatched>", "method": "GET", "status": "404"}
    # A request left half-sent keeps one sync worker busy reading it, so the
    # others must serve the rest: the counts are spread over several processes.
    held = socket.create_connection(("127.0.0.1", server.port))
    held.sendall(b"GET /no/such/page/ HTTP/1.0\r\nHost: 127.0.0.1\r\n")
    time.sleep(0.5)
    for _ in range(29):
        assert server.request("GET", "/no/such/page/")[0] == 404
    held.sendall(b"\r\n")
    assert held.recv(64).startswith(b"HTTP/1.0 404")
    held.close()
    assert len(_workers_that_counted_requests(server.folder)) >= 2
    assert _sample(server, "helpdesk_http_requests_total", **labels) == 30
    assert _sample(server, "helpdesk_task_queue_ready") == 0
