"""Who am I: GET /api/v1/me/."""

from __future__ import annotations

from tests.api.conftest import problem

ME = "/api/v1/me/"


def test_it_describes_the_caller(as_reporter, reporter):
    response = as_reporter.get(ME)

    assert response.status_code == 200
    assert response.json() == {
        "id": reporter.pk,
        "username": "alice",
        "email": "alice@example.com",
        "is_staff": False,
    }


def test_it_says_when_the_caller_is_staff(as_agent):
    assert as_agent.get(ME).json()["is_staff"] is True


def test_a_browser_session_works_too(client, reporter):
    client.force_login(reporter)

    assert client.get(ME).json()["username"] == "alice"


def test_it_requires_credentials(anon):
    response = anon.get(ME)

    problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == 'Token realm="api"'


def test_an_unknown_token_is_refused(anon, reporter):
    anon.credentials(HTTP_AUTHORIZATION="Token hd_not-a-token")

    problem(anon.get(ME), 401, "authentication_failed")


def test_it_rejects_post(as_reporter):
    problem(as_reporter.post(ME, {}), 405, "method_not_allowed")
