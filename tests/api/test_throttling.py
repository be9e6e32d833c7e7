"""Rate limits: per user, per anonymous address; 429 problem with Retry-After.

The test settings raise the limits so that other tests never meet them; these
tests lower them again, to a few requests a minute.
"""

from __future__ import annotations

import pytest
from rest_framework.throttling import SimpleRateThrottle

from tests.api.conftest import TICKETS, problem, token_client


@pytest.fixture
def low_rates(monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "3/minute")
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "2/minute")


def test_a_user_over_the_rate_gets_429_with_retry_after(low_rates, as_reporter):
    for _ in range(3):
        assert as_reporter.get(TICKETS).status_code == 200

    response = as_reporter.get(TICKETS)

    body = problem(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 60
    assert "available in" in body["detail"]


def test_the_rate_is_per_user_not_per_token(low_rates, reporter):
    laptop, phone = token_client(reporter), token_client(reporter)
    for _ in range(3):
        laptop.get(TICKETS)

    problem(phone.get(TICKETS), 429, "throttled")


def test_one_users_traffic_does_not_throttle_another(low_rates, as_reporter, as_other_user):
    for _ in range(4):
        as_reporter.get(TICKETS)

    assert as_other_user.get(TICKETS).status_code == 200


def test_anonymous_callers_are_throttled_by_address(low_rates, anon):
    for _ in range(2):
        anon.get("/api/v1/schema/")

    response = anon.get("/api/v1/schema/")

    problem(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert anon.get("/api/v1/schema/", REMOTE_ADDR="10.1.2.3").status_code == 200
