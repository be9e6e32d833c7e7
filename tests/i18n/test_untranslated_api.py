"""Every error the API answers, in the pseudo-language: no English outside the markers.

Each case below makes the API answer one problem (401 to 429, 400 for each
endpoint's fields and each list's query parameters, 500); its `title`,
`detail` and every validation message must be translated throughout, while
its `code`, `type` and the names in `errors` stay the stable English
identifiers programs read. Field and parameter names are identifiers, so the
detail may quote them (`description: ⟦This field is required.⟧`).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import translation
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.api.conftest import (
    TICKETS,
    events_url,
    messages_url,
    problem,
    status_url,
    ticket_url,
    token_client,
)
from tests.factories import make_ticket
from tests.i18n.pseudo import pseudo_language, untranslated_words
from tickets import selectors
from tickets.models import Ticket

TOKEN = "/api/v1/auth/token/"
STAFF = "/api/v1/staff/"
MB = 1024 * 1024


@dataclass
class World:
    anon: APIClient
    reporter: APIClient
    agent: APIClient
    ticket: Ticket
    closed: Ticket
    monkeypatch: pytest.MonkeyPatch


@pytest.fixture
def world(reporter, agent, monkeypatch) -> World:
    return World(
        anon=APIClient(),
        reporter=token_client(reporter),
        agent=token_client(agent),
        ticket=make_ticket(reporter),
        closed=make_ticket(reporter, status=Ticket.Status.CLOSED),
        monkeypatch=monkeypatch,
    )


def _cursor(payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


def _with_bad_token(w: World) -> Any:
    w.anon.credentials(HTTP_AUTHORIZATION="Token hd_nonsense")
    return w.anon.get(TICKETS)


def _with_malformed_header(w: World) -> Any:
    w.anon.credentials(HTTP_AUTHORIZATION="Token a b")
    return w.anon.get(TICKETS)


def _session_without_csrf(w: World) -> Any:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(w.ticket.reporter)
    return client.post(TICKETS, {"description": "Help"})


def _session_with_csrf(w: World, header: str | None) -> Any:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(w.ticket.reporter)
    client.cookies["csrftoken"] = "a" * 32
    extra = {} if header is None else {"HTTP_X_CSRFTOKEN": header}
    return client.post(TICKETS, {"description": "Help"}, **extra)


def _throttled(w: World) -> Any:
    w.monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "1/minute")
    w.reporter.get(TICKETS)
    return w.reporter.get(TICKETS)


def _server_error(w: World) -> Any:
    def broken(user: Any) -> Any:
        raise RuntimeError("the database caught fire")

    w.monkeypatch.setattr(selectors, "visible_tickets", broken)
    w.reporter.raise_request_exception = False
    return w.reporter.get(TICKETS)


def _raw(client: APIClient, method: str, url: str, body: bytes, **extra: Any) -> Any:
    return client.generic(method, url, body, content_type="application/json", **extra)


# (what is asked, status, code): every kind of problem the API answers.
CASES: dict[str, tuple[Callable[[World], Any], int, str]] = {
    # 401
    "no credentials": (lambda w: w.anon.get(TICKETS), 401, "not_authenticated"),
    "unknown token": (_with_bad_token, 401, "authentication_failed"),
    "malformed Authorization": (_with_malformed_header, 401, "authentication_failed"),
    "revoking a session's token": (
        lambda w: w.anon.delete(TOKEN),
        401,
        "not_authenticated",
    ),
    # 403
    "reporter sets priority": (
        lambda w: w.reporter.patch(ticket_url(w.ticket), {"priority": "high"}),
        403,
        "not_allowed",
    ),
    "reporter sets priority and assignee": (
        lambda w: w.reporter.patch(ticket_url(w.ticket), {"priority": "high", "assignee": 1}),
        403,
        "not_allowed",
    ),
    "reporter posts an internal note": (
        lambda w: w.reporter.post(messages_url(w.ticket), {"body": "psst", "is_internal": True}),
        403,
        "not_allowed",
    ),
    "reporter lists staff": (lambda w: w.reporter.get(STAFF), 403, "permission_denied"),
    "reporter filters by reporter": (
        lambda w: w.reporter.get(TICKETS, {"reporter": 1}),
        403,
        "permission_denied",
    ),
    "session without CSRF cookie": (_session_without_csrf, 403, "permission_denied"),
    "session without CSRF header": (
        lambda w: _session_with_csrf(w, None),
        403,
        "permission_denied",
    ),
    "session with a wrong CSRF token": (
        lambda w: _session_with_csrf(w, "b" * 32),
        403,
        "permission_denied",
    ),
    # 404
    "no such ticket": (lambda w: w.reporter.get(ticket_url(999_999)), 404, "not_found"),
    "no such ticket to change": (
        lambda w: w.reporter.post(status_url(999_999), {"status": "resolved"}),
        404,
        "not_found",
    ),
    "no such messages": (lambda w: w.reporter.get(messages_url(999_999)), 404, "not_found"),
    "unknown URL": (lambda w: w.reporter.get("/api/v1/nope/"), 404, "not_found"),
    "unknown URL, anonymous": (lambda w: w.anon.get("/api/v2/"), 404, "not_found"),
    # 405, 406, 413, 415
    "method not allowed": (lambda w: w.reporter.delete(TICKETS), 405, "method_not_allowed"),
    "HTML asked for": (
        lambda w: w.reporter.get(TICKETS, HTTP_ACCEPT="text/html"),
        406,
        "not_acceptable",
    ),
    "body too large": (
        lambda w: _raw(w.reporter, "POST", TICKETS, json.dumps({"description": "x" * MB}).encode()),
        413,
        "request_too_large",
    ),
    "form body": (
        lambda w: w.reporter.post(
            TICKETS, "description=Help", content_type="application/x-www-form-urlencoded"
        ),
        415,
        "unsupported_media_type",
    ),
    # 409
    "transition not allowed": (
        lambda w: w.reporter.post(status_url(w.ticket), {"status": "closed"}),
        409,
        "invalid_transition",
    ),
    "change to a closed ticket": (
        lambda w: w.agent.patch(ticket_url(w.closed), {"subject": "Again"}),
        409,
        "ticket_closed",
    ),
    "message on a closed ticket": (
        lambda w: w.reporter.post(messages_url(w.closed), {"body": "Hello?"}),
        409,
        "ticket_closed",
    ),
    # 412
    "stale If-Match": (
        lambda w: w.reporter.patch(ticket_url(w.ticket), {"subject": "New"}, HTTP_IF_MATCH='"7"'),
        412,
        "stale_version",
    ),
    "malformed If-Match": (
        lambda w: w.reporter.post(messages_url(w.ticket), {"body": "Hi"}, HTTP_IF_MATCH="seven"),
        412,
        "precondition_failed",
    ),
    # 400: malformed bodies
    "malformed JSON": (lambda w: _raw(w.reporter, "POST", TICKETS, b"{"), 400, "parse_error"),
    "JSON with NaN": (
        lambda w: _raw(w.reporter, "POST", TICKETS, b'{"description": NaN}'),
        400,
        "parse_error",
    ),
    "JSON not UTF-8": (
        lambda w: _raw(w.reporter, "POST", TICKETS, b'{"description": "\xff"}'),
        400,
        "parse_error",
    ),
    "JSON nested too deeply": (
        lambda w: _raw(w.reporter, "POST", TICKETS, b"[" * 50_000 + b"]" * 50_000),
        400,
        "parse_error",
    ),
    "bad Host header": (
        lambda w: w.reporter.get(TICKETS, HTTP_HOST="evil.example"),
        400,
        "bad_request",
    ),
    # 400: the token endpoint's fields
    "token: nothing sent": (lambda w: w.anon.post(TOKEN, {}), 400, "invalid"),
    "token: wrong types": (
        lambda w: w.anon.post(TOKEN, {"username": 5, "password": True, "name": []}),
        400,
        "invalid",
    ),
    "token: an unknown field": (
        lambda w: w.anon.post(TOKEN, {"username": "alice", "password": "x", "pin": 1}),
        400,
        "invalid",
    ),
    "token: wrong password": (
        lambda w: w.anon.post(TOKEN, {"username": "alice", "password": "wrong"}),
        400,
        "invalid_credentials",
    ),
    # 400: reporting an issue
    "report: nothing sent": (lambda w: w.reporter.post(TICKETS, {}), 400, "invalid"),
    "report: not an object": (lambda w: w.reporter.post(TICKETS, [1]), 400, "invalid"),
    "report: wrong types": (
        lambda w: w.reporter.post(TICKETS, {"description": 5, "subject": ["a"], "priority": 3}),
        400,
        "invalid",
    ),
    "report: an unknown field": (
        lambda w: w.reporter.post(TICKETS, {"description": "Help", "urgent": True}),
        400,
        "invalid",
    ),
    "report: values out of range": (
        lambda w: w.reporter.post(
            TICKETS, {"description": "x" * 20_001, "subject": "s" * 201, "priority": "meh"}
        ),
        400,
        "invalid",
    ),
    "report: blank and null characters": (
        lambda w: w.reporter.post(TICKETS, {"description": "", "subject": "a\x00b"}),
        400,
        "invalid",
    ),
    "report: a description of spaces": (
        lambda w: w.reporter.post(TICKETS, {"description": "   "}),
        400,
        "invalid",
    ),
    "report: a subject of two lines": (
        lambda w: w.reporter.post(TICKETS, {"description": "Help", "subject": "a\nb"}),
        400,
        "invalid",
    ),
    "report: a lone surrogate": (
        lambda w: _raw(w.reporter, "POST", TICKETS, b'{"description": "bad \\ud800"}'),
        400,
        "invalid",
    ),
    # 400: modifying a ticket
    "modify: wrong types": (
        lambda w: w.agent.patch(
            ticket_url(w.ticket),
            {"subject": 1, "description": None, "status": "bogus", "assignee": "sam"},
        ),
        400,
        "invalid",
    ),
    "modify: values out of range": (
        lambda w: w.agent.patch(ticket_url(w.ticket), {"priority": "meh", "assignee": 0}),
        400,
        "invalid",
    ),
    "modify: an unknown field": (
        lambda w: w.agent.patch(ticket_url(w.ticket), {"subjet": "typo"}),
        400,
        "invalid",
    ),
    "modify: an assignee who is not staff": (
        lambda w: w.agent.patch(ticket_url(w.ticket), {"assignee": w.ticket.reporter_id}),
        400,
        "invalid",
    ),
    "modify: texts the services refuse": (
        lambda w: w.agent.patch(ticket_url(w.ticket), {"description": "  ", "subject": "a\rb"}),
        400,
        "invalid",
    ),
    # 400: changing the status
    "status: nothing sent": (lambda w: w.reporter.post(status_url(w.ticket), {}), 400, "invalid"),
    "status: unknown status": (
        lambda w: w.reporter.post(status_url(w.ticket), {"status": "done"}),
        400,
        "invalid",
    ),
    "status: not text": (
        lambda w: w.reporter.post(status_url(w.ticket), {"status": 1}),
        400,
        "invalid",
    ),
    # 400: posting a message
    "message: nothing sent": (
        lambda w: w.reporter.post(messages_url(w.ticket), {}),
        400,
        "invalid",
    ),
    "message: wrong types": (
        lambda w: w.agent.post(messages_url(w.ticket), {"body": 1, "is_internal": "yes"}),
        400,
        "invalid",
    ),
    "message: blank": (
        lambda w: w.reporter.post(messages_url(w.ticket), {"body": ""}),
        400,
        "invalid",
    ),
    "message: spaces only": (
        lambda w: w.reporter.post(messages_url(w.ticket), {"body": "  \n "}),
        400,
        "invalid",
    ),
    "message: too long": (
        lambda w: w.reporter.post(messages_url(w.ticket), {"body": "x" * 20_001}),
        400,
        "invalid",
    ),
    # 400: query parameters
    "list: unknown, repeated and empty parameters": (
        lambda w: w.agent.get(
            TICKETS + "?bogus=1&assignee=me&assignee=none&created_after=&ordering=-priority"
        ),
        400,
        "invalid",
    ),
    "list: bad filter values": (
        lambda w: w.agent.get(
            TICKETS,
            {
                "status": "new,bogus",
                "priority": "meh",
                "assignee": "bob",
                "reporter": "x1",
                "created_before": "yesterday",
                "updated_after": "9999-12-31T23:59:59-23:59",
                "q": "q" * 1000,
            },
        ),
        400,
        "invalid",
    ),
    "list: a reporter id out of range": (
        lambda w: w.agent.get(TICKETS, {"reporter": "0"}),
        400,
        "invalid",
    ),
    "list: bad page size": (
        lambda w: w.reporter.get(TICKETS, {"page_size": "1000"}),
        400,
        "invalid",
    ),
    "list: bad ordering": (
        lambda w: w.reporter.get(TICKETS, {"ordering": "subject"}),
        400,
        "invalid",
    ),
    "list: relevance without a search": (
        lambda w: w.reporter.get(TICKETS, {"ordering": "-relevance"}),
        400,
        "invalid",
    ),
    "list: bad cursor": (lambda w: w.reporter.get(TICKETS, {"cursor": "garbage"}), 400, "invalid"),
    "list: a cursor of another ordering": (
        lambda w: w.reporter.get(
            TICKETS,
            {"cursor": _cursor({"d": "n", "o": "created_at", "v": "2026-01-01T00:00:00Z", "i": 1})},
        ),
        400,
        "invalid",
    ),
    "messages: an unknown parameter": (
        lambda w: w.reporter.get(messages_url(w.ticket), {"ordering": "x"}),
        400,
        "invalid",
    ),
    "messages: bad cursor": (
        lambda w: w.reporter.get(messages_url(w.ticket), {"cursor": "%%%"}),
        400,
        "invalid",
    ),
    "events: bad page size": (
        lambda w: w.reporter.get(events_url(w.ticket), {"page_size": "x"}),
        400,
        "invalid",
    ),
    "staff: bad page size": (
        lambda w: w.agent.get(STAFF, {"page_size": "0"}),
        400,
        "invalid",
    ),
    # 429, 500
    "throttled": (_throttled, 429, "throttled"),
    "server error": (_server_error, 500, "server_error"),
}


def untranslated_in(body: dict) -> dict[str, list[str]]:
    """Each text of the problem with the words it has outside the markers."""
    errors = body.get("errors", {})
    # Field and parameter names are identifiers, quoted as they are.
    names = list(errors)
    texts = [body["title"], body["detail"], *(m for ms in errors.values() for m in ms)]
    return {text: words for text in texts if (words := untranslated_words(text, allowed=names))}


@pytest.mark.parametrize("case", CASES)
def test_every_problem_is_translated_throughout(world, case):
    ask, status, code = CASES[case]

    with pseudo_language():
        response = ask(world)
    body = problem(response, status, code)

    assert untranslated_in(body) == {}
    assert body["type"] == "about:blank"
    for name in body.get("errors", {}):
        assert "\u27e6" not in name, "field names stay identifiers"


def test_validation_problems_keep_the_names_programs_read(world):
    with pseudo_language():
        response = world.agent.patch(
            ticket_url(world.ticket), {"status": "bogus", "priority": "meh"}
        )
    body = problem(response, 400, "invalid")

    assert set(body["errors"]) == {"status", "priority"}
    assert "status: \u27e6" in body["detail"]
    assert "priority: \u27e6" in body["detail"]


def test_a_workflow_refusal_keeps_its_status_values(world):
    with pseudo_language():
        response = world.reporter.post(status_url(world.ticket), {"status": "closed"})
    body = problem(response, 409, "invalid_transition")

    assert body["allowed"] == ["resolved"]
    assert body["current"] == "new"


def test_a_ticket_reads_the_same_in_any_language(world):
    with pseudo_language():
        pseudo = world.agent.get(ticket_url(world.ticket)).json()
    plain = world.agent.get(ticket_url(world.ticket)).json()

    assert pseudo == plain
    assert plain["status"] == "new"
    assert plain["priority"] == "normal"


def test_accept_language_chooses_the_language_not_the_code(world):
    response = world.reporter.get(ticket_url(999_999), HTTP_ACCEPT_LANGUAGE="de")

    problem(response, 404, "not_found")
    assert response["Content-Language"] == "de"
    assert "Accept-Language" in response["Vary"]


def test_accept_language_on_an_unknown_url(world):
    response = world.anon.get("/api/v1/nope/", HTTP_ACCEPT_LANGUAGE="de")

    body = problem(response, 404, "not_found")
    assert response["Content-Language"] == "de"
    # Django REST framework's German catalog has this one already.
    assert body["detail"] == "Nicht gefunden."


def _schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_in_another_language_keeps_its_names_and_values():
    """Served with Accept-Language, the schema's choice labels follow it; nothing else moves.

    drf-spectacular names enums by a hash of their choices, computed once per
    language; the pseudo-language is "en" with other labels, so its cache is
    cleared around the test.
    """
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.plumbing import _load_enum_name_overrides

    # English, whatever language an earlier test's request left active in this thread.
    with translation.override("en"):
        english = _schema()
        _load_enum_name_overrides.cache_clear()
        GENERATOR_STATS.reset()
        try:
            with pseudo_language():
                pseudo = _schema()
        finally:
            _load_enum_name_overrides.cache_clear()

    assert not GENERATOR_STATS, "no warnings"
    components = pseudo["components"]["schemas"]
    assert components.keys() == english["components"]["schemas"].keys()
    status = components["TicketStatusEnum"]
    assert status["enum"] == english["components"]["schemas"]["TicketStatusEnum"]["enum"]
    assert "* `new` - \u27e6New\u27e7" in status["description"]
    assert pseudo["paths"].keys() == english["paths"].keys()
