"""Sign-in resists guessing: django-axes locks a username at an address, or an address,
after five failures (tests/web/test_lockout_pairs.py: the username from every address)."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertTemplateUsed

from tests.factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db

FAILURE_LIMIT = 5


def fail(client: Client, url: str, username: str, times: int) -> list[int]:
    return [
        client.post(url, {"username": username, "password": "wrong guess"}).status_code
        for _ in range(times)
    ]


def test_the_web_login_locks_after_five_failures_and_says_so(client, reporter):
    assert fail(client, "/accounts/login/", "alice", FAILURE_LIMIT - 1) == [200] * 4
    # The fifth failure is answered with the lockout page.
    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 429
    assertTemplateUsed(response, "registration/locked_out.html")
    assertContains(response, "<h1>Sign-in is locked for now</h1>", status_code=429)
    assertContains(response, "try again in 15 minutes", status_code=429)
    assertContains(response, 'href="/accounts/password/reset/"', status_code=429)

    # Even the right password is refused now.
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert not client.get("/tickets/").wsgi_request.user.is_authenticated


def test_the_lock_counts_a_username_in_any_case(reporter, settings):
    settings.AXES_USERNAME_FAILURE_LIMIT = 5
    for i, name in enumerate(["alice", "Alice", "ALICE", "aLiCe", "alicE"]):
        # A fresh address for each guess: the username alone trips the lock.
        Client(REMOTE_ADDR=f"10.0.0.{i + 1}").post(
            "/accounts/login/", {"username": name, "password": "wrong"}
        )
    response = Client(REMOTE_ADDR="10.0.1.1").post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD}
    )
    assert response.status_code == 429


def test_one_address_guessing_many_usernames_is_locked(client, reporter):
    for i in range(FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": f"guess{i}", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429


def test_the_admin_login_locks_too_with_the_same_page(client):
    StaffFactory(username="root", is_superuser=True)
    assert fail(client, "/admin/login/", "root", FAILURE_LIMIT) == [200] * 4 + [429]
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 429
    assertTemplateUsed(response, "registration/locked_out.html")
    assertContains(response, "Sign-in is locked", status_code=429)


def test_a_lock_on_the_web_login_holds_on_the_admin_login(client):
    StaffFactory(username="root", is_superuser=True)
    fail(client, "/accounts/login/", "root", FAILURE_LIMIT)
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 429


def test_a_password_reset_lifts_the_lock_on_that_username(client, reporter, mailoutbox):
    fail(client, "/accounts/login/", "Alice", FAILURE_LIMIT)
    other = Client(REMOTE_ADDR="10.9.9.9")
    other.post("/accounts/password/reset/", {"email": reporter.email})
    link = next(line for line in mailoutbox[0].body.splitlines() if "/reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_url = other.get("/" + path).url
    other.post(form_url, {"new_password1": "fresh-start-2026", "new_password2": "fresh-start-2026"})

    # Even at the address that made the guesses.
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "fresh-start-2026"}
    )
    assert response.status_code == 302
