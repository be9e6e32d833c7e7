"""What the limits say is translated: the refusals, the 429 page's text, the NUL
refusal in the API, and the digest email (in its recipient's language)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from helpdesk.ratelimit import too_many
from notifications import emails
from notifications.models import EmailDelivery, NotificationKind
from tests.factories import StaffFactory, UserFactory, make_ticket
from tests.i18n.pseudo import pseudo_language, untranslated_html, untranslated_words
from tickets import services
from tickets.exceptions import RateLimited

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action", ["report", "reply"])
@pytest.mark.parametrize("wait", [30, 3600])
def test_the_refusal_of_one_too_many_is_translated(action, wait):
    with pseudo_language():
        assert untranslated_words(RateLimited(action=action, wait=wait).message) == []


def test_the_429_pages_text_is_translated(reporter):
    request = RequestFactory().post("/tickets/new/")
    request.user = reporter
    with pseudo_language():
        html = too_many(request, 600).content.decode()
    text = html.split('class="lead">')[1].split("<")[0]
    assert untranslated_words(text) == []


def test_the_apis_nul_refusal_is_translated(agent):
    client = Client()
    client.force_login(agent)
    with pseudo_language():
        body = client.get("/api/v1/tickets/?q=%00").json()
    assert untranslated_words(" ".join(body["errors"]["q"])) == []


def digest_of(reporter, agent, count: int) -> list[EmailDelivery]:
    ticket = make_ticket(reporter, subject="Printer on fire", description="It smells.")
    deliveries = []
    for n in range(count):
        message = services.post_message(actor=agent, ticket=ticket, body=f"Step {n}")
        deliveries.append(
            EmailDelivery(
                event=message.events.get(), recipient=reporter, kind=NotificationKind.STAFF_REPLY
            )
        )
    status = services.change_status(actor=agent, ticket=ticket, status="pending")
    deliveries.append(
        EmailDelivery(
            event=status.events.latest("pk"),
            recipient=reporter,
            kind=NotificationKind.STATUS_CHANGED,
        )
    )
    return deliveries


@pytest.mark.parametrize("count", [2, 25])
def test_the_digest_email_is_translated(reporter, agent, count):
    deliveries = digest_of(reporter, agent, count)
    lead = deliveries[0]
    ticket = lead.event.ticket
    allowed = [
        settings.SITE_NAME,
        ticket.subject,
        ticket.description,
        *(m.body for m in ticket.messages.all()),
        reporter.username,
        agent.username,
        emails.ticket_link(lead),
        emails.preferences_link(),
    ]
    with pseudo_language():
        email = emails.build_digest(deliveries)
    assert untranslated_words(email.body, allowed) == []
    assert untranslated_html(email.alternatives[0].content, allowed) == []


def test_the_digest_is_in_its_recipients_language():
    reporter = UserFactory(username="greta", language="de")
    agent = StaffFactory(username="eddie", language="en")
    email = emails.build_digest(digest_of(reporter, agent, 2))
    assert email.extra_headers["Content-Language"] == "de"
    assert 'lang="de"' in email.alternatives[0].content
