"""No English slips through the account pages and emails (issue 17).

Inside the pseudo-language every translated string comes out as ⟦…⟧; each page
of accounts (sign-in, sign-up, password change and reset, the account page,
API tokens, the lockout), with its form errors, its messages and its empty
and full states, and each email it sends, must have no visible word outside
the markers but what the test itself wrote (usernames, token names) and the
site's name.

The page frame (templates/base.html) and the shared includes (field, form
errors, messages) belong to the web pages' area, which checks them; here they
are cut out, or their few words allowed, so that this test speaks for accounts.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts import services
from accounts.admin import ApiTokenInline, UserAdmin
from accounts.forms import LanguageForm
from accounts.lockout import LockoutHandler  # noqa: F401 - the handler in use
from accounts.models import ApiToken, User
from tests.factories import PASSWORD, UserFactory, signed_in
from tests.i18n.pseudo import pseudo_language, untranslated_html, untranslated_words

pytestmark = pytest.mark.django_db

BRAND = [settings.SITE_NAME]
# Each language is named in itself, never translated (settings.LANGUAGES).
LANGUAGE_NAMES = [name for _, name in settings.LANGUAGES]
USER_DATA = ["alice", "alice@example.com", "Backup script", "Old laptop", "charlie"]

URL = re.compile(r"https?://\S+")


def leftovers(response, *more: str) -> list[str]:
    html = response.content.decode()
    return untranslated_html(html, allowed=[*USER_DATA, *BRAND, *LANGUAGE_NAMES, *more])


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


# --- pages for anyone ---------------------------------------------------------------


def test_sign_in_page_and_its_errors(alice):
    client = Client()
    with pseudo_language():
        assert leftovers(client.get("/accounts/login/")) == []
        wrong = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
        assert wrong.status_code == 200
        assert leftovers(wrong) == []
        empty = client.post("/accounts/login/", {"username": "", "password": ""})
        assert leftovers(empty) == []


def test_signed_out_message(alice):
    client = signed_in(alice)
    with pseudo_language():
        client.post("/accounts/logout/")
        assert leftovers(client.get("/accounts/login/")) == []


def test_sign_up_page_its_errors_and_its_welcome(alice, settings):
    # The welcome straight after sign-up is for deployments without verification.
    settings.SIGNUP_VERIFY_EMAIL = False
    client = Client()
    with pseudo_language():
        assert leftovers(client.get("/accounts/signup/")) == []
        taken = client.post(
            "/accounts/signup/",
            {
                "username": "alice",
                "email": "alice@example.com",
                "password1": "12345678",
                "password2": "87654321",
            },
        )
        assert leftovers(taken) == []
        lookalike = client.post(
            "/accounts/signup/",
            {
                "username": "\u0430lice",
                "email": "not an email",
                "password1": "alice",
                "password2": "alice",
            },
        )
        assert leftovers(lookalike, "\u0430lice", "not an email") == []
        assert leftovers(client.post("/accounts/signup/", {})) == []
        welcome = client.post(
            "/accounts/signup/",
            {
                "username": "charlie",
                "email": "charlie@example.com",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
            follow=True,
        )
        assert "charlie" in welcome.content.decode()
        assert 'class="flashes"' in welcome.content.decode()
        assert leftovers(welcome) == []


def test_sign_up_verification_pages_and_emails(alice, mailoutbox):
    client = Client()
    data = {"username": "charlie", "email": "charlie@example.com"}
    data |= {"password1": PASSWORD, "password2": PASSWORD}
    with pseudo_language():
        sent = client.post("/accounts/signup/", data, follow=True)
        assert leftovers(sent) == []
        known = client.post("/accounts/signup/", data | {"username": "charlie2"}, follow=True)
        assert leftovers(known) == []
        alice.last_login = timezone.now()
        alice.save(update_fields=["last_login"])
        client.post(
            "/accounts/signup/", data | {"username": "charlie3", "email": "alice@example.com"}
        )
        for email in mailoutbox:
            assert untranslated_words(email.subject, allowed=BRAND) == []
            assert untranslated_words(URL.sub(" ", email.body), allowed=[*USER_DATA, *BRAND]) == []
        assert len(mailoutbox) == 3
        # The second sign-up took the unconfirmed account over: its link is the one that works.
        path = re.sub(r"^https?://[^/]+", "", URL.search(mailoutbox[1].body).group(0))
        assert leftovers(client.get(path), "charlie2") == []
        wrong = client.post(path, {"password": "not-the-password"})
        assert wrong.context["form"].errors
        assert leftovers(wrong, "charlie2") == []
        welcome = client.post(path, {"password": PASSWORD}, follow=True)
        assert 'class="flashes"' in welcome.content.decode()
        assert leftovers(welcome) == []
        client.logout()
        used = client.get(path)
        assert used.status_code == 400
        assert leftovers(used) == []


def test_password_reset_pages_and_email(alice, mailoutbox):
    client = Client()
    with pseudo_language():
        assert leftovers(client.get("/accounts/password/reset/")) == []
        bad = client.post("/accounts/password/reset/", {"email": "nope"})
        assert leftovers(bad, "nope") == []
        sent = client.post("/accounts/password/reset/", {"email": "alice@example.com"}, follow=True)
        assert leftovers(sent) == []
        email = mailoutbox[0]
        assert untranslated_words(email.subject, allowed=BRAND) == []
        assert untranslated_words(URL.sub(" ", email.body), allowed=[*USER_DATA, *BRAND]) == []

        link = URL.search(email.body).group(0)
        form = client.get(link[link.index("/accounts/") :], follow=True)
        assert leftovers(form) == []
        mismatch = client.post(
            form.redirect_chain[-1][0],
            {"new_password1": "a-new-passphrase-17", "new_password2": "another-one"},
        )
        assert leftovers(mismatch) == []
        done = client.post(
            form.redirect_chain[-1][0],
            {"new_password1": "a-new-passphrase-17", "new_password2": "a-new-passphrase-17"},
            follow=True,
        )
        assert leftovers(done) == []
        expired = client.get("/accounts/password/reset/MQ/expired-token/", follow=True)
        assert leftovers(expired) == []


def test_locked_out_pages_and_the_email(alice, settings, mailoutbox):
    settings.AXES_USERNAME_FAILURE_LIMIT = 8
    with pseudo_language():
        locked = None
        for n in range(5):
            locked = Client(REMOTE_ADDR="203.0.113.1").post(
                "/accounts/login/", {"username": "alice", "password": f"guess{n}"}
            )
        assert locked.status_code == 429
        assert leftovers(locked) == []
        for n in range(4):
            Client(REMOTE_ADDR="203.0.113.2").post(
                "/accounts/login/", {"username": "alice", "password": f"guess{n}"}
            )
        everywhere = Client(REMOTE_ADDR="198.51.100.9").post(
            "/accounts/login/", {"username": "alice", "password": PASSWORD}
        )
        assert everywhere.status_code == 429
        assert leftovers(everywhere) == []
        api = Client(REMOTE_ADDR="198.51.100.9").post(
            "/api/v1/auth/token/",
            {"username": "alice", "password": PASSWORD},
            content_type="application/json",
        )
        problem = api.json()
        assert api.status_code == 429
        assert untranslated_words(problem["title"]) == []
        assert untranslated_words(problem["detail"]) == []

        [email] = mailoutbox
        assert untranslated_words(email.subject, allowed=BRAND) == []
        assert untranslated_words(URL.sub(" ", email.body), allowed=[*USER_DATA, *BRAND]) == []


# --- pages for a signed-in person ---------------------------------------------------


def test_account_page(alice):
    client = signed_in(alice)
    with pseudo_language():
        assert leftovers(client.get("/accounts/"), *LANGUAGE_NAMES) == []
        services.set_language(user=alice, language="de")
        assert leftovers(client.get("/accounts/"), *LANGUAGE_NAMES) == []


def test_password_change_page_its_errors_and_the_messages(alice):
    services.create_api_token(user=alice, name="Backup script")
    client = signed_in(alice)
    with pseudo_language():
        assert leftovers(client.get("/accounts/password/")) == []
        wrong = client.post(
            "/accounts/password/",
            {"old_password": "nope", "new_password1": "1234", "new_password2": "5678"},
        )
        assert leftovers(wrong) == []
        done = client.post(
            "/accounts/password/",
            {
                "old_password": PASSWORD,
                "new_password1": "a-new-passphrase-17",
                "new_password2": "a-new-passphrase-17",
            },
            follow=True,
        )
        assert "API token" in done.content.decode()
        assert leftovers(done, *LANGUAGE_NAMES) == []


def test_api_tokens_page_in_every_state(alice):
    client = signed_in(alice)
    api_base = "http://testserver/api/v1/"
    with pseudo_language():
        assert leftovers(client.get("/accounts/api-tokens/"), api_base) == []
        too_long = client.post("/accounts/api-tokens/", {"name": "x" * 101})
        assert leftovers(too_long, api_base, "x" * 101) == []
        client.post("/accounts/api-tokens/", {"name": "Backup script"})
        shown = client.get("/accounts/api-tokens/")
        token = ApiToken.objects.get(user=alice)
        assert leftovers(shown, api_base, token.prefix) == []
        # The copy button's words, which its script shows.
        said = re.findall(r'data-(?:copied-text|copied-status|copy-by-hand)="([^"]*)"', shown.text)
        assert len(said) == 3
        assert [w for text in said for w in untranslated_words(text)] == []

        laptop, _ = services.create_api_token(user=alice, name="Old laptop")
        ApiToken.objects.filter(pk=laptop.pk).update(last_used_at=timezone.now())
        listed = client.get("/accounts/api-tokens/")
        prefixes = list(ApiToken.objects.values_list("prefix", flat=True))
        assert leftovers(listed, api_base, *prefixes) == []
        revoked = client.post(f"/accounts/api-tokens/{laptop.pk}/revoke/", follow=True)
        assert leftovers(revoked, api_base, *prefixes) == []


# --- what the console and the forms take from accounts ------------------------------


def test_the_models_names_and_labels():
    with pseudo_language():
        names = [
            User._meta.verbose_name,
            User._meta.verbose_name_plural,
            ApiToken._meta.verbose_name,
            ApiToken._meta.verbose_name_plural,
            # (Not the automatic ones: the "ID" of Django's primary keys stays as it is.)
            *(f.verbose_name for f in User._meta.fields if not f.auto_created),
            *(f.verbose_name for f in ApiToken._meta.fields if not f.auto_created),
            LanguageForm.base_fields["language"].label,
            *(
                str(label)
                for code, label in LanguageForm.base_fields["language"].choices
                if not code
            ),
        ]
        assert [str(n) for n in names if untranslated_words(str(n))] == []


def test_the_token_authentications_errors(client):
    with pseudo_language():
        for header in ["Token hd_no-such-token", "Token two words"]:
            response = client.get("/api/v1/me/", headers={"Authorization": header})
            assert response.status_code == 401
            assert untranslated_words(response.json()["detail"]) == []


def test_the_consoles_token_list_and_action(alice):
    with pseudo_language():
        action = UserAdmin.revoke_api_tokens
        assert untranslated_words(str(action.short_description)) == []
        assert untranslated_words(str(ApiTokenInline.model._meta.verbose_name_plural)) == []
