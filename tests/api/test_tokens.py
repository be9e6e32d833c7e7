"""Getting and revoking API tokens: POST and DELETE /api/v1/auth/token/."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import RequestFactory
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.api.conftest import problem, token_client
from tests.factories import PASSWORD

TOKEN = "/api/v1/auth/token/"


def test_a_user_gets_a_token_that_authenticates_them(anon, reporter):
    response = anon.post(TOKEN, {"username": "alice", "password": PASSWORD, "name": "laptop"})

    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "laptop"
    anon.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert anon.get("/api/v1/me/").json()["username"] == "alice"


def test_the_token_also_works_as_a_bearer_token(anon, reporter):
    raw = anon.post(TOKEN, {"username": "alice", "password": PASSWORD}).json()["token"]
    anon.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert anon.get("/api/v1/me/").status_code == 200


def test_a_stale_token_sent_along_does_not_stop_a_sign_in(anon, reporter):
    anon.credentials(HTTP_AUTHORIZATION="Token hd_revoked-long-ago")

    assert anon.post(TOKEN, {"username": "alice", "password": PASSWORD}).status_code == 201


def test_the_username_is_not_case_sensitive(anon, reporter):
    response = anon.post(TOKEN, {"username": "ALICE", "password": PASSWORD})
    assert response.status_code == 201


def test_each_call_makes_another_named_token(anon, reporter):
    first = anon.post(TOKEN, {"username": "alice", "password": PASSWORD, "name": "phone"})
    second = anon.post(TOKEN, {"username": "alice", "password": PASSWORD})

    assert first.json()["token"] != second.json()["token"]
    names = sorted(ApiToken.objects.filter(user=reporter).values_list("name", flat=True))
    assert len(names) == 2
    assert "phone" in names


def test_only_a_hash_of_the_token_is_stored(anon, reporter):
    raw = anon.post(TOKEN, {"username": "alice", "password": PASSWORD}).json()["token"]

    token = ApiToken.objects.get(user=reporter)
    assert raw not in (token.key_hash, token.prefix, token.name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        rows = cursor.fetchall()
    assert not any(raw in str(value) for row in rows for value in row)


def test_a_wrong_password_gets_no_token(anon, reporter):
    body = problem(anon.post(TOKEN, {"username": "alice", "password": "nope"}), 400)

    assert body["code"] == "invalid_credentials"
    assert not ApiToken.objects.exists()


def test_an_inactive_user_gets_no_token(anon, reporter):
    reporter.is_active = False
    reporter.save()

    problem(anon.post(TOKEN, {"username": "alice", "password": PASSWORD}), 400)


def test_missing_fields_and_wrong_types_are_named(anon, reporter):
    body = problem(anon.post(TOKEN, {"username": 12, "name": "x" * 101}), 400, "invalid")

    assert set(body["errors"]) == {"username", "password", "name"}


def test_five_failures_lock_the_account_for_the_api_and_the_web_alike(anon, reporter):
    for _ in range(5):
        anon.post(TOKEN, {"username": "alice", "password": "wrong"})

    locked = anon.post(TOKEN, {"username": "alice", "password": PASSWORD})

    body = problem(locked, 429, "locked_out")
    assert "try again" in body["detail"]
    assert int(locked["Retry-After"]) > 0
    # The web sign-in from the same address goes through the same django-axes records.
    web = RequestFactory().post("/accounts/login/", REMOTE_ADDR="127.0.0.1")
    assert authenticate(request=web, username="alice", password=PASSWORD) is None


def test_getting_a_token_clears_the_failures_counted_so_far(anon, reporter):
    for _ in range(4):
        anon.post(TOKEN, {"username": "alice", "password": "wrong"})
    assert anon.post(TOKEN, {"username": "alice", "password": PASSWORD}).status_code == 201
    for _ in range(4):
        anon.post(TOKEN, {"username": "alice", "password": "wrong"})

    assert anon.post(TOKEN, {"username": "alice", "password": PASSWORD}).status_code == 201


def test_getting_a_token_records_the_sign_in_without_opening_a_session(anon, reporter):
    response = anon.post(TOKEN, {"username": "alice", "password": PASSWORD})

    reporter.refresh_from_db()
    assert reporter.last_login is not None
    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()


def test_it_allows_ten_attempts_a_minute_from_one_address(anon, reporter):
    for _ in range(10):
        assert anon.post(TOKEN, {"username": "alice", "password": PASSWORD}).status_code == 201

    response = anon.post(TOKEN, {"username": "alice", "password": PASSWORD})

    problem(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_a_forged_forwarded_for_header_does_not_escape_the_address_limit(anon, other_user):
    for n in range(10):
        anon.post(
            TOKEN,
            {"username": "charlie", "password": PASSWORD},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )

    response = anon.post(
        TOKEN, {"username": "charlie", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="10.0.1.1"
    )

    problem(response, 429, "throttled")


def test_it_allows_ten_attempts_a_minute_for_one_username_from_anywhere(anon, reporter):
    for n in range(10):
        response = anon.post(
            TOKEN, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR=f"10.0.0.{n}"
        )
        assert response.status_code == 201

    response = anon.post(TOKEN, {"username": "ALICE", "password": PASSWORD}, REMOTE_ADDR="10.0.1.1")

    problem(response, 429, "throttled")


def test_revoking_ends_the_token_used_and_no_other(reporter):
    laptop, phone = token_client(reporter), token_client(reporter)

    response = laptop.delete(TOKEN)

    assert response.status_code == 204
    problem(laptop.get("/api/v1/me/"), 401, "authentication_failed")
    assert phone.get("/api/v1/me/").status_code == 200


def test_a_session_has_no_token_to_revoke(reporter):
    client = APIClient()
    client.force_login(reporter)

    problem(client.delete(TOKEN), 401, "not_authenticated")


def test_revoking_needs_a_token(anon):
    response = anon.delete(TOKEN)

    problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Token")


@pytest.mark.parametrize("method", ["get", "put", "patch"])
def test_it_rejects_other_methods(anon, method):
    problem(getattr(anon, method)(TOKEN), 405, "method_not_allowed")
