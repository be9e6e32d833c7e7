"""Signed-in pages read the session and the user from the shared cache, never a stale one.

Every page a signed-in person opens read their session and then their user
from the database: two of the web list's four queries, a fifth of its time
(docs/BENCHMARKS.md). With the shared cache on (API_TOKEN_CACHE_SECONDS, on by
default with REDIS_URL), both are kept there under the same generation as the
API tokens (accounts.token_cache; the session by accounts.sessions, the user by
accounts.backends), which any change to a session or a user makes stale at
once. The test process shares one memory cache, as app processes
share Redis.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.cache import cache, caches
from django.test import Client

from accounts import services, token_cache
from tests.factories import PASSWORD, make_ticket

pytestmark = pytest.mark.django_db

MY_TICKETS = "/tickets/"


@pytest.fixture(autouse=True)
def _shared_cache(settings):
    settings.API_TOKEN_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def signed_in(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def test_a_page_reads_neither_session_nor_user_from_the_database_again(
    reporter, django_assert_num_queries
):
    make_ticket(reporter)
    client = signed_in("alice")
    client.get(MY_TICKETS)  # the first visit keeps them

    # Expect 2: the tabs' counts and the page of tickets.
    with django_assert_num_queries(2):
        response = client.get(MY_TICKETS)

    assert response.status_code == 200
    assert b"alice" in response.content


def test_without_the_shared_cache_both_are_read_every_time(
    settings, reporter, django_assert_num_queries
):
    settings.API_TOKEN_CACHE_SECONDS = 0
    make_ticket(reporter)
    client = signed_in("alice")
    client.get(MY_TICKETS)

    # Expect 4: the session, the user, the tabs' counts and the page.
    with django_assert_num_queries(4):
        assert client.get(MY_TICKETS).status_code == 200


def test_signing_out_ends_the_kept_session(reporter):
    client = signed_in("alice")
    assert client.get(MY_TICKETS).status_code == 200
    stolen = Client()
    stolen.cookies = client.cookies  # the same cookie, as someone who copied it

    client.post("/accounts/logout/")

    response = stolen.get(MY_TICKETS)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_page_read_while_its_owner_signs_out_does_not_keep_the_session(reporter):
    client = signed_in("alice")
    session_key = client.cookies["sessionid"].value
    # A page reads the generation, then the session from the database ...
    _, generation = token_cache.lookup_session(session_key)
    data = Session.objects.get(session_key=session_key).get_decoded()
    # ... while its owner signs out in another tab ...
    client.post("/accounts/logout/")
    # ... then keeps what it read, under the generation it read first.
    token_cache.keep_session(session_key, data, generation, 300)

    stolen = Client()
    stolen.cookies["sessionid"] = session_key
    assert stolen.get(MY_TICKETS).status_code == 302


def test_a_new_password_set_elsewhere_signs_the_other_sessions_out(reporter):
    client = signed_in("alice")
    assert client.get(MY_TICKETS).status_code == 200

    reporter.set_password("a-brand-new-passphrase-18")
    reporter.save()

    assert client.get(MY_TICKETS).status_code == 302


def test_a_deactivated_user_is_signed_out_at_once(reporter):
    client = signed_in("alice")
    assert client.get(MY_TICKETS).status_code == 200

    reporter.is_active = False
    reporter.save()

    assert client.get(MY_TICKETS).status_code == 302
    assert client.get(MY_TICKETS).status_code == 302  # and not let back in from the cache


def test_staff_who_stop_being_staff_lose_the_console_at_once(agent):
    client = signed_in(agent.username)
    assert client.get("/admin/tickets/ticket/").status_code == 200

    services.set_staff(user=agent, is_staff=False)

    assert client.get("/admin/tickets/ticket/").status_code == 302


def test_a_new_language_shows_at_once(reporter):
    client = signed_in("alice")
    assert client.get(MY_TICKETS).headers.get("Content-Language") != "de"

    reporter.language = "de"
    reporter.save()

    response = client.get(MY_TICKETS)
    assert response.headers["Content-Language"] == "de"
    assert "Meine Tickets" in response.content.decode()


def test_each_person_sees_their_own_name(reporter, other_user):
    alice, bob = signed_in("alice"), signed_in(other_user.username)

    for _ in range(2):
        assert b'class="account-name">alice<' in alice.get(MY_TICKETS).content
        assert b'class="account-name">alice<' not in bob.get(MY_TICKETS).content


def test_sessions_from_before_keep_their_sign_in(reporter):
    # Signed in before this cache, under Django's own backend's name.
    client = signed_in("alice")
    session = Session.objects.get()
    data = session.get_decoded()
    data[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    Session.objects.filter(pk=session.pk).update(session_data=Session.objects.encode(data))
    cache.clear()

    assert client.get(MY_TICKETS).status_code == 200


def test_the_cache_never_holds_a_session_key_to_sign_in_with(reporter):
    client = signed_in("alice")
    client.get(MY_TICKETS)
    session_key = client.cookies["sessionid"].value

    kept = list(cache._cache)  # the memory cache's own keys, as Redis's KEYS would list them
    assert any(token_cache.SESSION_PREFIX in key for key in kept)
    assert not any(session_key in key for key in kept)


def test_a_cookie_of_any_length_is_refused_without_a_warning(reporter, recwarn):
    client = Client()
    client.cookies["sessionid"] = "x" * 300

    response = client.get(MY_TICKETS)

    assert response.status_code == 302
    assert not [w for w in recwarn if "CacheKeyWarning" in type(w.message).__name__]


def test_async_reads_go_through_the_cache_and_its_generation(reporter):
    from asgiref.sync import async_to_sync

    from accounts.sessions import SessionStore

    client = signed_in("alice")
    client.get(MY_TICKETS)  # kept
    session_key = client.cookies["sessionid"].value
    store = SessionStore(session_key)
    assert async_to_sync(store.aload)()["_auth_user_id"] == str(reporter.pk)

    async_to_sync(SessionStore(session_key).adelete)()

    assert client.get(MY_TICKETS).status_code == 302


def test_the_generation_is_set_again_once_the_change_commits(
    reporter, django_capture_on_commit_callbacks
):
    # A page reading the old row between the change and its commit keeps it
    # under the generation set before the change; the one set after makes it stale.
    with django_capture_on_commit_callbacks(execute=True):
        reporter.is_active = False
        reporter.save()
        during = token_cache.generation()
    assert token_cache.generation() != during


def test_what_anyone_can_do_without_signing_in_leaves_the_kept_entries_alone(reporter, client):
    alice = signed_in("alice")
    alice.get(MY_TICKETS)
    generation = token_cache.generation()

    client.get("/accounts/login/")
    for _ in range(3):
        client.post("/accounts/logout/")
        client.post("/accounts/language/", {"language": "de", "next": "/"})
    client.post("/accounts/signup/", {"username": "mallory", "email": "m@example.com"})

    assert token_cache.generation() == generation


def test_signing_in_leaves_the_others_kept_entries_alone(reporter, other_user):
    alice = signed_in("alice")
    alice.get(MY_TICKETS)
    generation = token_cache.generation()

    signed_in(other_user.username).get(MY_TICKETS)

    assert token_cache.generation() == generation


@pytest.fixture
def cache_refuses_the_generation(monkeypatch):
    backend = caches["default"]
    set_value = backend.set

    def refusing(key, *args, **kwargs):
        if key == token_cache.scoped(token_cache.GENERATION):
            raise ConnectionError("the cache refuses writes")
        return set_value(key, *args, **kwargs)

    return lambda: monkeypatch.setattr(backend, "set", refusing)


def test_a_stale_session_the_cache_cannot_end_answers_try_again(
    reporter, cache_refuses_the_generation
):
    client = signed_in("alice")
    client.raise_request_exception = False
    client.get(MY_TICKETS)
    reporter.set_password("a-brand-new-passphrase-18")
    reporter.save()
    cache_refuses_the_generation()

    # Django ends the session in the authentication middleware, before any view.
    response = client.get(MY_TICKETS)

    assert response.status_code == 503
    assert response["Retry-After"]
    assert "Nothing was changed" in response.content.decode()
    assert Session.objects.exists()


def test_a_language_the_cache_cannot_announce_is_not_saved(reporter, cache_refuses_the_generation):
    client = signed_in("alice")
    cache_refuses_the_generation()

    response = client.post("/accounts/language/", {"language": "de", "next": "/"})

    assert response.status_code == 503
    reporter.refresh_from_db()
    assert reporter.language != "de"


def test_two_databases_sharing_one_cache_do_not_read_each_others_users(reporter, monkeypatch):
    from django.db import connections

    client = signed_in("alice")
    client.get(MY_TICKETS)  # alice kept, as user 1 of this database
    assert token_cache.lookup_user(reporter.pk)[0] == reporter

    monkeypatch.setitem(connections["default"].settings_dict, "NAME", "another_helpdesk")

    assert token_cache.lookup_user(reporter.pk)[0] is None


def test_a_console_page_reads_neither_session_user_nor_permissions_again(
    agent, django_assert_num_queries
):
    client = signed_in(agent.username)
    client.get("/admin/tickets/ticket/")  # keeps the session, the user and their permissions

    # Expect 3: the page's bounded count, the page, the tabs' counts (the
    # assignee filter's staff are kept too: tickets.admin.filters).
    with django_assert_num_queries(3):
        assert client.get("/admin/tickets/ticket/").status_code == 200


def test_permissions_taken_away_are_gone_at_once(agent):
    from django.contrib.auth.models import Group

    client = signed_in(agent.username)
    assert client.get("/admin/tickets/ticket/").status_code == 200

    for group in Group.objects.all():
        group.user_set.remove(agent)
    agent.user_permissions.clear()

    assert client.get("/admin/tickets/ticket/").status_code == 403
