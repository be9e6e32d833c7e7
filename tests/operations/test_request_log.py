"""Request ids and log lines: traceable, one line per request, and no secrets in them."""

from __future__ import annotations

import json
import logging

import pytest
from django.core import mail
from django.test import Client

from accounts.services import create_api_token
from helpdesk.logs import JsonFormatter, RequestIdFilter
from tickets.models import Message, Ticket
from tickets.timeline import micros

pytestmark = pytest.mark.django_db


class Capture(logging.Handler):
    """Every record any logger emits, formatted as production formats it."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.addFilter(RequestIdFilter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def json(self) -> list[dict]:
        return [json.loads(line) for line in self.lines]

    def requests(self) -> list[dict]:
        return [line for line in self.json() if line.get("event") == "request"]


@pytest.fixture
def logs():
    root = logging.getLogger()
    handler, level = Capture(), root.level
    root.addHandler(handler)
    # Everything the app may say, down to DEBUG (the SQL logger stays as configured).
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


def test_a_request_gets_an_id_in_its_response(client):
    rid = client.get("/").headers["X-Request-ID"]
    assert len(rid) == 32 and int(rid, 16) >= 0


def test_the_proxys_request_id_is_kept(client):
    response = client.get("/", HTTP_X_REQUEST_ID="lb-7f3a9c.42")
    assert response.headers["X-Request-ID"] == "lb-7f3a9c.42"


@pytest.mark.parametrize(
    "sent",
    ["a" * 129, "abc\ndef", 'abc"def', "abc def", "<script>", "../../etc", ""],
)
def test_an_unsafe_or_overlong_request_id_is_replaced(client, sent):
    rid = client.get("/", HTTP_X_REQUEST_ID=sent).headers["X-Request-ID"]
    assert rid != sent
    assert len(rid) == 32


def test_api_errors_carry_the_request_id(client):
    response = client.get("/api/v1/nowhere/", HTTP_X_REQUEST_ID="trace-me-1")
    assert response.status_code == 404
    assert response.json()["request_id"] == "trace-me-1"


def test_drf_errors_carry_the_request_id(client):
    response = client.get("/api/v1/tickets/", HTTP_X_REQUEST_ID="trace-me-2")
    assert response.status_code in (401, 403)
    assert response.json()["request_id"] == "trace-me-2"


def test_one_json_line_per_request_with_the_route_not_the_path(as_reporter, reporter, ticket, logs):
    as_reporter.get(f"/tickets/{ticket.pk}/?secret=querystring", HTTP_X_REQUEST_ID="req-1")
    (line,) = logs.requests()
    assert line["request_id"] == "req-1"
    assert line["method"] == "GET"
    assert line["route"] == "/tickets/<int:pk>/"
    assert line["view"] == "tickets:detail"
    assert line["status"] == 200
    assert line["user_id"] == reporter.pk
    assert isinstance(line["duration_ms"], float)
    assert "querystring" not in logs.lines[-1]
    # Every line of the request carries its id.
    assert all(entry.get("request_id") == "req-1" for entry in logs.json())


def test_an_unknown_path_is_logged_without_the_path(client, logs):
    client.get("/no/such/page/here-is-a-token-abc123/")
    (line,) = logs.requests()
    assert line["route"] == "<unmatched>"
    assert "abc123" not in "".join(line for line in logs.lines if '"request"' in line)


def test_an_invented_method_is_logged_as_other(client, logs):
    client.generic("BREW", "/")
    assert logs.requests()[0]["method"] == "other"


def test_a_newline_in_the_path_cannot_forge_a_log_line(client, logs):
    client.get('/x%0A{"level": "CRITICAL"}/', HTTP_X_REQUEST_ID="a\nb")
    assert all("\n" not in line for line in logs.lines)
    assert all(entry["level"] != "CRITICAL" for entry in logs.json())


def test_each_task_run_is_one_json_line(
    as_reporter, ticket, logs, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        as_reporter.post(
            f"/tickets/{ticket.pk}/reply/",
            {"body": "Still broken.", "version": ticket.version, "seen": micros(ticket.updated_at)},
        )
    tasks = [line for line in logs.json() if line.get("event") == "task"]
    assert tasks, logs.lines
    assert {"task", "task_id", "status", "duration_ms"} <= set(tasks[0])
    assert tasks[0]["status"] == "SUCCESSFUL"


PASSWORD = "Pw-Kq8!zr7-hunter2-LOGSECRET"
WRONG_PASSWORD = "Wrong-Pw-Zt5-LOGSECRET"
EMAIL_BODY = "The vault code is 7731-LOGSECRET-BODY"
REPORT_BODY = "My bank PIN is 8842-LOGSECRET-REPORT"


def test_no_password_token_cookie_or_email_body_reaches_the_logs(
    reporter, agent, ticket, logs, settings, django_capture_on_commit_callbacks
):
    reporter.set_password(PASSWORD)
    reporter.save()
    secrets = [PASSWORD, WRONG_PASSWORD, EMAIL_BODY, REPORT_BODY]

    web = Client()
    web.post("/accounts/login/", {"username": "alice", "password": WRONG_PASSWORD})
    web.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    session_cookie = web.cookies[settings.SESSION_COOKIE_NAME].value
    csrf_cookie = web.cookies.get(settings.CSRF_COOKIE_NAME)
    secrets += [session_cookie] + ([csrf_cookie.value] if csrf_cookie else [])
    web.get("/tickets/")
    web.post("/tickets/new/", {"subject": "Card", "description": REPORT_BODY, "priority": "normal"})

    # An API token, got with the password and then used.
    api = Client()
    got = api.post(
        "/api/v1/auth/token/",
        {"username": "alice", "password": PASSWORD, "name": "script"},
        content_type="application/json",
    )
    raw = got.json()["token"]
    _, other_raw = create_api_token(user=reporter, name="other")
    secrets += [raw, other_raw]
    api.get("/api/v1/tickets/", HTTP_AUTHORIZATION=f"Token {raw}")
    api.get("/api/v1/tickets/", HTTP_AUTHORIZATION=f"Token {other_raw}x")  # a bad one
    # A staff reply that goes out by email (the queue runs in-line in tests).
    staff = Client()
    staff.force_login(agent)
    secrets.append(staff.cookies[settings.SESSION_COOKIE_NAME].value)
    ticket.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            f"/tickets/{ticket.pk}/reply/",
            {"body": EMAIL_BODY, "version": ticket.version, "seen": micros(ticket.updated_at)},
        )

    # The steps did what they say, or the search below would prove nothing.
    assert Message.objects.filter(body=EMAIL_BODY).exists()
    assert Ticket.objects.filter(description=REPORT_BODY).exists()
    assert any(EMAIL_BODY in m.body for m in mail.outbox)
    assert any("/tickets/new/" in line["route"] for line in logs.requests())
    assert len(logs.requests()) >= 8
    everything = "\n".join(logs.lines)
    for secret in secrets:
        assert secret not in everything, secret


def test_djangos_own_line_about_an_error_response_carries_the_request_id(client, logs):
    client.get("/api/v1/nowhere/", HTTP_X_REQUEST_ID="trace-404")
    (line,) = [entry for entry in logs.json() if entry["logger"] == "django.request"]
    assert line["request_id"] == "trace-404"


def test_the_request_id_is_forgotten_once_the_request_is_done(client):
    from helpdesk import request_id

    client.get("/", HTTP_X_REQUEST_ID="done-1")
    assert request_id.get() is None
