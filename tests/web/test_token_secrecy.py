"""A raw API token exists only in the user's hands; a new password ends every token."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from accounts import services
from accounts.models import ApiToken
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def raw_token_shown(response) -> str:
    html = response.content.decode()
    start = html.index("hd_")
    return html[start : start + 46]


def test_the_new_token_is_never_stored_on_the_server(as_reporter, reporter):
    response = as_reporter.post("/accounts/api-tokens/", {"name": "Laptop"}, follow=True)
    raw = raw_token_shown(response)
    assert services.authenticate_api_token(raw) is not None
    for session in Session.objects.all():
        assert raw not in str(session.get_decoded())
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    assert response["Cache-Control"] == "no-store"


def test_the_new_token_is_shown_once(as_reporter):
    as_reporter.post("/accounts/api-tokens/", {"name": "Laptop"})
    raw = raw_token_shown(as_reporter.get("/accounts/api-tokens/"))
    assert services.authenticate_api_token(raw) is not None
    again = as_reporter.get("/accounts/api-tokens/")
    assert raw not in again.content.decode()


def test_a_password_change_revokes_every_api_token(as_reporter, reporter):
    _, raw = services.create_api_token(user=reporter, name="Script")
    response = as_reporter.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-passphrase-7",
            "new_password2": "another-long-passphrase-7",
        },
        follow=True,
    )
    assert "API token was revoked" in response.content.decode()
    assert services.authenticate_api_token(raw) is None
    api = Client(headers={"Authorization": f"Token {raw}"})
    assert api.get("/api/v1/me/").status_code == 401


def test_a_password_reset_revokes_every_api_token(client, reporter, mailoutbox):
    _, raw = services.create_api_token(user=reporter, name="Script")
    client.post("/accounts/password/reset/", {"email": "alice@example.com"})
    link = next(line for line in mailoutbox[0].body.splitlines() if "/reset/" in line).strip()
    path = link[link.index("/accounts/") :]
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(
        form_url, {"new_password1": "yet-another-pass-123", "new_password2": "yet-another-pass-123"}
    )
    assert services.authenticate_api_token(raw) is None
