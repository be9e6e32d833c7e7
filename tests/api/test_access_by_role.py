"""The whole endpoint table, for each kind of caller.

Alice (the reporter) owns the ticket; Charlie (another end user) must get 404
for everything about it; Sam is staff; the anonymous caller gets 401 except on
the public schema and docs.
"""

from __future__ import annotations

import pytest

from tests.api.conftest import TICKETS, events_url, messages_url, status_url, ticket_url

ROLES = ("anonymous", "reporter", "other_user", "staff")

# (method, path of the ticket -> url, body): statuses for anonymous, reporter, other user, staff.
TABLE = [
    ("delete", lambda t: "/api/v1/auth/token/", None, (401, 204, 204, 204)),
    ("get", lambda t: "/api/v1/me/", None, (401, 200, 200, 200)),
    ("get", lambda t: TICKETS, None, (401, 200, 200, 200)),
    ("post", lambda t: TICKETS, {"description": "Help"}, (401, 201, 201, 201)),
    ("get", ticket_url, None, (401, 200, 404, 200)),
    ("patch", ticket_url, {"subject": "New subject"}, (401, 200, 404, 200)),
    ("patch", ticket_url, {"priority": "high"}, (401, 403, 404, 200)),
    ("post", status_url, {"status": "resolved"}, (401, 200, 404, 200)),
    ("post", status_url, {"status": "closed"}, (401, 409, 404, 200)),
    ("get", messages_url, None, (401, 200, 404, 200)),
    ("post", messages_url, {"body": "Hello"}, (401, 201, 404, 201)),
    ("post", messages_url, {"body": "Note", "is_internal": True}, (401, 403, 404, 201)),
    ("get", events_url, None, (401, 200, 404, 200)),
    ("get", lambda t: "/api/v1/staff/", None, (401, 403, 403, 200)),
    ("get", lambda t: "/api/v1/schema/", None, (200, 200, 200, 200)),
    ("get", lambda t: "/api/v1/docs/", None, (200, 200, 200, 200)),
]


@pytest.fixture
def caller(request, anon, as_reporter, as_other_user, as_agent):
    return {
        "anonymous": anon,
        "reporter": as_reporter,
        "other_user": as_other_user,
        "staff": as_agent,
    }[request.param]


@pytest.mark.parametrize("caller", ROLES, indirect=True, ids=ROLES)
@pytest.mark.parametrize(
    ("method", "url", "body", "expected"),
    TABLE,
    ids=[f"{m.upper()} {u(7).replace('7', '{id}')} {b or ''}" for m, u, b, _ in TABLE],
)
def test_each_caller_gets_what_the_table_says(request, caller, ticket, method, url, body, expected):
    role = request.node.callspec.params["caller"]

    response = getattr(caller, method)(url(ticket), body)

    assert response.status_code == expected[ROLES.index(role)], response.content[:300]
