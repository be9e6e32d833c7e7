"""The assignee filter's staff are kept in the shared cache, and forgotten when a user changes.

filters.kept_staff_choices keeps them under the token cache's generation
(accounts.token_cache), which every user saved or deleted makes stale.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.admin.conftest import QUEUE
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def assignee_choices(client) -> list[str]:
    html = client.get(QUEUE).content.decode()
    found = re.search(r'data-filter-title="assignee".*?</details>', html, re.S)
    assert found, "no assignee filter on the page"
    return re.findall(r'<a href="\?assignee=[^"]*">([^<]*)</a>', found.group(0))


def staff_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(QUEUE)
    return sum('"is_staff"' in q["sql"] and "ORDER BY" in q["sql"] for q in queries)


@pytest.fixture
def kept(settings):
    settings.API_TOKEN_CACHE_SECONDS = 60


@pytest.mark.usefixtures("kept")
def test_the_staff_are_read_once_and_then_kept(as_agent, other_agent):
    assert staff_queries(as_agent) == 1
    assert staff_queries(as_agent) == 0
    assert staff_queries(as_agent) == 0


@pytest.mark.usefixtures("kept")
def test_a_new_staff_member_is_listed_at_once(as_agent, agent, other_agent):
    assert assignee_choices(as_agent)[2:] == ["dana", "sam"]
    StaffFactory(username="erin")
    assert assignee_choices(as_agent)[2:] == ["dana", "erin", "sam"]


@pytest.mark.usefixtures("kept")
def test_a_deactivated_or_renamed_staff_member_is_forgotten_at_once(as_agent, agent, other_agent):
    assert assignee_choices(as_agent)[2:] == ["dana", "sam"]
    other_agent.is_active = False
    other_agent.save()
    assert assignee_choices(as_agent)[2:] == ["sam"]
    agent.username = "samuel"
    agent.save()
    as_agent.force_login(agent)
    assert assignee_choices(as_agent)[2:] == ["samuel"]


def test_without_a_shared_cache_the_staff_are_read_every_time(as_agent, settings):
    settings.API_TOKEN_CACHE_SECONDS = 0
    assert staff_queries(as_agent) == 1
    assert staff_queries(as_agent) == 1
