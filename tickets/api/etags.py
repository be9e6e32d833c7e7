"""ETags of tickets, and the If-Match / If-None-Match headers that carry them back.

A ticket's ETag is its version in quotes, `"7"`: the version is bumped by every
change, so it names the state of the ticket. Clients send it back in If-Match
on PATCH, status/ and messages/; the service compares it with the version
under the row lock (`expected_version`), so a write based on a stale copy is
refused with 412 and nothing is written. A weak form (`W/"7"`, as some proxies
rewrite ETags) is taken as the same version; `*` means "whatever it is now".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from tickets.api.exceptions import PreconditionFailed

if TYPE_CHECKING:
    from rest_framework.request import Request

    from tickets.models import Ticket

_ENTITY_TAG = re.compile(r'\s*(?:W/)?"(\d{1,10})"\s*')


def etag(ticket: Ticket) -> str:
    return f'"{ticket.version}"'


def expected_version(request: Request) -> int | None:
    """The version an If-Match header asks for; None without one (or with `*`)."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    match = _ENTITY_TAG.fullmatch(header)
    if match is None:
        raise PreconditionFailed(
            _('If-Match must be one ETag of the ticket, as given in its ETag header (e.g. "3").')
        )
    return int(match.group(1))


def not_modified(request: Request, ticket: Ticket) -> bool:
    """True when If-None-Match names the ticket's current ETag (weak comparison)."""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    if header.strip() == "*":
        return True
    versions = {m.group(1) for part in header.split(",") if (m := _ENTITY_TAG.fullmatch(part))}
    return str(ticket.version) in versions
