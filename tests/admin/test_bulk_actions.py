"""Bulk actions on the queue: one service call per ticket; refused tickets are named."""

from __future__ import annotations

import pytest

from tests.admin.conftest import QUEUE, messages_of
from tests.factories import make_ticket
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def run(client, action: str, tickets) -> list[str]:
    response = client.post(
        QUEUE, {"action": action, "_selected_action": [t.pk for t in tickets]}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(QUEUE)
    return messages_of(response)


def statuses(tickets) -> list[str]:
    return [Ticket.objects.get(pk=t.pk).status for t in tickets]


def test_set_pending_moves_each_ticket_and_records_one_event_each(as_agent, agent, reporter):
    tickets = [make_ticket(reporter, status="new"), make_ticket(reporter, status="open")]
    assert run(as_agent, "set_pending", tickets) == ["Moved 2 tickets to pending."]
    assert statuses(tickets) == ["pending", "pending"]
    events = TicketEvent.objects.filter(kind="status_changed").order_by("ticket_id")
    assert [(e.ticket_id, e.actor, e.old_value, e.new_value) for e in events] == [
        (tickets[0].pk, agent, "new", "pending"),
        (tickets[1].pk, agent, "open", "pending"),
    ]
    assert [Ticket.objects.get(pk=t.pk).version for t in tickets] == [2, 2]


def test_tickets_the_workflow_refuses_are_skipped_and_named(as_agent, reporter):
    movable = make_ticket(reporter, status="open", subject="Movable")
    closed = make_ticket(reporter, status="closed", subject="Long gone")
    already = make_ticket(reporter, status="pending", subject="Waiting")
    messages = run(as_agent, "set_pending", [movable, closed, already])
    assert messages[0] == "Moved 1 ticket to pending."
    skipped = messages[1]
    assert skipped.startswith("Skipped 2 tickets: ")
    assert f"#{closed.pk} “Long gone”</a> (closed)" in skipped
    assert f"#{already.pk} “Waiting”</a> (already pending)" in skipped
    assert f'href="/admin/tickets/ticket/{closed.pk}/change/"' in skipped
    assert statuses([movable, closed, already]) == ["pending", "closed", "pending"]


def test_staff_cannot_move_resolved_tickets_to_pending(as_agent, reporter):
    resolved = make_ticket(reporter, status="resolved", subject="Fixed")
    messages = run(as_agent, "set_pending", [resolved])
    assert messages == [
        f'Skipped 1 ticket: <a href="/admin/tickets/ticket/{resolved.pk}/change/">'
        f"#{resolved.pk} “Fixed”</a> (resolved cannot move to pending)."
    ]
    assert statuses([resolved]) == ["resolved"]


@pytest.mark.parametrize(
    ("action", "status"),
    [("set_open", "open"), ("set_resolved", "resolved"), ("set_closed", "closed")],
)
def test_set_status(as_agent, reporter, action, status):
    ticket = make_ticket(reporter, status="pending")
    assert run(as_agent, action, [ticket]) == [f"Moved 1 ticket to {status}."]
    assert statuses([ticket]) == [status]


def test_resolving_in_bulk_stamps_resolved_at(as_agent, reporter):
    ticket = make_ticket(reporter)
    run(as_agent, "set_resolved", [ticket])
    assert Ticket.objects.get(pk=ticket.pk).resolved_at is not None


def test_assign_to_me(as_agent, agent, other_agent, reporter):
    mine = make_ticket(reporter, assignee=agent, subject="Mine already")
    theirs = make_ticket(reporter, assignee=other_agent)
    nobodys = make_ticket(reporter)
    closed = make_ticket(reporter, status="closed", subject="Done")
    messages = run(as_agent, "assign_to_me", [mine, theirs, nobodys, closed])
    assert messages[0] == "Assigned 2 tickets to you."
    assert "Already so, left as they were:" in messages[1] and "Mine already" in messages[1]
    assert messages[2].startswith("Skipped 1 ticket:") and "(closed)" in messages[2]
    assignees = [Ticket.objects.get(pk=t.pk).assignee for t in (mine, theirs, nobodys, closed)]
    assert assignees == [agent, agent, agent, None]
    assert TicketEvent.objects.filter(kind="assigned").count() == 2


def test_unassign(as_agent, agent, reporter):
    ticket = make_ticket(reporter, assignee=agent)
    assert run(as_agent, "unassign", [ticket]) == ["Unassigned 1 ticket."]
    assert Ticket.objects.get(pk=ticket.pk).assignee is None
    event = TicketEvent.objects.get(kind="assigned")
    assert (event.old_value, event.new_value) == ("sam", "")


@pytest.mark.parametrize("priority", ["low", "normal", "high", "urgent"])
def test_set_priority(as_agent, reporter, priority):
    ticket = make_ticket(reporter, priority="low" if priority != "low" else "high")
    assert run(as_agent, f"set_priority_{priority}", [ticket]) == [
        f"Set 1 ticket to {priority} priority."
    ]
    assert Ticket.objects.get(pk=ticket.pk).priority == priority


def test_a_bulk_action_acts_only_on_the_selected_tickets(as_agent, reporter):
    chosen, other = make_ticket(reporter), make_ticket(reporter)
    run(as_agent, "set_open", [chosen])
    assert statuses([chosen, other]) == ["open", "new"]


def test_too_many_tickets_at_once_changes_nothing(as_agent, reporter, monkeypatch):
    monkeypatch.setattr("tickets.admin.actions.BULK_LIMIT", 2)
    tickets = [make_ticket(reporter) for _ in range(3)]
    assert run(as_agent, "set_open", tickets) == [
        "Select at most 2 tickets at a time; nothing was changed."
    ]
    assert statuses(tickets) == ["new", "new", "new"]


def test_subjects_in_the_result_message_are_escaped(as_agent, reporter):
    ticket = make_ticket(reporter, status="closed", subject="<img src=x onerror=alert(1)>")
    response = as_agent.post(
        QUEUE, {"action": "set_open", "_selected_action": [ticket.pk]}, follow=True
    )
    html = response.content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_end_users_cannot_run_actions(client, reporter, ticket):
    client.force_login(reporter)
    response = client.post(QUEUE, {"action": "set_closed", "_selected_action": [ticket.pk]})
    assert response.status_code == 302
    assert statuses([ticket]) == ["new"]
