"""Whom to assign: GET /api/v1/staff/, for staff only."""

from __future__ import annotations

import base64
import json

import pytest

from tests.api.conftest import problem
from tests.factories import StaffFactory

STAFF = "/api/v1/staff/"


def cursor(payload: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


def test_staff_list_every_active_staff_member_by_username(as_agent, agent, other_agent):
    StaffFactory(username="zed", is_active=False)

    response = as_agent.get(STAFF)

    assert response.status_code == 200
    assert response.json()["results"] == [
        {"id": other_agent.pk, "username": "dana"},
        {"id": agent.pk, "username": "sam"},
    ]


def test_it_pages_by_username(as_agent, agent):
    for name in ("adam", "bea", "cy"):
        StaffFactory(username=name)

    first = as_agent.get(STAFF, {"page_size": 2}).json()
    second = as_agent.get(first["next"]).json()

    assert [u["username"] for u in first["results"] + second["results"]] == [
        "adam",
        "bea",
        "cy",
        "sam",
    ]


def test_a_cursor_holding_a_lone_surrogate_is_a_400(as_agent):
    bad = cursor({"d": "n", "o": "username", "v": "\ud800", "i": 1})
    response = as_agent.get("/api/v1/staff/", {"cursor": bad})
    assert response.status_code == 400


def test_end_users_may_not_list_staff(as_reporter):
    problem(as_reporter.get(STAFF), 403, "permission_denied")


def test_it_requires_credentials(anon):
    problem(anon.get(STAFF), 401, "not_authenticated")


@pytest.mark.parametrize("method", ["post", "delete"])
def test_it_rejects_other_methods(as_agent, method):
    problem(getattr(as_agent, method)(STAFF), 405, "method_not_allowed")
