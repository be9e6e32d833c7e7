"""Browser tests: Playwright driving the system Chromium against a live server.

Playwright's own browser download does not work on our machines, so these use
Debian's Chromium at /usr/bin/chromium (or $CHROMIUM). Without it they skip,
saying how to enable them. Screenshots go to artifacts/screenshots/ (not
committed): look at them after a run.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

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


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open more pages, each in a context of its own (another person's browser)."""
    contexts = []

    def make(viewport: dict | None = None):
        context = browser.new_context(viewport=viewport or DESKTOP, base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


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
def helpdesk_staff_group(db):
    """The "Helpdesk staff" group with the permissions its data migration gives it.

    Browser tests are transactional: the database is emptied after each one,
    the group made by the migration included, so staff in the next test would
    hold no permissions in the admin. This puts the group back as it was.
    """
    import importlib

    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    from accounts.models import HELPDESK_STAFF_GROUP

    migration = importlib.import_module("tickets.migrations.0002_helpdesk_staff_group")
    wanted = Q(pk__in=[])
    for app_label, model, actions in migration.PERMISSIONS:
        wanted |= Q(
            content_type__app_label=app_label,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    group, _ = Group.objects.get_or_create(name=HELPDESK_STAFF_GROUP)
    group.permissions.add(*Permission.objects.filter(wanted))
    return group
