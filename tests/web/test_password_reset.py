from __future__ import annotations

import re

import pytest
from pytest_django.asserts import assertContains, assertRedirects

pytestmark = pytest.mark.django_db

NEW = "a-brand-new-passphrase"


def request_reset(client, email: str):
    return client.post("/accounts/password/reset/", {"email": email}, follow=True)


def reset_path(mail) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/\S+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def test_known_and_unknown_addresses_get_the_same_answer(client, reporter, mailoutbox):
    known = request_reset(client, reporter.email)
    unknown = request_reset(client, "nobody@example.com")
    assertRedirects(known, "/accounts/password/reset/sent/")
    assertRedirects(unknown, "/accounts/password/reset/sent/")
    # Alike but for the (masked, so ever-changing) CSRF token of the language switcher.
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
    assert token.sub(b"", known.content) == token.sub(b"", unknown.content)
    assertContains(known, "If an account uses the address you entered")
    assert [mail.to for mail in mailoutbox] == [[reporter.email]]


def test_the_address_is_matched_whatever_its_case(client, reporter, mailoutbox):
    request_reset(client, reporter.email.upper())
    assert len(mailoutbox) == 1


def test_the_email_links_to_the_site_and_sets_a_new_password(
    client, reporter, mailoutbox, settings
):
    request_reset(client, reporter.email)
    mail = mailoutbox[0]
    assert mail.subject == "Reset your Helpdesk password"
    assert f"{settings.SITE_URL}/accounts/password/reset/" in mail.body
    assert "alice" in mail.body

    form = client.get(reset_path(mail), follow=True)
    assertContains(form, "Choose a new password")
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True
    )
    assertRedirects(response, "/accounts/login/")
    assertContains(response, "Your new password is set.")
    reporter.refresh_from_db()
    assert reporter.check_password(NEW)


def test_a_used_link_no_longer_works(client, reporter, mailoutbox):
    request_reset(client, reporter.email)
    path = reset_path(mailoutbox[0])
    form_url = client.get(path).url
    client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    response = client.get(path, follow=True)
    assertContains(response, "This link no longer works")


def test_the_new_password_follows_the_validators(client, reporter, mailoutbox):
    request_reset(client, reporter.email)
    form_url = client.get(reset_path(mailoutbox[0])).url
    response = client.post(form_url, {"new_password1": "abc", "new_password2": "abc"})
    assertContains(response, "This password is too short.")


def test_the_pages_have_titles(client):
    assertContains(client.get("/accounts/password/reset/"), "<title>Reset your password · ")
    assertContains(client.get("/accounts/password/reset/sent/"), "<title>Check your email · ")
