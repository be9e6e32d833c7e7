"""HTML mail bodies to plain text: the words only, never the markup.

A small converter on the standard library's HTMLParser. What reaches a ticket
is text: tags, comments, scripts, styles and the document head are dropped,
block elements become line breaks, a link keeps its text, and a blockquote
(how mail programs quote in HTML) becomes `> ` lines so that the quote
stripping treats it as the quote it is.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Their content is not text anyone wrote for a reader.
SKIP = frozenset({"script", "style", "head", "title", "template", "noscript", "svg", "object"})
BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul",
    }
)  # fmt: skip
VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "wbr"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip_depth = 0
        self.quote_depth = 0
        self.pre_depth = 0

    def _break(self) -> None:
        text = "".join(self.current)
        if not self.pre_depth:
            text = re.sub(r"[ \t\r\n\f\v\u00a0]+", " ", text).strip()
        prefix = "> " * self.quote_depth
        self.lines.append(prefix + text if text or not prefix else prefix.rstrip())
        self.current = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in SKIP:
            if tag not in VOID:
                self.skip_depth += 1
            return
        if self.skip_depth:
            return
        if tag == "br":
            self._break()
        elif tag in BLOCK:
            if self.current:
                self._break()
            if tag == "blockquote":
                self.quote_depth += 1
            elif tag == "pre":
                self.pre_depth += 1
            elif tag == "li":
                self.current.append("- ")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag == "br" and not self.skip_depth:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if self.skip_depth:
            return
        if tag in BLOCK:
            if self.current:
                self._break()
            if tag == "blockquote":
                self.quote_depth = max(0, self.quote_depth - 1)
            elif tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)
            elif tag in ("p", "div", "table"):
                self.lines.append("")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.current.append(data)

    def text(self) -> str:
        if self.current:
            self._break()
        text = "\n".join(line.rstrip() for line in self.lines)
        # At most one empty line in a row, none at the ends.
        return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def html_to_text(html: str) -> str:
    """The text of an HTML document, as lines; no markup survives."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return parser.text()
