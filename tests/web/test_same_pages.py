"""The faster pages read exactly as before: each page, rendered by today's templates and
tags and by the templates they replaced (kept in tests/web/before/), says the same.

"my tickets" writes its rows and the ticket page its moments and reply form in
Python now (tickets/templatetags/helpdesk_web.py, docs/BENCHMARKS.md). Here the
same view renders the same data twice, once with tests/web/before/ in front of
the templates (the old base, list, ticket page and includes), and the two must
match in every language, for awkward subjects, names, bodies and files, and
for every status, priority and tab. Only runs of whitespace are folded, and
the CSRF token (masked anew for every form) is blanked.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from tests.factories import StaffFactory, make_ticket
from tests.files import content, png_bytes
from tickets import services
from tickets.models import Message, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

BEFORE = Path(__file__).parent / "before"
LANGUAGES = ["en", "de", "fr", "es"]
AWKWARD = "<script>alert('x')</script> & \"quotes\""


def before_templates() -> override_settings:
    engines = [{**engine, "DIRS": [BEFORE, *engine["DIRS"]]} for engine in settings.TEMPLATES]
    return override_settings(TEMPLATES=engines)


def normalised(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', html)
    return re.sub(r"\s+", " ", html)


def same_page(client, method: str, path: str, data: dict | None = None) -> None:
    """The page as today's templates write it equals the page the old ones write.

    Old, new, old: "3 minutes ago" may turn into "4 minutes ago" between two
    renderings, so the new one must equal one of the old ones around it.
    """

    def fetch(*, old: bool) -> str:
        response = getattr(client, method)(path, data or {})
        assert response.status_code == 200, (path, response.status_code)
        # The page came from the templates meant.
        assert Path(response.templates[0].origin.name).is_relative_to(BEFORE) == old
        return normalised(response.content.decode())

    with before_templates():
        first = fetch(old=True)
    new = fetch(old=False)
    with before_templates():
        last = fetch(old=True)
    if new not in (first, last):
        # Show where they part.
        at = next(i for i, (a, b) in enumerate(zip(first, new, strict=False)) if a != b)
        assert new[at - 300 : at + 300] == first[at - 300 : at + 300]


def set_times(ticket: Ticket, **ago: timedelta) -> None:
    now = timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(**{k: now - v for k, v in ago.items()})


@pytest.fixture
def sample(reporter, agent):
    """Tickets of every status and priority, with and without someone on them."""
    nameless = StaffFactory(username="ops<&>", first_name="")
    ages = [
        timedelta(minutes=7, seconds=30),
        timedelta(hours=3, minutes=20),
        timedelta(days=1, hours=5, minutes=30),
        timedelta(days=17, hours=4),
        timedelta(days=45, hours=2),
        timedelta(days=400, hours=6),
        -timedelta(days=2, hours=5, minutes=30),
        -timedelta(hours=2, minutes=30),
        timedelta(days=800, hours=3),
    ]
    statuses = list(Ticket.Status.values)
    priorities = ["low", "normal", "high", "urgent"]
    tickets = []
    for i in range(29):
        ticket = make_ticket(
            reporter,
            subject=AWKWARD if i % 7 == 0 else f"Ticket {i}: printer",
            status=statuses[i % len(statuses)],
            priority=priorities[i % len(priorities)],
            assignee=[None, agent, nameless][i % 3],
        )
        set_times(ticket, updated_at=ages[i % len(ages)], created_at=timedelta(days=900))
        tickets.append(ticket)
    return tickets


@pytest.mark.parametrize("language", LANGUAGES)
def test_my_tickets_reads_as_before(as_reporter, reporter, sample, language):
    reporter.language = language
    reporter.save(update_fields=["language"])
    for query in [
        {},
        {"page": 2},
        {"tab": "all"},
        {"tab": "all", "page": 2},
        {"tab": "waiting"},
        {"tab": "solved"},
        {"tab": "closed"},
        {"tab": "all", "q": "printer"},
        {"tab": "open", "q": "<b>nothing</b>"},
    ]:
        same_page(as_reporter, "get", "/tickets/", query)


def test_an_empty_list_reads_as_before(as_reporter):
    same_page(as_reporter, "get", "/tickets/")


@pytest.fixture
def conversation(reporter, agent):
    """A ticket with replies both ways, files, status changes and edits."""
    ticket = make_ticket(
        reporter, subject=AWKWARD, description="Line one\nLine <two> & three", priority="high"
    )
    services.post_message(
        actor=agent, ticket=ticket, body="Can you send a <b>screenshot</b>?\n\nThanks"
    )
    services.change_status(actor=agent, ticket=ticket, status="pending")
    services.post_message(
        actor=reporter,
        ticket=ticket,
        body="Here it is.",
        files=[content("shot <1>.png", png_bytes()), content("notes & log.txt", b"hello")],
    )
    services.modify_ticket(actor=agent, ticket=ticket, assignee=agent, priority="urgent")
    services.modify_ticket(actor=reporter, ticket=ticket, description="Now with details")
    # Hours ago, not seconds: "a second ago" may turn into "2 seconds ago" between renderings.
    back = timedelta(hours=3, minutes=20)
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=F("created_at") - back, updated_at=F("updated_at") - back
    )
    Message.objects.filter(ticket=ticket).update(created_at=F("created_at") - back)
    TicketEvent.objects.filter(ticket=ticket).update(created_at=F("created_at") - back)
    ticket.refresh_from_db()
    return ticket


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_ticket_page_reads_as_before(as_reporter, as_agent, reporter, conversation, language):
    reporter.language = language
    reporter.save(update_fields=["language"])
    path = f"/tickets/{conversation.pk}/"
    same_page(as_reporter, "get", path)
    # What arrived since the reader last looked is marked new.
    same_page(as_reporter, "get", path, {"since": "1"})
    # A reply refused: the form again, with its errors.
    same_page(as_reporter, "post", f"{path}reply/", {"body": "", "version": "1", "seen": "1"})
    # Staff read the reporter's page too, in their words.
    same_page(as_agent, "get", path)
    for status in ["pending", "resolved", "closed"]:
        Ticket.objects.filter(pk=conversation.pk).update(status=status)
        same_page(as_reporter, "get", path)
