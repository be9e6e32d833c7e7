"""The dashboard on the console's front page, and the aggregate queries behind it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from tests.admin.conftest import clock
from tests.factories import make_ticket
from tickets import dashboard, services
from tickets.chart import activity_chart
from tickets.models import Ticket
from tickets.templatetags.helpdesk_admin import format_duration

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
# The median of the stored first reply times: one aggregate on PostgreSQL; on
# SQLite the count, then the middle one or two.
MEDIAN_QUERIES = 1 if connection.vendor == "postgresql" else 2
# The service level figures (service_levels.selectors.report): one aggregate on
# PostgreSQL; on SQLite the counts, then the middle first reply.
SLA_REPORT_QUERIES = 1 if connection.vendor == "postgresql" else 2


def test_workload_counts_statuses_unassigned_and_mine_in_one_query(
    reporter, agent, other_agent, django_assert_num_queries
):
    make_ticket(reporter, status="new")
    make_ticket(reporter, status="open", assignee=agent)
    make_ticket(reporter, status="pending", assignee=agent)
    make_ticket(reporter, status="pending", assignee=other_agent)
    make_ticket(reporter, status="resolved", assignee=agent)
    make_ticket(reporter, status="closed")
    with django_assert_num_queries(1):
        load = dashboard.workload(agent, Ticket.objects.all())
    assert {k: v.value for k, v in load.by_status.items()} == {
        "new": 1,
        "open": 1,
        "pending": 2,
        "resolved": 1,
        "closed": 1,
    }
    # Active means new, open or pending: resolved and closed tickets are no one's work.
    assert (load.unassigned.value, load.mine.value) == (1, 2)


def test_counts_stop_at_the_cap(reporter):
    for _ in range(4):
        make_ticket(reporter)
    counts = dashboard.bounded_counts(
        {"all": Ticket.objects.all(), "none": Ticket.objects.none()}, cap=3
    )
    assert (str(counts["all"]), counts["all"].capped) == ("3+", True)
    assert (str(counts["none"]), counts["none"].capped) == ("0", False)


def test_created_and_resolved_per_day_over_thirty_days(reporter, agent, django_assert_num_queries):
    now = timezone.now()
    with clock(now - timedelta(days=40)):
        make_ticket(reporter)  # before the window
    with clock(now - timedelta(days=2)):
        first = make_ticket(reporter)
        make_ticket(reporter)
    with clock(now - timedelta(days=1)):
        services.change_status(actor=agent, ticket=first, status="resolved")
    make_ticket(reporter)
    with django_assert_num_queries(2):
        days = dashboard.daily_activity(Ticket.objects.all())
    assert len(days) == 30
    assert days[-1].day == timezone.localdate()
    assert [(d.created, d.resolved) for d in days[-3:]] == [(2, 0), (0, 1), (1, 0)]
    assert sum(d.created for d in days) == 3


def reply_after(ticket, author, minutes: int, *, is_internal: bool = False):
    with clock(ticket.created_at + timedelta(minutes=minutes)):
        services.post_message(actor=author, ticket=ticket, body="Reply", is_internal=is_internal)


def test_median_time_to_first_staff_reply(reporter, agent, other_agent, django_assert_num_queries):
    start = timezone.now() - timedelta(days=5)
    waits = [10, 30, 60, 240]
    for minutes in waits:
        with clock(start):
            ticket = make_ticket(reporter)
        # Neither the reporter's own messages nor internal notes are replies to them.
        reply_after(ticket, reporter, 1)
        reply_after(ticket, agent, 2, is_internal=True)
        reply_after(ticket, other_agent, minutes)
        reply_after(ticket, agent, minutes + 5)
    with clock(start):
        make_ticket(reporter)  # not answered yet: not counted
    # Expect 2 queries on SQLite: the count and the middle rows. On PostgreSQL
    # 1: the median and the count, from the times stored on the tickets.
    with django_assert_num_queries(MEDIAN_QUERIES):
        result = dashboard.first_staff_reply(Ticket.objects.all())
    assert result.answered == 4
    assert result.median == timedelta(minutes=45)  # between 30 and 60


def test_the_median_of_an_odd_number_is_the_middle_one(reporter, agent):
    start = timezone.now() - timedelta(days=1)
    for minutes in (5, 50, 500):
        with clock(start):
            ticket = make_ticket(reporter)
        reply_after(ticket, agent, minutes)
    assert dashboard.first_staff_reply(Ticket.objects.all()).median == timedelta(minutes=50)


def test_tickets_older_than_the_window_do_not_count(reporter, agent):
    with clock(timezone.now() - timedelta(days=45)):
        ticket = make_ticket(reporter)
    reply_after(ticket, agent, 10)
    assert dashboard.first_staff_reply(Ticket.objects.all()) == dashboard.FirstReply(None, 0)


def test_staff_reporting_their_own_issue_do_not_answer_themselves(agent, other_agent):
    with clock(timezone.now() - timedelta(hours=3)):
        ticket = make_ticket(agent)
    reply_after(ticket, agent, 5)
    reply_after(ticket, other_agent, 90)
    assert dashboard.first_staff_reply(Ticket.objects.all()).median == timedelta(minutes=90)


def test_the_chart_scales_bars_to_a_round_maximum():
    today = timezone.localdate()
    days = [
        dashboard.Day(today - timedelta(days=2 - i), c, r)
        for i, (c, r) in enumerate([(4, 0), (7, 2), (0, 0)])
    ]
    chart = activity_chart(days)
    assert [t.label for t in chart.y_ticks] == ["0", "5", "10"]
    bars = {bar.title: bar for bar in chart.bars}
    plot_height = chart.plot_bottom - chart.plot_top
    created = bars[f"{days[1].day:%b} {days[1].day.day}: 7 created"]
    assert created.height == pytest.approx(plot_height * 0.7, abs=0.01)
    assert bars[f"{days[2].day:%b} {days[2].day.day}: 0 resolved"].height == 0
    assert (chart.total_created, chart.total_resolved) == (11, 2)
    # Today is always labelled, at the right edge.
    assert chart.x_ticks[-1].anchor == "end"


@pytest.mark.parametrize("language", ["en", "de", "fr", "es"])
def test_the_charts_coordinates_are_numbers_svg_reads_in_every_language(language):
    today = timezone.localdate()
    days = [dashboard.Day(today - timedelta(days=2 - i), c, 1) for i, c in enumerate((4, 7, 3))]
    with translation.override(language):
        svg = render_to_string(
            "admin/tickets/activity_chart_svg.html", {"chart": activity_chart(days), "window": 3}
        )
    coordinates = re.findall(r' (?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', svg)
    assert len(coordinates) > 20
    # German, French and Spanish write "52,06": SVG reads only "52.06".
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", value) for value in coordinates), coordinates


def test_an_empty_chart_still_draws():
    today = timezone.localdate()
    chart = activity_chart([dashboard.Day(today, 0, 0)])
    assert [t.label for t in chart.y_ticks] == ["0", "1"]
    assert all(bar.height == 0 for bar in chart.bars)


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (None, "—"),
        (timedelta(seconds=40), "40 s"),
        (timedelta(minutes=45), "45 min"),
        (timedelta(hours=3, minutes=10), "3 h 10 min"),
        (timedelta(hours=2), "2 h"),
        (timedelta(days=1, hours=4, minutes=2), "1 day 4 h"),
        (timedelta(days=3), "3 days"),
    ],
)
def test_durations_read_the_way_people_say_them(value, said):
    assert format_duration(value) == said


def test_the_front_page_shows_the_dashboard(as_agent, reporter, agent):
    ticket = make_ticket(reporter, status="open", assignee=agent)
    make_ticket(reporter)
    with clock(ticket.created_at + timedelta(minutes=20)):
        services.post_message(actor=agent, ticket=ticket, body="On it")
    html = as_agent.get(INDEX).content.decode()
    assert "The queue now" in html
    queue = reverse("admin:tickets_ticket_changelist")
    mine = f"{queue}?status=active&amp;assignee=me"
    assert f'href="{mine}"><span class="hd-card-count">1</span>' in html
    assert (
        f'href="{queue}?status=active&amp;assignee=none"><span class="hd-card-count">1</span>'
        in html
    )
    assert "<svg" in html and "hd-bar-created" in html
    assert "2 opened" in html
    assert '<span class="hd-card-count">20 min</span>' in html
    assert "over 1 ticket opened" in html


def test_the_front_page_costs_a_fixed_number_of_queries(
    as_agent, reporter, agent, django_assert_num_queries
):
    for status in ("new", "open", "pending", "resolved"):
        ticket = make_ticket(reporter, status=status)
        services.post_message(
            actor=agent, ticket=ticket, body="Hi"
        ) if status != "resolved" else None
    as_agent.get(INDEX)
    # Expect 7 queries, the median's and the service levels' (see above):
    # session, user, the user's permissions, their groups' permissions, the
    # bounded counts (statuses, unassigned, mine), created per day, resolved per day.
    with django_assert_num_queries(7 + MEDIAN_QUERIES + SLA_REPORT_QUERIES):
        as_agent.get(INDEX)


def test_the_months_figures_are_kept_a_minute_and_the_queue_now_stays_live(
    as_agent, reporter, agent, settings, django_assert_num_queries
):
    """The 30 days' figures read the month's tickets (tens of thousands at a
    million): kept in the shared cache for HELPDESK_DASHBOARD_CACHE_SECONDS,
    while the counts of the queue now are read on every visit."""
    settings.HELPDESK_DASHBOARD_CACHE_SECONDS = 60
    cache.clear()
    start = timezone.now()
    make_ticket(reporter, status="open")
    with clock(start):
        first = as_agent.get(INDEX).content.decode()
    assert "1 opened" in first

    make_ticket(reporter, assignee=agent)
    # Session, user, the permissions twice, the queue's counts.
    with clock(start + timedelta(seconds=59)), django_assert_num_queries(5):
        again = as_agent.get(INDEX).content.decode()
    assert "1 opened" in again  # the month's figures: a minute old at most
    mine = f"{reverse('admin:tickets_ticket_changelist')}?status=active&amp;assignee=me"
    assert f'href="{mine}"><span class="hd-card-count">1</span>' in again  # live

    with clock(start + timedelta(seconds=61)):
        later = as_agent.get(INDEX).content.decode()
    assert "2 opened" in later
