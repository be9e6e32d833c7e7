from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains, assertRedirects

from tests.factories import make_ticket
from tickets import services
from tickets.models import Message, Ticket
from tickets.timeline import micros

pytestmark = pytest.mark.django_db


def page_state(ticket: Ticket) -> dict:
    """The hidden fields of a page loaded now."""
    return {"version": ticket.version, "seen": micros(ticket.updated_at)}


def reply(client, ticket, body="Any news?", **state):
    data = {"body": body, **page_state(ticket), **state}
    return client.post(f"/tickets/{ticket.pk}/reply/", data)


def test_the_reporter_replies_and_sees_it_posted(as_reporter, reporter, ticket):
    response = reply(as_reporter, ticket, body="It happens again\nevery hour")
    message = Message.objects.get()
    assert (message.author, message.body, message.is_internal) == (
        reporter,
        "It happens again\nevery hour",
        False,
    )
    assertRedirects(
        response, f"/tickets/{ticket.pk}/#message-{message.pk}", fetch_redirect_response=False
    )
    page = as_reporter.get(response.url)
    assertContains(page, "Your reply was posted.")
    assertContains(page, "It happens again<br>every hour")


def test_an_empty_reply_is_refused_next_to_the_field(as_reporter, ticket):
    response = reply(as_reporter, ticket, body="")
    assert response.status_code == 200
    assertContains(response, '<ul class="errorlist" id="id_body_error">')
    assert not Message.objects.exists()


def test_a_blank_reply_is_refused_by_the_service_next_to_the_field(as_reporter, ticket):
    response = reply(as_reporter, ticket, body="   ")
    assertContains(response, "Message is required.")
    assertContains(response, '<ul class="errorlist" id="id_body_error">')
    assert not Message.objects.exists()


def test_a_too_long_reply_is_refused_and_kept(as_reporter, ticket):
    response = reply(as_reporter, ticket, body="x" * 20_001)
    assertContains(response, '<ul class="errorlist" id="id_body_error">')
    assertContains(response, "x" * 20_001)
    assert not Message.objects.exists()


def test_replying_to_a_solved_ticket_reopens_it(as_reporter, reporter):
    ticket = make_ticket(reporter, status="resolved")
    response = reply(as_reporter, ticket, body="Still broken")
    assert Ticket.objects.get(pk=ticket.pk).status == "open"
    assertContains(
        as_reporter.get(response.url), "Your reply was posted and the ticket is open again."
    )


def test_a_reply_from_a_stale_page_is_posted_and_says_what_changed(as_reporter, reporter, agent):
    ticket = make_ticket(reporter)
    state = page_state(ticket)  # Alice loads the page...
    services.post_message(actor=agent, ticket=ticket, body="Can you restart it?")
    services.change_status(actor=agent, ticket=ticket, status="pending")
    # ...and replies after Sam answered and changed the status.
    response = reply(as_reporter, ticket, body="Restarted already", **state)

    assert list(Message.objects.values_list("body", flat=True)) == [
        "Can you restart it?",
        "Restarted already",
    ]
    mine = Message.objects.get(body="Restarted already")
    assert response.url == f"/tickets/{ticket.pk}/?since={state['seen']}#message-{mine.pk}"
    page = as_reporter.get(response.url)
    assertContains(
        page,
        "Your reply was posted. The ticket changed while you were writing: Sam replied; "
        "Sam changed the status from New to Waiting on you. New items are marked below.",
    )
    new = [entry for entry in page.context["timeline"] if entry.is_new]
    assert [entry.message.body if entry.message else entry.text for entry in new] == [
        "Can you restart it?",
        "Sam changed the status from New to Waiting on you",
    ]


def test_a_reply_from_an_up_to_date_page_says_nothing_changed(as_reporter, ticket):
    response = reply(as_reporter, ticket)
    page = as_reporter.get(response.url)
    assertContains(page, "Your reply was posted.")
    assert "changed while you were writing" not in page.content.decode()


def test_a_closed_ticket_takes_no_reply(as_reporter, reporter):
    ticket = make_ticket(reporter, status="closed")
    response = reply(as_reporter, ticket)
    assertRedirects(response, f"/tickets/{ticket.pk}/", fetch_redirect_response=False)
    assertContains(as_reporter.get(response.url), "This ticket is closed, so it takes no more")
    assert not Message.objects.exists()


def test_someone_elses_ticket_is_not_found(as_other_user, ticket):
    assert reply(as_other_user, ticket).status_code == 404
    assert not Message.objects.exists()


def test_it_rejects_get(as_reporter, ticket):
    assert as_reporter.get(f"/tickets/{ticket.pk}/reply/").status_code == 405


def test_anonymous_callers_are_sent_to_sign_in(client, ticket):
    response = reply(client, ticket)
    assertRedirects(
        response,
        f"/accounts/login/?next=/tickets/{ticket.pk}/reply/",
        fetch_redirect_response=False,
    )
    assert not Message.objects.exists()
