"""Every error under /api/ is problem+json, and bad input is a 4xx, never a 500."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import TICKETS, problem, ticket_url
from tickets import selectors
from tickets.models import Ticket

MB = 1024 * 1024


@pytest.mark.parametrize("path", ["/api/v1/nope/", "/api/v1/", "/api/v2/tickets/", "/api/"])
def test_an_unknown_url_is_a_404_problem(as_reporter, anon, path):
    problem(as_reporter.get(path), 404, "not_found")
    problem(anon.get(path), 404, "not_found")


def test_a_server_error_is_a_500_problem(as_reporter, monkeypatch):
    def broken(user):
        raise RuntimeError("the database caught fire")

    monkeypatch.setattr(selectors, "visible_tickets", broken)
    as_reporter.raise_request_exception = False

    body = problem(as_reporter.get(TICKETS), 500, "server_error")

    assert "fire" not in body["detail"]


def test_a_body_that_is_not_json_is_415(as_reporter):
    response = as_reporter.post(TICKETS, "description=Help", content_type="text/plain")

    problem(response, 415, "unsupported_media_type")
    assert not Ticket.objects.exists()


def test_a_form_post_is_415(as_reporter):
    response = as_reporter.post(
        TICKETS, "description=Help", content_type="application/x-www-form-urlencoded"
    )

    problem(response, 415, "unsupported_media_type")


def test_asking_for_anything_but_json_is_406(as_reporter):
    problem(as_reporter.get(TICKETS, HTTP_ACCEPT="text/html"), 406, "not_acceptable")


@pytest.mark.parametrize(
    "raw",
    [
        b"{",
        b'{"description": "Help",}',
        b'{"description": NaN}',
        b'{"description": Infinity}',
        b"\xff\xfe\x00garbage",
        b"[" * 50_000 + b"]" * 50_000,
        b'{"description": "' + b"\xc3\x28" + b'"}',
    ],
)
def test_malformed_json_is_a_400_parse_error(as_reporter, raw):
    response = as_reporter.generic("POST", TICKETS, raw, content_type="application/json")

    problem(response, 400, "parse_error")
    assert not Ticket.objects.exists()


def test_lone_surrogates_are_refused(as_reporter):
    raw = b'{"description": "broken \\ud800 text"}'

    response = as_reporter.generic("POST", TICKETS, raw, content_type="application/json")

    assert "description" in problem(response, 400, "invalid")["errors"]


def test_a_body_over_a_megabyte_is_413(as_reporter):
    body = json.dumps({"description": "x" * MB})

    response = as_reporter.generic("POST", TICKETS, body, content_type="application/json")

    body = problem(response, 413, "request_too_large")
    assert "1 MB" in body["detail"]
    assert not Ticket.objects.exists()


def test_a_large_body_of_another_type_is_413_too(reporter):
    client = APIClient()
    client.force_login(reporter)

    response = client.generic(
        "POST", TICKETS, "description=" + "x" * MB, content_type="application/x-www-form-urlencoded"
    )

    problem(response, 413, "request_too_large")


def test_a_large_patch_is_413(as_reporter, ticket):
    body = json.dumps({"subject": "x" * MB})

    response = as_reporter.generic(
        "PATCH", ticket_url(ticket), body, content_type="application/json"
    )

    problem(response, 413, "request_too_large")


def test_a_body_just_under_the_limit_is_read_and_judged_by_field(as_reporter):
    body = json.dumps({"description": "x" * (MB - 100)})

    response = as_reporter.generic("POST", TICKETS, body, content_type="application/json")

    assert "description" in problem(response, 400, "invalid")["errors"]


@pytest.mark.parametrize(
    "header", ["Token", "Token a b", "Bearer", "Token " + "x" * 300, "Token hd_\u00e9"]
)
def test_a_malformed_authorization_header_is_401(anon, header):
    anon.credentials(HTTP_AUTHORIZATION=header)

    problem(anon.get(TICKETS), 401, "authentication_failed")


def test_validation_problems_list_every_field(as_reporter):
    body = problem(as_reporter.post(TICKETS, {"subject": 5, "priority": "x"}), 400, "invalid")

    assert set(body["errors"]) == {"description", "subject", "priority"}
    assert all(isinstance(m, str) for ms in body["errors"].values() for m in ms)
    assert body["title"] == "Bad Request"
    assert body["type"] == "about:blank"
