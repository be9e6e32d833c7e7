"""Every control of the console has a name a screen reader can announce.

axe-core found two without one: the queue's search box (named only by its
help text) and the ticket page's assignee autocomplete (Select2's combobox,
which the select's label does not reach). The browser tests run axe itself;
these check the markup that fixes them.
"""

from __future__ import annotations

import re

import pytest

from tests.admin.conftest import ADD, QUEUE, ticket_url

pytestmark = pytest.mark.django_db

NAMING_SCRIPT = '<script src="/static/admin_extra/autocomplete_names.js" defer></script>'


def label_for(html: str, control_id: str) -> str:
    """The text of the <label for=control_id>, tags stripped ("" if there is none)."""
    match = re.search(rf'<label[^>]* for="{control_id}"[^>]*>(.*?)</label>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def test_the_search_box_has_a_label_with_text(as_agent):
    html = as_agent.get(QUEUE).content.decode()
    assert re.search(r'<input type="text"[^>]* id="searchbar"', html)
    # Text, not an image's alt text: axe takes only text for a label.
    assert label_for(html, "searchbar") == "Search tickets"
    assert re.search(r'<label for="searchbar"><img [^>]*alt=""', html)


def test_the_assignee_autocomplete_is_named_by_its_label(as_agent, ticket):
    html = as_agent.get(ticket_url(ticket)).content.decode()
    assert re.search(r'<select name="assignee" id="id_assignee" class="admin-autocomplete', html)
    assert label_for(html, "id_assignee") == "Assignee:"
    # Select2 draws the combobox in the browser; this script names it after the label.
    assert html.count(NAMING_SCRIPT) == 1
    assert html.index(NAMING_SCRIPT) > html.index("admin/js/vendor/jquery/jquery")


def test_the_reporter_autocomplete_on_the_add_page_is_named_too(as_agent):
    html = as_agent.get(ADD).content.decode()
    assert label_for(html, "id_reporter") == "Reporter:"
    assert html.count(NAMING_SCRIPT) == 1
