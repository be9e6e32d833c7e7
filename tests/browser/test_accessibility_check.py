"""The axe-core check that the page fixtures run finds what it should, when it should."""

from __future__ import annotations

import pytest

from tests.browser.accessibility import watch_accessibility

SITE = "http://pages.test"
PAGES = {
    # An unlabelled field (critical), and no <h1> (moderate: advice only).
    "/unlabelled/": """<!doctype html><html lang="en"><title>Unlabelled</title><main>
        <form><input id="nameless"><button type="button">Send</button></form></main></html>""",
    "/fine/": """<!doctype html><html lang="en"><title>Fine</title>
        <main><h1>Fine</h1><a href="/unlabelled/">On</a></main></html>""",
}


@pytest.fixture
def tab(browser):
    """A tab on made-up pages, watched but outside the fixtures that fail on findings."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.route(
        f"{SITE}/**",
        lambda route: route.fulfill(
            body=PAGES[route.request.url.removeprefix(SITE)], content_type="text/html"
        ),
    )
    yield page
    context.close()


def test_a_serious_finding_is_kept_with_its_rule_impact_target_and_help(tab):
    watch = watch_accessibility(tab)
    tab.goto(f"{SITE}/unlabelled/")
    tab.get_by_role("button", name="Send").click()  # the test's first step runs the check

    [finding] = watch.findings
    assert (finding.url, finding.rule, finding.impact, finding.target) == (
        f"{SITE}/unlabelled/",
        "label",
        "critical",
        "#nameless",
    )
    assert finding.help_url.startswith("https://dequeuniversity.com/rules/axe/4.14/label")
    assert "label (critical) at '#nameless'" in str(finding)


def test_a_page_left_without_a_step_on_it_is_checked_all_the_same(tab):
    watch = watch_accessibility(tab)
    tab.goto(f"{SITE}/unlabelled/")
    tab.goto(f"{SITE}/fine/")
    assert [finding.rule for finding in watch.findings] == ["label"]


def test_each_page_is_checked_once(tab):
    watch = watch_accessibility(tab)
    tab.goto(f"{SITE}/fine/")
    tab.get_by_role("link", name="On").click()
    tab.get_by_role("button", name="Send").click()
    tab.goto(f"{SITE}/unlabelled/")
    tab.get_by_role("button", name="Send").click()
    watch.check_current_page()
    assert watch.checked == {(f"{SITE}/fine/", "Fine"), (f"{SITE}/unlabelled/", "Unlabelled")}
    assert [finding.rule for finding in watch.findings] == ["label"]
