"""The API's JSON: DRF's JSONRenderer, byte for byte, written by orjson.

DRF's renderer calls `json.dumps` with an encoder class whose `default` Python
calls for every datetime; on a page of 25 tickets that is most of the 0.15 ms
rendering takes (docs/BENCHMARKS.md), orjson does it in a tenth. The bytes are
DRF's: compact separators, UTF-8 rather than \\u escapes, U+2028 and U+2029
escaped (valid JSON, not valid JavaScript), and everything orjson does not write
the same way goes through DRF's own encoder: datetimes, dates and times (`Z`
for UTC, as DRF writes it), lazy translations, decimals, anything iterable.
What orjson refuses (a key that is not a string, an integer beyond 64 bits) is
rendered by DRF's renderer itself. One difference is left: a float that is not
a number (NaN, infinity), which DRF refuses and orjson writes as null; the API
has no float fields. tests/api/test_renderer.py compares the two.
"""

from __future__ import annotations

from typing import Any

import orjson
from rest_framework import renderers

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class JSONRenderer(renderers.JSONRenderer):
    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict | None = None,
    ) -> bytes:
        if (
            data is None
            or self.ensure_ascii
            or not self.compact
            or self.get_indent(accepted_media_type, renderer_context or {}) is not None
        ):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            ret = orjson.dumps(data, default=self.encoder_class().default, option=_OPTIONS)
        except TypeError:
            return super().render(data, accepted_media_type, renderer_context)
        if b"\xe2\x80\xa8" in ret or b"\xe2\x80\xa9" in ret:
            ret = ret.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
        return ret
