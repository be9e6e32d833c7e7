"""Browser tests: Playwright driving the system Chromium against a live server.

Playwright's own browser download does not work on our machines, so these use
Debian's Chromium at /usr/bin/chromium (or $CHROMIUM). Without it they skip,
saying how to enable them. Screenshots go to artifacts/screenshots/ (not
committed): look at them after a run. Every tab a test opens is watched for
what the Content Security Policy blocks and checked with axe-core
(accessibility.py): either fails the test.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.accessibility import AccessibilityWatch, watch_accessibility

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

# Playwright's sync API runs an event loop in the test's thread; the ORM calls
# that tests make beside it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.getenv("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(
            "Chromium not found: install it with 'apt-get install -y chromium' "
            "(or set CHROMIUM=/path/to/chromium) to run the browser tests"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _watch_for_csp_violations(page: Page, blocked: list[str]) -> None:
    """Collect what the Content Security Policy blocked: every page must run without it."""
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )


@pytest.fixture
def new_page(browser, live_server):
    """Open pages, each in a context of its own (another person's browser).

    `new_page(viewport=..., **context_options)` takes Playwright's context
    options (permissions, java_script_enabled, ...). Every page is watched for
    what the Content Security Policy blocks and checked with axe-core (see
    accessibility.py); either fails the test when it ends.
    """
    contexts: list[BrowserContext] = []
    blocked: list[str] = []
    watches: list[AccessibilityWatch] = []

    def make(viewport: dict | None = None, **context_options) -> Page:
        context = browser.new_context(
            viewport=viewport or DESKTOP, base_url=live_server.url, **context_options
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        _watch_for_csp_violations(page, blocked)
        # axe runs as script in the page: with scripts off its timers never
        # fire. The same pages are checked in the tests that leave them on.
        if context_options.get("java_script_enabled", True):
            watches.append(watch_accessibility(page))
        return page

    yield make
    try:
        for watch in watches:
            if not watch.page.is_closed():
                watch.check_current_page()  # the page the test ended on
    finally:
        for context in contexts:
            context.close()
    problems = [f"The Content Security Policy blocked: {text}" for text in blocked]
    problems += [f"axe-core found {finding}" for watch in watches for finding in watch.findings]
    assert not problems, "\n".join(problems)


@pytest.fixture
def page(new_page) -> Page:
    """A desktop browser tab, checked as `new_page` describes."""
    return new_page()


@pytest.fixture
def screenshot():
    """Save a screenshot of a page at desktop and phone widths."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> None:
        original = page.viewport_size
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
        page.set_viewport_size(original)

    return take


@pytest.fixture
def sign_in():
    """Sign a page in through the sign-in form, as a person would."""
    from tests.factories import PASSWORD

    def do(page, username: str, password: str = PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/tickets/")

    return do


@pytest.fixture
def helpdesk_staff_group(db):
    """The "Helpdesk staff" group with its permissions.

    A flush re-creates it (accounts' post_migrate hook); this makes the
    dependency of staff browser tests on it explicit.
    """
    from accounts.services import ensure_staff_group

    return ensure_staff_group()
