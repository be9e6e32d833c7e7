"""What the reporter sees of the helpdesk's work on their ticket."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_ticket
from tickets import services
from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_staff_reply_appears_on_the_reporters_page(page, sign_in, screenshot, reporter, agent):
    ticket = make_ticket(
        reporter, subject="Outlook keeps asking for my password", description="Since the update."
    )
    services.modify_ticket(actor=agent, ticket=ticket, assignee=agent)
    services.post_message(actor=agent, ticket=ticket, body="Thanks! Which Outlook version?")
    services.post_message(actor=agent, ticket=ticket, body="Note: MFA reset?", is_internal=True)
    services.change_status(actor=agent, ticket=ticket, status="pending")

    sign_in(page, "alice")
    page.get_by_role("link", name="Waiting on you").click()
    page.get_by_role("link", name="Outlook keeps asking for my password").click()

    staff_reply = page.locator(".entry-staff")
    expect(staff_reply).to_have_count(1)
    expect(staff_reply).to_contain_text("Sam")
    expect(staff_reply).to_contain_text("Staff")
    expect(staff_reply).to_contain_text("Thanks! Which Outlook version?")
    expect(page.locator(".timeline")).to_contain_text(
        "changed the status from New to Waiting on you"
    )
    expect(page.get_by_text("The helpdesk is waiting for your answer.")).to_be_visible()
    expect(page.get_by_text("MFA reset")).to_have_count(0)
    screenshot(page, "ticket-staff-reply")

    # Answering hands the ticket back to the helpdesk.
    page.get_by_role("textbox", name="Reply").fill("Version 16.89")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status")).to_contain_text("the ticket is open again")
    expect(page.locator(".ticket-head .badge")).to_have_text("Open")


def test_a_reply_from_a_stale_page_is_kept_and_the_changes_shown(
    page, sign_in, screenshot, reporter, agent
):
    ticket = make_ticket(reporter, subject="Badge doesn't open the garage")
    sign_in(page, "alice")
    page.goto(f"/tickets/{ticket.pk}/")
    page.get_by_role("textbox", name="Reply").fill("It worked once this morning.")

    # While Alice types, Sam answers and changes the status.
    services.post_message(actor=agent, ticket=ticket, body="Try the badge reader on the left.")
    services.change_status(actor=agent, ticket=ticket, status="pending")

    page.get_by_role("button", name="Send reply").click()
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("Your reply was posted. The ticket changed while you were")
    expect(warning).to_contain_text("Sam replied")
    expect(page.locator(".entry-new")).to_have_count(2)
    expect(page.locator(".entry-message").last).to_contain_text("It worked once this morning.")
    assert Message.objects.filter(author=reporter).count() == 1
    screenshot(page, "ticket-stale-reply")


def test_a_status_change_from_a_stale_page_is_refused(page, sign_in, reporter, agent):
    ticket = make_ticket(reporter, subject="Monitor flickers")
    sign_in(page, "alice")
    page.goto(f"/tickets/{ticket.pk}/")
    services.change_status(actor=agent, ticket=ticket, status="pending")
    page.get_by_role("button", name="Mark as solved").click()
    expect(page.get_by_role("alert")).to_contain_text("your change was not applied")
    expect(page.locator(".ticket-head .badge")).to_have_text("Waiting on you")
    assert Ticket.objects.get(pk=ticket.pk).status == "pending"


def test_another_user_opening_the_tickets_address_gets_404(
    page, new_page, sign_in, screenshot, reporter, other_user
):
    ticket = make_ticket(reporter, subject="Access to the finance share")
    charlie = new_page()
    sign_in(charlie, "charlie")
    response = charlie.goto(f"/tickets/{ticket.pk}/")
    assert response.status == 404
    expect(charlie.get_by_role("heading", level=1)).to_have_text("We can't find that page")
    expect(charlie.get_by_text("Access to the finance share")).to_have_count(0)
    assert charlie.goto(f"/tickets/{ticket.pk}/edit/").status == 404
    screenshot(charlie, "not-found")


def test_user_text_renders_as_text_and_runs_nothing(page, sign_in, screenshot, reporter, agent):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    subject = "<script>window.__pwned = 'subject'; alert('subject')</script>"
    description = "Look: <img src=x onerror=\"window.__pwned = 'description'; alert('img')\">"
    sign_in(page, "alice")
    page.goto("/tickets/new/")
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Description").fill(description + "\nsecond line")
    page.get_by_role("button", name="Report issue").click()
    ticket = Ticket.objects.get()
    services.post_message(
        actor=agent, ticket=ticket, body="<img src=x onerror=\"window.__pwned = 'reply'\">"
    )
    page.get_by_role("textbox", name="Reply").fill("<script>window.__pwned = 'mine'</script>")
    page.get_by_role("button", name="Send reply").click()
    expect(page).to_have_url(re.compile(rf"/tickets/{ticket.pk}/"))

    expect(page.get_by_role("heading", level=1)).to_have_text(subject)
    expect(page.locator("#description .entry-body")).to_have_text(description + "second line")
    expect(page.locator(".entry-staff .entry-body")).to_contain_text("<img src=x onerror=")
    expect(page.locator(".entry-message").last).to_contain_text("<script>window.__pwned")
    assert page.locator("main img").count() == 0
    assert page.locator("main script").count() == 0

    page.get_by_role("link", name="My tickets").first.click()
    expect(page.locator(".ticket-link")).to_have_text(subject)
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    screenshot(page, "tickets-list-with-markup")
