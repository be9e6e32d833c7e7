"""Strip the quoted history and the signature off a reply, keeping what was written.

Cut at the first of: the helpdesk's own "reply above this line" marker (any
language: it is recognised by its `##-` ... `-##` brackets), an attribution line
("On … wrote:" in English, German, French and Spanish, also wrapped over two
lines as Gmail does), Outlook's "-----Original Message-----" or its
"From: … / Sent: …" header block; then drop `>` quoted lines and a signature
after "-- ". If nothing is left, the whole body is kept: a reply that is only
a quote is still what the person sent.
"""

from __future__ import annotations

import re

# The line the helpdesk puts at the top of every email it sends (notifications).
MARKER = re.compile(r"^\W*##-.*-##\W*$")

_ATTRIBUTION = [
    re.compile(r"^\s*On\b.*\bwrote:\s*$", re.IGNORECASE),  # English (Gmail, Apple Mail, ...)
    re.compile(r"^\s*Am\b.*\bschrieb\b.*:\s*$", re.IGNORECASE),  # German
    re.compile(r"^\s*Le\b.*\ba\s+écrit\s*:\s*$", re.IGNORECASE),  # French
    re.compile(r"^\s*El\b.*\bescribió\s*:\s*$", re.IGNORECASE),  # Spanish
    re.compile(r"^.*<[^<>@\s]+@[^<>\s]+>\s+(wrote|schrieb|a écrit|escribió)\s*:\s*$", re.I),
]
_ORIGINAL = re.compile(
    r"^\s*-{3,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|"
    r"Mensaje original|Forwarded message|Weitergeleitete Nachricht)\s*-{3,}\s*$",
    re.IGNORECASE,
)
# Outlook's header block of the quoted message: "From:" then "Sent:" (or the
# Date/To line) within the next lines; in the four languages.
_FROM = re.compile(r"^\s*\*?(From|Von|De|Desde)\s*\*?\s*:", re.IGNORECASE)
_SENT = re.compile(
    r"^\s*\*?(Sent|Date|Gesendet|Datum|Envoyé|Enviado|Fecha)\s*\*?\s*:", re.IGNORECASE
)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_SIGNATURE = re.compile(r"^-- ?$")
_STARTS = re.compile(r"^\s*(On|Am|Le|El)\b", re.IGNORECASE)


def _is_attribution(line: str) -> bool:
    return any(pattern.match(line) for pattern in _ATTRIBUTION)


def _cut_at(lines: list[str]) -> int:
    """The index of the first line of quoted history, or len(lines)."""
    for i, line in enumerate(lines):
        if MARKER.match(line) or _ORIGINAL.match(line) or _is_attribution(line):
            return i
        # An attribution wrapped over two or three lines.
        if _STARTS.match(line) and not line.lstrip().startswith(">"):
            joined = line
            for nxt in lines[i + 1 : i + 3]:
                joined = f"{joined} {nxt.strip()}"
                if _is_attribution(joined):
                    return i
        if _FROM.match(line) and any(_SENT.match(n) for n in lines[i + 1 : i + 4]):
            # Outlook's separator line above the block belongs to the quote too.
            return i - 1 if i and _UNDERSCORES.match(lines[i - 1]) else i
    return len(lines)


def strip_reply(text: str) -> str:
    """What the person wrote above the quoted history; the whole text if that is nothing."""
    lines = re.sub(r"\r+\n?", "\n", text).split("\n")
    kept = lines[: _cut_at(lines)]
    kept = [line for line in kept if not line.lstrip().startswith(">")]
    for i, line in enumerate(kept):
        if _SIGNATURE.match(line):
            kept = kept[:i]
            break
    stripped = "\n".join(kept).strip()
    return stripped or text.strip()
