"""The steps of the ticket services that attach files: check, then store.

`check` runs with the other checks, before anything is written: the limits
(tickets.attachments.inspect) and the uploader's rate. `store` writes the
files under random names and their Attachment rows, and bumps the ticket's
attachment count; if the transaction then fails, `forget_on_rollback` has
the files removed again. `remove_after_commit` deletes a deleted ticket's
files once the deletion is committed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from helpdesk import limits
from tickets import attachments, workflow
from tickets.exceptions import RateLimited
from tickets.models import Attachment, Ticket

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from django.core.files import File

    from accounts.models import User
    from tickets.models import Message


def check(ticket: Ticket | None, files: Sequence[File] | None) -> list[attachments.Inspected]:
    """The files, inspected against the limits (ValidationError if one is broken)."""
    if not files:
        return []
    total = 0
    if ticket is not None and ticket.attachment_count:
        total = Attachment.objects.filter(ticket=ticket).aggregate(total=Sum("size"))["total"] or 0
    return attachments.inspect(files, ticket_total=total)


def count(actor: User, inspected: Sequence[attachments.Inspected]) -> None:
    """Count the files against the uploader's rate limit (after every other check)."""
    if not inspected:
        return
    staff = workflow.is_helpdesk_staff(actor)
    if wait := limits.count_uploads(len(inspected), user_id=actor.pk, staff=staff):
        raise RateLimited(action="upload", wait=wait)


def store(
    ticket: Ticket,
    message: Message | None,
    actor: User,
    inspected: Sequence[attachments.Inspected],
) -> list[Attachment]:
    """Write the files and their rows; `message` None attaches them to the report."""
    if not inspected:
        return []
    storage = attachments.storage()
    now = timezone.now()
    rows = []
    written: list[str] = []
    try:
        for item in inspected:
            name = storage.save(attachments.new_storage_name(), item.file)
            written.append(name)
            thumbnail_name = ""
            if item.thumbnail is not None:
                thumbnail_name = storage.save(
                    attachments.new_storage_name(".thumb"), ContentFile(item.thumbnail)
                )
                written.append(thumbnail_name)
            rows.append(
                Attachment(
                    ticket=ticket,
                    message=message,
                    uploaded_by=actor,
                    filename=item.filename,
                    size=item.size,
                    content_type=item.content_type,
                    storage_name=name,
                    thumbnail_name=thumbnail_name,
                    created_at=now,
                )
            )
    except BaseException:
        _delete(written)
        raise
    Attachment.objects.bulk_create(rows)
    # An UPDATE of the counter alone: an internal note's files must not touch
    # the version or last update the reporter sees.
    Ticket.objects.filter(pk=ticket.pk).update(attachment_count=F("attachment_count") + len(rows))
    ticket.attachment_count += len(rows)
    return rows


def discard(rows: Iterable[Attachment]) -> None:
    """Delete the stored files of `rows`, whose transaction is failing (see reply_and_modify)."""
    _delete(name for row in rows for name in (row.storage_name, row.thumbnail_name) if name)


def remove_after_commit(ticket: Ticket) -> None:
    """Once the deletion of `ticket` commits, delete its files from the storage."""
    names = [
        name
        for pair in Attachment.objects.filter(ticket=ticket).values_list(
            "storage_name", "thumbnail_name"
        )
        for name in pair
        if name
    ]
    if names:
        transaction.on_commit(lambda: _delete(names))


def _delete(names: Iterable[str]) -> None:
    storage = attachments.storage()
    for name in names:
        storage.delete(name)
