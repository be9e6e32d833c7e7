"""The service level clocks (service_levels/clock.py) on a table of cases, with fixed clocks.

No database: events in, due times and states out. The calendar is Berlin's
office week, 09:00 to 17:00 Monday to Friday, with Christmas Day 2026 a holiday.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from service_levels import clock
from service_levels.clock import Calendar, Event, State, Targets

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
OFFICE = ((time(9), time(17)),)
WEEK = Calendar(
    time_zone="Europe/Berlin",
    hours=(OFFICE,) * 5 + ((), ()),
    holidays=frozenset({datetime(2026, 12, 25).date()}),
)
ALWAYS = Calendar.always()


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def created(at):
    return Event("created", at, "new")


def staff_says(at, *, internal=False):
    return Event("message_posted", at, is_internal=internal)


def reporter_says(at):
    return Event("message_posted", at, by_reporter=True)


def status(at, value):
    return Event("status_changed", at, value)


ONE_HOUR = Targets(first_reply=60, next_reply=60, resolution=240)


@pytest.mark.parametrize(
    ("case", "calendar", "reported", "minutes", "due"),
    [
        (
            "Friday evening is due on Monday",
            WEEK,
            berlin(2026, 6, 5, 18),
            60,
            berlin(2026, 6, 8, 10),
        ),
        (
            "Friday afternoon runs over the weekend",
            WEEK,
            berlin(2026, 6, 5, 16, 30),
            60,
            berlin(2026, 6, 8, 9, 30),
        ),
        (
            "Saturday counts from Monday's opening",
            WEEK,
            berlin(2026, 6, 6, 11),
            30,
            berlin(2026, 6, 8, 9, 30),
        ),
        (
            "Christmas Eve skips the holiday and the weekend",
            WEEK,
            berlin(2026, 12, 24, 16, 30),
            60,
            berlin(2026, 12, 28, 9, 30),
        ),
        (
            "due at closing time is that day",
            WEEK,
            berlin(2026, 6, 1, 16),
            60,
            berlin(2026, 6, 1, 17),
        ),
        (
            "a whole business day is 8 hours",
            WEEK,
            berlin(2026, 6, 1, 9),
            480,
            berlin(2026, 6, 1, 17),
        ),
        (
            "over the spring DST change, opening hours stay local",
            WEEK,
            berlin(2026, 3, 27, 16),
            120,
            berlin(2026, 3, 30, 10),
        ),
        (
            "over the autumn DST change too",
            WEEK,
            berlin(2026, 10, 23, 16),
            120,
            berlin(2026, 10, 26, 10),
        ),
        (
            "calendar time counts every real hour over DST",
            ALWAYS,
            berlin(2026, 3, 28, 12),
            24 * 60,
            berlin(2026, 3, 29, 13),
        ),
        (
            "calendar time ignores weekends",
            ALWAYS,
            berlin(2026, 6, 5, 18),
            60,
            berlin(2026, 6, 5, 19),
        ),
    ],
)
def test_first_reply_due(case, calendar, reported, minutes, due):
    state = clock.fold([created(reported)])
    targets = Targets(first_reply=minutes, next_reply=None, resolution=None)

    result = clock.evaluate(state, targets, calendar, now=reported)

    assert result.first_reply.due == due, case
    assert result.first_reply.state == State.RUNNING


def test_the_calendar_counts_in_its_own_time_zone():
    # 09:00 in New York is 15:00 in Berlin: a New York office opens then.
    new_york = Calendar(time_zone="America/New_York", hours=(OFFICE,) * 5 + ((), ()))
    reported = datetime(2026, 6, 1, 12, tzinfo=UTC)  # 08:00 in New York
    state = clock.fold([created(reported)])

    result = clock.evaluate(state, Targets(60, None, None), new_york, now=reported)

    assert result.first_reply.due == datetime(2026, 6, 1, 10, tzinfo=NEW_YORK)


def test_a_first_reply_in_time_is_met_and_stops_the_clock():
    state = clock.fold([created(berlin(2026, 6, 1, 9)), staff_says(berlin(2026, 6, 1, 9, 45))])

    result = clock.evaluate(state, ONE_HOUR, WEEK, now=berlin(2026, 6, 3, 9))

    assert result.first_reply.state == State.MET
    assert result.first_reply.due is None


def test_an_internal_note_is_no_reply():
    state = clock.fold(
        [created(berlin(2026, 6, 1, 9)), staff_says(berlin(2026, 6, 1, 9, 5), internal=True)]
    )

    result = clock.evaluate(state, ONE_HOUR, WEEK, now=berlin(2026, 6, 1, 10, 1))

    assert result.first_reply.state == State.BREACHED
    assert result.first_reply.due == berlin(2026, 6, 1, 10)
    assert result.breached == ["first_reply"]


def test_a_late_first_reply_stays_breached():
    state = clock.fold([created(berlin(2026, 6, 1, 9)), staff_says(berlin(2026, 6, 1, 11))])

    result = clock.evaluate(state, ONE_HOUR, WEEK, now=berlin(2026, 6, 1, 12))

    assert result.first_reply.state == State.BREACHED
    assert result.first_reply.due is None
    assert result.missed == ["first_reply"]


def test_the_next_reply_runs_from_the_reporters_message_after_a_staff_reply():
    state = clock.fold(
        [
            created(berlin(2026, 6, 1, 9)),
            reporter_says(berlin(2026, 6, 1, 9, 10)),  # before any reply: no next-reply clock
            staff_says(berlin(2026, 6, 1, 9, 30)),
            reporter_says(berlin(2026, 6, 1, 16, 30)),
        ]
    )

    result = clock.evaluate(state, ONE_HOUR, WEEK, now=berlin(2026, 6, 1, 16, 45))

    assert result.next_reply.state == State.RUNNING
    assert result.next_reply.due == berlin(2026, 6, 2, 9, 30)


def test_a_missed_next_reply_stays_missed_after_later_good_ones():
    state = clock.fold(
        [
            created(berlin(2026, 6, 1, 9)),
            staff_says(berlin(2026, 6, 1, 9, 30)),
            reporter_says(berlin(2026, 6, 1, 10)),
            staff_says(berlin(2026, 6, 1, 13)),  # three hours: missed
            reporter_says(berlin(2026, 6, 1, 14)),
            staff_says(berlin(2026, 6, 1, 14, 10)),
        ]
    )

    result = clock.evaluate(state, ONE_HOUR, WEEK, now=berlin(2026, 6, 1, 15))

    assert result.next_reply.state == State.BREACHED
    assert "next_reply" in result.missed


def test_pending_pauses_the_resolution_clock_and_open_resumes_it():
    events = [
        created(berlin(2026, 6, 1, 9)),
        staff_says(berlin(2026, 6, 1, 9, 30)),
        status(berlin(2026, 6, 1, 10), "pending"),  # one hour spent
    ]
    paused = clock.evaluate(clock.fold(events), ONE_HOUR, WEEK, now=berlin(2026, 6, 4, 9))

    assert paused.resolution.state == State.PAUSED
    assert paused.resolution.due is None
    assert paused.paused
    assert paused.resolution.elapsed == timedelta(hours=1)

    events.append(status(berlin(2026, 6, 5, 9), "open"))
    resumed = clock.evaluate(clock.fold(events), ONE_HOUR, WEEK, now=berlin(2026, 6, 5, 9))

    # Three hours were left: due at noon, the days pending not counted.
    assert resumed.resolution.state == State.RUNNING
    assert resumed.resolution.due == berlin(2026, 6, 5, 12)
    assert not resumed.paused


def test_reply_clocks_are_not_paused_while_pending():
    state = clock.fold(
        [
            created(berlin(2026, 6, 1, 9)),
            status(berlin(2026, 6, 1, 9, 5), "pending"),
        ]
    )

    result = clock.evaluate(state, ONE_HOUR, WEEK, now=berlin(2026, 6, 1, 9, 10))

    assert result.first_reply.due == berlin(2026, 6, 1, 10)
    assert result.resolution.state == State.PAUSED


def test_resolving_meets_the_resolution_target_and_reopening_resumes_where_it_stopped():
    events = [
        created(berlin(2026, 6, 1, 9)),
        staff_says(berlin(2026, 6, 1, 9, 30)),
        status(berlin(2026, 6, 1, 11), "resolved"),  # two hours spent
    ]
    resolved = clock.evaluate(clock.fold(events), ONE_HOUR, WEEK, now=berlin(2026, 6, 2, 9))
    assert resolved.resolution.state == State.MET
    assert resolved.resolution.due is None

    events += [reporter_says(berlin(2026, 6, 3, 9)), status(berlin(2026, 6, 3, 9), "open")]
    reopened = clock.evaluate(clock.fold(events), ONE_HOUR, WEEK, now=berlin(2026, 6, 3, 9))

    assert reopened.resolution.due == berlin(2026, 6, 3, 11)
    # The reporter's message asks for a next reply.
    assert reopened.next_reply.due == berlin(2026, 6, 3, 10)


def test_a_priority_change_applies_the_new_targets_from_the_tickets_start():
    state = clock.fold([created(berlin(2026, 6, 1, 9))])
    low = Targets(first_reply=960, next_reply=960, resolution=2400)
    urgent = Targets(first_reply=60, next_reply=60, resolution=240)

    before = clock.evaluate(state, low, WEEK, now=berlin(2026, 6, 1, 12))
    after = clock.evaluate(state, urgent, WEEK, now=berlin(2026, 6, 1, 12))

    assert before.first_reply.state == State.RUNNING
    assert after.first_reply.due == berlin(2026, 6, 1, 10)
    assert after.first_reply.state == State.BREACHED
    assert after.resolution.due == berlin(2026, 6, 1, 13)


def test_a_policy_change_keeps_the_time_spent_pending_out_of_the_count():
    state = clock.fold(
        [
            created(berlin(2026, 6, 1, 9)),
            status(berlin(2026, 6, 1, 10), "pending"),
            status(berlin(2026, 6, 3, 9), "open"),
        ]
    )
    stricter = Targets(first_reply=None, next_reply=None, resolution=120)

    result = clock.evaluate(state, stricter, WEEK, now=berlin(2026, 6, 3, 9))

    # One hour before the pause, one after: the two days pending stay uncounted.
    assert result.resolution.due == berlin(2026, 6, 3, 10)


def test_a_state_survives_its_json_form():
    state = clock.fold(
        [
            created(berlin(2026, 6, 1, 9)),
            staff_says(berlin(2026, 6, 1, 9, 30)),
            reporter_says(berlin(2026, 6, 1, 10)),
            status(berlin(2026, 6, 1, 10), "pending"),
        ]
    )

    assert clock.SlaState.from_json(state.to_json()) == state


def test_a_calendar_without_open_hours_has_no_due_time():
    closed = Calendar(time_zone="UTC")
    state = clock.fold([created(berlin(2026, 6, 1, 9))])

    result = clock.evaluate(state, ONE_HOUR, closed, now=berlin(2026, 6, 1, 9))

    assert result.first_reply.due is None
    assert result.first_reply.state == State.RUNNING
