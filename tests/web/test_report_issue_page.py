from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains, assertRedirects

from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def report(client, **overrides):
    data = {
        "subject": "VPN drops",
        "description": "Every hour.\nOn the hour.",
        "priority": "high",
    } | overrides
    return client.post("/tickets/new/", data)


def test_the_form_asks_for_subject_description_and_priority(as_reporter, django_assert_num_queries):
    # Expect 2 queries: the session and the user.
    with django_assert_num_queries(2):
        response = as_reporter.get("/tickets/new/")
    assertContains(response, "<title>Report an issue · Helpdesk</title>")
    for name in ("subject", "description", "priority"):
        assertContains(response, f'<label for="id_{name}">')
    assertContains(response, '<option value="normal" selected>Normal</option>', html=True)


def test_a_user_reports_an_issue_and_lands_on_it_with_a_confirmation(as_reporter, reporter):
    response = report(as_reporter)
    ticket = Ticket.objects.get()
    assertRedirects(response, f"/tickets/{ticket.pk}/", fetch_redirect_response=False)
    assert (ticket.reporter, ticket.subject, ticket.priority, ticket.status) == (
        reporter,
        "VPN drops",
        "high",
        "new",
    )
    assert ticket.description == "Every hour.\nOn the hour."
    assertContains(as_reporter.get(response.url), f"your issue is reported as ticket #{ticket.pk}")


def test_the_subject_is_optional(as_reporter):
    report(as_reporter, subject="", description="\n  Printer is on fire  \nsend help")
    assert Ticket.objects.get().subject == "Printer is on fire"


def test_a_missing_description_is_reported_next_to_the_field_and_input_kept(as_reporter):
    response = report(as_reporter, description="")
    assert response.status_code == 200
    assertContains(response, '<ul class="errorlist" id="id_description_error">')
    assertContains(response, 'value="VPN drops"')
    assertContains(response, '<option value="high" selected>High</option>', html=True)
    assert not Ticket.objects.exists()


def test_a_blank_description_is_refused_by_the_service_next_to_the_field(as_reporter):
    response = report(as_reporter, description="   \n  ")
    assertContains(response, '<ul class="errorlist" id="id_description_error">')
    assertContains(response, "Description is required.")
    assert not Ticket.objects.exists()


def test_subject_and_description_are_bounded(as_reporter):
    response = report(as_reporter, subject="s" * 201, description="d" * 20_001)
    assertContains(response, '<ul class="errorlist" id="id_subject_error">')
    assertContains(response, '<ul class="errorlist" id="id_description_error">')
    assert not Ticket.objects.exists()


def test_an_unknown_priority_is_refused(as_reporter):
    response = report(as_reporter, priority="whenever")
    assertContains(response, '<ul class="errorlist" id="id_priority_error">')
    assert not Ticket.objects.exists()


def test_it_rejects_other_methods(as_reporter):
    assert as_reporter.put("/tickets/new/").status_code == 405
    assert not Ticket.objects.exists()
