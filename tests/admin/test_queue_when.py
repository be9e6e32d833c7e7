"""The queue's "3 hours ago" and "5 days" read exactly as Django's naturaltime and timesince.

tickets/admin/when.py words a page's dates with Django's own strings, looked up
once per shape of time span (docs/BENCHMARKS.md). These compare it with
Django's functions over spans from seconds to decades, around month ends and
a daylight saving change, in every language of the site.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.humanize.templatetags import humanize
from django.utils import translation
from django.utils.timesince import timesince

from tickets.admin.when import Clock

NOW = datetime(2026, 3, 31, 23, 59, 30, tzinfo=UTC)


def spans() -> list[timedelta]:
    chosen = random.Random(18)
    fixed = [0, 1, 59, 60, 61, 3599, 3600, 86399, 86400, 86401, 7 * 86400, 31 * 86400]
    seconds = [*fixed, *(int(10 ** chosen.uniform(0, 9.3)) for _ in range(400))]
    return [timedelta(seconds=s, microseconds=chosen.randrange(1_000_000)) for s in seconds]


@pytest.fixture
def frozen(monkeypatch):
    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return NOW if tz is not None else NOW.replace(tzinfo=None)

    monkeypatch.setattr(humanize, "datetime", Frozen)


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
@pytest.mark.parametrize("zone", [UTC, ZoneInfo("Europe/Berlin")])
def test_naturaltime_and_timesince_read_the_same(frozen, language, zone):
    with translation.override(language):
        clock = Clock(NOW)
        for span in spans():
            for value in ((NOW - span).astimezone(zone), (NOW + span).astimezone(zone)):
                assert clock.natural(value) == humanize.naturaltime(value), (value, span)
                for depth in (1, 2):
                    assert clock.since(value, depth=depth) == timesince(value, NOW, depth=depth), (
                        value,
                        depth,
                    )


def test_each_language_keeps_its_own_words():
    value = NOW - timedelta(days=400)
    with translation.override("en"):
        english = Clock(NOW).natural(value)
    with translation.override("de"):
        german = Clock(NOW).natural(value)
    assert english == "1\xa0year, 1\xa0month ago"
    assert german != english
