"""An axe-core check of every page the browser tests reach.

`watch_accessibility(page)` runs axe on each page a tab shows, once per page
(its address without the fragment, and its title), at three moments, so that
no test has to ask for it:

- before the test's first action or assertion on a newly loaded page (a
  Playwright locator handler on the not-yet-checked <html>), so the page is
  checked as the test found it, however the test got there (a click, a form
  sent, a redirect);
- before `page.goto` leaves a page the test did not act on;
- when the test ends, on the page it ended on (the page fixtures do this).

The page fixtures fail the test on any serious or critical finding, naming
rule, impact, element and help page.

Why not on the page's "load" event, or while holding the request for the next
page? A "load" handler runs beside the test, which may be leaving the page
already; and Chromium runs no evaluation in a page while a navigation away
from it is held, so the check would wait for ever. The three moments above all
fall in the test's own flow, between two of its steps.

axe-core is vendored (vendor/axe.min.js, see vendor/README.md): CI installs no
npm packages, and the copy pins the rules the suite is judged by.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urlsplit

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Page, Response

AXE_SOURCE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text()

# WCAG 2.1 A and AA plus Deque's best practices: the rule set of issue 12.
RULE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")

# Moderate and minor findings are advice; these fail the test.
FAILING_IMPACTS = frozenset({"serious", "critical"})

# Pages not checked, by address path. The API docs are Swagger UI, which its
# own script draws after "load" from drf-spectacular-sidecar's bundle: what
# axe finds there depends on how far it has drawn (serious contrast and
# nested-control findings in Swagger UI's markup once drawn, a missing lang in
# drf-spectacular's template before), and the markup is upstream's.
PAGES_NOT_CHECKED = ("/api/v1/docs/",)

# Set on a page's <html> once it was checked (or a page like it was), so the
# locator handler stops matching it.
CHECKED_MARK = "data-axe-checked"

# Run inside the page. resultTypes keeps the answer small: passes and the
# other kinds come back with one element each. ("Incomplete" results, which
# axe leaves to a person to judge, do not fail a test.)
RUN_AXE = """
tags => axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
}).then(results => results.violations.flatMap(rule => rule.nodes.map(node => ({
    rule: rule.id,
    impact: node.impact || rule.impact,
    target: node.target.map(String).join(" >>> "),
    help: rule.help,
    helpUrl: rule.helpUrl,
}))))
"""


@dataclass(frozen=True)
class Finding:
    """One element that breaks one rule, on one page."""

    url: str
    rule: str
    impact: str
    target: str
    help: str
    help_url: str

    def __str__(self) -> str:
        return (
            f"{self.rule} ({self.impact}) at {self.target!r} on {self.url}: {self.help}"
            f" <{self.help_url}>"
        )


class AccessibilityWatch:
    """Runs axe on the pages of one browser tab, once each, and keeps what it finds."""

    def __init__(self, page: Page) -> None:
        self.page = page
        # The pages checked, as (address, title).
        self.checked: set[tuple[str, str]] = set()
        # Serious and critical findings, less those allowed for now.
        self.findings: list[Finding] = []

    def check_current_page(self) -> None:
        """Run axe on the page on screen, unless a page like it was checked already."""
        self.page.wait_for_load_state("load")  # styles and the page's own script applied
        url, _fragment = urldefrag(self.page.url)
        # The title tells apart two pages at one address (the sign-in form and
        # the lockout page); a form shown again with its errors keeps both.
        seen_as = (url, self.page.title())
        if (
            url.startswith("http")
            and urlsplit(url).path not in PAGES_NOT_CHECKED
            and seen_as not in self.checked
        ):
            self.checked.add(seen_as)
            if self.page.evaluate("document.contentType") == "text/html":
                self._run_axe(url)
        self.page.evaluate(f"document.documentElement.setAttribute('{CHECKED_MARK}', '')")

    def _run_axe(self, url: str) -> None:
        # page.evaluate runs axe's source through the DevTools protocol, which
        # the page's Content Security Policy does not govern: the app's policy
        # stays exactly as served and the fixtures' CSP watch still sees what
        # the app itself gets blocked. (add_script_tag would be blocked by the
        # policy; bypass_csp=True would switch it off for the whole context and
        # hide the app's own violations.)
        if not self.page.evaluate("typeof window.axe === 'object'"):
            self.page.evaluate(AXE_SOURCE)
        for found in self.page.evaluate(RUN_AXE, list(RULE_TAGS)):
            finding = Finding(
                url=url,
                rule=found["rule"],
                impact=found["impact"],
                target=found["target"],
                help=found["help"],
                help_url=found["helpUrl"],
            )
            if finding.impact in FAILING_IMPACTS:
                self.findings.append(finding)


def watch_accessibility(page: Page) -> AccessibilityWatch:
    """Check each page `page` shows; see the module's docstring for when."""
    watch = AccessibilityWatch(page)
    page.add_locator_handler(
        page.locator(f"html:not([{CHECKED_MARK}])"),
        watch.check_current_page,
        no_wait_after=True,
    )
    page.goto = _checking_first(watch, page.goto)  # this tab's goto only
    return watch


def _checking_first(
    watch: AccessibilityWatch, goto: Callable[..., Response | None]
) -> Callable[..., Response | None]:
    def checked_goto(url: str, **options) -> Response | None:
        watch.check_current_page()
        return goto(url, **options)

    return checked_goto
