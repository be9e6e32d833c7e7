"""The queue's page is the one Django's admin would give: its own checkbox markup, made faster.

QueueAdmin.action_checkbox writes the row's checkbox directly instead of through
the form widgets' templates (docs/BENCHMARKS.md). These tests compare it with
Django's for tickets with awkward subjects, in two languages, and the whole page.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.utils import translation

from tests.admin.conftest import QUEUE
from tests.factories import make_ticket
from tickets.admin.queue import PRIORITY_LABELS, STATUS_LABELS, QueueAdmin, _label
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

SUBJECTS = ['Printer <b>jams</b> & "smokes"', "l'imprimante \u00e9t\u00e9 \U0001f5a8", "{} %s {0}"]


@pytest.mark.parametrize("language", ["en", "de", "fr", "es"])
def test_each_rows_checkbox_is_djangos(reporter, language):
    model_admin = admin.site._registry[Ticket]
    for subject in SUBJECTS:
        ticket = make_ticket(reporter, subject=subject)
        with translation.override(language):
            assert model_admin.action_checkbox(ticket) == ModelAdmin.action_checkbox(
                model_admin, ticket
            )


def test_the_whole_page_is_the_one_djangos_checkbox_gives(as_agent, reporter, monkeypatch):
    for subject in SUBJECTS:
        make_ticket(reporter, subject=subject)
    # Long ago, so that "5 years ago" reads the same on both requests.
    long_ago = datetime(2020, 1, 6, 9, 30, tzinfo=UTC)
    Ticket.objects.update(created_at=long_ago, updated_at=long_ago)

    def page() -> str:
        html = as_agent.get(QUEUE).content.decode()
        # The form's CSRF token is masked anew on every request.
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    ours = page()
    monkeypatch.setattr(QueueAdmin, "action_checkbox", ModelAdmin.action_checkbox)
    theirs = page()

    assert ours == theirs
    assert ours.count('class="action-select"') == 3


@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_status_and_priority_read_as_the_models_own_labels(language):
    with translation.override(language):
        for status in [*Ticket.Status.values, "unknown"]:
            ticket = Ticket(status=status)
            assert _label(STATUS_LABELS, status) == ticket.get_status_display()
        for priority in [*Ticket.Priority.values, "unknown"]:
            ticket = Ticket(priority=priority)
            assert _label(PRIORITY_LABELS, priority) == ticket.get_priority_display()
