"""A staff member works the queue in the console, in Chromium."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.admin.conftest import clock
from tests.factories import PASSWORD, make_ticket
from tickets import selectors, services

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("helpdesk_staff_group"),
]


# --- steps ----------------------------------------------------------------------


def sign_in_to_the_console(page, username: str) -> None:
    page.goto("/admin/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.locator("text=The queue now").wait_for()


def open_the_queue_filtered_to(page, status_label: str) -> None:
    page.click(".hd-index-apps th a[href='/admin/tickets/ticket/']")
    page.click(f".hd-tabs a:has-text('{status_label}')")
    page.locator(".hd-tab-current", has_text=status_label).wait_for()


def listed_subjects(page) -> list[str]:
    return page.locator("#result_list td.field-subject a").all_inner_texts()


def reply_and_set_status(page, body: str, status: str) -> None:
    page.fill("textarea[name=reply]", body)
    page.select_option("select[name=status]", status)


def assert_reply_and_status_stored(ticket, *, author, body: str, status: str) -> None:
    seen = selectors.get_visible_ticket(ticket.reporter, ticket.pk)
    assert seen.status == status
    messages = list(selectors.visible_messages(ticket.reporter, seen))
    assert [(m.author, m.body, m.is_internal) for m in messages] == [(author, body, False)]


# --- the day's queue ------------------------------------------------------------------


def test_staff_reply_to_a_new_ticket_and_set_it_pending(
    page, new_page, sign_in, screenshot, agent, reporter
):
    ticket = make_ticket(reporter, subject="Printer on fire", description="Floor 3, tray 2.")
    make_ticket(reporter, subject="VPN drops every hour", status="open")
    make_ticket(reporter, subject="Badge does not open the garage", priority="urgent")

    sign_in_to_the_console(page, "sam")
    open_the_queue_filtered_to(page, "New")
    assert sorted(listed_subjects(page)) == ["Badge does not open the garage", "Printer on fire"]
    screenshot(page, "admin-queue-new")

    page.click("#result_list a:text-is('Printer on fire')")
    page.locator("textarea[name=reply]").wait_for()
    reply_and_set_status(page, "Which printer is it, the one by the window?", "pending")
    screenshot(page, "admin-ticket-reply")
    with page.expect_navigation():
        page.click("input[name=_save]")

    # Back on the queue as it was filtered, with the outcome said.
    page.locator(".messagelist").wait_for()
    assert f"Ticket #{ticket.pk}: reply sent, status set to pending." in page.inner_text(
        ".messagelist"
    )
    assert listed_subjects(page) == ["Badge does not open the garage"]
    assert_reply_and_status_stored(
        ticket,
        author=agent,
        body="Which printer is it, the one by the window?",
        status="pending",
    )
    # Alice's own page shows the reply and that the ticket waits on her.
    alice = new_page()
    sign_in(alice, "alice")
    alice.goto(f"/tickets/{ticket.pk}/")
    conversation = alice.inner_text("main")
    assert "Which printer is it, the one by the window?" in conversation
    assert "Waiting on you" in conversation
    screenshot(alice, "reporter-sees-staff-reply")


def test_staff_move_tickets_to_pending_in_bulk_and_see_what_was_skipped(
    page, screenshot, agent, reporter
):
    tickets = [make_ticket(reporter, subject=f"Monitor {n} flickers") for n in (1, 2)]
    closed = make_ticket(reporter, subject="Old laptop", status="closed")
    sign_in_to_the_console(page, "sam")
    page.goto("/admin/tickets/ticket/")
    for ticket in [*tickets, closed]:
        page.check(f"input.action-select[value='{ticket.pk}']")
    page.select_option("select[name=action]", "set_pending")
    with page.expect_navigation():
        page.click(".actions button[name=index]")
    page.locator(".messagelist").wait_for()
    text = page.inner_text(".messagelist")
    assert "Moved 2 tickets to pending." in text
    assert f"#{closed.pk} “Old laptop” (closed)" in text
    screenshot(page, "admin-bulk-result")
    assert [selectors.get_visible_ticket(agent, t.pk).status for t in tickets] == [
        "pending",
        "pending",
    ]


def test_a_colleagues_change_refuses_a_stale_save(page, screenshot, agent, other_agent, reporter):
    ticket = make_ticket(reporter, subject="Shared drive is read-only")
    sign_in_to_the_console(page, "sam")
    page.goto(f"/admin/tickets/ticket/{ticket.pk}/change/")
    reply_and_set_status(page, "Looking into it now.", "open")
    # Dana answers first, from her own console.
    services.post_message(actor=other_agent, ticket=ticket, body="On it — Dana")
    with page.expect_navigation():
        page.click("input[name=_save]")
    page.locator(".messagelist").wait_for()
    assert "Not saved: someone else changed" in page.inner_text(".messagelist")
    assert page.input_value("textarea[name=reply]") == "Looking into it now."
    assert "On it — Dana" in page.inner_text(".hd-conversation")
    screenshot(page, "admin-ticket-stale")
    with page.expect_navigation():
        page.click("input[name=_save]")
    page.locator(".messagelist").wait_for()
    assert "reply sent, status set to open" in page.inner_text(".messagelist")
    bodies = [m.body for m in selectors.visible_messages(agent, ticket)]
    assert bodies == ["On it — Dana", "Looking into it now."]


def test_the_dashboard_charts_the_last_thirty_days(page, screenshot, agent, other_agent, reporter):
    rng = random.Random(5)
    now = timezone.now()
    for days_ago in range(29, -1, -1):
        for _ in range(rng.randint(0, 4)):
            opened = now - timedelta(days=days_ago, hours=rng.randint(0, 8))
            with clock(opened):
                ticket = make_ticket(reporter, priority=rng.choice(["low", "normal", "high"]))
            with clock(opened + timedelta(minutes=rng.randint(5, 300))):
                services.post_message(
                    actor=rng.choice([agent, other_agent]), ticket=ticket, body="Hi"
                )
            if rng.random() < 0.6:
                with clock(opened + timedelta(hours=rng.randint(1, 30))):
                    services.change_status(actor=agent, ticket=ticket, status="resolved")
            elif rng.random() < 0.5:
                services.modify_ticket(actor=agent, ticket=ticket, assignee=agent)
    sign_in_to_the_console(page, "sam")
    assert page.locator("svg.hd-chart-svg rect.hd-bar-created").count() == 30
    assert page.inner_text(".hd-first-reply .hd-card-count") != "—"
    screenshot(page, "admin-dashboard")
    page.click("a.hd-card >> text=Assigned to me, active")
    page.locator("#result_list").wait_for()
    screenshot(page, "admin-queue-mine")


def choose_in_autocomplete(page, field: str, typed: str, choice: str) -> None:
    """Pick `choice` in the admin's select2 autocomplete for `field`."""
    page.click(f".field-{field} .select2-selection")
    page.fill(".select2-container--open .select2-search__field", typed)
    page.click(f".select2-results__option:text-is('{choice}')")


