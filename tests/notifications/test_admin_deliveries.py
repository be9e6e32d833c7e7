from __future__ import annotations

import pytest
from django.test import Client

from notifications.models import EmailDelivery
from tests.factories import StaffFactory
from tickets import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(reporter, agent, ticket):
    message = services.post_message(actor=agent, ticket=ticket, body="Hi")
    return EmailDelivery.objects.create(
        event=message.events.get(), recipient=reporter, kind="staff_reply", status="failed"
    )


def retry(user, delivery) -> Client:
    client = Client()
    client.force_login(user)
    return client.post(
        "/admin/notifications/emaildelivery/",
        {"action": "retry", "_selected_action": [delivery.pk]},
    )


def test_helpdesk_staff_see_failed_emails_but_cannot_resend_them(agent, failed):
    client = Client()
    client.force_login(agent)
    page = client.get("/admin/notifications/emaildelivery/?status__exact=failed")
    assert page.status_code == 200
    retry(agent, failed)
    assert EmailDelivery.objects.get(pk=failed.pk).status == "failed"


def test_a_superuser_can_resend_failed_emails(failed, mailoutbox):
    boss = StaffFactory(username="boss", is_superuser=True)
    retry(boss, failed)
    assert EmailDelivery.objects.get(pk=failed.pk).status == "sent"
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]
