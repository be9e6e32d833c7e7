"""The benchmark's database ceilings read what the API list and ticket read, bare.

They are routed only with HELPDESK_BENCH=True (tests/project/test_bench_instrumentation.py
checks the routing); here the views are called directly.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIRequestFactory

from accounts.services import create_api_token
from helpdesk.instrumentation import DatabaseCeilingList, DatabaseCeilingRow
from tests.api.conftest import token_client
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def get(view, user, path: str = "/", **kwargs):
    raw = user if isinstance(user, str) else create_api_token(user=user, name="bench")[1]
    request = APIRequestFactory().get(path, HTTP_AUTHORIZATION=f"Token {raw}")
    response = view.as_view()(request, **kwargs)
    if hasattr(response, "render"):
        response.render()
    return response


def test_a_page_is_the_api_lists_tickets_as_the_api_shows_them(agent, reporter):
    for n in range(3):
        make_ticket(reporter, subject=f"Printer {n}")
    api = token_client(agent).get("/api/v1/tickets/").json()["results"]

    page = get(DatabaseCeilingList, agent).data["results"]

    assert [t["id"] for t in page] == [t["id"] for t in api]
    for ours, theirs in zip(page, api, strict=True):
        assert set(ours) == set(theirs)
        assert ours["reporter"] == theirs["reporter"]
        assert ours["allowed_transitions"] == theirs["allowed_transitions"]


def test_an_end_user_reads_only_their_own(reporter, other_user):
    mine = make_ticket(reporter)
    make_ticket(other_user)

    page = get(DatabaseCeilingList, reporter).data["results"]

    assert [t["id"] for t in page] == [mine.pk]


def test_pages_follow_each_other_by_keyset(agent, reporter):
    made = [make_ticket(reporter).pk for _ in range(27)]

    first = get(DatabaseCeilingList, agent).data
    after = first["next"].split("?", 1)[1]
    second = get(DatabaseCeilingList, agent, f"/?{after}").data

    seen = [t["id"] for t in first["results"] + second["results"]]
    assert sorted(seen) == sorted(made)
    assert second["next"] is None


def test_each_costs_two_queries(agent, reporter, django_assert_num_queries):
    ticket = make_ticket(reporter)
    _, raw = create_api_token(user=agent, name="bench")

    # Expect 2 each: the token with its user, the page (or the row).
    with django_assert_num_queries(2):
        get(DatabaseCeilingList, raw)
    with django_assert_num_queries(2):
        get(DatabaseCeilingRow, raw, pk=ticket.pk)


def test_a_row_is_found_by_id_and_hidden_from_others(reporter, other_user):
    ticket = make_ticket(reporter)

    assert get(DatabaseCeilingRow, reporter, pk=ticket.pk).data["id"] == ticket.pk
    assert get(DatabaseCeilingRow, other_user, pk=ticket.pk).status_code == 404


def test_a_wrong_token_is_refused():
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION="Token nope")

    assert DatabaseCeilingList.as_view()(request).status_code == 401
