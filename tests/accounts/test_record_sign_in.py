"""A sign-in is recorded alike on the web and through the API's token endpoint."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts import services
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_getting_a_token_stamps_last_login_as_the_web_sign_in_does(reporter):
    assert reporter.last_login is None
    response = APIClient().post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 201
    reporter.refresh_from_db()
    from_api = reporter.last_login
    assert from_api is not None

    signed_in = Client().post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert signed_in.status_code == 302
    reporter.refresh_from_db()
    assert reporter.last_login > from_api


def test_record_sign_in_writes_last_login_only(reporter, django_assert_num_queries):
    reporter.first_name = "Not saved"
    # Expect 1 query: UPDATE accounts_user SET last_login
    with django_assert_num_queries(1):
        services.record_sign_in(user=reporter)
    reporter.refresh_from_db()
    assert reporter.last_login is not None
    assert reporter.first_name == "Alice"
