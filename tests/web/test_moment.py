"""A moment on the web pages: the tag writes what includes/time.html writes.

The tag words "how long ago" and the exact time itself, each word looked up once
per language (tickets/templatetags/helpdesk_web.py); Django's `naturaltime` and
`date` filters, through the include, are the reference, for every unit, both
directions, every month and hour, in every language and in several time zones.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.template.defaultfilters import date as date_filter
from django.template.loader import render_to_string
from django.utils import timezone, translation

from tickets.templatetags.helpdesk_web import exact, moment, relative

LANGUAGES = ["en", "de", "fr", "es"]
ZONES = ["UTC", "Europe/Berlin", "America/Los_Angeles"]

AGO = [
    timedelta(0),
    timedelta(seconds=30),
    timedelta(minutes=5),
    timedelta(hours=3),
    timedelta(days=1, hours=2),
    timedelta(days=40),
    timedelta(days=400),
    -timedelta(hours=2),
]

# Whole units and the moments around them, both ways, up to years.
DELTAS = sorted(
    {
        sign * timedelta(seconds=seconds) + extra
        for sign in (1, -1)
        for seconds in (1, 2, 59, 60, 61, 119, 120, 3599, 3600, 3601, 7200, 86399)
        for extra in (timedelta(0), timedelta(microseconds=500_000))
    }
    | {
        sign * timedelta(days=days, hours=hours, minutes=minutes)
        for sign in (1, -1)
        for days in (1, 2, 6, 7, 8, 13, 14, 20, 27, 28, 29, 30, 31, 32, 45, 59, 60, 61, 200)
        for hours in (0, 1, 23)
        for minutes in (0, 1, 59)
    }
    | {
        sign * timedelta(days=days)
        for sign in (1, -1)
        for days in (364, 365, 366, 367, 395, 396, 730, 731, 1000, 3653)
    }
)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("zone", ZONES)
def test_the_tag_and_the_include_write_the_same(language, zone):
    now = timezone.now()
    with translation.override(language), timezone.override(zone):
        for ago in AGO:
            for css_class in ("", "entry-time"):
                at = now - ago
                expected = render_to_string("includes/time.html", {"at": at, "class": css_class})
                assert moment(at, css_class) == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_how_long_ago_is_worded_as_naturaltime_words_it(language):
    # Moments from every day of a leap year and the next, so months of every
    # length and the ends of months are crossed.
    starts = [
        datetime(2024, 1, 1, 13, 7, 9, tzinfo=UTC) + timedelta(days=d) for d in range(0, 731, 11)
    ]
    with translation.override(language):
        for delta in DELTAS:
            for start in starts[:: 1 if abs(delta) > timedelta(days=1) else 20]:
                at = start - delta
                # Both compare with the same "now": frozen by passing the same clock.
                expected, got = _same_now(at)
                assert got == expected, (language, at, delta)


def _same_now(at: datetime) -> tuple[str, str]:
    """naturaltime(at) and relative(at), read in the same second (retried across a tick)."""
    from django.utils.html import escape

    for _ in range(3):
        before = naturaltime(at)
        got = relative(at)
        after = naturaltime(at)
        if before == after:
            return escape(before), got
    return escape(after), got


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("zone", ZONES)
def test_the_exact_time_is_written_as_the_date_filter_writes_it(language, zone):
    with translation.override(language), timezone.override(zone):
        for month in range(1, 13):
            for hour, minute in [(0, 0), (0, 5), (9, 0), (11, 59), (12, 0), (12, 30), (23, 59)]:
                at = datetime(2026, month, 28, hour, minute, 7, 123, tzinfo=UTC)
                local = timezone.template_localtime(at)
                assert exact(local) == date_filter(local, "DATETIME_FORMAT")
