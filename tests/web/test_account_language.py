"""Choosing the language: POST /accounts/language/ (the switcher's and the account page's form).

A signed-in person's choice is saved on their account and wins over the
browser's; anyone's is kept in Django's language cookie too. Without
JavaScript: a plain form, a redirect back.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from pytest_django.asserts import assertContains

from accounts import services
from accounts.models import User

pytestmark = pytest.mark.django_db

URL = "/accounts/language/"
COOKIE = settings.LANGUAGE_COOKIE_NAME


def test_the_url_has_the_name_the_switchers_use():
    from django.urls import reverse

    assert reverse("set_language") == URL


def test_a_signed_in_user_chooses_german_and_reads_german_next(as_reporter, reporter):
    response = as_reporter.post(URL, {"language": "de", "next": "/tickets/"})
    assert response.status_code == 302
    assert response.url == "/tickets/"
    assert User.objects.get(pk=reporter.pk).language == "de"
    assert response.cookies[COOKIE].value == "de"

    page = as_reporter.get("/tickets/")
    assert page["Content-Language"] == "de"


def test_the_saved_choice_follows_the_user_to_another_browser(as_reporter, reporter):
    as_reporter.post(URL, {"language": "fr", "next": "/tickets/"})
    elsewhere = Client(headers={"Accept-Language": "es"})
    elsewhere.force_login(reporter)
    assert elsewhere.get("/tickets/")["Content-Language"] == "fr"


def test_an_anonymous_visitor_gets_the_cookie(client):
    response = client.post(URL, {"language": "fr", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert response.cookies[COOKIE].value == "fr"
    assert client.get("/accounts/login/")["Content-Language"] == "fr"


def test_browsers_language_clears_the_choice_and_the_cookie(as_reporter, reporter):
    services.set_language(user=reporter, language="de")
    as_reporter.cookies[COOKIE] = "de"
    response = as_reporter.post(URL, {"language": "", "next": "/tickets/"})
    assert response.status_code == 302
    assert User.objects.get(pk=reporter.pk).language == ""
    assert response.cookies[COOKIE].value == ""
    page = as_reporter.get("/tickets/", headers={"Accept-Language": "es"})
    assert page["Content-Language"] == "es"


@pytest.mark.parametrize("language", ["xx", "de-AT", "DE", "<script>"])
def test_a_language_we_do_not_offer_is_refused(as_reporter, reporter, language):
    response = as_reporter.post(URL, {"language": language, "next": "/tickets/"})
    assert response.status_code == 400
    assert User.objects.get(pk=reporter.pk).language == ""
    assert COOKIE not in response.cookies


def test_a_missing_language_is_refused(client):
    assert client.post(URL, {"next": "/"}).status_code == 400


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/", "http://testserver.evil.example/", ""],
)
def test_an_off_site_next_is_not_followed(client, next_url):
    response = client.post(URL, {"language": "de", "next": next_url})
    assert response.status_code == 302
    assert response.url == "/"


def test_a_next_on_this_site_keeps_its_query(client):
    response = client.post(URL, {"language": "de", "next": "/tickets/?status=open"})
    assert response.url == "/tickets/?status=open"


def test_it_rejects_get_and_other_methods(client, as_reporter):
    assert client.get(URL).status_code == 405
    assert as_reporter.get(URL).status_code == 405
    assert as_reporter.put(URL).status_code == 405


def test_it_needs_the_csrf_token(reporter):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)
    assert client.post(URL, {"language": "de"}).status_code == 403
    assert User.objects.get(pk=reporter.pk).language == ""


def test_the_service_refuses_an_unknown_language(reporter):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.set_language(user=reporter, language="xx")
    assert services.set_language(user=reporter, language="es").language == "es"
    assert User.objects.get(pk=reporter.pk).language == "es"


def test_the_account_page_offers_the_choice(as_reporter, reporter):
    services.set_language(user=reporter, language="fr")
    response = as_reporter.get("/accounts/")
    assertContains(response, 'action="/accounts/language/"')
    # The page is in the language chosen, the blank choice too.
    with translation.override("fr"):
        browsers = escape(gettext("Browser's language"))
    assert browsers != escape("Browser's language")
    assertContains(response, f'<option value="">{browsers}</option>', html=False)
    assertContains(response, '<option value="fr" lang="fr" selected>Français</option>')
    assertContains(response, 'name="next" value="/accounts/"')
