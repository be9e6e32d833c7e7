"""PostgreSQL goes away and comes back: 503s with Retry-After meanwhile, then service by itself.

The app server reaches PostgreSQL through a TCP proxy this test controls (the
shared PostgreSQL is never stopped): cutting the proxy refuses new
connections and resets the open ones, as a database restart does.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlsplit, urlunsplit

import pytest

from bench.proxy import CuttableProxy
from tests.deploy.conftest import needs_postgres
from tests.deploy.servers import Gunicorn, manage, production_env, release, sign_in

pytestmark = [needs_postgres]

PASSWORD = "Outage-proof-Passw0rd"


@pytest.fixture(scope="module")
def world(shared_database, tmp_path_factory):
    folder = tmp_path_factory.mktemp("outage")
    direct = production_env(DATABASE_URL=shared_database, DJANGO_STATIC_ROOT=str(folder / "s"))
    release(direct)
    raw = (
        manage(
            direct,
            "shell",
            "-c",
            "from accounts.models import User\n"
            "from accounts.services import create_api_token\n"
            "from tickets import services\n"
            f"alice = User.objects.create_user('alice', 'alice@example.com', {PASSWORD!r})\n"
            "services.report_issue(reporter=alice, description='Printer on fire')\n"
            "print(create_api_token(user=alice, name='outage')[1])\n",
        )
        .strip()
        .splitlines()[-1]
    )
    parts = urlsplit(shared_database)
    with CuttableProxy((parts.hostname, parts.port or 5432)) as proxy:
        url = urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}"))
        # Kept connections, as production runs: the restart breaks them under the app.
        env = {**direct, "DATABASE_URL": url, "DATABASE_CONN_MAX_AGE": "60"}
        with Gunicorn(env, folder / "gunicorn.log", workers=1) as server:
            yield {"server": server, "proxy": proxy, "token": raw, "direct": direct}


def _api(server, token, method="GET", path="/api/v1/tickets/", body=None):
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    status, headers, content = server.request(method, path, headers=headers, body=body)
    return status, headers, content


def test_requests_get_503_while_the_database_is_away_and_it_recovers_by_itself(world):
    server, proxy, token = world["server"], world["proxy"], world["token"]
    session = sign_in(server, "alice", PASSWORD)
    cookie = {"Cookie": f"sessionid={session}"}
    assert _api(server, token)[0] == 200
    assert server.request("GET", "/tickets/", headers=cookie)[0] == 200

    proxy.cut()
    try:
        status, headers, content = _api(server, token)
        assert status == 503
        assert headers["Content-Type"] == "application/problem+json"
        assert int(headers["Retry-After"]) > 0
        problem = json.loads(content)
        assert problem["code"] == "service_unavailable"
        assert problem["request_id"] == headers["X-Request-ID"]

        new = json.dumps({"subject": "During the outage", "description": "Lost?"})
        assert _api(server, token, "POST", body=new)[0] == 503

        status, headers, page = server.request("GET", "/tickets/", headers=cookie)
        assert status == 503
        assert headers["Retry-After"]
        assert headers["Content-Type"].startswith("text/html")
        assert b"Back in a moment" in page
        assert b"Traceback" not in page

        # Alive, but not ready: the balancer stops sending traffic here.
        assert server.request("GET", "/healthz")[0] == 200
        assert server.request("GET", "/readyz")[0] == 503
    finally:
        proxy.restore()

    deadline = time.monotonic() + 10
    while _api(server, token)[0] != 200:
        assert time.monotonic() < deadline, "not back 10 s after the database returned"
        time.sleep(0.2)
    assert server.request("GET", "/tickets/", headers=cookie)[0] == 200
    assert server.request("GET", "/readyz")[0] == 200
    # The write refused during the outage left nothing behind.
    subjects = [t["subject"] for t in json.loads(_api(server, token)[2])["results"]]
    assert "During the outage" not in subjects
