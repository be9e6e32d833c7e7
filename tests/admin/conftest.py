from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tickets.models import Ticket

QUEUE = reverse("admin:tickets_ticket_changelist")
ADD = reverse("admin:tickets_ticket_add")
LOGIN = reverse("admin:login")


def ticket_url(ticket: Ticket) -> str:
    return reverse("admin:tickets_ticket_change", args=[ticket.pk])


def change_data(ticket: Ticket, **overrides) -> dict:
    """What the ticket page's form sends when saved untouched, as loaded now."""
    ticket.refresh_from_db()
    loaded = {
        "priority": ticket.priority,
        "assignee": ticket.assignee_id or "",
        "subject": ticket.subject,
        "description": ticket.description,
    }
    data = {
        "version": ticket.version,
        "reply": "",
        "status": "",
        "_save": "Save",
        **loaded,
        **{f"initial-{name}": value for name, value in loaded.items()},
    }
    data.update(overrides)
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@contextmanager
def clock(when: datetime):
    """Run the services as if it were `when`."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: when)
        yield


@pytest.fixture
def as_agent(client, agent):
    """Sam signed in: staff in the "Helpdesk staff" group, not a superuser."""
    client.force_login(agent)
    return client


@pytest.fixture
def as_superuser(client, superuser):
    client.force_login(superuser)
    return client
