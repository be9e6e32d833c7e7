"""The ticket's statuses, priorities and event kinds.

Apart from the models so that the workflow (pure, no ORM) and the models both
import them from here. The models expose them as Ticket.Status,
Ticket.Priority and TicketEvent.Kind.
"""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The values are stable identifiers (stored, sent by the API); the labels are
# what people read, in their language.


class TicketStatus(TextChoices):
    # Translators: ticket statuses, as shown in lists, filters and buttons.
    NEW = "new", pgettext_lazy("ticket status", "New")
    OPEN = "open", pgettext_lazy("ticket status", "Open")
    PENDING = "pending", pgettext_lazy("ticket status", "Pending")
    RESOLVED = "resolved", pgettext_lazy("ticket status", "Resolved")
    CLOSED = "closed", pgettext_lazy("ticket status", "Closed")


class TicketPriority(TextChoices):
    # Translators: ticket priorities.
    LOW = "low", pgettext_lazy("ticket priority", "Low")
    NORMAL = "normal", pgettext_lazy("ticket priority", "Normal")
    HIGH = "high", pgettext_lazy("ticket priority", "High")
    URGENT = "urgent", pgettext_lazy("ticket priority", "Urgent")


class EventKind(TextChoices):
    # Translators: kinds of entries in a ticket's audit trail.
    CREATED = "created", pgettext_lazy("ticket event", "Created")
    STATUS_CHANGED = "status_changed", _("Status changed")
    PRIORITY_CHANGED = "priority_changed", _("Priority changed")
    ASSIGNED = "assigned", pgettext_lazy("ticket event", "Assigned")
    EDITED = "edited", pgettext_lazy("ticket event", "Edited")
    MESSAGE_POSTED = "message_posted", _("Message posted")
