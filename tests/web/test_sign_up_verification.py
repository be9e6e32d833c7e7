"""Sign-up proves the email address before the account works (SIGNUP_VERIFY_EMAIL, the default)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.tasks import default_task_backend
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from accounts.models import User
from accounts.services import replace_unverified_user
from accounts.tokens import signup_tokens
from tests.factories import UserFactory
from tests.web import signing_up
from tests.web.signing_up import PASSWORD

pytestmark = pytest.mark.django_db

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def signup(client, **overrides):
    """Sign up as Nina and follow to the page that comes next."""
    return signing_up.signup(client, follow=True, **overrides)


def verify_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/signup/verify/\S+/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def queued(settings):
    """Tasks wait in a queue (the dummy backend) until the test runs them."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    yield default_task_backend
    default_task_backend.clear()


def run_queued(backend) -> None:
    for result in list(backend.results):
        result.task.call(*result.args, **result.kwargs)
    backend.clear()


def test_sign_up_makes_an_account_that_cannot_sign_in_yet(client, mailoutbox):
    response = signup(client)
    assertRedirects(response, "/accounts/signup/sent/")
    assertContains(response, "Check your email")
    user = User.objects.get(username="nina")
    assert not user.is_active
    assert response.context["user"].is_anonymous
    assert [m.to for m in mailoutbox] == [["nina@example.com"]]
    assert mailoutbox[0].subject == "Confirm your email address for Helpdesk"

    web = client.post("/accounts/login/", {"username": "nina", "password": PASSWORD})
    assert web.status_code == 200
    assertContains(web, "That username and password do not match.")
    api = client.post(
        "/api/v1/auth/token/",
        {"username": "nina", "password": PASSWORD},
        content_type="application/json",
    )
    assert api.status_code in (400, 401)
    assert not user.api_tokens.exists()


def test_the_link_activates_and_signs_in_once(client, mailoutbox):
    signup(client)
    path = verify_path(mailoutbox[0])
    page = client.get(path)
    assertContains(page, "Confirm and sign in")
    # Opening the link (a mail scanner, say) changes nothing.
    assert not User.objects.get(username="nina").is_active

    response = client.post(path, {"password": PASSWORD}, follow=True)
    assertRedirects(response, "/tickets/")
    assertContains(response, "Welcome, nina!")
    assert User.objects.get(username="nina").is_active
    assert response.context["user"].username == "nina"

    client.logout()
    again = client.post(path, {"password": PASSWORD})
    assert again.status_code == 400
    assertContains(again, "This link no longer works", status_code=400)
    assert (
        client.post("/accounts/login/", {"username": "nina", "password": PASSWORD}).status_code
        == 302
    )


def test_an_expired_link_is_refused(client, mailoutbox, monkeypatch, settings):
    signup(client)
    path = verify_path(mailoutbox[0])
    later = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(signup_tokens, "_now", lambda: later.replace(tzinfo=None))
    assertContains(client.post(path), "This link no longer works", status_code=400)
    assert not User.objects.get(username="nina").is_active


@pytest.mark.parametrize(
    "tamper",
    [
        lambda uid, token: (uid, token[:-1] + ("a" if token[-1] != "a" else "b")),
        lambda uid, token: ("Nzc3", token),
        lambda uid, token: ("%%%", token),
        lambda uid, token: (uid, "1-abc"),
    ],
)
def test_a_forged_link_is_refused(client, mailoutbox, tamper):
    signup(client)
    _, _, _, _, uid, token, _ = verify_path(mailoutbox[0]).split("/")
    uid, token = tamper(uid, token)
    response = client.post(f"/accounts/signup/verify/{uid}/{token}/")
    assert response.status_code in (400, 404)
    assert not User.objects.get(username="nina").is_active


def test_a_password_reset_link_does_not_activate(client, mailoutbox):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    signup(client)
    user = User.objects.get(username="nina")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    assert client.post(f"/accounts/signup/verify/{uid}/{token}/").status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_a_known_address_gets_the_same_page_and_its_owner_a_warning(client, mailoutbox):
    UserFactory(username="nora", email="nina@example.com", last_login=timezone.now())
    known = signup(client, email="NINA@example.com")
    new = signup(client, username="nina2", email="other@example.com")
    assertRedirects(known, "/accounts/signup/sent/")
    assertRedirects(new, "/accounts/signup/sent/")
    assert CSRF.sub(b"", known.content) == CSRF.sub(b"", new.content)
    assert not User.objects.filter(username="nina").exists()
    warning, verification = mailoutbox
    assert warning.to == ["nina@example.com"]
    assert warning.subject == "Someone tried to sign up to Helpdesk with your address"
    assert "nora" in warning.body
    assert "/accounts/signup/verify/" not in warning.body
    assert verification.to == ["other@example.com"]


