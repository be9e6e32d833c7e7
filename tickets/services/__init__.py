"""The only code that writes tickets, messages and ticket events.

Every service is one transaction: it locks the ticket row, checks who may act
and what the workflow allows, writes, records TicketEvents and bumps the
ticket's version. Errors are the domain exceptions of tickets.exceptions and
Django's ValidationError for bad field values; on any error nothing is written.
Writing a new ticket or a message also counts against the writer's rate limit
(helpdesk.limits), here and nowhere else, so that every interface shares it:
one too many is RateLimited, after every other check.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets import validation, workflow
from tickets.exceptions import NotAllowed
from tickets.models import TEXT_MAX_LENGTH, Message, Ticket, TicketEvent
from tickets.services import files as attached_files
from tickets.services import steps
from tickets.services.steps import register_event_hook

if TYPE_CHECKING:
    from django.core.files import File

    from accounts.models import User

Status = Ticket.Status
Kind = TicketEvent.Kind

# What each role may change through modify_ticket. Status goes through the
# workflow on top of this.
REPORTER_FIELDS = frozenset({"subject", "description", "status"})
STAFF_FIELDS = REPORTER_FIELDS | {"priority", "assignee"}
MODIFIABLE_FIELDS = STAFF_FIELDS


__all__ = [
    "change_status",
    "delete_ticket",
    "modify_ticket",
    "post_message",
    "register_event_hook",
    "reply_and_modify",
    "report_issue",
]


# --- services ----------------------------------------------------------------


@transaction.atomic
def report_issue(
    *,
    reporter: User,
    description: str,
    subject: str | None = None,
    priority: str | None = None,
    actor: User | None = None,
    files: Sequence[File] = (),
) -> Ticket:
    """Open a new ticket for `reporter`: by themselves, or by staff (`actor`) for them.

    `files` are attached to the report itself (Attachment.message is None).
    """
    actor = actor or reporter
    if actor.pk != reporter.pk and not workflow.is_helpdesk_staff(actor):
        raise NotAllowed(_("Only helpdesk staff may open tickets for someone else."))
    if not reporter.is_active:
        raise NotAllowed(_("Inactive users cannot report issues."))
    description = validation.clean_text(
        description, field="description", max_length=TEXT_MAX_LENGTH
    )
    subject = validation.clean_subject(subject, description=description)
    priority = validation.clean_choice(
        priority or Ticket.Priority.NORMAL, field="priority", choices=Ticket.Priority
    )
    inspected = attached_files.check(None, files)
    steps.count_write(actor, "report")
    attached_files.count(actor, inspected)
    now = timezone.now()
    ticket = Ticket(
        reporter=reporter,
        subject=subject,
        description=description,
        priority=priority,
        status=Status.NEW,
        created_at=now,
        updated_at=now,
    )
    # The files are part of the report, so their names are part of its event,
    # which the ticket's INSERT needs first (its service levels start from it).
    steps.record(ticket, actor, Kind.CREATED, new=Status.NEW, files=inspected, at=now)
    steps.create(ticket)
    attached_files.store(ticket, None, actor, inspected)
    return ticket


@transaction.atomic
def modify_ticket(
    *,
    actor: User,
    ticket: Ticket | int,
    expected_version: int | None = None,
    **changes: Any,
) -> Ticket:
    """Change some of a ticket's subject, description, status, priority and assignee.

    Values equal to the current ones are not changes: a request that changes
    nothing writes nothing and keeps the version.
    """
    unknown = set(changes) - MODIFIABLE_FIELDS
    if unknown:
        raise ValidationError(
            # Translators: %(name)s is a field name as a program gave it (an identifier).
            {name: _("'%(name)s' cannot be changed.") % {"name": name} for name in sorted(unknown)}
        )
    locked = steps.lock(ticket, actor)
    steps.check_version(locked, expected_version)
    steps.check_open(locked)

    role = workflow.role_of(actor, locked)
    allowed = STAFF_FIELDS if role == workflow.Role.STAFF else REPORTER_FIELDS
    # Sending back a staff-only field unchanged (a whole ticket PUT back, say) is no change.
    forbidden = {
        name for name in set(changes) - allowed if steps.differs(locked, name, changes[name])
    }
    if forbidden:
        raise NotAllowed(steps.staff_only(forbidden))
    # What is left of the staff-only fields is unchanged: nothing to do for them.
    changes = {name: value for name, value in changes.items() if name in allowed}

    now = timezone.now()
    changed: set[str] = set()
    errors: dict[str, list[str]] = {}

    def collect(clean: Callable[[], Any]) -> Any:
        # Gather every field error before refusing, so a form can show them all.
        try:
            return clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
            return None

    new_description = locked.description
    if "description" in changes:
        new_description = collect(
            lambda: validation.clean_text(
                changes["description"], field="description", max_length=TEXT_MAX_LENGTH
            )
        )
    new_subject = locked.subject
    if "subject" in changes:
        new_subject = collect(
            lambda: validation.clean_subject(changes["subject"], description=new_description or "")
        )
    new_priority = locked.priority
    if "priority" in changes:
        new_priority = collect(
            lambda: validation.clean_choice(
                changes["priority"], field="priority", choices=Ticket.Priority
            )
        )
    new_assignee = locked.assignee
    if "assignee" in changes:
        new_assignee = collect(lambda: validation.clean_assignee(changes["assignee"]))
    if "status" in changes:
        collect(
            lambda: validation.clean_choice(
                changes["status"], field="status", choices=Ticket.Status
            )
        )
    if errors:
        raise ValidationError(errors)

    for name, new in (("subject", new_subject), ("description", new_description)):
        old = getattr(locked, name)
        if new != old:
            setattr(locked, name, new)
            changed.add(name)
            steps.record(locked, actor, Kind.EDITED, field=name, old=old, new=new, at=now)
    if new_priority != locked.priority:
        old_priority = locked.priority
        locked.priority = new_priority
        changed.add("priority")
        steps.record(
            locked, actor, Kind.PRIORITY_CHANGED, old=old_priority, new=new_priority, at=now
        )
    if new_assignee != locked.assignee:
        old_assignee = locked.assignee
        locked.assignee = new_assignee
        changed.add("assignee")
        steps.record(
            locked,
            actor,
            Kind.ASSIGNED,
            old=old_assignee.username if old_assignee else "",
            new=new_assignee.username if new_assignee else "",
            at=now,
        )
    if "status" in changes and changes["status"] != locked.status:
        steps.apply_status(locked, actor, changes["status"], at=now)
        changed |= {"status", "resolved_at", "closed_at"}

    if changed:
        steps.save(locked, changed, at=now)
    return locked


@transaction.atomic
def change_status(
    *,
    actor: User,
    ticket: Ticket | int,
    status: str,
    expected_version: int | None = None,
) -> Ticket:
    """Move a ticket to `status`, as the workflow allows `actor`."""
    locked = steps.lock(ticket, actor)
    steps.check_version(locked, expected_version)
    steps.check_open(locked)
    now = timezone.now()
    steps.apply_status(locked, actor, status, at=now)
    steps.save(locked, {"status", "resolved_at", "closed_at"}, at=now)
    return locked


@transaction.atomic
def post_message(
    *,
    actor: User,
    ticket: Ticket | int,
    body: str,
    is_internal: bool = False,
    expected_version: int | None = None,
    files: Sequence[File] = (),
) -> Message:
    """Add a message to a ticket's conversation, with `files` attached to it.

    Only staff may post internal notes. A public message from the reporter on a
    pending or resolved ticket reopens it. A note's files are as internal as the note.
    """
    locked = steps.lock(ticket, actor)
    steps.check_version(locked, expected_version)
    steps.check_open(locked)
    role = workflow.role_of(actor, locked)
    if is_internal and role != workflow.Role.STAFF:
        raise NotAllowed(_("Only helpdesk staff may post internal notes."))
    body = validation.clean_text(body, field="body", max_length=TEXT_MAX_LENGTH)
    inspected = attached_files.check(locked, files)
    steps.count_write(actor, "reply")
    attached_files.count(actor, inspected)

    now = timezone.now()
    message = Message.objects.create(
        ticket=locked, author=actor, body=body, is_internal=bool(is_internal), created_at=now
    )
    stored = attached_files.store(locked, message, actor, inspected)
    message.attachment_list = stored
    steps.record(
        locked,
        actor,
        Kind.MESSAGE_POSTED,
        message=message,
        is_internal=message.is_internal,
        files=stored,
        at=now,
    )
    changed: set[str] = set()
    if (
        not message.is_internal
        and actor.pk == locked.reporter_id
        and locked.status in workflow.REOPEN_ON_REPORTER_REPLY
    ):
        steps.set_status(locked, actor, Status.OPEN, at=now)
        changed |= {"status", "resolved_at"}
    if (
        locked.first_staff_reply_at is None
        and not message.is_internal
        and actor.is_staff
        and actor.pk != locked.reporter_id
    ):
        # The reporter's first answer: kept for the dashboard's median (the
        # same rule it used to read from the messages), in the same UPDATE.
        locked.first_staff_reply_at = now
        changed.add("first_staff_reply_at")
    if message.is_internal:
        # A note changes nothing the reporter can see: leaving the ticket's
        # version and last update alone keeps it from showing that one was written.
        steps.flush_events(locked)
    else:
        steps.save(locked, changed, at=now)
    message.ticket = locked
    return message


@transaction.atomic
def reply_and_modify(
    *,
    actor: User,
    ticket: Ticket | int,
    body: str,
    is_internal: bool = False,
    expected_version: int | None = None,
    files: Sequence[File] = (),
    **changes: Any,
) -> Message:
    """Post a message, then apply `changes` (e.g. reply and set pending), as one transaction.

    The message goes first, so the conversation reads "asked for details, then
    set pending". If either step is refused, neither is written. The returned
    message's `ticket` is the ticket as it stands after both steps.
    """
    message = post_message(
        actor=actor,
        ticket=ticket,
        body=body,
        is_internal=is_internal,
        expected_version=expected_version,
        files=files,
    )
    if changes:
        # The row stays locked since post_message, so no one can come between
        # the two steps; the version is passed for good measure.
        try:
            message.ticket = modify_ticket(
                actor=actor,
                ticket=message.ticket,
                expected_version=message.ticket.version,
                **changes,
            )
        except BaseException:
            # Nothing of the reply is written: its files neither.
            attached_files.discard(message.attachment_list)
            raise
    return message


@transaction.atomic
def delete_ticket(*, actor: User, ticket: Ticket | int) -> None:
    """Delete a ticket with its conversation and audit trail, for good.

    Only superusers may: everyone else closes tickets instead, which keeps the record.
    """
    if not (actor.is_active and actor.is_superuser):
        raise NotAllowed(_("Only superusers may delete tickets."))
    locked = steps.lock(ticket, actor)
    # Files are not rows: they leave the storage once the rows are gone for good.
    attached_files.remove_after_commit(locked)
    locked.delete()
