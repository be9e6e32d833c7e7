"""The ticket page: the conversation, the allowed statuses, the audit trail, its cost."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.admin.conftest import QUEUE, ticket_url
from tests.factories import make_ticket
from tickets import services
from tickets.models import Message

pytestmark = pytest.mark.django_db


def status_choices(response) -> list[str]:
    return [value for value, _ in response.context["adminform"].form.fields["status"].choices]


def test_the_conversation_reads_in_order_with_internal_notes_marked(
    as_agent, agent, reporter, ticket
):
    services.post_message(actor=agent, ticket=ticket, body="Which floor?")
    services.post_message(actor=agent, ticket=ticket, body="Probably DNS", is_internal=True)
    services.post_message(actor=reporter, ticket=ticket, body="Third floor.")
    html = as_agent.get(ticket_url(ticket)).content.decode()
    order = [html.index(text) for text in (ticket.description, "Which floor?", "Probably DNS")]
    assert order == sorted(order) and html.index("Probably DNS") < html.index("Third floor.")
    note = re.search(
        r'<article id="message-\d+" class="hd-message hd-internal">(.*?)</article>', html, re.S
    )
    assert note and "Internal note" in note.group(1) and "Probably DNS" in note.group(1)
    assert html.count("Internal note</span>") == 1


def test_messages_are_escaped_and_keep_their_lines(as_agent, agent, ticket):
    services.post_message(actor=agent, ticket=ticket, body="<b>bold</b>\nsecond line")
    html = as_agent.get(ticket_url(ticket)).content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;<br>second line" in html


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        ("new", ["", "open", "pending", "resolved", "closed"]),
        ("open", ["", "pending", "resolved", "closed"]),
        ("pending", ["", "open", "resolved", "closed"]),
        ("resolved", ["", "open", "closed"]),
    ],
)
def test_the_status_control_offers_only_the_allowed_moves(as_agent, reporter, status, allowed):
    ticket = make_ticket(reporter, status=status)
    response = as_agent.get(ticket_url(ticket))
    assert status_choices(response) == allowed
    assert f'<option value="" selected>Keep {status}</option>' in response.content.decode()


def test_the_audit_trail_is_shown_read_only(as_agent, agent, other_agent, ticket):
    services.modify_ticket(actor=agent, ticket=ticket, priority="high", assignee=other_agent)
    services.change_status(actor=agent, ticket=ticket, status="pending")
    services.post_message(actor=agent, ticket=ticket, body="Note", is_internal=True)
    html = as_agent.get(ticket_url(ticket)).content.decode()
    trail = html[html.index('id="audit-trail"') :]
    assert "alice</strong>\n            opened the ticket" in trail
    assert 'set priority <span class="hd-change">normal → high</span>' in trail
    assert 'assigned to <span class="hd-change">dana</span>' in trail
    assert 'set status <span class="hd-change">new → pending</span>' in trail
    assert "added an internal note" in trail
    assert "<input" not in trail and "<textarea" not in trail


def test_the_page_links_to_the_reporters_other_tickets(as_agent, ticket):
    html = as_agent.get(ticket_url(ticket)).content.decode()
    assert f'href="{QUEUE}?q=alice">their tickets</a>' in html


def test_the_page_carries_the_version_it_was_loaded_at(as_agent, agent, ticket):
    services.change_status(actor=agent, ticket=ticket, status="open")
    html = as_agent.get(ticket_url(ticket)).content.decode()
    assert '<input type="hidden" name="version" value="2"' in html


def test_the_assignee_is_picked_by_autocomplete(as_agent, ticket):
    html = as_agent.get(ticket_url(ticket)).content.decode()
    assert 'class="admin-autocomplete' in html
    assert 'data-field-name="assignee"' in html


def test_a_closed_ticket_is_view_only(as_agent, reporter):
    ticket = make_ticket(reporter, status="closed")
    response = as_agent.get(ticket_url(ticket))
    html = response.content.decode()
    assert response.context["title"] == f"Ticket #{ticket.pk}"
    assert "it takes no more changes or messages" in html
    assert 'name="reply"' not in html
    assert 'name="_save"' not in html


def test_a_closed_ticket_refuses_a_save(as_agent, reporter):
    ticket = make_ticket(reporter, status="closed")
    response = as_agent.post(ticket_url(ticket), {"reply": "Hello", "version": ticket.version})
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Not saved. This ticket is closed: it takes no more changes or messages."
    ]
    assert not Message.objects.exists()


def test_a_missing_ticket_says_so(as_agent):
    for junk in ("999999", "abc", "-1", "9" * 40):
        response = as_agent.get(reverse("admin:tickets_ticket_change", args=[junk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")


def test_history_leads_to_the_audit_trail(as_agent, ticket):
    response = as_agent.get(reverse("admin:tickets_ticket_history", args=[ticket.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{ticket_url(ticket)}#audit-trail"


def test_the_page_refuses_other_methods(as_agent, ticket):
    assert as_agent.put(ticket_url(ticket)).status_code == 405
    assert as_agent.delete(ticket_url(ticket)).status_code == 405


def test_the_page_links_back_to_the_queue_with_its_filters(as_agent, ticket):
    filters = "status=new&assignee=none"
    from urllib.parse import quote

    html = as_agent.get(
        ticket_url(ticket) + "?_changelist_filters=" + quote(filters)
    ).content.decode()
    assert "_changelist_filters=status%3Dnew%26assignee%3Dnone" in html
    assert QUEUE in html


def test_a_long_conversation_costs_a_fixed_number_of_queries(
    as_agent, django_assert_num_queries, agent, other_agent, reporter, ticket
):
    services.modify_ticket(actor=agent, ticket=ticket, assignee=other_agent)
    for i in range(60):
        author = [agent, reporter, other_agent][i % 3]
        services.post_message(
            actor=author,
            ticket=ticket,
            body=f"Message {i}",
            is_internal=author != reporter and i % 2 == 0,
        )
    as_agent.get(ticket_url(ticket))  # warm the per-process caches (content types)
    # Expect 8 queries: session, user, the ticket with reporter and assignee, the
    # user's permissions, their groups' permissions, the messages with their
    # authors, the assignee shown in the autocomplete, the events with their actors.
    with django_assert_num_queries(8):
        response = as_agent.get(ticket_url(ticket))
    assert response.content.decode().count('class="hd-message ') == 61
