from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains, assertRedirects

pytestmark = pytest.mark.django_db


def test_visitors_learn_what_the_helpdesk_is_and_how_to_join(client, django_assert_num_queries):
    # Expect no queries: an anonymous visitor has no session to load.
    with django_assert_num_queries(0):
        response = client.get("/")
    assertContains(response, "<title>Get help from the people who can fix it · Helpdesk</title>")
    assertContains(response, 'href="/accounts/signup/"')
    assertContains(response, 'href="/accounts/login/"')


def test_signed_in_users_go_to_their_tickets(as_reporter):
    assertRedirects(as_reporter.get("/"), "/tickets/")


def test_it_rejects_post(client):
    assert client.post("/").status_code == 405
