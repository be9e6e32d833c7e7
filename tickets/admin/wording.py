"""Statuses and priorities as the console's sentences name them.

A badge or a menu shows a status by its label ("Pending"); a sentence names
it in the flow of the text ("Moved 2 tickets to pending."), where some
languages want another form than the label's. These are those forms, one
per value; a value they do not know (something a user typed) stays as it is.
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from tickets.models import Ticket

Status = Ticket.Status
Priority = Ticket.Priority

STATUS_IN_SENTENCE = {
    Status.NEW: pgettext_lazy("ticket status, within a sentence", "new"),
    Status.OPEN: pgettext_lazy("ticket status, within a sentence", "open"),
    Status.PENDING: pgettext_lazy("ticket status, within a sentence", "pending"),
    Status.RESOLVED: pgettext_lazy("ticket status, within a sentence", "resolved"),
    Status.CLOSED: pgettext_lazy("ticket status, within a sentence", "closed"),
}

PRIORITY_IN_SENTENCE = {
    Priority.LOW: pgettext_lazy("ticket priority, within a sentence", "low"),
    Priority.NORMAL: pgettext_lazy("ticket priority, within a sentence", "normal"),
    Priority.HIGH: pgettext_lazy("ticket priority, within a sentence", "high"),
    Priority.URGENT: pgettext_lazy("ticket priority, within a sentence", "urgent"),
}


def status_in_sentence(value: str) -> str:
    return str(STATUS_IN_SENTENCE.get(value, value))


def priority_in_sentence(value: str) -> str:
    return str(PRIORITY_IN_SENTENCE.get(value, value))