def test_staff_open_a_ticket_for_a_caller_and_hand_it_to_a_colleague(
    page, screenshot, agent, other_agent, reporter
):
    sign_in_to_the_console(page, "sam")
    page.goto("/admin/tickets/ticket/add/")
    choose_in_autocomplete(page, "reporter", "ali", "alice")
    page.fill("textarea[name=description]", "Called in: the VPN drops every hour.")
    page.select_option("select[name=priority]", "high")
    screenshot(page, "admin-ticket-add")
    with page.expect_navigation():
        page.click("input[name=_save]")
    page.locator(".messagelist").wait_for()
    assert "opened for alice" in page.inner_text(".messagelist")
    ticket = selectors.visible_tickets(agent).get()
    assert (ticket.reporter, ticket.subject, ticket.priority) == (
        reporter,
        "Called in: the VPN drops every hour.",
        "high",
    )

    choose_in_autocomplete(page, "assignee", "da", "dana")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    page.locator(".messagelist").wait_for()
    assert "assigned to dana" in page.inner_text(".messagelist")
    assert selectors.get_visible_ticket(agent, ticket.pk).assignee == other_agent


def test_a_closed_ticket_reads_as_a_record(page, screenshot, agent, reporter):
    ticket = make_ticket(reporter, subject="Old laptop")
    services.post_message(actor=agent, ticket=ticket, body="Swapped it for a new one.")
    services.post_message(actor=agent, ticket=ticket, body="Asset tag 4411", is_internal=True)
    services.change_status(actor=agent, ticket=ticket, status="closed")
    sign_in_to_the_console(page, "sam")
    page.goto(f"/admin/tickets/ticket/{ticket.pk}/change/")
    assert "it takes no more changes or messages" in page.inner_text("#content")
    assert page.locator("textarea[name=reply]").count() == 0
    screenshot(page, "admin-ticket-closed")


def test_the_queues_select_all_box_selects_every_row(page, screenshot, agent, reporter):
    # The queue's rows are rendered by tickets/admin/result_list.py: Django's
    # actions.js must still find each row's checkbox and the select-all box.
    for n in range(3):
        make_ticket(reporter, subject=f"<script>alert({n})</script>")
    sign_in_to_the_console(page, "sam")
    page.goto("/admin/tickets/ticket/")
    page.check("#action-toggle")
    assert page.locator("input.action-select:checked").count() == 3
    assert "3 of 3 selected" in page.inner_text(".action-counter")
    assert page.locator("tr.selected").count() == 3
    assert page.inner_text("td.field-subject >> nth=0") == "<script>alert(2)</script>"
    screenshot(page, "admin-queue-all-selected")
