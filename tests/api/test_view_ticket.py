"""Viewing one ticket: GET /api/v1/tickets/{id}/, with its ETag."""

from __future__ import annotations

import pytest

from tests.api.conftest import problem, ticket_url
from tests.factories import make_ticket
from tickets import services


def test_the_reporter_sees_their_ticket_with_its_etag(as_reporter, ticket, reporter):
    response = as_reporter.get(ticket_url(ticket))

    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    body = response.json()
    assert body["id"] == ticket.pk
    assert body["url"] == f"http://testserver{ticket_url(ticket)}"
    assert body["reporter"] == {"id": reporter.pk, "username": "alice"}
    assert set(body) == {
        "id",
        "url",
        "subject",
        "description",
        "status",
        "priority",
        "reporter",
        "assignee",
        "created_at",
        "updated_at",
        "resolved_at",
        "closed_at",
        "version",
        "allowed_transitions",
        "attachments",
    }
    assert body["attachments"] == []


def test_staff_see_any_ticket_and_their_own_transitions(as_agent, ticket, agent):
    services.modify_ticket(actor=agent, ticket=ticket, assignee=agent)

    response = as_agent.get(ticket_url(ticket))

    assert response.status_code == 200
    body = response.json()
    assert body["assignee"] == {"id": agent.pk, "username": "sam"}
    assert body["allowed_transitions"] == ["open", "pending", "resolved", "closed"]
    assert response["ETag"] == '"2"'


def test_another_user_gets_404(as_other_user, ticket):
    problem(as_other_user.get(ticket_url(ticket)), 404, "not_found")


def test_a_missing_ticket_is_404(as_agent):
    problem(as_agent.get(ticket_url(987654)), 404, "not_found")


@pytest.mark.parametrize(
    "junk", ["abc", "1.5", "-1", "0", "007", "1e3", "99999999999999999999999", "%00"]
)
def test_a_malformed_id_is_404(as_agent, junk):
    problem(as_agent.get(f"/api/v1/tickets/{junk}/"), 404, "not_found")


def test_it_requires_credentials(anon, ticket):
    problem(anon.get(ticket_url(ticket)), 401, "not_authenticated")


@pytest.mark.parametrize("method", ["put", "delete", "post"])
def test_it_rejects_other_methods(as_reporter, ticket, method):
    response = getattr(as_reporter, method)(ticket_url(ticket), {})

    problem(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, PATCH, HEAD, OPTIONS"


def test_if_none_match_with_the_current_etag_is_304(as_reporter, ticket):
    response = as_reporter.get(ticket_url(ticket), HTTP_IF_NONE_MATCH='"1"')

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == '"1"'


def test_if_none_match_with_an_old_etag_gets_the_ticket(as_reporter, ticket, reporter):
    services.modify_ticket(actor=reporter, ticket=ticket, subject="Still on fire")

    response = as_reporter.get(ticket_url(ticket), HTTP_IF_NONE_MATCH='"1", W/"0"')

    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert response.json()["subject"] == "Still on fire"


def test_answers_are_not_kept_by_shared_caches(as_reporter, ticket):
    response = as_reporter.get(ticket_url(ticket))

    assert "private" in response["Cache-Control"]
    assert "no-cache" in response["Cache-Control"]


def test_it_runs_two_queries(as_agent, agent, reporter, django_assert_num_queries):
    ticket = make_ticket(reporter, assignee=agent)
    as_agent.get("/api/v1/me/")  # records the token's last use, at most once a minute

    # Expect 2 queries: the token with its user, the ticket with reporter and assignee.
    with django_assert_num_queries(2):
        response = as_agent.get(ticket_url(ticket))

    assert response.status_code == 200
