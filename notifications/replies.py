"""The helpdesk's inbound address, and the signed reply addresses built on it.

Every notification carries `Reply-To: support+<ticket>-<user>-<signature>@domain`
(the local part and domain of HELPDESK_EMAIL_ADDRESS). The signature is an
HMAC of the ticket and the recipient under the secret key, so an address can
be neither forged nor guessed for another ticket or person; email in
(mailgate) reads it back to thread a reply. Lower-case letters and digits
only, as some mail servers lower-case local parts.
"""

from __future__ import annotations

import base64
import re

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "notifications.replies.reply-address"
SIGNATURE_LENGTH = 16  # base32 characters: 80 bits


def inbound_address() -> str:
    """The address people write to, lower-cased; "" when email in is not set up."""
    return getattr(settings, "HELPDESK_EMAIL_ADDRESS", "").strip().lower()


def _signature(ticket_id: int, user_id: int) -> str:
    digest = salted_hmac(SALT, f"{ticket_id}-{user_id}", algorithm="sha256").digest()
    return base64.b32encode(digest).decode().lower()[:SIGNATURE_LENGTH]


def reply_address(*, ticket_id: int, user_id: int) -> str:
    """The address `user_id`'s reply about `ticket_id` goes to; "" without an inbound address."""
    address = inbound_address()
    if not address:
        return ""
    local, _, domain = address.rpartition("@")
    return f"{local}+{ticket_id}-{user_id}-{_signature(ticket_id, user_id)}@{domain}"


def read_reply_address(address: str) -> tuple[int, int] | None:
    """(ticket id, user id) of a genuine reply address; None for anything else."""
    inbound = inbound_address()
    if not inbound:
        return None
    local, _, domain = inbound.rpartition("@")
    pattern = rf"{re.escape(local)}\+(\d{{1,18}})-(\d{{1,18}})-([a-z2-7]{{{SIGNATURE_LENGTH}}})"
    match = re.fullmatch(rf"{pattern}@{re.escape(domain)}", address.strip().lower())
    if match is None:
        return None
    ticket_id, user_id = int(match[1]), int(match[2])
    if not constant_time_compare(match[3], _signature(ticket_id, user_id)):
        return None
    return ticket_id, user_id


def is_own_address(address: str) -> bool:
    """Whether `address` is the helpdesk's inbound address, or one of its reply addresses."""
    inbound = inbound_address()
    if not inbound or not address:
        return False
    address = address.strip().lower()
    local, _, domain = inbound.rpartition("@")
    return (
        address == inbound
        or re.fullmatch(rf"{re.escape(local)}\+[^@]*@{re.escape(domain)}", address) is not None
    )
