from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains

pytestmark = pytest.mark.django_db


def test_it_shows_who_i_am_and_where_to_manage_my_account(as_reporter, django_assert_num_queries):
    # Expect 2 queries: the session and the user.
    with django_assert_num_queries(2):
        response = as_reporter.get("/accounts/")
    assertContains(response, "<title>Your account · Helpdesk</title>")
    assertContains(response, "alice@example.com")
    assertContains(response, 'href="/accounts/password/"')
    assertContains(response, 'href="/accounts/api-tokens/"')


def test_it_rejects_post(as_reporter):
    assert as_reporter.post("/accounts/").status_code == 405
