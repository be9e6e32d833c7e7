"""Macros in the console: keep them, pick one for a ticket, see it filled in, save it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from macros.models import Macro
from tests.admin.conftest import change_data, messages_of, ticket_url
from tests.factories import make_ticket
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db

MACROS = reverse("admin:macros_macro_changelist")
ADD_MACRO = reverse("admin:macros_macro_add")


def pick_url(ticket) -> str:
    return reverse("admin:macros_macro_pick", args=[ticket.pk])


@pytest.fixture
def shared(db):
    return Macro.objects.create(
        name="Need details",
        body="Hello {{ reporter_name }} <b>{{ subject }}</b>",
        status="pending",
        priority="high",
        assign="me",
    )


def test_staff_add_a_personal_macro(as_agent, agent):
    response = as_agent.post(
        ADD_MACRO,
        {
            "name": "My thanks",
            "body": "Thanks, {{ reporter_name }}",
            "status": "",
            "priority": "",
            "assign": "",
            "assignee": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    macro = Macro.objects.get(name="My thanks")
    assert macro.owner == agent


def test_a_macro_that_assigns_a_person_names_one(as_agent):
    response = as_agent.post(
        ADD_MACRO,
        {
            "name": "Hand over",
            "body": "",
            "status": "",
            "priority": "",
            "assign": "person",
            "assignee": "",
            "shared": "on",
        },
    )

    assert response.status_code == 200
    assert not Macro.objects.exists()


def test_another_staff_members_personal_macro_is_hidden(as_agent, other_agent, reporter):
    theirs = Macro.objects.create(name="Dana's own", body="x", owner=other_agent)
    ticket = make_ticket(reporter)

    assert "Dana&#x27;s own" not in as_agent.get(MACROS).content.decode()
    assert as_agent.get(reverse("admin:macros_macro_change", args=[theirs.pk])).status_code in (
        302,
        404,
    )
    assert "Dana" not in as_agent.get(pick_url(ticket)).content.decode()
    response = as_agent.get(ticket_url(ticket), {"macro": theirs.pk})
    assert "No such macro." in messages_of(response)
    assert response.context["adminform"].form["reply"].value() != "x"


def test_the_ticket_page_links_to_the_macros(as_agent, reporter, shared):
    ticket = make_ticket(reporter)

    assert pick_url(ticket) in as_agent.get(ticket_url(ticket)).content.decode()
    pick = as_agent.get(pick_url(ticket)).content.decode()
    assert f"{ticket_url(ticket)}?macro={shared.pk}" in pick


def test_picking_fills_in_the_reply_and_changes_escaped(as_agent, agent, reporter, shared):
    ticket = make_ticket(reporter, subject="<i>Printer</i>")

    response = as_agent.get(ticket_url(ticket), {"macro": shared.pk})

    html = response.content.decode()
    assert "Hello Alice &lt;b&gt;&lt;i&gt;Printer&lt;/i&gt;&lt;/b&gt;</textarea>" in html
    form = response.context["adminform"].form
    assert form["status"].value() == "pending"
    assert form["priority"].value() == "high"
    assert str(form["assignee"].value()) == str(agent.pk)
    assert not Message.objects.exists()


def test_saving_the_filled_in_page_applies_the_macro(as_agent, agent, reporter, shared):
    ticket = make_ticket(reporter)
    data = change_data(
        ticket,
        reply="Hello Alice, which one?",
        status="pending",
        priority="high",
        assignee=agent.pk,
    )

    response = as_agent.post(ticket_url(ticket), data)

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.assignee) == ("pending", "high", agent)
    assert Message.objects.get(ticket=ticket).body == "Hello Alice, which one?"


def test_a_macro_the_workflow_refuses_says_so_and_changes_nothing(as_agent, reporter, shared):
    ticket = make_ticket(reporter, status="resolved")

    response = as_agent.get(ticket_url(ticket), {"macro": shared.pk})

    assert response.context["adminform"].form.errors["status"]
    data = change_data(ticket, reply="Hello", status="pending")
    response = as_agent.post(ticket_url(ticket), data)
    assert response.status_code == 200
    assert not Message.objects.exists()
    assert Ticket.objects.get(pk=ticket.pk).status == "resolved"


def test_the_pick_page_is_for_staff_only(client, reporter, shared):
    ticket = make_ticket(reporter)
    client.force_login(reporter)

    response = client.get(pick_url(ticket))

    assert response.status_code == 302
    assert "login" in response["Location"]
