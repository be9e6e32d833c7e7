"""Guessing the current password on a change-password page counts like a failed sign-in
(issue 19, finding 5): on the web's /accounts/password/ and the console's own
/admin/password_change/ alike, five wrong guesses lock that account from that
address, and then even the right one is refused.
"""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.asserts import assertTemplateUsed

from accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "a-brand-new-passphrase-5"
PAGES = ["/accounts/password/", "/admin/password_change/"]


def change(client: Client, url: str, old: str):
    return client.post(url, {"old_password": old, "new_password1": NEW, "new_password2": NEW})


def signed_in(user, address: str = "198.51.100.5") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", PAGES)
def test_five_wrong_current_passwords_lock_the_page(agent, url):
    client = signed_in(agent)
    assert [change(client, url, f"guess{i}").status_code for i in range(4)] == [200] * 4
    response = change(client, url, "guess5")
    assert response.status_code == 429
    assertTemplateUsed(response, "registration/locked_out.html")

    # The right one is refused now too, and the password stays as it was.
    assert change(client, url, PASSWORD).status_code == 429
    assert User.objects.get(pk=agent.pk).check_password(PASSWORD)


def test_wrong_current_passwords_count_toward_the_sign_in_lock(reporter):
    client = signed_in(reporter)
    for i in range(5):
        change(client, "/accounts/password/", f"guess{i}")
    sign_in = Client(REMOTE_ADDR="198.51.100.5").post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD}
    )
    assert sign_in.status_code == 429


def test_the_session_itself_keeps_working(reporter):
    client = signed_in(reporter)
    for i in range(5):
        change(client, "/accounts/password/", f"guess{i}")
    assert client.get("/tickets/").status_code == 200


def test_a_right_current_password_is_not_counted(reporter):
    client = signed_in(reporter)
    for i in range(4):
        change(client, "/accounts/password/", f"guess{i}")
    response = change(client, "/accounts/password/", PASSWORD)
    assert response.status_code == 302
    assert User.objects.get(pk=reporter.pk).check_password(NEW)


def test_other_mistakes_on_the_page_are_not_counted(reporter):
    client = signed_in(reporter)
    for _ in range(6):
        response = client.post(
            "/accounts/password/",
            {"old_password": PASSWORD, "new_password1": NEW, "new_password2": "typo"},
        )
        assert response.status_code == 200
    assert change(client, "/accounts/password/", PASSWORD).status_code == 302
