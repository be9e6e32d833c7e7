"""Filtering the queue: status, priority, assignee (mine, unassigned) and created date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.admin.conftest import QUEUE, clock
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def listed(client, **params) -> set[int]:
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    return {t.pk for t in response.context["cl"].result_list}


@pytest.fixture
def queue(reporter, agent, other_agent):
    """One ticket per status; sam has the open one, dana the pending one."""
    return {
        "new": make_ticket(reporter, status="new", priority="urgent"),
        "open": make_ticket(reporter, status="open", assignee=agent, priority="high"),
        "pending": make_ticket(reporter, status="pending", assignee=other_agent),
        "resolved": make_ticket(reporter, status="resolved", assignee=agent, priority="low"),
        "closed": make_ticket(reporter, status="closed"),
    }


@pytest.mark.parametrize("status", ["new", "open", "pending", "resolved", "closed"])
def test_filter_by_status(as_agent, queue, status):
    assert listed(as_agent, status=status) == {queue[status].pk}


def test_active_means_new_open_and_pending(as_agent, queue):
    assert listed(as_agent, status="active") == {
        queue["new"].pk,
        queue["open"].pk,
        queue["pending"].pk,
    }


def test_filter_by_priority(as_agent, queue):
    assert listed(as_agent, priority__exact="urgent") == {queue["new"].pk}
    assert listed(as_agent, priority__exact="normal") == {
        queue["pending"].pk,
        queue["closed"].pk,
    }


def test_mine_is_the_signed_in_staff_members(as_agent, queue):
    assert listed(as_agent, assignee="me") == {queue["open"].pk, queue["resolved"].pk}


def test_mine_differs_per_person(client, other_agent, queue):
    client.force_login(other_agent)
    assert listed(client, assignee="me") == {queue["pending"].pk}


def test_unassigned(as_agent, queue):
    assert listed(as_agent, assignee="none") == {queue["new"].pk, queue["closed"].pk}


def test_one_colleagues_tickets(as_agent, queue, other_agent):
    assert listed(as_agent, assignee=str(other_agent.pk)) == {queue["pending"].pk}


def test_the_assignee_filter_offers_mine_unassigned_and_each_active_staff_member(
    as_agent, queue, agent, other_agent
):
    html = as_agent.get(QUEUE).content.decode()
    for choice in ("?assignee=me", "?assignee=none", f"?assignee={agent.pk}"):
        assert f'href="{choice}"' in html
    assert f'href="?assignee={other_agent.pk}"' in html
    assert f'href="?assignee={queue["new"].reporter_id}"' not in html


def test_filters_combine(as_agent, queue):
    assert listed(as_agent, status="active", assignee="me") == {queue["open"].pk}


def test_nonsense_filter_values_are_ignored(as_agent, queue):
    assert len(listed(as_agent, assignee="x" * 40, status="sleeping")) == 5


@pytest.mark.parametrize("assignee", ["²", "1" * 19])
def test_assignee_ids_that_no_user_can_have_are_ignored(as_agent, queue, assignee):
    # "²" is a digit to str.isdigit but not to int(): it used to be a server error.
    assert len(listed(as_agent, assignee=assignee)) == 5


def created_choice(client, label: str) -> str:
    """The query string of the created-date filter's choice called `label`, as on the page."""
    cl = client.get(QUEUE).context["cl"]
    spec = next(spec for spec in cl.filter_specs if spec.title == "created at")
    return next(choice["query_string"] for choice in spec.choices(cl) if choice["display"] == label)


def test_filter_by_created_date(as_agent, reporter):
    now = timezone.now()
    with clock(now - timedelta(days=40)):
        old = make_ticket(reporter, subject="old")
    with clock(now - timedelta(days=3)):
        recent = make_ticket(reporter, subject="recent")
    today = make_ticket(reporter, subject="today")

    def ids(label):
        response = as_agent.get(QUEUE + created_choice(as_agent, label))
        return {t.pk for t in response.context["cl"].result_list}

    assert ids("Past 7 days") == {recent.pk, today.pk}
    assert ids("Today") == {today.pk}
    assert ids("Any date") == {old.pk, recent.pk, today.pk}