def test_signing_up_again_before_confirming_sends_a_new_link(client, mailoutbox):
    signup(client)
    signup(client, username="nina-again")
    assert [m.subject for m in mailoutbox] == ["Confirm your email address for Helpdesk"] * 2
    assert "nina-again" in mailoutbox[1].body
    # The second sign-up took the unconfirmed account over: still one account.
    assert list(User.objects.values_list("username", flat=True)) == ["nina-again"]


def test_a_taken_username_is_still_an_inline_error_without_revealing_the_email(client, reporter):
    response = signup(client, username="alice", email=reporter.email)
    assertContains(response, "This username is taken.")
    assert "already exists" not in response.content.decode()


def test_no_email_is_sent_inside_the_request(client, queued):
    UserFactory(username="nora", email="nora@example.com")
    signup(client)
    signup(client, username="other", email="nora@example.com")
    client.post("/accounts/password/reset/", {"email": "nora@example.com"})
    assert mail.outbox == []
    assert len(queued.results) == 3
    run_queued(queued)
    assert sorted(m.subject for m in mail.outbox) == [
        "Confirm your email address for Helpdesk",
        "Reset your Helpdesk password",
        "Someone tried to sign up to Helpdesk with your address",
    ]


def test_the_emails_are_in_the_language_of_the_sign_up_page(client, mailoutbox):
    signing_up.signup(client, email="nina@example.com", headers={"accept-language": "de"})
    assert mailoutbox[0].extra_headers["Content-Language"] == "de"
    assert mailoutbox[0].subject == "Bestätigen Sie Ihre E-Mail-Adresse für Helpdesk"


def test_the_warning_is_in_the_owners_language(client, mailoutbox):
    UserFactory(username="nora", email="nina@example.com", language="fr", last_login=timezone.now())
    signing_up.signup(client, email="nina@example.com", headers={"accept-language": "de"})
    assert mailoutbox[0].extra_headers["Content-Language"] == "fr"


def test_without_verification_the_account_works_at_once(client, settings, mailoutbox):
    settings.SIGNUP_VERIFY_EMAIL = False
    response = signup(client)
    assertRedirects(response, "/tickets/")
    assert User.objects.get(username="nina").is_active
    assert mailoutbox == []


def test_the_link_needs_the_accounts_password(client, mailoutbox):
    signup(client)
    path = verify_path(mailoutbox[0])
    page = client.get(path)
    assertContains(page, 'type="password"')

    for wrong in ("", "not-the-password"):
        response = client.post(path, {"password": wrong})
        assert response.status_code == 200
        assert response.context["form"].errors
        assert not User.objects.get(username="nina").is_active
        assert response.context["user"].is_anonymous
    assertContains(response, "That is not the password of this account.")

    # The link still works for the one who knows the password.
    response = client.post(path, {"password": PASSWORD}, follow=True)
    assertRedirects(response, "/tickets/")
    assert User.objects.get(username="nina").is_active


def test_wrong_passwords_on_the_link_count_toward_the_lockout(client, mailoutbox):
    signup(client)
    path = verify_path(mailoutbox[0])
    answers = [client.post(path, {"password": f"guess{i}"}).status_code for i in range(5)]
    assert answers == [200] * 4 + [429]
    # Locked: even the right password is refused now, and nothing is activated.
    assert client.post(path, {"password": PASSWORD}).status_code == 429
    assert not User.objects.get(username="nina").is_active


