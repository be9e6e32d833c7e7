"""Every page has a title, landmarks, one h1, headings in order and a label for every input."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from accounts import services as account_services
from tests.factories import make_ticket
from tickets import services

pytestmark = pytest.mark.django_db


class Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.in_title = False
        self.headings: list[int] = []
        self.landmarks: set[str] = set()
        self.controls: list[str] = []
        self.labels: set[str] = set()
        self.forms_without_csrf = 0
        self._post_form_open = False
        self._csrf_seen = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self.in_title = True
        if tag in ("h1", "h2", "h3", "h4"):
            self.headings.append(int(tag[1]))
        if tag in ("main", "header", "footer", "nav"):
            self.landmarks.add(tag)
        if tag in ("input", "select", "textarea") and attrs.get("type") not in (
            "hidden",
            "submit",
        ):
            self.controls.append(attrs.get("id", "<no id>"))
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self._post_form_open, self._csrf_seen = True, False
        if tag == "input" and attrs.get("name") == "csrfmiddlewaretoken":
            self._csrf_seen = True

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if tag == "form" and self._post_form_open:
            self.forms_without_csrf += not self._csrf_seen
            self._post_form_open = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data


@pytest.fixture
def pages(reporter, agent):
    ticket = make_ticket(reporter)
    services.post_message(actor=agent, ticket=ticket, body="Hello")
    solved = make_ticket(reporter, status="resolved")
    account_services.create_api_token(user=reporter, name="Laptop")
    return {
        "anonymous": [
            "/",
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
            "/accounts/password/reset/sent/",
            "/no-such-page/",
        ],
        "alice": [
            "/tickets/",
            "/tickets/?tab=closed",
            "/tickets/new/",
            f"/tickets/{ticket.pk}/",
            f"/tickets/{solved.pk}/",
            f"/tickets/{ticket.pk}/edit/",
            "/accounts/",
            "/accounts/password/",
            "/accounts/api-tokens/",
            "/accounts/notifications/",
        ],
    }


def test_every_page_is_well_formed_for_assistive_technology(client, as_reporter, pages):
    checked = 0
    for who, urls in pages.items():
        browser: Client = client if who == "anonymous" else as_reporter
        for url in urls:
            response = browser.get(url)
            outline = Outline()
            outline.feed(response.content.decode())
            where = f"{url} as {who}"
            assert outline.title.strip().endswith("· Helpdesk"), where
            assert len(outline.title.strip()) > len("· Helpdesk"), where
            assert {"main", "header", "footer"} <= outline.landmarks, where
            assert outline.headings.count(1) == 1 and outline.headings[0] == 1, where
            # No heading level is skipped on the way down.
            for before, after in zip(outline.headings, outline.headings[1:], strict=False):
                assert after <= before + 1, where
            unlabelled = [c for c in outline.controls if c not in outline.labels]
            assert unlabelled == [], where
            assert outline.forms_without_csrf == 0, where
            checked += 1
    assert checked == sum(len(urls) for urls in pages.values())


def test_the_html_declares_its_language_and_viewport(client):
    html = client.get("/").content.decode()
    assert html.startswith('<!doctype html>\n<html lang="en">')
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<a class="skip-link" href="#main">Skip to content</a>' in html
