"""A staff member sees what is due and answers with a macro, in Chromium."""

from __future__ import annotations

import pytest

from macros.models import Macro
from service_levels.models import Calendar, Policy
from tests.browser.test_admin_console import sign_in_to_the_console
from tests.factories import make_ticket
from tickets.models import Message, Ticket

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("helpdesk_staff_group"),
]


@pytest.fixture
def urgent_policy(db):
    """The migration's policies are gone once an earlier browser test flushed the tables."""
    calendar, _ = Calendar.objects.get_or_create(name="Office hours")
    Policy.objects.get_or_create(
        name="Urgent",
        defaults={
            "priority": "urgent",
            "first_reply_minutes": 60,
            "resolution_minutes": 240,
            "business_hours": False,
            "calendar": calendar,
        },
    )


@pytest.mark.usefixtures("urgent_policy")
def test_staff_answer_with_a_macro_and_see_what_is_due(page, screenshot, agent, reporter):
    ticket = make_ticket(reporter, subject="Printer on fire", priority="urgent")
    Macro.objects.create(
        name="Ask which printer",
        body="Hello {{ reporter_name }}, which printer is #{{ ticket_number }} about?",
        status="pending",
        assign="me",
    )

    sign_in_to_the_console(page, "sam")
    page.goto("/admin/tickets/ticket/?o=9")
    assert page.locator("#result_list td.field-due .hd-sla").count() == 1
    screenshot(page, "admin-queue-due")

    page.goto(f"/admin/tickets/ticket/{ticket.pk}/change/")
    assert "Service levels" in page.inner_text(".hd-side")
    page.click("text=Use a macro…")
    page.click("text=Ask which printer")
    page.locator("textarea[name=reply]").wait_for()
    assert page.input_value("textarea[name=reply]") == (
        f"Hello Alice, which printer is #{ticket.pk} about?"
    )
    screenshot(page, "admin-ticket-macro-filled")
    with page.expect_navigation():
        page.click("input[name=_save]")

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == ("pending", agent)
    assert Message.objects.get(ticket=ticket).body.startswith("Hello Alice")
    assert Ticket.objects.get(pk=ticket.pk).sla_paused
