"""The console's language menu: a plain form in the user tools, no JavaScript."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.admin.conftest import QUEUE

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")


def language_form(html: str) -> str:
    return re.search(r'<form id="hd-language-form".*?</form>', html, re.S).group(0)


def test_every_console_page_offers_every_language_in_its_own_words(as_agent):
    form = language_form(as_agent.get(QUEUE, {"status": "new"}).content.decode())
    assert f'action="{reverse("set_language")}"' in form
    assert 'method="post"' in form and 'name="csrfmiddlewaretoken"' in form
    assert '<label for="hd-language">Language</label>' in form
    for code, name in settings.LANGUAGES:
        assert f'<option value="{code}" lang="{code}"' in form
        assert f">{name}</option>" in form
    # Back to the page it was chosen on, filters and all.
    assert f'name="next" value="{QUEUE}?status=new"' in form
    assert '<option value="en" lang="en" selected>' in form


def test_choosing_german_turns_the_console_german(as_agent):
    response = as_agent.post(reverse("set_language"), {"language": "de", "next": INDEX})
    assert (response.status_code, response["Location"]) == (302, INDEX)
    html = as_agent.get(INDEX).content.decode()
    assert '<html lang="de"' in html
    # Django's own admin words come in German already.
    assert "Abmelden" in html
    assert '<option value="de" lang="de" selected>' in language_form(html)


def test_the_menu_is_for_signed_in_staff_only(client):
    assert "hd-language-form" not in client.get(reverse("admin:login")).content.decode()
