from __future__ import annotations

import re

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import make_ticket
from tickets import services

pytestmark = pytest.mark.django_db


def timeline(response) -> list[tuple[str, str]]:
    """The timeline as (kind, text) pairs: "message" with the body, "event" with the sentence."""
    return [
        ("message", entry.message.body) if entry.message else ("event", entry.text)
        for entry in response.context["timeline"]
    ]


def test_it_shows_the_ticket_and_its_facts(as_reporter, reporter, agent):
    ticket = make_ticket(reporter, subject="VPN drops", priority="high", assignee=agent)
    response = as_reporter.get(f"/tickets/{ticket.pk}/")
    assertContains(response, f"<title>#{ticket.pk} VPN drops · Helpdesk</title>")
    assertContains(response, "<h1>VPN drops</h1>")
    assertContains(response, '<span class="badge badge-new">')
    assertContains(response, "<dt>Priority</dt>")
    assertContains(response, '<span class="priority priority-high">High</span>')
    assertContains(response, "<dt>Reported by</dt><dd>You</dd>")
    assertContains(response, "<dt>Assigned to</dt><dd>Sam</dd>")
    assertContains(response, "<dt>Created</dt>")


def test_the_timeline_merges_messages_and_status_changes_oldest_first(as_reporter, reporter, agent):
    ticket = make_ticket(reporter)
    services.post_message(actor=agent, ticket=ticket, body="Can you send a screenshot?")
    services.change_status(actor=agent, ticket=ticket, status="pending")
    services.post_message(actor=reporter, ticket=ticket, body="Here it is.")
    response = as_reporter.get(f"/tickets/{ticket.pk}/")
    assert timeline(response) == [
        ("message", "Can you send a screenshot?"),
        ("event", "Sam changed the status from New to Waiting on you"),
        ("message", "Here it is."),
        ("event", "You changed the status from Waiting on you to Open"),
    ]
    # Staff replies are marked as such; the reporter's are not.
    assertContains(response, '<span class="tag tag-staff">Staff</span>', count=2)
    html = response.content.decode()
    assert re.search(r'entry-message entry-staff".*?Can you send a screenshot', html, re.S)


def test_assignment_priority_and_edits_appear_in_the_timeline(
    as_reporter, reporter, agent, other_agent
):
    ticket = make_ticket(reporter)
    services.modify_ticket(actor=agent, ticket=ticket, assignee=agent, priority="urgent")
    services.modify_ticket(actor=reporter, ticket=ticket, description="Now with details")
    services.modify_ticket(actor=agent, ticket=ticket, assignee=other_agent)
    services.modify_ticket(actor=agent, ticket=ticket, assignee=None)
    response = as_reporter.get(f"/tickets/{ticket.pk}/")
    assert timeline(response) == [
        ("event", "Sam changed the priority from Normal to Urgent"),
        ("event", "Sam took this ticket"),
        ("event", "You edited the description"),
        ("event", "Sam assigned this ticket to dana"),
        ("event", "Sam unassigned this ticket"),
    ]
    assertContains(response, '<span class="tag">Edited</span>')


def test_internal_notes_never_show_on_the_web_page(as_reporter, as_agent, reporter, agent):
    ticket = make_ticket(reporter)
    services.post_message(
        actor=agent, ticket=ticket, body="Secret: the CEO's laptop", is_internal=True
    )
    for client in (as_reporter, as_agent):
        response = client.get(f"/tickets/{ticket.pk}/")
        assertNotContains(response, "Secret")
        assert timeline(response) == []


def test_user_text_is_shown_as_text_with_its_line_breaks(as_reporter, reporter, agent):
    ticket = make_ticket(
        reporter,
        subject="<script>alert(1)</script>",
        description="line one\nline <b>two</b>",
    )
    services.post_message(actor=agent, ticket=ticket, body='<img src=x onerror="alert(2)">\nok')
    response = as_reporter.get(f"/tickets/{ticket.pk}/")
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "line one<br>line &lt;b&gt;two&lt;/b&gt;" in html
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;<br>ok" in html
    assert "<img" not in html


def test_the_reporter_may_mark_an_active_ticket_solved(as_reporter, reporter):
    ticket = make_ticket(reporter, status="open")
    response = as_reporter.get(f"/tickets/{ticket.pk}/")
    assertContains(response, "Mark as solved")
    assertNotContains(response, "Reopen")
    assertContains(response, '<input type="hidden" name="status" value="resolved">')
    assertContains(response, f'<input type="hidden" name="version" value="{ticket.version}">')


