"""The ticket's statuses, priorities and event kinds.

Apart from the models so that the workflow (pure, no ORM) and the models both
import them from here. The models expose them as Ticket.Status,
Ticket.Priority and TicketEvent.Kind.
"""

from __future__ import annotations

from django.db.models import TextChoices


class TicketStatus(TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    PENDING = "pending", "Pending"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class TicketPriority(TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class EventKind(TextChoices):
    CREATED = "created", "Created"
    STATUS_CHANGED = "status_changed", "Status changed"
    PRIORITY_CHANGED = "priority_changed", "Priority changed"
    ASSIGNED = "assigned", "Assigned"
    EDITED = "edited", "Edited"
    MESSAGE_POSTED = "message_posted", "Message posted"
