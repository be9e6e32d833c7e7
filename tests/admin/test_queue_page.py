"""The queue's whole page is the one Django's own ways give, whatever of ours is switched on.

The queue reads its page as rows rather than tickets (queue.QueueRow), renders
the action form's fields once per list of actions (helpdesk_admin
.queue_action_fields), keeps the assignee filter's staff in the shared cache
(filters.kept_staff_choices) and works the admin's app list out only when a
template reads it (tickets/admin/__init__.py). These tests render the page with
all of that, then with Django's ways put back (tickets read as models, Django's
rows, filters and action form's loop, the staff read from the database, the app
list worked out eagerly), and compare the two pages whole: for tickets of every
status and priority, assigned or not, awkward subjects and names, in four
languages, filtered, sorted and searched, for staff who may change tickets and
for staff who may only view them.
"""

from __future__ import annotations

import re
from pathlib import Path

import django
import pytest
from django.contrib import admin
from django.contrib.admin.sites import AdminSite
from django.contrib.auth.models import Permission
from django.template import Context, Template

from tests.admin.conftest import QUEUE
from tests.admin.test_queue_rows import djangos, sample  # noqa: F401 (a fixture)
from tests.factories import UserFactory
from tickets.admin import filters, result_list
from tickets.admin.filters import CreatedFilter, PriorityFilter, QueueFilter
from tickets.admin.queue import QueueRow, TicketChangeList
from tickets.templatetags import helpdesk_admin

pytestmark = pytest.mark.django_db

QUERIES = [
    {},
    {"o": "-5.2", "status": "active"},
    {"priority__exact": "high", "assignee": "none"},
    {"status": "closed", "sla": "late"},
    {"q": "printer"},
    {"q": "smokes & <b>", "o": "3", "assignee": "me"},
    {"p": "9"},
]

# Django's own loop over the action form's fields, from its admin/actions.html.
_ACTIONS_HTML = Path(django.__file__).parent / "contrib/admin/templates/admin/actions.html"
_LOOP = (
    re.search(r"{% block actions-form %}(.*?){% endblock %}", _ACTIONS_HTML.read_text(), re.S)
    .group(1)
    .strip()
)


def djangos_action_fields(form) -> str:
    return Template(_LOOP).render(Context({"action_form": form}))


def page(client, query) -> tuple[str, object]:
    response = client.get(QUEUE, query)
    assert response.status_code == 200
    html = response.content.decode()
    # Masked anew on every request, and a nonce per response.
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'nonce="[^"]+"', "", html)
    return html, response.context["cl"]


def djangos_ways(monkeypatch) -> None:
    monkeypatch.setattr(TicketChangeList, "read_as_rows", False)
    monkeypatch.setattr(result_list, "queue_result_list", djangos)
    monkeypatch.setattr(QueueFilter, "template", admin.SimpleListFilter.template)
    monkeypatch.setattr(PriorityFilter, "template", admin.FieldListFilter.template)
    monkeypatch.setattr(CreatedFilter, "template", admin.FieldListFilter.template)
    monkeypatch.setattr(QueueFilter, "choices", admin.SimpleListFilter.choices)
    monkeypatch.setattr(helpdesk_admin, "render_action_fields", djangos_action_fields)
    monkeypatch.setattr(filters, "kept_staff_choices", filters._read_staff_choices)
    monkeypatch.setattr(admin.site, "get_app_list", AdminSite.get_app_list.__get__(admin.site))


@pytest.fixture
def viewer(db):
    """Vic is staff who may view tickets but not change them."""
    user = UserFactory(username="vic", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_ticket"))
    return user


@pytest.fixture(params=[0, 60], ids=["staff-read", "staff-kept"])
def staff_kept(request, settings):
    settings.API_TOKEN_CACHE_SECONDS = request.param
    return request.param


@pytest.mark.usefixtures("sample")
@pytest.mark.parametrize("language", ["en", "de", "fr", "es"])
@pytest.mark.parametrize("query", QUERIES)
def test_the_page_is_the_one_djangos_ways_give(
    client,
    agent,
    monkeypatch,
    staff_kept,
    language,
    query,
):
    client.force_login(agent)
    client.cookies["django_language"] = language

    ours, cl = page(client, query)
    again, _ = page(client, query)  # the staff from the cache, when kept
    if cl.result_count and "p" not in query:
        assert isinstance(cl.result_list[0], QueueRow)
    djangos_ways(monkeypatch)
    theirs, their_cl = page(client, query)

    assert not their_cl.result_list or not isinstance(their_cl.result_list[0], QueueRow)
    assert ours == theirs
    assert again == theirs
    assert 'name="action"' in ours
    assert 'name="select_across"' in ours


@pytest.mark.usefixtures("sample")
@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("query", [{}, {"status": "new", "q": "printer"}])
def test_the_page_is_djangos_for_staff_who_may_only_view(
    client,
    viewer,
    monkeypatch,
    language,
    query,
):
    client.force_login(viewer)
    client.cookies["django_language"] = language

    ours, cl = page(client, query)
    djangos_ways(monkeypatch)
    theirs, _ = page(client, query)

    assert ours == theirs
    assert cl.result_count
    # No bulk action is theirs to take, and no ticket a link to a change form they may use.
    assert 'name="action"' not in ours


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_action_template_is_djangos_around_the_fields(rf, agent, language):
    from django.contrib.admin.helpers import ActionForm
    from django.template.loader import get_template
    from django.utils import translation

    with translation.override(language):
        form = ActionForm(auto_id=None)
        form.fields["action"].choices = [("", "---------"), ("a", "Act <now>")]
        context = {
            "action_form": form,
            "actions_selection_counter": True,
            "selection_note": "0 of 3 selected",
            "selection_note_all": "All 9 selected",
            "module_name": "tickets",
            "cl": {"result_list": [1, 2, 3], "result_count": 9},
        }
        ours = get_template("admin/tickets/ticket/actions.html").render(context)
        theirs = get_template("admin/actions.html").render(context)
    assert ours == theirs
    assert "Act &lt;now&gt;" in ours
