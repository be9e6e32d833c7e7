from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client
from pytest_django.asserts import assertContains

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_a_styled_404(client):
    response = client.get("/no/such/page/")
    assertContains(response, "<title>Page not found · Helpdesk</title>", status_code=404)
    assertContains(response, "/static/css/helpdesk.css", status_code=404)
    assertContains(response, 'href="/">Go to the home page', status_code=404)


def test_the_404_page_offers_my_tickets_when_signed_in(as_reporter):
    response = as_reporter.get("/tickets/424242/")
    assertContains(response, 'href="/tickets/">Go to my tickets', status_code=404)


def test_the_500_page_renders_without_a_request():
    # Django renders it with no context at all, as anything may be broken.
    html = render_to_string("500.html")
    assert "<title>Something went wrong · Helpdesk</title>" in html
    assert "Something went wrong on our side" in html


@pytest.mark.parametrize(
    ("template", "title"), [("403.html", "Not allowed"), ("400.html", "Bad request")]
)
def test_the_other_error_pages_are_styled(rf, template, title):
    html = render_to_string(template, request=rf.get("/"))
    assert f"<title>{title} · Helpdesk</title>" in html
    assert "/static/css/helpdesk.css" in html


def test_a_form_sent_without_its_csrf_token_gets_a_styled_explanation(reporter):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)
    response = client.post("/tickets/new/", {"description": "x"})
    assertContains(response, "That form had expired", status_code=403)
