"""Ids in the API's URLs, query parameters and bodies: the one bound, as a pattern and a schema.

Ticket ids and the user ids the API takes (assignee, reporter, cursors) share
tickets.models.MAX_TICKET_ID, the bound every interface accepts. It is the
largest 18-digit number, so "1 to 18 digits, no leading zero" is the same
range as text: an id past it (0, 007, -1, 20 digits) is a 404 in a URL and a
400 in a query, never a 500 in the database.
"""

from __future__ import annotations

from tickets.models import MAX_TICKET_ID

ID_PATTERN = rf"[1-9][0-9]{{0,{len(str(MAX_TICKET_ID)) - 1}}}"
# The same range in the API's schema.
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_TICKET_ID}
