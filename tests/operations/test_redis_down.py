"""Redis down: the site keeps serving; sign-in and the email-sending forms say they are paused."""

from __future__ import annotations

import json
import socket

import pytest
from django.test import Client

from accounts.services import create_api_token
from tickets.models import Message
from tickets.timeline import micros

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    # Bound then released: nothing listens there.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    # Asked for after the sign-in fixtures: people signed in before Redis went
    # down (signing in waits for it, see below).
    settings.CACHES = {
        "default": {
            "BACKEND": "helpdesk.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/7",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def test_pages_and_the_api_keep_serving(as_reporter, reporter, ticket, redis_down):
    assert Client().get("/").status_code == 200
    assert as_reporter.get("/tickets/").status_code == 200
    assert as_reporter.get(f"/tickets/{ticket.pk}/").status_code == 200
    _, raw = create_api_token(user=reporter, name="t")
    # The API's throttles count in the cache: they let the call through.
    response = Client().get("/api/v1/tickets/", HTTP_AUTHORIZATION=f"Token {raw}")
    assert response.status_code == 200


def test_writing_keeps_working(as_reporter, ticket, redis_down):
    response = as_reporter.post(
        f"/tickets/{ticket.pk}/reply/",
        {"body": "Written while Redis was down", "version": ticket.version,
         "seen": micros(ticket.updated_at)},
    )  # fmt: skip
    assert response.status_code == 302
    assert Message.objects.filter(body="Written while Redis was down").exists()


def test_signing_in_on_the_web_is_refused_with_a_clear_message(redis_down, reporter):
    response = Client().post("/accounts/login/", {"username": "alice", "password": "x"})
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "Signing in is paused" in response.content.decode()
    # The sign-in page itself still shows.
    assert Client().get("/accounts/login/").status_code == 200


def test_getting_an_api_token_is_refused_with_a_problem(redis_down, reporter):
    response = Client().post(
        "/api/v1/auth/token/",
        json.dumps({"username": "alice", "password": "x", "name": "t"}),
        content_type="application/json",
    )
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "sign_in_unavailable"


@pytest.mark.parametrize(
    "path", ["/accounts/signup/", "/accounts/password/reset/", "/admin/login/"]
)
def test_the_other_guarded_forms_wait_too(redis_down, path):
    assert Client().post(path, {"email": "a@example.com"}).status_code == 503


def test_with_the_cache_up_sign_in_goes_ahead(reporter):
    response = Client().post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200  # the form again, with its error
