"""Plain-text rules shared by the services and the forms that feed them.

Pure functions, no Django: what counts as the same text must not depend on
which interface it came through.
"""

from __future__ import annotations


def normalize_newlines(value: str) -> str:
    """Windows (CRLF) and old Mac (CR) line endings as plain newlines.

    Browsers send textareas with CRLF; stored text uses LF alone, so that an
    untouched textarea compares equal to what is stored.
    """
    return value.replace("\r\n", "\n").replace("\r", "\n")
