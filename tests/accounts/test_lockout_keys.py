"""The sign-in lockout cannot be reset, dodged or turned against everyone.

Each test here is an attack found in review: a sign-in of one's own account
wiping the failures of another, a proxy making every client one address, and
look-alike spellings of a username each getting their own five guesses.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from accounts.lockout import canonical_username, client_ip
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"


def guess(client: Client, username: str, times: int) -> list[int]:
    return [
        client.post("/accounts/login/", {"username": username, "password": f"guess{i}"}).status_code
        for i in range(times)
    ]


def test_signing_in_to_your_own_account_does_not_forgive_guesses_at_another(reporter):
    UserFactory(username="mallory")
    attacker = Client(REMOTE_ADDR=ATTACKER)
    assert guess(attacker, "alice", 4) == [200] * 4
    me = Client(REMOTE_ADDR=ATTACKER)
    assert (
        me.post("/accounts/login/", {"username": "mallory", "password": PASSWORD}).status_code
        == 302
    )
    # The fifth guess at Alice still trips the lock.
    assert guess(attacker, "alice", 1) == [429]
    assert (
        attacker.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code
        == 429
    )


def test_a_token_sign_in_does_not_forgive_guesses_at_another(reporter):
    UserFactory(username="mallory")
    attacker = Client(REMOTE_ADDR=ATTACKER)
    guess(attacker, "alice", 4)
    response = APIClient(REMOTE_ADDR=ATTACKER).post(
        "/api/v1/auth/token/", {"username": "mallory", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 201
    assert guess(attacker, "alice", 1) == [429]


def test_a_successful_sign_in_forgives_your_own_mistypes(reporter):
    client = Client(REMOTE_ADDR="198.51.100.7")
    guess(client, "alice", 4)
    assert (
        client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code
        == 302
    )
    # Four more mistypes later do not lock Alice out: the count started again.
    assert guess(Client(REMOTE_ADDR="198.51.100.8"), "alice", 4) == [200] * 4


def test_behind_a_proxy_one_client_cannot_lock_out_the_others(reporter, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    attacker = Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.66")
    for i in range(5):
        attacker.post("/accounts/login/", {"username": f"nobody{i}", "password": "x"})
    victim = Client(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert (
        victim.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code
        == 302
    )
    # The attacker's own address is locked.
    assert guess(attacker, "someone", 1) == [429]


def test_without_a_proxy_a_forged_forwarded_for_changes_nothing(reporter, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for i in range(5):
        Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}").post(
            "/accounts/login/", {"username": f"nobody{i}", "password": "x"}
        )
    assert guess(Client(REMOTE_ADDR=ATTACKER), "charlie", 1) == [429]


@pytest.mark.parametrize(
    ("forwarded", "proxies", "expected"),
    [
        ("", 0, "10.0.0.1"),
        ("203.0.113.66", 0, "10.0.0.1"),
        ("203.0.113.66", 1, "203.0.113.66"),
        ("6.6.6.6, 203.0.113.66", 1, "203.0.113.66"),
        ("6.6.6.6, 203.0.113.66, 10.0.0.2", 2, "203.0.113.66"),
        ("203.0.113.66", 3, "203.0.113.66"),
    ],
)
def test_the_client_address_trusts_only_our_own_proxies(rf, settings, forwarded, proxies, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.parametrize("spelling", ["alice", "ALICE", " Alice ", "al\u0131ce", "\uff41lice"])
def test_every_spelling_that_reaches_alice_shares_her_count(spelling):
    assert canonical_username(spelling) == canonical_username("alice")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL folds dotless i")
def test_a_dotless_i_cannot_sign_in_past_alices_lock(reporter, settings):
    # Locked from every address (tests/web/test_lockout_pairs.py), whatever the spelling.
    settings.AXES_USERNAME_FAILURE_LIMIT = 5
    guess(Client(REMOTE_ADDR="198.51.100.1"), "alice", 5)
    sneaky = Client(REMOTE_ADDR="198.51.100.2")
    response = sneaky.post("/accounts/login/", {"username": "al\u0131ce", "password": PASSWORD})
    assert response.status_code == 429
