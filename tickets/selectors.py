"""Reads that encode who may see what. Every interface starts from these."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from tickets import workflow
from tickets.exceptions import AttachmentNotFound, TicketNotFound
from tickets.models import Attachment, Message, Ticket, TicketEvent, is_ticket_id

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def visible_tickets(user: User | AnonymousUser, tickets: QuerySet | None = None) -> QuerySet:
    """The tickets `user` may see: their own, or every ticket for staff.

    Of `tickets` if given (the tickets read as rows, say: api/rows.py), else of
    all tickets, each with its reporter and assignee.
    """
    if tickets is None:
        tickets = Ticket.objects.select_related("reporter", "assignee")
    if not user.is_authenticated or not user.is_active:
        return tickets.none()
    if workflow.is_helpdesk_staff(user):
        return tickets
    return tickets.filter(reporter=user)


def get_visible_ticket(user: User | AnonymousUser, pk: Any, tickets: QuerySet | None = None) -> Any:
    """The ticket with this id if `user` may see it; TicketNotFound otherwise.

    One of `tickets` if given (as visible_tickets takes them), else a Ticket.
    """
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise TicketNotFound() from None
    if not is_ticket_id(pk):
        raise TicketNotFound()
    try:
        return visible_tickets(user, tickets).get(pk=pk)
    except Ticket.DoesNotExist:
        raise TicketNotFound() from None


def visible_messages(
    user: User | AnonymousUser,
    ticket: Any,
    messages: QuerySet | None = None,
    *,
    public_only: bool = False,
) -> QuerySet:
    """The ticket's conversation, oldest first; internal notes only for staff.

    Of `messages` if given (read as rows, say: the web ticket page), else of
    all messages, each with its author. `public_only` leaves internal notes out
    for staff too. `ticket` is a Ticket or anything with its `pk`.
    """
    if messages is None:
        messages = Message.objects.select_related("author")
    messages = messages.filter(ticket_id=ticket.pk)
    if public_only or not workflow.is_helpdesk_staff(user):
        messages = messages.filter(is_internal=False)
    return messages.order_by("created_at", "id")


def visible_events(
    user: User | AnonymousUser,
    ticket: Any,
    events: QuerySet | None = None,
    *,
    public_only: bool = False,
) -> QuerySet:
    """The ticket's audit trail, oldest first; events about internal notes only for staff.

    Of `events` if given, else of all events, each with its actor; `public_only`
    leaves the internal ones out for staff too, as visible_messages does.
    """
    if events is None:
        events = TicketEvent.objects.select_related("actor")
    events = events.filter(ticket_id=ticket.pk)
    if public_only or not workflow.is_helpdesk_staff(user):
        events = events.filter(is_internal=False)
    return events.order_by("created_at", "id")


def staff_users() -> QuerySet[User]:
    """Everyone a ticket may be assigned to."""
    from accounts.models import User

    return User.objects.filter(is_staff=True, is_active=True).order_by("username")


def get_visible_attachment(user: User | AnonymousUser, pk: Any) -> Attachment:
    """The attachment if `user` may see its ticket and its message; AttachmentNotFound otherwise.

    Checked on every request: a reporter never reaches the file of an internal note.
    """
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise AttachmentNotFound() from None
    if not is_ticket_id(pk):
        raise AttachmentNotFound()
    attachments = Attachment.objects.filter(ticket__in=visible_tickets(user))
    if not workflow.is_helpdesk_staff(user):
        attachments = attachments.exclude(message__is_internal=True)
    try:
        return attachments.get(pk=pk)
    except Attachment.DoesNotExist:
        raise AttachmentNotFound() from None


def attachments_by_message(
    user: User | AnonymousUser, ticket: Any, *, message_ids: Any = None
) -> dict[int | None, list[Attachment]]:
    """The ticket's files `user` may see, by message id (None: the report's own).

    One query, and none for a ticket without files. `message_ids` limits it to
    a page of messages (the report's files are then left out). `ticket` is a
    Ticket or anything with its `pk` and `attachment_count` (a row).
    """
    if not ticket.attachment_count:
        return {}
    attachments = Attachment.objects.filter(ticket_id=ticket.pk)
    if not workflow.is_helpdesk_staff(user):
        attachments = attachments.exclude(message__is_internal=True)
    if message_ids is not None:
        attachments = attachments.filter(message_id__in=list(message_ids))
    found: dict[int | None, list[Attachment]] = {}
    for attachment in attachments.order_by("created_at", "id"):
        found.setdefault(attachment.message_id, []).append(attachment)
    return found


def report_attachments(tickets: list[Ticket]) -> dict[int, list[Attachment]]:
    """The files of each ticket's report, by ticket id: one query, none if no ticket has any."""
    ids = [ticket.pk for ticket in tickets if ticket.attachment_count]
    if not ids:
        return {}
    found: dict[int, list[Attachment]] = {}
    for attachment in Attachment.objects.filter(ticket_id__in=ids, message=None).order_by(
        "created_at", "id"
    ):
        found.setdefault(attachment.ticket_id, []).append(attachment)
    return found
