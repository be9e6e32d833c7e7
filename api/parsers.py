"""Request body parsing: JSON only, and a clean 400 for anything malformed."""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's strict JSON parser (no NaN or Infinity), also refusing absurd nesting.

    Deeply nested arrays make Python's json module raise RecursionError, which
    DRF does not catch: without this, `[[[[...` of a few kilobytes is a 500.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
