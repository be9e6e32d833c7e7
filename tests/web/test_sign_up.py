from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains, assertRedirects

from accounts.models import User
from tests.factories import UserFactory
from tests.web.signing_up import PASSWORD, signup

pytestmark = pytest.mark.django_db


@pytest.fixture
def without_verification(settings):
    """A closed deployment, where whoever reaches sign-up is trusted.

    tests/web/test_sign_up_verification.py has the default, with verification.
    """
    settings.SIGNUP_VERIFY_EMAIL = False


def test_a_newcomer_signs_up_and_is_signed_in(client, without_verification):
    response = signup(client)
    assertRedirects(response, "/tickets/", fetch_redirect_response=False)
    user = User.objects.get(username="nina")
    assert user.email == "nina@example.com"
    assert user.check_password(PASSWORD)
    assert not user.is_staff
    page = client.get("/tickets/")
    assert page.context["user"] == user
    assertContains(page, "Welcome, nina!")


def test_the_page_shows_a_form_with_a_label_for_every_input(client):
    response = client.get("/accounts/signup/")
    assertContains(response, "<title>Create your account · Helpdesk</title>")
    for name in ("username", "email", "password1", "password2"):
        assertContains(response, f'<label for="id_{name}">')
    assertContains(response, 'name="csrfmiddlewaretoken"')


def test_a_taken_username_is_reported_next_to_the_field_whatever_its_case(client, reporter):
    response = signup(client, username="ALICE", email="new@example.com")
    assert response.status_code == 200
    assertContains(response, '<ul class="errorlist" id="id_username_error">')
    assertContains(response, "This username is taken.")
    # What the user typed is kept, except the passwords.
    assertContains(response, 'value="new@example.com"')
    assertContains(response, 'value="ALICE"')
    assert PASSWORD not in response.content.decode()
    assert User.objects.count() == 1


def test_a_taken_email_address_is_reported_next_to_the_field(client, without_verification):
    UserFactory(username="nora", email="nina@example.com")
    response = signup(client, email="NINA@example.com")
    assertContains(response, '<ul class="errorlist" id="id_email_error">')
    assertContains(response, "An account with this email address already exists.")
    assert not User.objects.filter(username="nina").exists()


@pytest.mark.parametrize(
    ("password", "error"),
    [
        ("short1!", "This password is too short."),
        ("password123", "This password is too common."),
        ("4829175036", "This password is entirely numeric."),
        ("nina@example", "The password is too similar to the email address."),
    ],
)
def test_passwords_follow_djangos_validators(client, password, error):
    response = signup(client, password1=password, password2=password)
    assertContains(response, '<ul class="errorlist" id="id_password1_error">')
    assertContains(response, error)
    assert not User.objects.exists()


def test_the_two_passwords_must_match(client):
    response = signup(client, password2=PASSWORD + "x")
    assertContains(response, '<ul class="errorlist" id="id_password2_error">')
    assertContains(response, "The two passwords do not match.")
    assert not User.objects.exists()


def test_a_username_with_spaces_or_symbols_is_refused(client):
    response = signup(client, username="nina <b>")
    assertContains(response, '<ul class="errorlist" id="id_username_error">')
    assert not User.objects.exists()


def test_signed_in_users_are_sent_to_their_tickets(as_reporter):
    assertRedirects(as_reporter.get("/accounts/signup/"), "/tickets/")


def test_it_rejects_other_methods(client):
    assert client.put("/accounts/signup/").status_code == 405
