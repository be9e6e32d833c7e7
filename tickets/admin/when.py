"""How long ago, in the words of Django's `naturaltime` and `timesince`, for a page of rows.

The queue shows two dates a row ("3 hours ago", an age of "5 days"). Django's
naturaltime and timesince look up every word through the translation machinery
on every call, lazily, and that was a tenth of the queue's CPU at 50 rows. A
`Clock` is made once a page: it splits a time span into years, months, weeks,
days, hours and minutes exactly as django.utils.timesince does, and asks
Django's own functions for the wording only the first time a span of that
shape comes up in that language; after that it is a dictionary look-up.
tests/admin/test_queue_when.py compares it with Django's functions over many
spans, in every language of the site.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.contrib.humanize.templatetags.humanize import NaturalTimeFormatter
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import get_language

from tickets.timesince import units as timesince_units

if TYPE_CHECKING:
    from collections.abc import Callable

# Words already looked up: (language, what, the span's shape) -> text. The
# shapes are few (a count of one unit or two adjacent ones), but a bound keeps
# a long-running process's memory flat whatever it meets.
_WORDS: dict[tuple, str] = {}
_MOST_WORDS = 20_000


class Clock:
    """One page's "now", in its reader's language."""

    def __init__(self, now: datetime.datetime | None = None) -> None:
        self.now = now or timezone.now()
        # The words remembered are those of the translations active now: the
        # language, and a word of each kind (gettext, ngettext, npgettext) as
        # they give it, so that translations swapped in a running process (a
        # test's pseudo-language) are not answered with the words of before.
        strings = NaturalTimeFormatter.time_strings
        self.language = (
            get_language(),
            str(strings["now"]),
            strings["past-minute"] % {"count": 2},
            NaturalTimeFormatter.past_substrings["minute"] % {"num": 2},
        )

    def _words(self, key: tuple, make: Callable[[], str]) -> str:
        key = (*self.language, *key)
        text = _WORDS.get(key)
        if text is None:
            if len(_WORDS) >= _MOST_WORDS:
                _WORDS.clear()
            text = _WORDS[key] = str(make())
        return text

    def since(self, value: datetime.datetime, *, depth: int = 2) -> str:
        """timesince(value, now, depth=depth)."""
        now = self.now.astimezone(value.tzinfo)
        shape = timesince_units(value, now, depth)
        return self._words(("since", depth, shape), lambda: timesince(value, now, depth=depth))

    def natural(self, value: datetime.datetime) -> str:
        """naturaltime(value): "now", "5 minutes ago", "3 days, 2 hours from now"."""
        now = self.now
        if value < now:
            delta = now - value
            if delta.days != 0:
                # As timesince compares them: in the value's own time zone.
                local_now = now.astimezone(value.tzinfo)
                return self._over_a_day(value, local_now, "past")
            return self._within_a_day(delta, "past")
        delta = value - now
        if delta.days != 0:
            # timeuntil(value, now) is timesince from now, in the value's time zone, to value.
            return self._over_a_day(now.astimezone(value.tzinfo), value, "future")
        return self._within_a_day(delta, "future")

    def _over_a_day(self, start: datetime.datetime, end: datetime.datetime, way: str) -> str:
        """naturaltime's "%(delta)s ago" or "%(delta)s from now", the delta timesince's."""
        kind = f"{way}-day"
        substrings = (
            NaturalTimeFormatter.past_substrings
            if way == "past"
            else NaturalTimeFormatter.future_substrings
        )
        return self._words(
            (kind, timesince_units(start, end, 2)),
            lambda: (
                NaturalTimeFormatter.time_strings[kind]
                % {"delta": timesince(start, end, time_strings=substrings)}
            ),
        )

    def _within_a_day(self, delta: datetime.timedelta, way: str) -> str:
        strings = NaturalTimeFormatter.time_strings
        seconds = delta.seconds
        if seconds == 0:
            return self._words(("now",), lambda: strings["now"])
        if seconds < 60:
            unit, count = "second", seconds
        elif seconds // 60 < 60:
            unit, count = "minute", seconds // 60
        else:
            unit, count = "hour", seconds // 60 // 60
        key = f"{way}-{unit}"
        return self._words((key, count), lambda: strings[key] % {"count": count})
