"""deploy/gunicorn.conf.py lets long request lines reach Django, which answers in its own way.

Found by fuzzing: a 6,765-byte request line got gunicorn's HTML 414 page
under /api/. These start the real gunicorn with the deploy file.
"""

from __future__ import annotations

import json

import pytest

from tests.deploy.servers import Gunicorn, manage, production_env, release


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gunicorn")
    env = production_env(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(folder / "static"),
    )
    release(env)
    token = manage(
        env,
        "shell",
        "-c",
        "from accounts.models import User\n"
        "from accounts.services import create_api_token\n"
        "alice = User.objects.create_user('alice', 'alice@example.com', 'x-Passw0rd-long')\n"
        "print(create_api_token(user=alice, name='limits')[1])\n",
    ).split()[-1]
    with Gunicorn(env, folder / "gunicorn.log") as gunicorn:
        gunicorn.token = token
        yield gunicorn


def _path_with_request_line(prefix: str, length: int, fill: str = "a") -> str:
    # "GET <path> HTTP/1.1" is `length` bytes long.
    filler = length - len(f"GET {prefix} HTTP/1.1")
    return prefix + fill * filler


def _api(server, path: str):
    return server.request("GET", path, headers={"Authorization": f"Token {server.token}"})


def test_a_6765_byte_request_line_under_the_api_gets_a_problem_400(server):
    path = _path_with_request_line("/api/v1/tickets/?page_size=", 6765, fill="9")
    status, headers, body = _api(server, path)
    assert status == 400
    assert headers["Content-Type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["errors"]["page_size"]
    assert problem["request_id"] == headers["X-Request-ID"]


def test_the_longest_request_line_gunicorn_takes_reaches_django(server):
    path = _path_with_request_line("/api/v1/tickets/?search=", 8190)
    status, headers, _ = _api(server, path)
    assert status in (200, 400)
    assert headers["Content-Type"] in ("application/json", "application/problem+json")
    assert "X-Request-ID" in headers


def test_a_long_query_on_a_page_reaches_django(server):
    # The pages cut a long search term rather than refuse it: the app answers, not gunicorn.
    status, headers, _ = server.request("GET", _path_with_request_line("/tickets/?q=", 6765))
    assert status == 302
    assert headers["Location"].startswith("/accounts/login/")
    assert "X-Request-ID" in headers


def test_a_long_header_reaches_django(server):
    status, headers, _ = server.request("GET", "/healthz", headers={"X-Filler": "b" * 8000})
    assert status == 200
    assert "X-Request-ID" in headers


def test_a_short_query_is_served_as_before(server):
    status, headers, _ = server.request("GET", "/api/v1/tickets/?search=printer")
    assert status == 401
    assert headers["Content-Type"] == "application/problem+json"
