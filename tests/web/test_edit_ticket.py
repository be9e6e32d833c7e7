from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from tests.factories import make_ticket
from tickets import services
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def edit(client, ticket, **overrides):
    data = {
        "subject": "VPN drops hourly",
        "description": "Every hour, on the hour.",
        "version": ticket.version,
    } | overrides
    return client.post(f"/tickets/{ticket.pk}/edit/", data)


def test_the_form_holds_the_current_text(as_reporter, ticket, django_assert_num_queries):
    # Expect 3 queries: the session, the user, the ticket.
    with django_assert_num_queries(3):
        response = as_reporter.get(f"/tickets/{ticket.pk}/edit/")
    assertContains(response, f"<title>Edit #{ticket.pk} Printer on fire · Helpdesk</title>")
    assertContains(response, 'value="Printer on fire"')
    assertContains(response, "It smells of toner and regret.</textarea>")
    assertContains(response, f'<input type="hidden" name="version" value="{ticket.version}"')


def test_the_reporter_edits_subject_and_description(as_reporter, reporter, ticket):
    response = edit(as_reporter, ticket)
    assertRedirects(response, f"/tickets/{ticket.pk}/", fetch_redirect_response=False)
    updated = Ticket.objects.get(pk=ticket.pk)
    assert (updated.subject, updated.description) == (
        "VPN drops hourly",
        "Every hour, on the hour.",
    )
    assert set(TicketEvent.objects.filter(kind="edited").values_list("field", "actor")) == {
        ("subject", reporter.pk),
        ("description", reporter.pk),
    }
    assertContains(as_reporter.get(response.url), "Your changes are saved.")


def test_saving_unchanged_text_says_so(as_reporter, ticket):
    response = edit(as_reporter, ticket, subject=ticket.subject, description=ticket.description)
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version
    assertContains(as_reporter.get(response.url), "Nothing to save")


def test_an_edit_from_a_stale_page_is_refused_and_the_text_kept(as_reporter, agent, ticket):
    loaded = Ticket.objects.get(pk=ticket.pk)
    services.modify_ticket(actor=agent, ticket=ticket, subject="Printer smoking")
    response = edit(as_reporter, loaded, description="My careful rewrite")

    assert response.status_code == 200
    assert Ticket.objects.get(pk=ticket.pk).description == "It smells of toner and regret."
    assertContains(response, "Not saved: someone changed this ticket while you were editing.")
    assertContains(response, "My careful rewrite</textarea>")
    # The current version is shown, and the form now carries it: sending
    # again applies the text knowingly.
    assertContains(response, '<p class="current-subject">Printer smoking</p>')
    current = Ticket.objects.get(pk=ticket.pk).version
    assertContains(response, f'<input type="hidden" name="version" value="{current}"')
    edit(as_reporter, Ticket.objects.get(pk=ticket.pk), description="My careful rewrite")
    assert Ticket.objects.get(pk=ticket.pk).description == "My careful rewrite"


def test_errors_appear_next_to_their_field(as_reporter, ticket):
    response = edit(as_reporter, ticket, description="  ", subject="x" * 201)
    assertContains(response, '<ul class="errorlist" id="id_subject_error">')
    assertContains(response, 'value="' + "x" * 201 + '"')
    assert Ticket.objects.get(pk=ticket.pk).subject == "Printer on fire"


def test_a_blank_description_is_refused_by_the_service(as_reporter, ticket):
    response = edit(as_reporter, ticket, description="  \n ")
    assertContains(response, '<ul class="errorlist" id="id_description_error">')
    assertContains(response, "Description is required.")


def test_a_closed_ticket_cannot_be_edited(as_reporter, reporter):
    ticket = make_ticket(reporter, status="closed")
    for response in (as_reporter.get(f"/tickets/{ticket.pk}/edit/"), edit(as_reporter, ticket)):
        assertRedirects(response, f"/tickets/{ticket.pk}/", fetch_redirect_response=False)
    assert Ticket.objects.get(pk=ticket.pk).subject == "Printer on fire"
    assertContains(as_reporter.get(f"/tickets/{ticket.pk}/"), "This ticket is closed, so it takes")


def test_the_ticket_page_links_to_the_editor(as_reporter, ticket):
    assertContains(as_reporter.get(f"/tickets/{ticket.pk}/"), f'href="/tickets/{ticket.pk}/edit/"')


def test_someone_elses_ticket_is_not_found(as_other_user, ticket):
    assert as_other_user.get(f"/tickets/{ticket.pk}/edit/").status_code == 404
    assert edit(as_other_user, ticket).status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).subject == "Printer on fire"


def test_it_rejects_other_methods(as_reporter, ticket):
    assert as_reporter.put(f"/tickets/{ticket.pk}/edit/").status_code == 405


def test_anonymous_callers_are_sent_to_sign_in(client, ticket):
    response = edit(client, ticket)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assertNotContains(client.get(f"/tickets/{ticket.pk}/edit/", follow=True), "Printer on fire")
