"""Nobody can lock anyone else out with five guesses (issue 19, finding 7).

Five failures lock a (username, address) pair: the guesser, not the owner
signing in from elsewhere. A username is locked from every address only after
many more failures (AXES_USERNAME_FAILURE_LIMIT, 50 in the cool-off time), and
then its owner is told by email, in their language, once. A session already
signed in and valid API tokens keep working throughout.
"""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts import services
from accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def fail(address: str, username: str = "alice", times: int = 1) -> list[int]:
    client = Client(REMOTE_ADDR=address)
    return [
        client.post("/accounts/login/", {"username": username, "password": f"guess{i}"}).status_code
        for i in range(times)
    ]


def sign_in(address: str, username: str = "alice") -> int:
    client = Client(REMOTE_ADDR=address)
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code


def spread_failures(count: int, username: str = "alice") -> None:
    """`count` failures from as many addresses as it takes, four at most from each."""
    for n in range(0, count, 4):
        fail(f"203.0.113.{n // 4 + 1}", username, min(4, count - n))


def test_five_failures_lock_the_guessers_address_not_the_owner(reporter):
    assert fail("203.0.113.9", times=5) == [200] * 4 + [429]
    assert sign_in("203.0.113.9") == 429
    assert sign_in("198.51.100.1") == 302


def test_the_default_locks_a_username_everywhere_after_fifty(reporter, settings, mailoutbox):
    assert settings.AXES_USERNAME_FAILURE_LIMIT == 50
    spread_failures(49)
    assert sign_in("198.51.100.1") == 302
    spread_failures(49)
    assert mailoutbox == []
    assert fail("192.0.2.200") == [429]
    assert sign_in("198.51.100.2") == 429


def test_the_owner_is_told_once_in_their_language(reporter, settings, mailoutbox):
    settings.AXES_USERNAME_FAILURE_LIMIT = 8
    User.objects.filter(pk=reporter.pk).update(language="de")
    spread_failures(8)
    spread_failures(8)
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["alice@example.com"]
    assert email.extra_headers["Content-Language"] == "de"
    assert "/accounts/password/reset/" in email.body


def test_the_owner_without_a_language_is_told_in_the_sites(reporter, settings, mailoutbox):
    settings.AXES_USERNAME_FAILURE_LIMIT = 8
    settings.LANGUAGE_CODE = "fr"
    spread_failures(8)
    assert [m.extra_headers["Content-Language"] for m in mailoutbox] == ["fr"]


def test_the_lock_everywhere_says_so(reporter, settings):
    settings.AXES_USERNAME_FAILURE_LIMIT = 8
    spread_failures(8)
    response = Client(REMOTE_ADDR="198.51.100.3").post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "from many addresses" in response.content.decode()


def test_no_email_for_a_username_nobody_has(db, settings, mailoutbox):
    settings.AXES_USERNAME_FAILURE_LIMIT = 8
    spread_failures(8, username="nobody")
    assert sign_in("198.51.100.4", username="nobody") == 429
    assert mailoutbox == []


def test_the_email_goes_through_the_task_queue(reporter, settings, mailoutbox):
    from django_tasks_db.models import DBTaskResult

    settings.AXES_USERNAME_FAILURE_LIMIT = 8
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    spread_failures(8)
    assert mailoutbox == []
    assert DBTaskResult.objects.filter(task_path__endswith="tell_of_lockout").count() == 1


def test_a_session_and_tokens_keep_working_while_locked(reporter, settings):
    settings.AXES_USERNAME_FAILURE_LIMIT = 8
    browser = Client()
    browser.force_login(reporter)
    _, raw = services.create_api_token(user=reporter, name="Script")
    spread_failures(8)
    assert sign_in("198.51.100.5") == 429
    assert browser.get("/tickets/").status_code == 200
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get("/api/v1/me/").status_code == 200


def test_a_password_reset_lifts_the_lock_everywhere(reporter, settings, mailoutbox):
    settings.AXES_USERNAME_FAILURE_LIMIT = 8
    spread_failures(8)
    mailoutbox.clear()
    client = Client(REMOTE_ADDR="198.51.100.6")
    client.post("/accounts/password/reset/", {"email": reporter.email})
    link = next(line for line in mailoutbox[0].body.splitlines() if "/reset/" in line)
    form_url = client.get("/" + link.split("://", 1)[1].split("/", 1)[1]).url
    client.post(
        form_url, {"new_password1": "fresh-start-2026", "new_password2": "fresh-start-2026"}
    )
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "fresh-start-2026"}
    )
    assert response.status_code == 302
