"""Every form of the web pages is protected against cross-site request forgery."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts import services as account_services
from accounts.models import ApiToken, User
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def forged(reporter) -> Client:
    """Alice's browser, made to post by another site: her cookies, no CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)
    return client


def test_ticket_forms_refuse_forged_posts(forged, ticket):
    pk = ticket.pk
    posts = {
        "/tickets/new/": {"description": "forged"},
        f"/tickets/{pk}/reply/": {"body": "forged", "version": 1},
        f"/tickets/{pk}/status/": {"status": "resolved", "version": 1},
        f"/tickets/{pk}/edit/": {"description": "forged", "version": 1},
    }
    for url, data in posts.items():
        assert forged.post(url, data).status_code == 403, url
    assert Ticket.objects.get().description == ticket.description
    assert Ticket.objects.get().status == "new"
    assert not Message.objects.exists()


def test_account_forms_refuse_forged_posts(forged, reporter):
    token, _ = account_services.create_api_token(user=reporter, name="Laptop")
    posts = {
        "/accounts/api-tokens/": {"name": "forged"},
        f"/accounts/api-tokens/{token.pk}/revoke/": {},
        "/accounts/password/": {"old_password": "x", "new_password1": "y", "new_password2": "y"},
        "/accounts/logout/": {},
    }
    for url, data in posts.items():
        assert forged.post(url, data).status_code == 403, url
    assert list(ApiToken.objects.all()) == [token]
    assert forged.get("/tickets/").status_code == 200  # still signed in


def test_sign_up_and_sign_in_refuse_forged_posts():
    client = Client(enforce_csrf_checks=True)
    assert client.post("/accounts/login/", {"username": "a", "password": "b"}).status_code == 403
    data = {"username": "x", "email": "x@example.com", "password1": "p", "password2": "p"}
    assert client.post("/accounts/signup/", data).status_code == 403
    assert client.post("/accounts/password/reset/", {"email": "x@example.com"}).status_code == 403
    assert not User.objects.filter(username="x").exists()
