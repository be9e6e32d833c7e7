"""Every web page, in the pseudo-language: no English the product wrote outside the markers.

Each test renders a page (or several) as each person who can see it, with data
that makes every branch show: each status and tab, empty states, search and
paging, form errors after a bad POST, the messages after each action, every
kind of timeline event, and the error pages. What the test itself wrote
(names, subjects, bodies) may stand outside the markers, and so may the site's
name and the languages' own names in the language switcher.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from tests.factories import make_ticket, signed_in
from tests.i18n.pseudo import pseudo_language, untranslated_html
from tickets import services
from tickets.models import Ticket, TicketEvent
from tickets.timeline import micros

pytestmark = pytest.mark.django_db

BRAND = [settings.SITE_NAME]
# The language switcher names each language in that language, whatever the page's.
LANGUAGE_NAMES = [name for _code, name in settings.LANGUAGES]


class Pages:
    """What each page left untranslated, by the page's name."""

    def __init__(self, *user_data: str) -> None:
        self.allowed = [*user_data, *BRAND, *LANGUAGE_NAMES]
        self.found: dict[str, list[str]] = {}

    def check(self, name: str, response_or_html, *, status: int = 200) -> str:
        if isinstance(response_or_html, str):
            html = response_or_html
        else:
            assert response_or_html.status_code == status, name
            html = response_or_html.content.decode()
        words = untranslated_html(html, allowed=self.allowed)
        if words:
            self.found[name] = words
        return html

    def assert_translated(self) -> None:
        assert not self.found, "Untranslated words:\n" + "\n".join(
            f"{name}: {' '.join(words)}" for name, words in self.found.items()
        )

    def follow(self, name: str, client: Client, response) -> str:
        """The page a POST redirected to, with the message it left."""
        assert response.status_code == 302, (name, response.status_code)
        return self.check(name, client.get(response.url))


def user_data(*users: User, tickets=(), extra=()) -> list[str]:
    data = list(extra)
    for user in users:
        data += [user.username, user.get_full_name(), user.email]
    for ticket in tickets:
        data += [ticket.subject, ticket.description]
        data += [m.body for m in ticket.messages.all()]
    return data


@pytest.fixture
def pseudo():
    with pseudo_language():
        yield


def test_the_public_pages_and_error_pages(pseudo, reporter, client):
    pages = Pages(*user_data(reporter))
    pages.check("home, signed out", client.get("/"))
    pages.check("404, signed out", client.get("/no/such/page/"), status=404)
    as_reporter = signed_in(reporter)
    pages.check("404, signed in", as_reporter.get("/tickets/424242/"), status=404)
    # Signed in, the front page is the list of one's tickets.
    pages.follow("home, signed in", as_reporter, as_reporter.get("/"))

    request = RequestFactory().get("/")
    for template in ("400.html", "403.html", "403_csrf.html"):
        pages.check(template, render_to_string(template, request=request))
    # The 429 page's text comes from the rate limiter; here a translated stand-in.
    too_fast = gettext("Slow down a little")
    pages.check("429.html", render_to_string("429.html", {"text": too_fast}, request=request))
    # Django renders the 500 page with no request and no context at all.
    pages.check("500.html", render_to_string("500.html"))

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(reporter)
    refused = csrf_client.post("/tickets/new/", {"description": "x"})
    pages.check("403, CSRF", refused, status=403)
    pages.assert_translated()


def test_my_tickets_every_tab_search_paging_and_empty_state(pseudo, reporter, agent, other_user):
    pages = Pages(*user_data(reporter, agent, other_user), "VPN drops", "nothing-like-this")
    # A newcomer: no tickets at all.
    pages.check("my tickets, newcomer", signed_in(other_user).get("/tickets/"))

    as_reporter = signed_in(reporter)
    make_ticket(reporter, status="resolved", subject="VPN drops", priority="urgent")
    for tab in ("open", "waiting", "solved", "closed", "all"):
        pages.check(f"empty tab {tab}", as_reporter.get("/tickets/", {"tab": tab}))
        pages.check(
            f"no match in {tab}",
            as_reporter.get("/tickets/", {"tab": tab, "q": "nothing-like-this"}),
        )

    for status in Ticket.Status.values:
        make_ticket(
            reporter, status=status, subject=f"VPN {status}", priority="high", assignee=agent
        )
    for i in range(26):
        make_ticket(reporter, subject=f"Printer {i}")
    subjects = list(Ticket.objects.values_list("subject", flat=True))
    pages.allowed += subjects
    for tab in ("open", "waiting", "solved", "closed", "all"):
        pages.check(f"tab {tab}", as_reporter.get("/tickets/", {"tab": tab}))
        pages.check(f"search in {tab}", as_reporter.get("/tickets/", {"tab": tab, "q": "VPN"}))
    pages.check("page 2", as_reporter.get("/tickets/", {"tab": "all", "page": 2}))
    # One match: the singular.
    pages.check("one match", as_reporter.get("/tickets/", {"tab": "waiting", "q": "VPN"}))
    pages.assert_translated()


