"""API tokens kept in the shared cache: one query fewer per request, never a stale answer.

With API_TOKEN_CACHE_SECONDS (on by default with REDIS_URL) a token found is kept in
the cache; any change to a user or a token makes every kept token stale at once
(accounts.token_cache). The test process shares one memory cache, as app
processes share Redis.
"""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from accounts import services, token_cache
from accounts.models import ApiToken, User, hash_token
from tests.api.conftest import ticket_url, token_client
from tests.factories import PASSWORD, make_ticket

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


@pytest.fixture(autouse=True)
def _token_cache(settings):
    settings.API_TOKEN_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_a_kept_token_saves_the_query_for_it(as_reporter, reporter, django_assert_num_queries):
    ticket = make_ticket(reporter)
    as_reporter.get(ME)  # found in the database, its last use recorded, kept

    # Expect 1: the ticket (the token comes from the cache).
    with django_assert_num_queries(1):
        response = as_reporter.get(ticket_url(ticket))

    assert response.status_code == 200
    assert response.json()["id"] == ticket.pk


def test_the_first_request_reads_the_database(as_reporter, django_assert_num_queries):
    # Expect 2: the token with its user, and the UPDATE of its last use.
    with django_assert_num_queries(2):
        assert as_reporter.get(ME).status_code == 200


def test_a_revoked_token_stops_working_at_once(as_reporter, reporter):
    assert as_reporter.get(ME).status_code == 200
    token = ApiToken.objects.get(user=reporter)

    services.revoke_api_token(user=reporter, token_id=token.pk)

    assert as_reporter.get(ME).status_code == 401


def test_revoking_all_tokens_stops_them_at_once(as_reporter, reporter):
    assert as_reporter.get(ME).status_code == 200

    services.revoke_all_api_tokens(user=reporter)

    assert as_reporter.get(ME).status_code == 401


def test_a_new_password_stops_the_tokens_at_once(as_reporter, reporter):
    assert as_reporter.get(ME).status_code == 200
    user = User.objects.get(pk=reporter.pk)

    user.set_password("a-brand-new-passphrase-18")
    user.save()

    assert as_reporter.get(ME).status_code == 401


def test_a_deactivated_user_is_refused_at_once(as_reporter, reporter):
    assert as_reporter.get(ME).status_code == 200

    reporter.is_active = False
    reporter.save()

    assert as_reporter.get(ME).status_code == 401


def test_a_deleted_user_is_refused_at_once(as_other_user, other_user):
    assert as_other_user.get(ME).status_code == 200

    other_user.delete()

    assert as_other_user.get(ME).status_code == 401


def test_staff_who_stop_being_staff_see_only_their_own_at_once(as_agent, agent, reporter):
    theirs = make_ticket(reporter)
    assert as_agent.get(ticket_url(theirs)).status_code == 200

    services.set_staff(user=agent, is_staff=False)

    assert as_agent.get(ticket_url(theirs)).status_code == 404
    assert as_agent.get("/api/v1/staff/").status_code == 403


def test_a_new_email_address_shows_at_once(as_reporter, reporter):
    assert as_reporter.get(ME).json()["email"] == "alice@example.com"

    reporter.email = "alice@new.example.com"
    reporter.save()

    assert as_reporter.get(ME).json()["email"] == "alice@new.example.com"


def test_a_change_of_groups_makes_kept_tokens_stale(as_reporter, reporter):
    assert as_reporter.get(ME).status_code == 200
    before = token_cache.generation()

    reporter.groups.add(Group.objects.create(name="Auditors"))

    assert token_cache.generation() != before


def test_a_sign_in_on_the_web_keeps_working_tokens_working(as_reporter):
    assert as_reporter.get(ME).status_code == 200

    Client().post("/accounts/login/", {"username": "alice", "password": PASSWORD})

    assert as_reporter.get(ME).status_code == 200


def test_an_unknown_key_is_not_kept(anon, reporter):
    anon.credentials(HTTP_AUTHORIZATION="Token hd_not-a-token")

    assert anon.get(ME).status_code == 401
    assert cache.get(token_cache.scoped(token_cache.PREFIX + hash_token("hd_not-a-token"))) is None


def test_a_token_read_before_a_change_is_not_kept_as_current(reporter):
    _, raw = services.create_api_token(user=reporter, name="Script")
    key_hash = hash_token(raw)
    # A request reads the generation, then the token from the database ...
    _, generation = token_cache.lookup(key_hash)
    token = ApiToken.objects.select_related("user").get(key_hash=key_hash)
    # ... while another process deactivates the user and commits ...
    reporter.is_active = False
    reporter.save()
    # ... then keeps what it read, under the generation it read first.
    token_cache.keep(key_hash, token, generation)

    assert token_cache.lookup(key_hash)[0] is None
    assert services.authenticate_api_token(raw) is None


def test_the_last_use_is_still_recorded_once_a_minute(as_reporter, reporter):
    as_reporter.get(ME)
    later = timezone.now() + timedelta(minutes=2)

    with mock.patch("accounts.services.timezone.now", return_value=later):
        assert as_reporter.get(ME).status_code == 200

    assert ApiToken.objects.get(user=reporter).last_used_at == later


def test_tokens_of_each_user_are_their_own(reporter, other_user):
    mine, theirs = token_client(reporter), token_client(other_user)

    for _ in range(2):
        assert mine.get(ME).json()["username"] == reporter.username
        assert theirs.get(ME).json()["username"] == other_user.username


def test_it_is_off_without_a_setting(settings, as_reporter, reporter, django_assert_num_queries):
    settings.API_TOKEN_CACHE_SECONDS = 0
    ticket = make_ticket(reporter)
    as_reporter.get(ME)

    # Expect 2: the token with its user, the ticket.
    with django_assert_num_queries(2):
        as_reporter.get(ticket_url(ticket))
