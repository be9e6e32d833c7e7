"""Everyone's email preferences in the console, written through the service."""

from __future__ import annotations

import pytest
from django.test import Client

from notifications import services as notification_services
from notifications.models import NotificationPreferences
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

PAGES = "/admin/notifications/notificationpreferences/"
# The defaults, as checkbox values: a box left out of a POST is off.
DEFAULTS = {
    "staff_reply": "on",
    "status_changed": "on",
    "reporter_reply": "on",
    "internal_note": "on",
    "assigned": "on",
}


@pytest.fixture
def as_superuser(db) -> Client:
    client = Client()
    client.force_login(StaffFactory(username="boss", is_superuser=True))
    return client


def test_a_superuser_turns_off_an_email_for_an_end_user(as_superuser, reporter):
    prefs = notification_services.update_preferences(user=reporter)
    response = as_superuser.post(f"{PAGES}{prefs.pk}/change/", {**DEFAULTS, "staff_reply": ""})
    assert response.status_code == 302
    prefs.refresh_from_db()
    assert (prefs.staff_reply, prefs.status_changed) == (False, True)


def test_staff_news_cannot_be_turned_on_for_an_end_user(as_superuser, reporter):
    prefs = notification_services.update_preferences(user=reporter)
    response = as_superuser.post(f"{PAGES}{prefs.pk}/change/", {**DEFAULTS, "new_ticket": "on"})
    assert response.status_code == 200
    assert "No such kind of email." in response.content.decode()
    prefs.refresh_from_db()
    assert prefs.new_ticket is False


def test_a_superuser_adds_preferences_for_someone(as_superuser, agent):
    response = as_superuser.post(f"{PAGES}add/", {**DEFAULTS, "user": agent.pk, "new_ticket": "on"})
    assert response.status_code == 302
    assert NotificationPreferences.objects.get(user=agent).new_ticket is True


def test_whose_preferences_a_row_holds_is_not_changed(as_superuser, reporter, other_user):
    prefs = notification_services.update_preferences(user=reporter)
    as_superuser.post(f"{PAGES}{prefs.pk}/change/", {**DEFAULTS, "user": other_user.pk})
    prefs.refresh_from_db()
    assert prefs.user == reporter
    assert not NotificationPreferences.objects.filter(user=other_user).exists()


def test_staff_change_their_own_preferences(agent):
    prefs = notification_services.update_preferences(user=agent)
    client = Client()
    client.force_login(agent)
    response = client.post(f"{PAGES}{prefs.pk}/change/", {**DEFAULTS, "new_ticket": "on"})
    assert response.status_code == 302
    prefs.refresh_from_db()
    assert prefs.new_ticket is True
