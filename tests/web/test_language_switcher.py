"""The language switcher in every page's footer: a plain form, no JavaScript needed."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from pytest_django.asserts import assertContains

pytestmark = pytest.mark.django_db


def test_every_language_is_offered_in_its_own_name_the_current_one_selected(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert html.startswith('<!doctype html>\n<html lang="fr">')
    assertContains(response, '<label for="language-select">')
    options = re.findall(r'<option value="(\w+)" lang="(\w+)"( selected)?>([^<]+)</option>', html)
    assert options == [
        (code, code, " selected" if code == "fr" else "", name) for code, name in settings.LANGUAGES
    ]
    assertContains(response, '<input type="hidden" name="next" value="/">')
    assertContains(response, 'name="csrfmiddlewaretoken"')


def test_choosing_a_language_switches_the_pages_and_comes_back(client):
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/tickets/new/"})
    assert response.status_code == 302
    assert response["Location"] == "/tickets/new/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    assert client.get("/").content.decode().startswith('<!doctype html>\n<html lang="de">')


def test_a_page_that_answers_a_post_sends_the_switcher_back_to_the_ticket(as_reporter, ticket):
    response = as_reporter.post(
        f"/tickets/{ticket.pk}/reply/", {"body": "", "version": ticket.version}
    )
    assertContains(response, f'name="next" value="/tickets/{ticket.pk}/"')


def test_the_500_page_has_no_switcher_as_it_renders_without_a_request():
    assert "language-select" not in render_to_string("500.html")


def test_a_signed_in_page_keeps_the_search_in_next(as_reporter):
    response = as_reporter.get("/tickets/", {"q": "vpn"})
    assertContains(response, 'name="next" value="/tickets/?q=vpn"')
