"""Request body parsing: JSON only, and a clean 400 for anything malformed."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's strict JSON parser (no NaN or Infinity), also refusing absurd nesting.

    Deeply nested arrays make Python's json module raise RecursionError, which
    DRF does not catch: without this, `[[[[...` of a few kilobytes is a 500.
    DRF's own message quotes Python's (English) error; here it says where, in
    the reader's language.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the document is nested too deeply.")) from None
        except ParseError as exc:
            # DRF raised it while handling the json module's ValueError.
            raise ParseError(_explain(exc.__context__)) from None


def _explain(error: BaseException | None) -> str:
    if isinstance(error, json.JSONDecodeError):
        return _(
            "JSON parse error - the body is not valid JSON at line %(line)s, column %(column)s."
        ) % {"line": error.lineno, "column": error.colno}
    if isinstance(error, UnicodeDecodeError):
        # Translators: %(encoding)s is the name of a character encoding, e.g. utf-8.
        return _("JSON parse error - the body is not valid %(encoding)s text.") % {
            "encoding": error.encoding
        }
    if isinstance(error, ValueError) and str(error).startswith("Out of range float values"):
        return _("JSON parse error - NaN and Infinity are not JSON numbers.")
    return _("JSON parse error - the body is not valid JSON.")
