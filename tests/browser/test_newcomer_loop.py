"""A newcomer signs up, reports an issue, finds it, replies, marks it solved and reopens it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-unusual-passphrase"


def follow_the_email_link(page, mailoutbox) -> None:
    """Sign-up sends a link to prove the address (SIGNUP_VERIFY_EMAIL); follow it."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    link = re.search(r"https?://\S+(/accounts/signup/verify/\S+/)", mailoutbox[-1].body)
    page.goto(link.group(1))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm and sign in").click()


def test_a_newcomer_does_the_whole_loop(page, screenshot, mailoutbox):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Get help")
    screenshot(page, "home")

    page.get_by_role("link", name="Create a free account").click()
    expect(page).to_have_title("Create your account · Helpdesk")
    page.get_by_label("Username").fill("nina")
    page.get_by_label("Email").fill("nina@example.com")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password again").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#id_password1_error")).to_contain_text("too short")
    expect(page.get_by_label("Username")).to_have_value("nina")
    screenshot(page, "signup-errors")

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    follow_the_email_link(page, mailoutbox)
    expect(page).to_have_url(re.compile(r"/tickets/$"))
    expect(page.get_by_role("status")).to_contain_text("Welcome, nina!")
    expect(page.get_by_role("heading", name="No tickets yet")).to_be_visible()
    screenshot(page, "tickets-empty")

    page.get_by_role("link", name="Report your first issue").click()
    expect(page).to_have_title("Report an issue · Helpdesk")
    screenshot(page, "report-issue")
    page.get_by_label("Subject").fill("VPN drops every hour")
    page.get_by_label("Description").fill("It disconnects at the top of every hour.\nmacOS 15.")
    page.get_by_label("Priority").select_option("high")
    page.get_by_role("button", name="Report issue").click()

    ticket = Ticket.objects.get()
    expect(page).to_have_url(re.compile(rf"/tickets/{ticket.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text(f"ticket #{ticket.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text("VPN drops every hour")
    expect(page.locator(".ticket-head .badge")).to_have_text("New")

    page.get_by_role("link", name="My tickets").first.click()
    row = page.locator(".ticket-row", has_text="VPN drops every hour")
    expect(row).to_contain_text("New")
    expect(row).to_contain_text("High priority")
    page.get_by_label("Search your tickets").fill("disconnects")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".ticket-row")).to_have_count(1)
    screenshot(page, "tickets-list")
    row.get_by_role("link").click()

    page.get_by_role("textbox", name="Reply").fill("Also on Wi-Fi at home.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status")).to_contain_text("Your reply was posted.")
    expect(page.locator(".entry-message").last).to_contain_text("Also on Wi-Fi at home.")
    assert Message.objects.get().body == "Also on Wi-Fi at home."

    page.get_by_role("button", name="Mark as solved").click()
    expect(page.get_by_role("status")).to_contain_text("Marked as solved.")
    expect(page.locator(".ticket-head .badge")).to_have_text("Solved")
    expect(page.get_by_role("button", name="Mark as solved")).to_have_count(0)
    screenshot(page, "ticket-solved")

    page.get_by_role("button", name="Reopen").click()
    expect(page.get_by_role("status")).to_contain_text("Ticket reopened.")
    expect(page.locator(".ticket-head .badge")).to_have_text("Open")
    expect(page.locator(".timeline")).to_contain_text("changed the status from Solved to Open")
    assert Ticket.objects.get().status == "open"

    page.get_by_role("link", name="Edit subject or description").click()
    screenshot(page, "edit-ticket")
    page.get_by_label("Subject").fill("VPN drops every hour, also at home")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("VPN drops every hour, also at home")

    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_contain_text("You have been signed out.")


def test_the_loop_works_without_javascript(new_page, mailoutbox):
    page = new_page(java_script_enabled=False)
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("omar")
    page.get_by_label("Email").fill("omar@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    follow_the_email_link(page, mailoutbox)
    page.get_by_role("link", name="Report your first issue").click()
    page.get_by_label("Description").fill("Printer on floor 3 jams")
    page.get_by_role("button", name="Report issue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Printer on floor 3 jams")
    page.get_by_role("textbox", name="Reply").fill("Tray 2 only.")
    page.get_by_role("button", name="Send reply").click()
    page.get_by_role("button", name="Mark as solved").click()
    page.get_by_role("button", name="Reopen").click()
    expect(page.locator(".ticket-head .badge")).to_have_text("Open")
    # The account menu is a <details>: it opens without script.
    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You have been signed out.")
    assert Ticket.objects.get().status == "open"
