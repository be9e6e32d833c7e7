"""A person who chose German, French or Spanish reads the whole loop in it."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext, trans_real
from playwright.sync_api import expect

from accounts import services as account_services
from tests.factories import UserFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def _in(language: str, english: str, context: str | None = None) -> str:
    """What the product says for `english` in `language`, from our catalog."""
    catalog = trans_real.translation(language)._catalog
    assert (f"{context}\x04{english}" if context else english) in catalog, (
        f"{english!r} is not in the {language} catalog"
    )
    with translation.override(language):
        return pgettext(context, english) if context else gettext(english)


@pytest.mark.parametrize("language", ["de", "fr", "es"])
def test_a_person_reports_an_issue_in_their_language(page, sign_in, screenshot, language):
    reader = UserFactory(username=f"reader-{language}")
    account_services.set_language(user=reader, language=language)

    sign_in(page, reader.username)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(_in(language, "My tickets"))
    expect(page.get_by_role("heading", level=2)).to_have_text(_in(language, "No tickets yet"))
    screenshot(page, f"{language}-tickets-empty")

    page.goto("/tickets/new/")
    expect(page).to_have_title(re.compile(re.escape(_in(language, "Report an issue"))))
    page.get_by_label(_in(language, "Subject")).fill("Drucker druckt nicht")
    page.get_by_label(_in(language, "Description")).fill("Seit heute Morgen: Fehler E-42.")
    screenshot(page, f"{language}-report-issue")
    page.get_by_role("button", name=_in(language, "Report issue")).click()

    ticket = Ticket.objects.get()
    expect(page).to_have_url(re.compile(rf"/tickets/{ticket.pk}/$"))
    # What the reporter wrote stays as written; what the product says is theirs.
    expect(page.get_by_role("heading", level=1)).to_have_text("Drucker druckt nicht")
    expect(page.locator(".ticket-head .badge")).to_have_text(_in(language, "New", "ticket status"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    # Longer words than English's still fit the side panel (they wrap).
    panel = page.locator(".side-actions").bounding_box()
    for action in page.locator(".side-actions .button").all():
        box = action.bounding_box()
        assert box["x"] + box["width"] <= panel["x"] + panel["width"] + 0.5, action.inner_text()
    screenshot(page, f"{language}-ticket-page")
