"""/accounts/notifications/: each person chooses which emails they get."""

from __future__ import annotations

import pytest
from django.test import Client

from notifications.models import NotificationPreferences
from notifications.services import preferences_of
from tests.factories import make_ticket, signed_in
from tickets import services

pytestmark = pytest.mark.django_db
URL = "/accounts/notifications/"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_rejects_other_methods(reporter):
    assert signed_in(reporter).put(URL).status_code == 405


def test_an_end_user_sees_only_the_emails_they_can_get(reporter):
    page = signed_in(reporter).get(URL).content.decode()
    assert 'name="staff_reply"' in page and 'name="status_changed"' in page
    assert 'name="new_ticket"' not in page and 'name="internal_note"' not in page


def test_staff_see_the_staff_emails_with_new_tickets_off_by_default(agent):
    page = signed_in(agent).get(URL).content.decode()
    assert 'name="new_ticket"' in page and 'name="assigned"' in page
    assert 'name="new_ticket" id="id_new_ticket" checked' not in page
    assert 'name="assigned" id="id_assigned" checked' in page


def test_saving_turns_kinds_off_and_on(
    reporter, agent, mailoutbox, django_capture_on_commit_callbacks
):
    client = signed_in(reporter)
    response = client.post(URL, {"status_changed": "on"}, follow=True)
    assert "Your email preferences are saved." in response.content.decode()
    prefs = preferences_of(reporter)
    assert (prefs.staff_reply, prefs.status_changed) == (False, True)

    # And it takes effect: no email for a staff reply any more.
    ticket = make_ticket(reporter)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(actor=agent, ticket=ticket, body="Hello")
    assert mailoutbox == []


def test_an_end_user_cannot_opt_in_to_staff_emails(reporter):
    signed_in(reporter).post(URL, {"new_ticket": "on", "staff_reply": "on"})
    prefs = NotificationPreferences.objects.get(user=reporter)
    assert prefs.new_ticket is False and prefs.staff_reply is True


def test_the_form_needs_a_csrf_token(reporter):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)
    assert client.post(URL, {"staff_reply": "on"}).status_code == 403
    assert not NotificationPreferences.objects.exists()


def test_it_runs_a_fixed_number_of_queries(agent, django_assert_num_queries):
    client = signed_in(agent)
    client.get(URL)
    # Expect 3 queries: session, user, preferences.
    with django_assert_num_queries(3):
        client.get(URL)
