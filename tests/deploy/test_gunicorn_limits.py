"""deploy/gunicorn.conf.py lets long request lines reach Django, which answers in its own way.

Found by fuzzing: a 6,765-byte request line got gunicorn's HTML 414 page
under /api/. These start the real gunicorn with the deploy file.
"""

from __future__ import annotations

import json

import pytest

from tests.deploy.servers import Gunicorn, production_env, release


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gunicorn")
    env = production_env(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(folder / "static"),
    )
    release(env)
    with Gunicorn(env, folder / "gunicorn.log") as gunicorn:
        yield gunicorn


def _path_with_request_line(prefix: str, length: int) -> str:
    # "GET <path> HTTP/1.1" is `length` bytes long.
    filler = length - len(f"GET {prefix} HTTP/1.1")
    return prefix + "a" * filler


def test_a_6765_byte_request_line_under_the_api_is_a_problem_414(server):
    path = _path_with_request_line("/api/v1/tickets/?search=", 6765)
    status, headers, body = server.request("GET", path)
    assert status == 414
    assert headers["Content-Type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["code"] == "uri_too_long"
    assert problem["request_id"] == headers["X-Request-ID"]


def test_the_longest_request_line_gunicorn_takes_reaches_django(server):
    path = _path_with_request_line("/api/v1/tickets/?search=", 8190)
    status, headers, _ = server.request("GET", path)
    assert status == 414
    assert headers["Content-Type"] == "application/problem+json"


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
