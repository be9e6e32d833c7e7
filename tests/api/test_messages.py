"""The conversation: GET and POST /api/v1/tickets/{id}/messages/."""

from __future__ import annotations

import pytest

from tests.api.conftest import messages_url, problem, ticket_url
from tests.factories import make_ticket
from tickets import services
from tickets.models import Message, Ticket


@pytest.fixture
def conversation(ticket, reporter, agent):
    """Alice asks, Sam notes internally, Sam answers."""
    services.post_message(actor=reporter, ticket=ticket, body="Any news?")
    services.post_message(actor=agent, ticket=ticket, body="Toner vendor again", is_internal=True)
    services.post_message(actor=agent, ticket=ticket, body="On our way.")
    return ticket


def bodies(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [m["body"] for m in response.json()["results"]]


def test_the_reporter_reads_the_conversation_oldest_first_without_internal_notes(
    as_reporter, conversation, reporter
):
    response = as_reporter.get(messages_url(conversation))

    assert bodies(response) == ["Any news?", "On our way."]
    first = response.json()["results"][0]
    assert first["author"] == {"id": reporter.pk, "username": "alice"}
    assert first["is_internal"] is False
    assert set(first) == {"id", "author", "body", "is_internal", "created_at", "attachments"}


def test_staff_read_internal_notes_too(as_agent, conversation):
    response = as_agent.get(messages_url(conversation))

    assert bodies(response) == ["Any news?", "Toner vendor again", "On our way."]
    assert [m["is_internal"] for m in response.json()["results"]] == [False, True, False]


def test_the_conversation_comes_in_pages(as_agent, ticket, agent):
    for n in range(5):
        services.post_message(actor=agent, ticket=ticket, body=f"m{n}")

    first = as_agent.get(messages_url(ticket), {"page_size": 3}).json()
    second = as_agent.get(first["next"]).json()

    assert [m["body"] for m in first["results"] + second["results"]] == [f"m{n}" for n in range(5)]
    assert second["next"] is None


def test_reading_costs_three_queries(as_agent, conversation, django_assert_num_queries):
    as_agent.get("/api/v1/me/")

    # Expect 3 queries: the token with its user, the ticket, a page of messages with authors.
    with django_assert_num_queries(3):
        as_agent.get(messages_url(conversation))


def test_the_reporter_posts_a_message(as_reporter, ticket, reporter):
    response = as_reporter.post(messages_url(ticket), {"body": "It is still smoking."})

    assert response.status_code == 201
    body = response.json()
    assert body["body"] == "It is still smoking."
    assert body["author"] == {"id": reporter.pk, "username": "alice"}
    assert body["is_internal"] is False
    assert Message.objects.get().ticket == ticket


def test_staff_post_an_internal_note(as_agent, ticket):
    response = as_agent.post(
        messages_url(ticket), {"body": "Vendor ticket 42", "is_internal": True}
    )

    assert response.status_code == 201
    assert response.json()["is_internal"] is True


def test_the_reporter_may_not_post_an_internal_note(as_reporter, ticket):
    response = as_reporter.post(messages_url(ticket), {"body": "Secret", "is_internal": True})

    problem(response, 403, "not_allowed")
    assert not Message.objects.exists()


def test_a_reply_from_the_reporter_reopens_a_pending_ticket(as_reporter, reporter):
    ticket = make_ticket(reporter, status="pending")

    as_reporter.post(messages_url(ticket), {"body": "Here is the log."})

    assert Ticket.objects.get(pk=ticket.pk).status == "open"


def test_a_closed_ticket_takes_no_messages(as_reporter, reporter):
    ticket = make_ticket(reporter, status="closed")

    problem(as_reporter.post(messages_url(ticket), {"body": "Hello?"}), 409, "ticket_closed")
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"body": ""},
        {"body": "   "},
        {"body": "x" * 20_001},
        {"body": 5},
        {"body": "nul\x00"},
        {"body": "ok", "is_internal": "yes"},
        {"body": "ok", "is_internal": 1},
        {"body": "ok", "is_internal": None},
    ],
)
def test_bad_messages_are_400_and_nothing_is_written(as_agent, ticket, body):
    problem(as_agent.post(messages_url(ticket), body), 400, "invalid")
    assert not Message.objects.exists()


def test_if_match_guards_against_replying_to_a_stale_ticket(as_reporter, ticket, agent):
    etag = as_reporter.get(ticket_url(ticket))["ETag"]
    services.change_status(actor=agent, ticket=ticket, status="resolved")

    response = as_reporter.post(messages_url(ticket), {"body": "Thanks"}, HTTP_IF_MATCH=etag)

    problem(response, 412, "stale_version")
    assert not Message.objects.exists()


def test_if_match_with_the_current_etag_posts(as_reporter, ticket):
    response = as_reporter.post(messages_url(ticket), {"body": "Thanks"}, HTTP_IF_MATCH='"1"')

    assert response.status_code == 201


def test_another_user_gets_404_both_ways(as_other_user, conversation):
    problem(as_other_user.get(messages_url(conversation)), 404, "not_found")
    problem(as_other_user.post(messages_url(conversation), {"body": "Hi"}), 404, "not_found")
    assert Message.objects.count() == 3


def test_a_missing_ticket_is_404(as_agent):
    problem(as_agent.get(messages_url(987654)), 404, "not_found")
    problem(as_agent.post(messages_url(987654), {"body": "Hi"}), 404, "not_found")


def test_it_requires_credentials(anon, conversation):
    problem(anon.get(messages_url(conversation)), 401, "not_authenticated")
    problem(anon.post(messages_url(conversation), {"body": "Hi"}), 401, "not_authenticated")


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_it_rejects_other_methods(as_reporter, ticket, method):
    problem(getattr(as_reporter, method)(messages_url(ticket)), 405, "method_not_allowed")


def test_a_reply_that_reopens_costs_five_statements(as_reporter, reporter, assert_statements):
    ticket = make_ticket(reporter, status="resolved")
    as_reporter.get("/api/v1/me/")  # records the token's last use, at most once a minute

    # Expect 5: the token with its user, the ticket locked, INSERT the message,
    # UPDATE the ticket (reopened), one INSERT of both events.
    with assert_statements(5):
        response = as_reporter.post(messages_url(ticket), {"body": "Broken again"})

    assert response.status_code == 201
