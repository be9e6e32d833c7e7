"""The queue's table is the one Django's {% result_list %} gives, cell for cell.

tickets/admin/result_list.py renders the rows in one pass instead of through
Django's items_for_result (docs/BENCHMARKS.md). These tests render the same
page both ways, for a sample of awkward tickets, in several languages, sorted
and filtered, and compare the tables with whitespace normalised.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.template.loader import render_to_string
from django.utils import translation

from tests.admin.conftest import QUEUE
from tests.factories import UserFactory, make_ticket
from tickets.admin import result_list
from tickets.admin.filters import CreatedFilter, PriorityFilter, QueueFilter
from tickets.admin.queue import _status_badge
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

SUBJECTS = [
    'Printer <b>jams</b> & "smokes"',
    "<script>alert(1)</script>",
    "  padded subject  ",
    "l'imprimante \u00e9t\u00e9 \U0001f5a8",
    "{} %s {0}",
]


def table(html: str) -> str:
    found = re.search(r'<div class="results">.*?</table>\s*</div>', html, re.S)
    assert found, "no result list on the page"
    return re.sub(r"\s+", " ", found.group(0))


def sidebar(html: str) -> str:
    found = re.search(r'<search id="changelist-filter".*?</search>', html, re.S)
    assert found, "no filters on the page"
    return re.sub(r"\s+", " ", found.group(0))


def djangos(cl) -> dict:
    """Django's own result_list context, of the page's tickets: the template renders its rows."""
    cl.tickets_for_django()
    return {**admin_list.result_list(cl), "rows": None}


@pytest.fixture
def sample(reporter, agent, other_agent):
    weird = UserFactory(username="o'<brien>")
    long_ago = datetime(2020, 1, 6, 9, 30, tzinfo=UTC)
    statuses = list(Ticket.Status.values)
    priorities = list(Ticket.Priority.values)
    tickets = []
    for i, subject in enumerate(SUBJECTS * 2):
        tickets.append(
            make_ticket(
                weird if i % 3 == 0 else reporter,
                subject=subject,
                status=statuses[i % len(statuses)],
                priority=priorities[i % len(priorities)],
                assignee=[None, agent, other_agent][i % 3],
            )
        )
    # Long ago, so that the ages read the same on both requests; a due time
    # far ahead or far behind, or paused, for the Due column.
    for i, ticket in enumerate(tickets):
        due = [None, long_ago, long_ago + timedelta(days=36500)][i % 3]
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=long_ago - timedelta(days=i * 40),
            updated_at=long_ago + timedelta(hours=i),
            sla_next_due=due,
            sla_paused=i == 3,
        )
    return tickets


@pytest.mark.parametrize("language", ["en", "de", "fr", "es"])
@pytest.mark.parametrize(
    "query",
    [
        {},
        {"o": "-5.2", "status": "active"},
        {"priority__exact": "high", "assignee": "none"},
        {"q": "printer"},
        {"q": "smokes & <b>", "o": "3", "assignee": "me", "sla": "late"},
    ],
)
def test_the_table_and_filters_are_djangos(as_agent, sample, monkeypatch, language, query):
    as_agent.cookies["django_language"] = language

    ours = as_agent.get(QUEUE, query)
    assert ours.context["rows"] is not None, "the queue's own rows were not used"
    monkeypatch.setattr(result_list, "queue_result_list", djangos)
    monkeypatch.setattr(QueueFilter, "template", admin.SimpleListFilter.template)
    monkeypatch.setattr(PriorityFilter, "template", admin.FieldListFilter.template)
    monkeypatch.setattr(CreatedFilter, "template", admin.FieldListFilter.template)
    monkeypatch.setattr(QueueFilter, "choices", admin.SimpleListFilter.choices)
    theirs = as_agent.get(QUEUE, query)

    assert theirs.context["rows"] is None
    ours_html, theirs_html = ours.content.decode(), theirs.content.decode()
    if ours.context["cl"].result_count:
        assert table(ours_html) == table(theirs_html)
    assert sidebar(ours_html) == sidebar(theirs_html)
    assert 'class="selected"' in sidebar(ours_html)


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_assignee_filter_is_djangos_for_one_staff_member(
    as_agent, sample, agent, monkeypatch, language
):
    as_agent.cookies["django_language"] = language
    query = {"assignee": str(agent.pk), "status": "new", "q": "a+b c"}
    ours = as_agent.get(QUEUE, query).content.decode()
    monkeypatch.setattr(QueueFilter, "template", admin.SimpleListFilter.template)
    monkeypatch.setattr(PriorityFilter, "template", admin.FieldListFilter.template)
    monkeypatch.setattr(CreatedFilter, "template", admin.FieldListFilter.template)
    monkeypatch.setattr(QueueFilter, "choices", admin.SimpleListFilter.choices)
    theirs = as_agent.get(QUEUE, query).content.decode()
    assert sidebar(ours) == sidebar(theirs)
    assert f"assignee={agent.pk}" in sidebar(ours)


@pytest.mark.parametrize("language", ["en", "de", "fr", "es"])
def test_the_status_badge_is_the_shared_templates(language):
    with translation.override(language):
        for status, label in Ticket.Status.choices:
            assert _status_badge(status, str(label)) == render_to_string(
                "includes/status_badge.html", {"status": status, "label": label, "console": True}
            )


def test_a_script_in_a_subject_stays_text(as_agent, reporter):
    make_ticket(reporter, subject="<script>alert(1)</script>")
    html = as_agent.get(QUEUE).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</a></td>" in html


def test_each_row_links_to_its_ticket_keeping_the_filters(as_agent, ticket):
    html = as_agent.get(QUEUE, {"status": "new"}).content.decode()
    link = f"/admin/tickets/ticket/{ticket.pk}/change/?_changelist_filters=status%3Dnew"
    assert f'<th class="field-number"><a href="{link}">#{ticket.pk}</a></th>' in html
