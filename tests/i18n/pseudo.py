"""A pseudo-language for tests: every translated string comes out wrapped in markers.

Inside `pseudo_language()`, each string that goes through Django's translation
machinery (gettext, ngettext, pgettext, their lazy forms, {% translate %} and
{% blocktranslate %}) is wrapped in ⟦…⟧. `untranslated_text(html)` then lists
the visible text left outside every marker: English that the product wrote
without gettext, which a German reader would meet as English.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from html.parser import HTMLParser

from django.utils import translation
from django.utils.translation import trans_real

OPEN, CLOSE = "\u27e6", "\u27e7"

_FUNCTIONS = ("gettext", "ngettext", "pgettext", "npgettext")


def _wrap(function):
    def wrapped(*args):
        text = function(*args)
        # The catalog header ("" msgid) and anything already marked stay as they are.
        if not text or (text.startswith(OPEN) and text.endswith(CLOSE)):
            return text
        return f"{OPEN}{text}{CLOSE}"

    return wrapped


@contextmanager
def pseudo_language() -> Iterator[None]:
    trans = translation._trans
    saved = {name: trans.__dict__.get(name) for name in _FUNCTIONS}
    for name in _FUNCTIONS:
        setattr(trans, name, _wrap(getattr(trans_real, name)))
    try:
        yield
    finally:
        for name, function in saved.items():
            if function is None:
                trans.__dict__.pop(name, None)
            else:
                setattr(trans, name, function)


# Attributes a person reads (or hears, with a screen reader).
_VISIBLE_ATTRIBUTES = {"title", "placeholder", "alt", "aria-label", "aria-description"}
_HIDDEN_ELEMENTS = {"script", "style", "template", "svg"}


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_ELEMENTS:
            self._hidden += 1
        attributes = dict(attrs)
        for name, value in attrs:
            if value and name in _VISIBLE_ATTRIBUTES:
                self.chunks.append(value)
        # A button's label is its value.
        if tag == "input" and attributes.get("type") in {"submit", "button", "reset"}:
            self.chunks.append(attributes.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_ELEMENTS and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.chunks.append(data)


def _outside_markers(text: str) -> str:
    """The parts of `text` outside every ⟦…⟧ (markers may nest)."""
    depth, kept = 0, []
    for char in text:
        if char == OPEN:
            depth += 1
        elif char == CLOSE:
            depth = max(depth - 1, 0)
        elif depth == 0:
            kept.append(char)
    return "".join(kept)


_WORD = re.compile(r"[^\W\d_]{2,}")


def untranslated_words(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """Words (two letters or more) of `text` outside the markers and the allowed strings."""
    outside = _outside_markers(text)
    # Longest first, so that "Alice Smith" goes before "Alice".
    for value in sorted({a for a in allowed if a}, key=len, reverse=True):
        outside = outside.replace(value, " ")
    return _WORD.findall(outside)


def untranslated_html(html: str, allowed: Iterable[str] = ()) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return untranslated_words("\n".join(parser.chunks), allowed)
