from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains, assertRedirects

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "a-brand-new-passphrase"


def change(client, **overrides):
    data = {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW} | overrides
    return client.post("/accounts/password/", data)


def test_a_user_changes_their_password_and_stays_signed_in(as_reporter, reporter):
    response = change(as_reporter)
    assertRedirects(response, "/accounts/", fetch_redirect_response=False)
    reporter.refresh_from_db()
    assert reporter.check_password(NEW)
    page = as_reporter.get("/accounts/")
    assert page.context["user"] == reporter
    assertContains(page, "Your password has been changed.")


def test_the_current_password_must_be_right(as_reporter, reporter):
    response = change(as_reporter, old_password="not it")
    assertContains(response, '<ul class="errorlist" id="id_old_password_error">')
    reporter.refresh_from_db()
    assert reporter.check_password(PASSWORD)


def test_the_new_password_follows_the_validators(as_reporter, reporter):
    response = change(as_reporter, new_password1="12345678", new_password2="12345678")
    assertContains(response, "This password is too common.")
    reporter.refresh_from_db()
    assert reporter.check_password(PASSWORD)


def test_the_page_has_a_title_and_labels(as_reporter):
    response = as_reporter.get("/accounts/password/")
    assertContains(response, "<title>Change your password · Helpdesk</title>")
    assertContains(response, '<label for="id_new_password1">')


def test_it_rejects_other_methods(as_reporter):
    assert as_reporter.put("/accounts/password/").status_code == 405
    assert as_reporter.delete("/accounts/password/").status_code == 405