def test_reporting_an_issue_with_errors_then_for_real(pseudo, reporter):
    as_reporter = signed_in(reporter)
    pages = Pages(*user_data(reporter), "Printer on fire", "It smells of toner.")
    pages.check("report form", as_reporter.get("/tickets/new/"))
    pages.check("report form, errors", as_reporter.post("/tickets/new/", {"subject": "x" * 300}))
    reported = as_reporter.post(
        "/tickets/new/",
        {"subject": "Printer on fire", "description": "It smells of toner.", "priority": "low"},
    )
    pages.follow("reported", as_reporter, reported)
    pages.assert_translated()


@pytest.fixture
def story(reporter, agent, other_agent):
    """A ticket with every kind of event the web timeline shows, by everyone."""
    ticket = make_ticket(reporter, subject="Printer on fire", description="It smells of toner.")
    services.post_message(actor=agent, ticket=ticket, body="Can you send a photo?")
    services.change_status(actor=agent, ticket=ticket, status="pending")
    services.post_message(actor=reporter, ticket=ticket, body="Here it is.")
    services.modify_ticket(actor=agent, ticket=ticket, assignee=agent, priority="urgent")
    services.modify_ticket(
        actor=reporter, ticket=ticket, subject="Printer still on fire", description="With details"
    )
    services.modify_ticket(actor=agent, ticket=ticket, assignee=other_agent, priority="low")
    services.modify_ticket(actor=agent, ticket=ticket, assignee=None)
    services.change_status(actor=reporter, ticket=ticket, status="resolved")
    services.change_status(actor=reporter, ticket=ticket, status="open")
    # The helpdesk itself (a time-based rule) acts with no person behind it.
    TicketEvent.objects.create(
        ticket=ticket, actor=None, kind="status_changed", old_value="open", new_value="pending"
    )
    Ticket.objects.filter(pk=ticket.pk).update(status="pending")
    ticket.refresh_from_db()
    return ticket


def story_data(ticket, *users) -> list[str]:
    return user_data(*users, tickets=[ticket], extra=["Printer on fire", "It smells of toner."])


def test_the_ticket_page_with_every_event_for_reporter_and_staff(
    pseudo, story, reporter, agent, other_agent
):
    pages = Pages(*story_data(story, reporter, agent, other_agent))
    long_ago = micros(story.created_at - timedelta(days=400))
    for who, user in (("reporter", reporter), ("staff", agent)):
        client = signed_in(user)
        pages.check(f"ticket page, {who}", client.get(f"/tickets/{story.pk}/"))
        pages.check(
            f"ticket page, {who}, all new",
            client.get(f"/tickets/{story.pk}/", {"since": long_ago}),
        )
    as_reporter = signed_in(reporter)
    pages.check(
        "reply form, errors",
        as_reporter.post(f"/tickets/{story.pk}/reply/", {"body": "", "version": story.version}),
    )
    pages.assert_translated()


@pytest.mark.parametrize("status", ["new", "open", "pending", "resolved", "closed"])
def test_the_ticket_page_in_each_status(pseudo, reporter, agent, status):
    ticket = make_ticket(reporter, status=status, priority="high", assignee=agent)
    # An old ticket: its dates show as dates, not "now".
    Ticket.objects.filter(pk=ticket.pk).update(created_at=timezone.now() - timedelta(days=40))
    pages = Pages(*user_data(reporter, agent, tickets=[ticket]))
    for who, user in (("reporter", reporter), ("staff", agent)):
        pages.check(f"{status} ticket, {who}", signed_in(user).get(f"/tickets/{ticket.pk}/"))
    pages.assert_translated()


