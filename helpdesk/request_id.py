"""The id of the request being served, for its log lines and its error bodies.

Taken from the `X-Request-ID` header the proxy (or client) sent when it is a
short token of safe characters, made afresh otherwise, so that a header can
neither forge a log line (no newlines, quotes or control characters get in)
nor bloat one. Imports nothing of the project: the API's error shape reads it.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

HEADER = "X-Request-ID"
MAX_LENGTH = 128
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")

current: ContextVar[str | None] = ContextVar("request_id", default=None)


def accept_or_make(value: str | None) -> str:
    """The caller's id when it is safe to repeat in logs and headers; a new uuid4 hex if not."""
    if value and len(value) <= MAX_LENGTH and _SAFE.fullmatch(value):
        return value
    return uuid.uuid4().hex


def get() -> str | None:
    return current.get()
