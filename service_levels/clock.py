"""Service level clocks as a pure function of a ticket's events. No database access.

A ticket's SLA state is a fold over its audit trail: `state = step(state, event)`
for each event in order, starting from `initial()`. The state records *when*
things happened (the report, the first public staff reply, each wait for a
next reply, the intervals the resolution clock ran), not minutes counted
against a policy, so that it does not depend on the policy: changing the
ticket's priority or the policy itself re-applies the targets to the same
state from the ticket's start, and paused time is never lost.

`evaluate(state, targets, calendar, now)` then says, per target, whether it is
met, running (with its due time), paused or breached.

The clocks (DESIGN.md, Service levels):
- first reply: from the report to the first public staff message;
- next reply: from each reporter message that follows a staff reply to the
  next public staff message;
- resolution: from the report to resolved, paused while pending, resumed on
  reopening from where it stopped.
Resolving or closing a ticket also stops the reply clocks: there is nothing
left to answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from tickets.choices import EventKind, TicketStatus

# Statuses in which the resolution clock runs.
RUNNING = frozenset({TicketStatus.NEW, TicketStatus.OPEN})
# Statuses that end the reply clocks.
DONE = frozenset({TicketStatus.RESOLVED, TicketStatus.CLOSED})

# How far ahead add() looks for open hours before it gives up (a calendar with
# no open hours at all, or holidays all year).
_HORIZON_DAYS = 3 * 366

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Target(StrEnum):
    FIRST_REPLY = "first_reply"
    NEXT_REPLY = "next_reply"
    RESOLUTION = "resolution"


class State(StrEnum):
    """What a target's clock is doing."""

    NOT_STARTED = "not_started"
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"


# --- calendars -----------------------------------------------------------------