def test_the_messages_after_each_action(pseudo, reporter, agent):
    as_reporter = signed_in(reporter)
    ticket = make_ticket(reporter, subject="VPN drops", description="Every hour.")
    pages = Pages(*user_data(reporter, agent), "VPN drops", "Every hour.", "Any news?", "Still?")

    def state(t):
        t.refresh_from_db()
        return {"version": t.version, "seen": micros(t.updated_at)}

    url = f"/tickets/{ticket.pk}"
    pages.follow(
        "replied",
        as_reporter,
        as_reporter.post(f"{url}/reply/", {"body": "Any news?", **state(ticket)}),
    )
    seen = state(ticket)
    services.post_message(actor=agent, ticket=ticket, body="Can you restart it?")
    services.change_status(actor=agent, ticket=ticket, status="pending")
    for i in range(4):
        services.modify_ticket(actor=agent, ticket=ticket, priority=["high", "low"][i % 2])
    pages.allowed.append("Can you restart it?")
    pages.follow(
        "replied on a stale page",
        as_reporter,
        as_reporter.post(f"{url}/reply/", {"body": "Still?", **seen}),
    )
    services.change_status(actor=agent, ticket=ticket, status="resolved")
    pages.follow(
        "replied and reopened",
        as_reporter,
        as_reporter.post(f"{url}/reply/", {"body": "Still?", **state(ticket)}),
    )
    # A reply with nothing changed meanwhile, and no "seen": the plain stale message.
    services.change_status(actor=agent, ticket=ticket, status="pending")
    pages.follow(
        "replied, stale, nothing to list",
        as_reporter,
        as_reporter.post(f"{url}/reply/", {"body": "Still?", "version": 1}),
    )

    pages.follow(
        "solved",
        as_reporter,
        as_reporter.post(f"{url}/status/", {"status": "resolved", **state(ticket)}),
    )
    pages.follow(
        "reopened",
        as_reporter,
        as_reporter.post(f"{url}/status/", {"status": "open", **state(ticket)}),
    )
    pages.follow("incomplete", as_reporter, as_reporter.post(f"{url}/status/", {"status": "open"}))
    pages.follow(
        "stale status",
        as_reporter,
        as_reporter.post(f"{url}/status/", {"status": "resolved", "version": 1, "seen": 0}),
    )
    pages.follow(
        "invalid transition",
        as_reporter,
        as_reporter.post(f"{url}/status/", {"status": "closed", **state(ticket)}),
    )
    as_agent = signed_in(agent)
    pages.follow(
        "staff status change",
        as_agent,
        as_agent.post(f"{url}/status/", {"status": "pending", **state(ticket)}),
    )
    services.change_status(actor=agent, ticket=ticket, status="closed")
    pages.follow(
        "reply on a closed ticket",
        as_reporter,
        as_reporter.post(f"{url}/reply/", {"body": "Still?", **state(ticket)}),
    )
    pages.follow("edit a closed ticket", as_reporter, as_reporter.get(f"{url}/edit/"))
    pages.assert_translated()


def test_the_edit_page_with_errors_stale_and_saved(pseudo, reporter, agent):
    as_reporter = signed_in(reporter)
    ticket = make_ticket(reporter, subject="VPN drops", description="Every hour.")
    pages = Pages(
        *user_data(reporter, agent), "VPN drops", "Every hour.", "VPN drops hourly", "Mine"
    )
    url = f"/tickets/{ticket.pk}/edit/"
    pages.check("edit page", as_reporter.get(url))
    pages.check(
        "edit page, errors",
        as_reporter.post(url, {"subject": "x" * 300, "version": ticket.version}),
    )
    pages.follow(
        "nothing to save",
        as_reporter,
        as_reporter.post(
            url, {"subject": "VPN drops", "description": "Every hour.", "version": ticket.version}
        ),
    )
    loaded = ticket.version
    services.modify_ticket(actor=agent, ticket=ticket, subject="VPN drops hourly")
    pages.check(
        "edit page, stale",
        as_reporter.post(url, {"subject": "Mine", "description": "Mine", "version": loaded}),
    )
    ticket.refresh_from_db()
    pages.follow(
        "saved",
        as_reporter,
        as_reporter.post(
            url, {"subject": "Mine", "description": "Mine", "version": ticket.version}
        ),
    )
    pages.assert_translated()


def test_the_notification_preferences_for_an_end_user_and_staff(pseudo, reporter, agent):
    pages = Pages(*user_data(reporter, agent))
    for who, user in (("end user", reporter), ("staff", agent)):
        client = signed_in(user)
        pages.check(f"preferences, {who}", client.get("/accounts/notifications/"))
        saved = client.post("/accounts/notifications/", {"staff_reply": "on"})
        pages.follow(f"preferences saved, {who}", client, saved)
    pages.assert_translated()