def test_a_solved_ticket_offers_reopen_instead(as_reporter, reporter):
    ticket = make_ticket(reporter, status="resolved")
    response = as_reporter.get(f"/tickets/{ticket.pk}/")
    assertContains(response, ">Reopen</button>")
    assertNotContains(response, "Mark as solved")
    assertContains(response, "Replying reopens this ticket.")


def test_a_closed_ticket_says_so_and_offers_no_form(as_reporter, reporter):
    ticket = make_ticket(reporter, status="closed")
    response = as_reporter.get(f"/tickets/{ticket.pk}/")
    assertContains(response, "This ticket is closed.")
    assertNotContains(response, '<form method="post" action="/tickets/')
    assertNotContains(response, "Mark as solved")
    assertNotContains(response, "Reopen")
    assertNotContains(response, "Edit subject")


def test_a_ticket_waiting_on_the_reporter_says_so(as_reporter, reporter):
    ticket = make_ticket(reporter, status="pending")
    assertContains(
        as_reporter.get(f"/tickets/{ticket.pk}/"), "The helpdesk is waiting for your answer."
    )


def test_staff_may_open_any_ticket_on_the_web(as_agent, reporter):
    ticket = make_ticket(reporter, subject="Alice's printer")
    response = as_agent.get(f"/tickets/{ticket.pk}/")
    assertContains(response, "Alice&#x27;s printer")
    assertContains(response, "Mark as solved")


def test_someone_elses_ticket_is_not_found(as_other_user, ticket):
    response = as_other_user.get(f"/tickets/{ticket.pk}/")
    assert response.status_code == 404
    assertNotContains(response, ticket.subject, status_code=404)


@pytest.mark.parametrize("pk", ["0", "999999", "99999999999999999999999"])
def test_missing_tickets_are_not_found(as_reporter, pk):
    assert as_reporter.get(f"/tickets/{pk}/").status_code == 404


def test_the_query_count_does_not_grow_with_the_conversation(
    as_reporter, reporter, agent, django_assert_num_queries
):
    ticket = make_ticket(reporter)
    for i in range(10):
        services.post_message(actor=agent, ticket=ticket, body=f"Question {i}")
        services.change_status(actor=agent, ticket=ticket, status="pending")
        services.post_message(actor=reporter, ticket=ticket, body=f"Answer {i}")
    # Expect 5 queries: the session, the user, the ticket with reporter and
    # assignee, its public messages with authors, its events with actors.
    with django_assert_num_queries(5):
        response = as_reporter.get(f"/tickets/{ticket.pk}/")
    # 20 messages, 10 moves to pending, 10 reopenings by the answers.
    assert len(response.context["timeline"]) == 40


def test_it_rejects_post(as_reporter, ticket):
    assert as_reporter.post(f"/tickets/{ticket.pk}/").status_code == 405


@pytest.mark.parametrize("since", ["abc", "-1", "99999999999999999999999999", ""])
def test_a_junk_since_marks_nothing_new(as_reporter, ticket, since):
    response = as_reporter.get(f"/tickets/{ticket.pk}/", {"since": since})
    assert response.status_code == 200
    assert response.context["new_count"] == 0


def test_head_requests_are_answered(as_reporter, ticket):
    assert as_reporter.head(f"/tickets/{ticket.pk}/").status_code == 200


def test_staff_read_pending_as_waiting_on_the_reporter(as_agent, reporter, agent):
    ticket = make_ticket(reporter)
    services.change_status(actor=agent, ticket=ticket, status="pending")
    response = as_agent.get(f"/tickets/{ticket.pk}/")
    assert timeline(response) == [
        ("event", "You changed the status from New to Waiting on the reporter")
    ]
    assertContains(response, "<dt>Status</dt><dd>Waiting on the reporter</dd>")


def test_only_an_edit_of_the_description_marks_it_edited(as_reporter, reporter):
    ticket = make_ticket(reporter)
    services.modify_ticket(actor=reporter, ticket=ticket, subject="Printer still on fire")
    assertNotContains(as_reporter.get(f"/tickets/{ticket.pk}/"), '<span class="tag">Edited</span>')
