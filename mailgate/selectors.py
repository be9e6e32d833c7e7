"""Reads of inbound email that encode a rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mailgate.models import InboundMail

if TYPE_CHECKING:
    from datetime import datetime


def tickets_made_by_mail_from(sender: str, *, since: datetime) -> int:
    """How many tickets mail from `sender` made since then: the per-address limit counts these."""
    # Served by the mailgate_inbound_tickets_by index.
    return InboundMail.objects.filter(
        sender=sender, outcome=InboundMail.Outcome.TICKET, processed_at__gt=since
    ).count()


def waiting_since(before: datetime) -> list[int]:
    """Ids of the messages received before then and still waiting to be processed."""
    # Served by the mailgate_inbound_unfinished index.
    return list(
        InboundMail.objects.filter(
            outcome=InboundMail.Outcome.QUEUED, received_at__lt=before
        ).values_list("pk", flat=True)[:10_000]
    )
