from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PAGES_FOR_MEMBERS = [
    "/tickets/",
    "/tickets/new/",
    "/tickets/1/",
    "/tickets/1/edit/",
    "/accounts/",
    "/accounts/password/",
    "/accounts/api-tokens/",
]


def test_a_user_signs_in_and_lands_on_their_tickets(client, reporter):
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assertRedirects(response, "/tickets/", fetch_redirect_response=False)
    assert client.get("/tickets/").context["user"] == reporter


def test_sign_in_ignores_the_case_of_the_username(client, reporter):
    response = client.post("/accounts/login/", {"username": "ALICE", "password": PASSWORD})
    assertRedirects(response, "/tickets/", fetch_redirect_response=False)


def test_a_wrong_password_is_refused_and_the_username_kept(client, reporter):
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assertContains(response, "That username and password do not match.")
    assertContains(response, 'value="alice"')
    assert not response.context["user"].is_authenticated


def test_it_returns_to_the_page_that_asked_for_sign_in(client, reporter):
    response = client.post(
        "/accounts/login/?next=/tickets/new/",
        {"username": "alice", "password": PASSWORD, "next": "/tickets/new/"},
    )
    assertRedirects(response, "/tickets/new/", fetch_redirect_response=False)


def test_it_does_not_send_users_to_other_sites(client, reporter):
    response = client.post(
        "/accounts/login/",
        {"username": "alice", "password": PASSWORD, "next": "https://evil.example.com/"},
    )
    assertRedirects(response, "/tickets/", fetch_redirect_response=False)


@pytest.mark.parametrize("url", PAGES_FOR_MEMBERS)
def test_pages_for_members_ask_anonymous_visitors_to_sign_in(client, url):
    assertRedirects(client.get(url), f"/accounts/login/?next={url}", fetch_redirect_response=False)


def test_signed_in_users_skip_the_sign_in_page(as_reporter):
    assertRedirects(as_reporter.get("/accounts/login/"), "/tickets/", fetch_redirect_response=False)


def test_sign_out_ends_the_session_and_says_so(as_reporter):
    response = as_reporter.post("/accounts/logout/", follow=True)
    assertRedirects(response, "/")
    assertContains(response, "You have been signed out.")
    assert not response.context["user"].is_authenticated
    assertRedirects(as_reporter.get("/tickets/"), "/accounts/login/?next=/tickets/")


def test_sign_out_is_post_only(as_reporter):
    assert as_reporter.get("/accounts/logout/").status_code == 405
    assert as_reporter.get("/tickets/").status_code == 200


def test_the_menu_signs_out_with_a_form(as_reporter):
    response = as_reporter.get("/tickets/")
    assertContains(response, '<form method="post" action="/accounts/logout/">')


def test_staff_see_a_link_to_the_staff_console(as_agent):
    assertContains(as_agent.get("/tickets/"), 'href="/admin/"')


def test_end_users_see_no_link_to_the_staff_console(as_reporter):
    assertNotContains(as_reporter.get("/tickets/"), 'href="/admin/"')


@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/accounts/password/reset/", "/accounts/password/reset/sent/"]
)
def test_the_sign_in_and_reset_pages_reject_other_methods(client, url):
    assert client.put(url).status_code == 405