@dataclass(frozen=True)
class Calendar:
    """Opening hours in a time zone: per weekday (0 = Monday) a tuple of (open, close)."""

    time_zone: str = "UTC"
    hours: tuple[tuple[tuple[time, time], ...], ...] = ((),) * 7
    holidays: frozenset[date] = frozenset()
    # False: every minute counts (calendar time); the other fields are ignored.
    business: bool = True

    @classmethod
    def always(cls) -> Calendar:
        return cls(business=False)

    @classmethod
    def from_json(
        cls, *, time_zone: str, hours: dict[str, Any], holidays: list[str], business: bool = True
    ) -> Calendar:
        """From the stored form: {"mon": [["09:00", "17:00"]], ...} and ["2026-12-25", ...]."""
        return cls(
            time_zone=time_zone,
            hours=tuple(
                tuple(
                    (time.fromisoformat(start), time.fromisoformat(end))
                    for start, end in hours.get(day, [])
                )
                for day in WEEKDAYS
            ),
            holidays=frozenset(date.fromisoformat(d) for d in holidays),
            business=business,
        )

    def _windows(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's open hours as UTC intervals (local times, DST applied)."""
        if day in self.holidays:
            return []
        zone = ZoneInfo(self.time_zone)
        windows = []
        for start, end in self.hours[day.weekday()]:
            a = datetime.combine(day, start, tzinfo=zone).astimezone(UTC)
            # 24:00 is written 00:00: the end of the day.
            if end == time(0):
                b = datetime.combine(day + timedelta(days=1), end, tzinfo=zone).astimezone(UTC)
            else:
                b = datetime.combine(day, end, tzinfo=zone).astimezone(UTC)
            if b > a:
                windows.append((a, b))
        return windows

    def _local_date(self, moment: datetime) -> date:
        return moment.astimezone(ZoneInfo(self.time_zone)).date()

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """How much of [start, end) counts: all of it, or only the open hours."""
        # In UTC: Python subtracts two times of one zone on the wall clock, DST ignored.
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        if end <= start:
            return timedelta(0)
        if not self.business:
            return end - start
        total = timedelta(0)
        day = self._local_date(start)
        last = self._local_date(end)
        while day <= last:
            for a, b in self._windows(day):
                lo, hi = max(a, start), min(b, end)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total

    def add(self, start: datetime, amount: timedelta) -> datetime | None:
        """The moment `amount` of counted time after `start`; None if never (no open hours)."""
        start = start.astimezone(UTC)
        if not self.business:
            return start + amount
        left = amount
        day = self._local_date(start)
        for _ in range(_HORIZON_DAYS):
            for a, b in self._windows(day):
                lo = max(a, start)
                if b <= lo:
                    continue
                if lo + left <= b:
                    # Due exactly at closing time counts as that day's.
                    return lo + left
                left -= b - lo
            day += timedelta(days=1)
        return None

    def is_open(self, moment: datetime) -> bool:
        if not self.business:
            return True
        return any(a <= moment < b for a, b in self._windows(self._local_date(moment)))


# --- the fold ------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """What the clocks need to know of a TicketEvent."""

    kind: str
    at: datetime
    new_value: str = ""
    # Who acted: the reporter, or anyone else (staff, or the system actor).
    by_reporter: bool = False
    is_internal: bool = False


@dataclass
class SlaState:
    """When things happened; JSON-serialisable with to_json/from_json."""

    start: datetime | None = None
    status: str = TicketStatus.NEW
    first_reply: datetime | None = None
    # A reporter message waiting for the next staff reply, since when.
    waiting_since: datetime | None = None
    # Completed waits for a next reply: (reporter wrote, staff answered).
    replies: list[tuple[datetime, datetime]] = field(default_factory=list)
    # The intervals the resolution clock ran; the last may still be running (end None).
    running: list[tuple[datetime, datetime | None]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        def iso(moment: datetime | None) -> str | None:
            return moment.isoformat() if moment else None

        return {
            "start": iso(self.start),
            "status": str(self.status),
            "first_reply": iso(self.first_reply),
            "waiting_since": iso(self.waiting_since),
            "replies": [[iso(a), iso(b)] for a, b in self.replies],
            "running": [[iso(a), iso(b)] for a, b in self.running],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> SlaState:
        if not data:
            return cls()

        def parse(value: str | None) -> datetime | None:
            return datetime.fromisoformat(value) if value else None

        return cls(
            start=parse(data.get("start")),
            status=data.get("status", TicketStatus.NEW),
            first_reply=parse(data.get("first_reply")),
            waiting_since=parse(data.get("waiting_since")),
            replies=[(parse(a), parse(b)) for a, b in data.get("replies", [])],
            running=[(parse(a), parse(b)) for a, b in data.get("running", [])],
        )


def initial() -> SlaState:
    return SlaState()


def step(state: SlaState, event: Event) -> SlaState:
    """The state after `event`. Returns a new state; `state` is left as it was."""
    new = SlaState(
        start=state.start,
        status=state.status,
        first_reply=state.first_reply,
        waiting_since=state.waiting_since,
        replies=list(state.replies),
        running=list(state.running),
    )
    at = event.at
    if event.kind == EventKind.CREATED:
        return SlaState(start=at, status=TicketStatus.NEW, running=[(at, None)])
    if new.start is None:
        # Events before the ticket's creation (a trail cut short): nothing to count from.
        return new
    if event.kind == EventKind.MESSAGE_POSTED and not event.is_internal:
        if event.by_reporter:
            if new.first_reply is not None and new.waiting_since is None:
                new.waiting_since = at
        elif new.first_reply is None:
            new.first_reply = at
        elif new.waiting_since is not None:
            new.replies.append((new.waiting_since, at))
            new.waiting_since = None
    elif event.kind == EventKind.STATUS_CHANGED:
        status = event.new_value
        clock_running = bool(new.running) and new.running[-1][1] is None
        if status in RUNNING and not clock_running:
            new.running.append((at, None))
        elif status not in RUNNING and clock_running:
            new.running[-1] = (new.running[-1][0], at)
        if status in DONE:
            # Resolving answers what was asked: the reply clocks stop here.
            if new.first_reply is None:
                new.first_reply = at
            if new.waiting_since is not None:
                new.replies.append((new.waiting_since, at))
                new.waiting_since = None
        new.status = status
    return new


def fold(events: list[Event], state: SlaState | None = None) -> SlaState:
    state = state or initial()
    for event in events:
        state = step(state, event)
    return state


# --- evaluation ----------------------------------------------------------------


@dataclass(frozen=True)
class Targets:
    """Minutes allowed per target; None: no such target."""

    first_reply: int | None
    next_reply: int | None
    resolution: int | None


@dataclass(frozen=True)
class Clock:
    state: State
    # When a running target falls due (in the past if breached and still running).
    due: datetime | None = None
    # Counted time so far (up to now, or to when the clock stopped).
    elapsed: timedelta = timedelta(0)


@dataclass(frozen=True)
class Result:
    first_reply: Clock
    next_reply: Clock
    resolution: Clock
    # The resolution clock stands still because the ticket is pending.
    paused: bool = False

    def clock(self, target: Target) -> Clock:
        return getattr(self, target.value)

    @property
    def breached(self) -> list[str]:
        return [t.value for t in Target if self.clock(t).state == State.BREACHED]

    @property
    def running_dues(self) -> dict[str, datetime]:
        """Due times of the targets whose clock runs, including overdue ones."""
        return {t.value: self.clock(t).due for t in Target if self.clock(t).due is not None}

    @property
    def next_due(self) -> datetime | None:
        return min(self.running_dues.values(), default=None)

    # Targets missed for good: breached and no longer running. Later writes
    # cannot change them; running ones breach with time, without a write.
    @property
    def missed(self) -> list[str]:
        return [
            t.value
            for t in Target
            if self.clock(t).state == State.BREACHED and self.clock(t).due is None
        ]


def _stopped(calendar: Calendar, start: datetime, end: datetime, minutes: int) -> Clock:
    spent = calendar.elapsed(start, end)
    return Clock(State.MET if spent <= timedelta(minutes=minutes) else State.BREACHED, None, spent)


def _running(calendar: Calendar, start: datetime, minutes: int, now: datetime) -> Clock:
    due = calendar.add(start, timedelta(minutes=minutes))
    late = due is not None and now >= due
    return Clock(State.BREACHED if late else State.RUNNING, due, calendar.elapsed(start, now))


def evaluate(state: SlaState, targets: Targets, calendar: Calendar, now: datetime) -> Result:
    """Each target's clock at `now`, under `targets` counted on `calendar`."""
    idle = Clock(State.NOT_STARTED)
    if state.start is None:
        return Result(idle, idle, idle)

    # First reply.
    if targets.first_reply is None:
        first = idle
    elif state.first_reply is not None:
        first = _stopped(calendar, state.start, state.first_reply, targets.first_reply)
    else:
        first = _running(calendar, state.start, targets.first_reply, now)

    # Next reply: missed once is missed, whatever came after.
    if targets.next_reply is None:
        following = idle
    else:
        done = [_stopped(calendar, a, b, targets.next_reply) for a, b in state.replies]
        if state.waiting_since is not None:
            following = _running(calendar, state.waiting_since, targets.next_reply, now)
            if any(c.state == State.BREACHED for c in done):
                following = Clock(State.BREACHED, following.due, following.elapsed)
        elif any(c.state == State.BREACHED for c in done):
            following = Clock(State.BREACHED)
        elif done:
            following = Clock(State.MET, None, done[-1].elapsed)
        else:
            following = idle

    # Resolution: the sum of the intervals the clock ran.
    if targets.resolution is None:
        resolution = idle
    else:
        allowed = timedelta(minutes=targets.resolution)
        closed = [(a, b) for a, b in state.running if b is not None]
        spent = sum((calendar.elapsed(a, b) for a, b in closed), timedelta(0))
        is_running = bool(state.running) and state.running[-1][1] is None
        if is_running:
            since = state.running[-1][0]
            left = allowed - spent
            due = since if left <= timedelta(0) else calendar.add(since, left)
            spent_now = spent + calendar.elapsed(since, now)
            late = spent_now > allowed or (due is not None and now >= due)
            resolution = Clock(State.BREACHED if late else State.RUNNING, due, spent_now)
        elif spent > allowed:
            resolution = Clock(State.BREACHED, None, spent)
        elif state.status in DONE:
            resolution = Clock(State.MET, None, spent)
        else:
            resolution = Clock(State.PAUSED, None, spent)
    paused = state.status == TicketStatus.PENDING and not (
        bool(state.running) and state.running[-1][1] is None
    )
    return Result(first, following, resolution, paused=paused)
