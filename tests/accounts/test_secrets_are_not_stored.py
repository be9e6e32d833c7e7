"""Every response that carries a secret says `Cache-Control: no-store` (issue 19, finding 9).

`private, no-cache` keeps a response out of shared caches but lets the browser
write it to disk; a raw API token must never be kept anywhere but the
user's own hands. Each response that carries one is listed here.
"""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_api_token_response_is_no_store(reporter):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 201
    assert "token" in response.json()
    assert response["Cache-Control"] == "no-store"


def test_the_web_token_post_is_no_store(reporter):
    # The redirect sets the cookie that carries the raw token to the next page.
    client = Client()
    client.force_login(reporter)
    response = client.post("/accounts/api-tokens/", {"name": "Laptop"})
    assert response.status_code == 302
    assert "new_api_token" in response.cookies
    assert response["Cache-Control"] == "no-store"


def test_the_page_that_shows_the_new_token_is_no_store(reporter):
    client = Client()
    client.force_login(reporter)
    client.post("/accounts/api-tokens/", {"name": "Laptop"})
    response = client.get("/accounts/api-tokens/")
    assert "hd_" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
