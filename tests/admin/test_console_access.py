"""Who may reach the staff console, and what each may do there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import services as account_services
from tests.admin.conftest import ADD, LOGIN, QUEUE, ticket_url
from tests.factories import make_ticket
from tickets import services
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
USERS = reverse("admin:accounts_user_changelist")


def delete_url(ticket):
    return reverse("admin:tickets_ticket_delete", args=[ticket.pk])


def console_pages(ticket):
    return [INDEX, QUEUE, ADD, ticket_url(ticket), USERS]


def test_anonymous_visitors_are_sent_to_sign_in(client, ticket):
    for url in console_pages(ticket):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{LOGIN}?next=")


def test_end_users_cannot_reach_the_console(client, reporter, ticket):
    client.force_login(reporter)
    for url in console_pages(ticket):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{LOGIN}?next=")


def test_end_users_cannot_sign_in_to_the_console(client, reporter):
    from tests.factories import PASSWORD

    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    assert "staff account" in response.content.decode()
    assert client.get(INDEX).status_code == 302


def test_staff_sign_in_to_the_dashboard(client, agent):
    from tests.factories import PASSWORD

    response = client.post(LOGIN, {"username": "sam", "password": PASSWORD, "next": INDEX})
    assert response.status_code == 302
    page = client.get(INDEX)
    assert page.status_code == 200
    assert "The queue now" in page.content.decode()


def test_staff_who_are_not_superusers_work_every_page(as_agent, agent, ticket):
    assert not agent.is_superuser
    for url in console_pages(ticket):
        assert as_agent.get(url).status_code == 200, url
    queue = as_agent.get(QUEUE)
    actions = [choice[0] for choice in queue.context["action_form"].fields["action"].choices]
    assert "set_pending" in actions and "assign_to_me" in actions
    assert "delete_selected" not in actions


def test_staff_see_users_but_cannot_change_them(as_agent, reporter):
    page = as_agent.get(reverse("admin:accounts_user_change", args=[reporter.pk]))
    assert page.status_code == 200
    assert page.context["title"] == "View user"
    response = as_agent.post(
        reverse("admin:accounts_user_change", args=[reporter.pk]),
        {"username": "mallory", "email": "m@example.com"},
    )
    assert response.status_code == 403


def test_staff_cannot_delete_tickets(as_agent, ticket):
    page = as_agent.get(ticket_url(ticket))
    assert delete_url(ticket) not in page.content.decode()
    assert as_agent.get(delete_url(ticket)).status_code == 403
    assert as_agent.post(delete_url(ticket), {"post": "yes"}).status_code == 403
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_the_delete_action_is_refused_to_staff(as_agent, ticket):
    response = as_agent.post(
        QUEUE, {"action": "delete_selected", "_selected_action": [ticket.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert Ticket.objects.filter(pk=ticket.pk).exists()
    messages = [str(m) for m in as_agent.get(response["Location"]).context["messages"]]
    assert messages == ["No action selected."]


def test_superusers_delete_a_ticket_with_its_conversation(as_superuser, agent, ticket):
    services.post_message(actor=agent, ticket=ticket, body="On it")
    page = as_superuser.get(ticket_url(ticket))
    assert delete_url(ticket) in page.content.decode()
    response = as_superuser.post(delete_url(ticket), {"post": "yes"})
    assert response.status_code == 302
    assert not Ticket.objects.filter(pk=ticket.pk).exists()
    assert not Message.objects.exists()


def test_superusers_delete_in_bulk(as_superuser, reporter):
    tickets = [make_ticket(reporter), make_ticket(reporter)]
    response = as_superuser.post(
        QUEUE,
        {"action": "delete_selected", "_selected_action": [t.pk for t in tickets], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Ticket.objects.exists()


def test_staff_who_lose_the_staff_flag_are_locked_out(as_agent, agent, ticket):
    account_services.set_staff(user=agent, is_staff=False)
    response = as_agent.get(ticket_url(ticket))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")
