"""API tokens, the account page and the lockout page, in a browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import ApiToken, hash_token
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_user_creates_copies_and_revokes_an_api_token(new_page, sign_in, screenshot, reporter):
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    sign_in(page, "alice")
    page.locator(".account-menu summary").click()
    page.get_by_role("link", name="API tokens").click()
    expect(page).to_have_title("API tokens · Helpdesk")
    page.get_by_label("Name").fill("Backup script")
    page.get_by_role("button", name="Create token").click()

    value = page.get_by_label("Token value")
    raw = value.input_value()
    assert hash_token(raw) == ApiToken.objects.get().key_hash
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == raw
    screenshot(page, "api-tokens")

    page.reload()
    expect(page.get_by_label("Token value")).to_have_count(0)
    row = page.locator(".token-row", has_text="Backup script")
    expect(row).to_contain_text("Never used")
    row.locator("summary").click()
    row.get_by_role("button", name="Revoke “Backup script”").click()
    expect(page.get_by_role("status")).to_contain_text("Token “Backup script” revoked.")
    assert not ApiToken.objects.exists()


def test_the_account_page_and_password_change(page, sign_in, screenshot, reporter):
    make_ticket(reporter)
    sign_in(page, "alice")
    page.locator(".account-menu summary").click()
    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_text("alice@example.com")).to_be_visible()
    screenshot(page, "account")
    page.get_by_role("link", name="Change password").click()
    screenshot(page, "password-change")


def test_a_locked_out_user_is_told_so_plainly(page, screenshot, reporter):
    page.goto("/accounts/login/")
    for _ in range(5):
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password", exact=True).fill("a wrong guess")
        with page.expect_response(re.compile(r"/accounts/login/$")) as answer:
            page.get_by_role("button", name="Sign in").click()
    assert answer.value.status == 429
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in is locked for now")
    expect(page.get_by_text("try again in 15 minutes")).to_be_visible()
    screenshot(page, "locked-out")


def test_the_sign_in_and_reset_pages(page, screenshot, reporter):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password", exact=True).fill("a wrong guess")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    screenshot(page, "login-error")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    screenshot(page, "password-reset-sent")
