"""Choosing which emails you get, in a browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from notifications.services import preferences_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_user_turns_off_emails_about_staff_replies(page, sign_in, screenshot, reporter):
    sign_in(page, "alice")
    page.locator(".account-menu summary").click()
    page.get_by_role("link", name="Email notifications").click()
    expect(page).to_have_title("Email notifications · Helpdesk")
    staff_replies = page.get_by_label("Staff reply to my ticket")
    expect(staff_replies).to_be_checked()
    screenshot(page, "notification-preferences")

    staff_replies.uncheck()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.locator(".messages, [role=status], .message").first).to_contain_text(
        "Your email preferences are saved."
    )
    expect(page.get_by_label("Staff reply to my ticket")).not_to_be_checked()
    assert preferences_of(reporter).staff_reply is False