def test_a_stranger_who_signed_up_first_with_the_owners_address_gets_nothing(client, mailoutbox):
    from django.test import Client

    stranger_password = "the-strangers-own-passphrase"
    stranger = Client()
    signup(stranger, username="mallory", password1=stranger_password, password2=stranger_password)
    stranger_link = verify_path(mailoutbox[0])

    # The address's owner signs up later, with a password of their own.
    owner_password = "the-owners-own-passphrase"
    response = signup(client, password1=owner_password, password2=owner_password)
    assertRedirects(response, "/accounts/signup/sent/")
    owner_mail = mailoutbox[-1]
    assert owner_mail.to == ["nina@example.com"]
    owner_link = verify_path(owner_mail)
    assert owner_link != stranger_link

    # The stranger's link is dead, and knowing their own password does not help.
    refused = stranger.post(stranger_link, {"password": stranger_password})
    assertContains(refused, "This link no longer works", status_code=400)
    on_owners_link = stranger.post(owner_link, {"password": stranger_password})
    assert on_owners_link.status_code == 200
    assert not User.objects.get(email__iexact="nina@example.com").is_active

    response = client.post(owner_link, {"password": owner_password}, follow=True)
    assertRedirects(response, "/tickets/")
    user = User.objects.get(email__iexact="nina@example.com")
    assert user.is_active
    assert user.username == "nina"
    assert user.check_password(owner_password)
    assert not user.check_password(stranger_password)
    assert not User.objects.filter(username="mallory").exists()

    for username in ("mallory", "nina"):
        web = Client().post(
            "/accounts/login/", {"username": username, "password": stranger_password}
        )
        assert web.status_code == 200
        api = Client().post(
            "/api/v1/auth/token/",
            {"username": username, "password": stranger_password},
            content_type="application/json",
        )
        assert api.status_code in (400, 401)
    assert not user.api_tokens.exists()
    api = Client().post(
        "/api/v1/auth/token/",
        {"username": "nina", "password": owner_password},
        content_type="application/json",
    )
    assert api.status_code in (200, 201)


def test_old_links_of_a_taken_over_account_are_refused(client, mailoutbox):
    signup(client)
    old_link = verify_path(mailoutbox[0])
    # Even with the same password as before: the new hash retires the old link.
    signup(client, username="nina2")
    new_link = verify_path(mailoutbox[1])
    assertContains(
        client.post(old_link, {"password": PASSWORD}), "no longer works", status_code=400
    )
    assert not User.objects.get(username="nina2").is_active
    assertRedirects(
        client.post(new_link, {"password": PASSWORD}), "/tickets/", target_status_code=200
    )
    assert User.objects.get(username="nina2").is_active


def test_a_confirmed_account_is_never_taken_over(client, mailoutbox, reporter):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        replace_unverified_user(
            user=reporter, username="mallory", email=reporter.email, password=PASSWORD
        )
    reporter.refresh_from_db()
    assert reporter.username == "alice"
    signup(client, username="mallory", email=reporter.email)
    reporter.refresh_from_db()
    assert reporter.username == "alice"
    assert not User.objects.filter(username="mallory").exists()


def test_a_link_checked_against_an_account_taken_over_meanwhile_activates_nothing(client):
    # The owner's confirm and a stranger's new sign-up race: the owner's
    # password was checked against the account as it was before the takeover.
    from django.core.exceptions import ValidationError

    from accounts.services import activate_user

    signup(client)
    as_checked = User.objects.get(username="nina")
    replace_unverified_user(
        user=as_checked, username="stranger", email="nina@example.com", password="s-" + PASSWORD
    )
    with pytest.raises(ValidationError):
        activate_user(user=as_checked)
    assert not User.objects.get(pk=as_checked.pk).is_active


def test_a_switched_off_console_account_is_not_taken_over_by_a_sign_up(client):
    from tests.factories import StaffFactory

    staff = StaffFactory(username="olga", email="olga@example.com", is_active=False)
    signup(client, username="mallory", email="olga@example.com")
    staff.refresh_from_db()
    assert staff.username == "olga"
    assert staff.is_staff
    assert staff.check_password(PASSWORD) is False
    assert not User.objects.filter(username="mallory").exists()


def test_sign_ups_cannot_flood_one_address_with_email(settings, queued):
    # From many client addresses, each within its own limit: the mailed
    # address has a limit of its own, as password reset has.
    from django.test import Client

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup_email": "2/h"}
    UserFactory(username="victim", email="victim@example.com")
    for i in range(4):
        client = Client(REMOTE_ADDR=f"203.0.113.{i + 1}")
        response = signup(client, username=f"spam{i}", email="victim@example.com")
        assertRedirects(response, "/accounts/signup/sent/")
    assert len(queued.results) == 2
