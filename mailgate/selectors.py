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
