"""Saving the ticket page: reply, status change and edits go through the services in one save,
and a save based on an old copy of the ticket is refused without losing anything."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.admin.conftest import LOGIN, QUEUE, change_data, messages_of, ticket_url
from tests.factories import make_ticket
from tickets import selectors, services
from tickets.models import Message, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def save(client, ticket, data, **kwargs):
    return client.post(ticket_url(ticket), data, **kwargs)


def fresh(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def form_of(response):
    return response.context["adminform"].form


# --- replying and changing status --------------------------------------------


def test_reply_and_set_pending_in_one_save(as_agent, agent, reporter, ticket):
    data = change_data(ticket, reply="Which printer is it?", status="pending")
    response = save(as_agent, ticket, data, follow=True)
    assert response.redirect_chain == [(QUEUE, 302)]
    assert messages_of(response) == [f"Ticket #{ticket.pk}: reply sent, status set to pending."]
    seen_by_reporter = selectors.get_visible_ticket(reporter, ticket.pk)
    assert seen_by_reporter.status == "pending"
    [message] = selectors.visible_messages(reporter, seen_by_reporter)
    assert (message.author, message.body, message.is_internal) == (
        agent,
        "Which printer is it?",
        False,
    )
    # The message first, then the status, each with its event.
    kinds = list(
        TicketEvent.objects.filter(ticket=ticket)
        .exclude(kind="created")
        .values_list("kind", flat=True)
    )
    assert kinds == ["message_posted", "status_changed"]
    assert fresh(ticket).version == 3


def test_an_internal_note_stays_among_staff(as_agent, reporter, agent, ticket):
    save(as_agent, ticket, change_data(ticket, reply="Checking DNS", internal="on"))
    assert selectors.visible_messages(reporter, ticket).count() == 0
    [note] = selectors.visible_messages(agent, ticket)
    assert note.is_internal and note.body == "Checking DNS"


def test_an_internal_note_needs_words(as_agent, ticket):
    response = save(as_agent, ticket, change_data(ticket, internal="on", status="open"))
    assert form_of(response).errors["reply"] == ["Write the note, or untick “Internal note”."]
    assert fresh(ticket).status == "new"


def test_a_status_change_alone(as_agent, ticket):
    response = save(as_agent, ticket, change_data(ticket, status="open"), follow=True)
    assert messages_of(response) == [f"Ticket #{ticket.pk}: status set to open."]
    assert fresh(ticket).status == "open"
    assert not Message.objects.exists()


def test_resolving_stamps_resolved_at(as_agent, ticket):
    save(as_agent, ticket, change_data(ticket, reply="Fixed the DNS.", status="resolved"))
    assert fresh(ticket).resolved_at is not None


def test_save_and_continue_stays_on_the_ticket(as_agent, ticket):
    data = change_data(ticket, reply="On it", _continue="Save and continue editing")
    del data["_save"]
    response = save(as_agent, ticket, data)
    assert response.status_code == 302
    assert response["Location"] == ticket_url(ticket)


def test_saving_returns_to_the_queue_as_it_was_filtered(as_agent, ticket):
    url = ticket_url(ticket) + "?_changelist_filters=status%3Dnew"
    response = as_agent.post(url, change_data(ticket, reply="Hi"))
    assert response["Location"] == f"{QUEUE}?status=new"


# --- editing the ticket -------------------------------------------------------


def test_change_priority_and_assignee(as_agent, other_agent, ticket):
    data = change_data(ticket, priority="urgent", assignee=other_agent.pk)
    response = save(as_agent, ticket, data, follow=True)
    assert messages_of(response) == [
        f"Ticket #{ticket.pk}: priority set to urgent, assigned to dana."
    ]
    updated = fresh(ticket)
    assert (updated.priority, updated.assignee, updated.version) == ("urgent", other_agent, 2)


def test_unassign(as_agent, agent, reporter):
    ticket = make_ticket(reporter, assignee=agent)
    save(as_agent, ticket, change_data(ticket, assignee=""))
    assert fresh(ticket).assignee is None


def test_edit_subject_and_description(as_agent, ticket):
    data = change_data(ticket, subject="Printer on fire, floor 3", description="Smoke.\r\nLots.")
    save(as_agent, ticket, data)
    updated = fresh(ticket)
    assert (updated.subject, updated.description) == ("Printer on fire, floor 3", "Smoke.\nLots.")
    edited = TicketEvent.objects.filter(kind="edited").values_list("field", flat=True)
    assert sorted(edited) == ["description", "subject"]


def test_only_what_the_user_changed_is_written(as_agent, reporter):
    ticket = make_ticket(reporter, description="Line one\nLine two")
    # Browsers send textareas with CRLF line endings: not a change.
    data = change_data(ticket, description="Line one\r\nLine two", priority="high")
    data["initial-description"] = "Line one\r\nLine two"
    save(as_agent, ticket, data)
    kinds = list(TicketEvent.objects.exclude(kind="created").values_list("kind", flat=True))
    assert kinds == ["priority_changed"]


def test_nothing_to_save_writes_nothing(as_agent, ticket):
    response = save(as_agent, ticket, change_data(ticket), follow=True)
    assert messages_of(response) == [f"Ticket #{ticket.pk}: nothing to save."]
    assert fresh(ticket).version == 1


# --- refusals -----------------------------------------------------------------


def test_a_status_the_workflow_does_not_offer_is_refused_and_the_reply_kept(as_agent, reporter):
    ticket = make_ticket(reporter, status="resolved")
    response = save(as_agent, ticket, change_data(ticket, reply="Any news?", status="pending"))
    assert response.status_code == 200
    form = form_of(response)
    assert form.errors["status"] == ["A ticket that is resolved cannot be moved to pending now."]
    assert "Any news?</textarea>" in response.content.decode()
    assert not Message.objects.exists()
    assert fresh(ticket).version == ticket.version


def test_assignees_must_be_active_staff(as_agent, reporter, ticket):
    response = save(as_agent, ticket, change_data(ticket, assignee=reporter.pk))
    assert form_of(response).errors["assignee"] == ["Tickets can only be assigned to active staff."]
    assert fresh(ticket).assignee is None


def test_a_reply_over_the_limit_is_refused(as_agent, ticket):
    response = save(as_agent, ticket, change_data(ticket, reply="x" * 20_001))
    assert "reply" in form_of(response).errors
    assert not Message.objects.exists()


def test_a_subject_is_required(as_agent, ticket):
    response = save(as_agent, ticket, change_data(ticket, subject="   "))
    assert "subject" in form_of(response).errors
    assert fresh(ticket).subject == "Printer on fire"


def test_a_service_validation_error_lands_on_its_field(as_agent, ticket):
    response = save(as_agent, ticket, change_data(ticket, reply="nul\x00byte"))
    assert response.status_code == 200
    assert form_of(response).errors["reply"]
    assert not Message.objects.exists()


def test_a_save_without_the_version_is_refused(as_agent, ticket):
    data = change_data(ticket, reply="Hi")
    del data["version"]
    response = save(as_agent, ticket, data)
    assert "version" in form_of(response).errors
    assert not Message.objects.exists()


# --- a colleague got there first ----------------------------------------------


def test_a_stale_save_is_refused_and_nothing_is_overwritten(as_agent, agent, other_agent, ticket):
    loaded = change_data(ticket)  # Sam opens the page at version 1.
    services.modify_ticket(actor=other_agent, ticket=ticket, priority="high")  # Dana: version 2.
    response = save(
        as_agent,
        ticket,
        {**loaded, "reply": "Mine now", "assignee": agent.pk, "status": "open"},
    )
    assert response.status_code == 200
    [message] = messages_of(response)
    assert message.startswith(f"Not saved: someone else changed ticket #{ticket.pk}")
    assert "(you had version 1, it is now version 2)" in message
    updated = fresh(ticket)
    assert (updated.priority, updated.assignee, updated.status, updated.version) == (
        "high",
        None,
        "new",
        2,
    )
    assert not Message.objects.exists()


def test_a_stale_save_is_shown_again_with_the_users_input_on_the_current_ticket(
    as_agent, agent, other_agent, ticket
):
    loaded = change_data(ticket)
    services.modify_ticket(actor=other_agent, ticket=ticket, priority="high")
    response = save(
        as_agent,
        ticket,
        {**loaded, "reply": "Mine now", "assignee": agent.pk, "status": "open"},
    )
    form = form_of(response)
    assert form["reply"].value() == "Mine now"
    assert str(form["assignee"].value()) == str(agent.pk)
    assert form["status"].value() == "open"
    # What Sam did not touch shows Dana's change, not the old value.
    assert form["priority"].value() == "high"
    assert form["version"].value() == "2"
    assert not form.errors


def test_saving_again_applies_only_the_users_changes(as_agent, agent, other_agent, ticket):
    loaded = change_data(ticket)
    services.modify_ticket(actor=other_agent, ticket=ticket, priority="high")
    refused = save(as_agent, ticket, {**loaded, "reply": "Mine now", "assignee": agent.pk})
    again = save(as_agent, ticket, form_of(refused).data)
    assert again.status_code == 302
    updated = fresh(ticket)
    assert (updated.priority, updated.assignee) == ("high", agent)
    assert [m.body for m in selectors.visible_messages(agent, ticket)] == ["Mine now"]


def test_a_field_both_people_changed_is_pointed_out(as_agent, other_agent, ticket):
    loaded = change_data(ticket)
    services.modify_ticket(actor=other_agent, ticket=ticket, priority="high")
    response = save(as_agent, ticket, {**loaded, "priority": "low"})
    form = form_of(response)
    assert form.errors["priority"] == [
        "Someone else changed this to “High” meanwhile; saving again will replace it with yours."
    ]
    assert form["priority"].value() == "low"
    assert fresh(ticket).priority == "high"


def test_the_same_change_by_both_is_no_conflict(as_agent, other_agent, ticket):
    loaded = change_data(ticket)
    services.modify_ticket(actor=other_agent, ticket=ticket, priority="high")
    response = save(as_agent, ticket, {**loaded, "priority": "high", "reply": "Agreed"})
    assert not form_of(response).errors
    again = save(as_agent, ticket, form_of(response).data)
    assert again.status_code == 302
    assert TicketEvent.objects.filter(kind="priority_changed").count() == 1


def test_a_status_no_longer_allowed_after_a_colleagues_change(as_agent, other_agent, ticket):
    loaded = change_data(ticket)
    services.change_status(actor=other_agent, ticket=ticket, status="resolved")
    response = save(as_agent, ticket, {**loaded, "reply": "Please retry", "status": "pending"})
    form = form_of(response)
    assert form.errors["status"] == ["A ticket that is resolved cannot be moved to pending now."]
    assert form["reply"].value() == "Please retry"
    assert not Message.objects.exists()


def test_a_ticket_closed_meanwhile_keeps_the_unsent_reply_on_screen(as_agent, other_agent, ticket):
    loaded = change_data(ticket)
    services.change_status(actor=other_agent, ticket=ticket, status="closed")
    response = save(as_agent, ticket, {**loaded, "reply": "Try turning it off and on"})
    html = response.content.decode()
    assert [str(m) for m in response.context["messages"]] == [
        "Not saved. This ticket is closed: it takes no more changes or messages."
    ]
    assert 'name="reply"' not in html
    assert "Your reply was not sent" in html and "Try turning it off and on" in html
    assert not Message.objects.exists()


def test_a_ticket_deleted_meanwhile(as_agent, superuser, ticket):
    loaded = change_data(ticket)
    services.delete_ticket(actor=superuser, ticket=ticket)
    response = save(as_agent, ticket, {**loaded, "reply": "Hello?"}, follow=True)
    assert "Perhaps it was deleted?" in messages_of(response)[0]
    assert not Message.objects.exists()


# --- who may save ---------------------------------------------------------------


def test_anonymous_saves_are_sent_to_sign_in(client, ticket):
    response = save(client, ticket, change_data(ticket, reply="Hi", status="closed"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert fresh(ticket).status == "new" and not Message.objects.exists()


def test_end_users_cannot_save_in_the_console(client, reporter, ticket):
    client.force_login(reporter)
    response = save(client, ticket, change_data(ticket, reply="Hi", status="resolved"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert fresh(ticket).status == "new" and not Message.objects.exists()


def test_a_save_without_the_csrf_token_is_refused(agent, ticket):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = save(client, ticket, change_data(ticket, reply="Hi"))
    assert response.status_code == 403
    assert not Message.objects.exists()


def test_a_refusal_from_the_service_is_said_and_the_input_kept(as_agent, ticket, monkeypatch):
    from tickets.exceptions import NotAllowed

    def refuse(**kwargs):
        raise NotAllowed("Only helpdesk staff may do that.")

    monkeypatch.setattr(services, "reply_and_modify", refuse)
    response = save(as_agent, ticket, change_data(ticket, reply="Kept", status="open"))
    assert messages_of(response) == ["Not saved. Only helpdesk staff may do that."]
    assert form_of(response)["reply"].value() == "Kept"
    assert form_of(response)["status"].value() == "open"
