"""How long ago, counted as Django's `timesince` counts it, without its words.

Shared by the console's queue (tickets/admin/when.py) and the web pages'
`moment` tag (tickets/templatetags/helpdesk_web.py), which each word the
counts once per language and shape rather than per date.
"""

from __future__ import annotations

import datetime

from django.utils.timesince import MONTHS_DAYS, TIME_CHUNKS


def parts(d: datetime.datetime, now: datetime.datetime) -> list[int] | None:
    """Years, months, weeks, days, hours, minutes from d to now, as timesince counts
    them (django/utils/timesince.py), or None when d is not before now."""
    delta = now - d
    if delta.days * 24 * 60 * 60 + delta.seconds <= 0:
        return None
    total_months = (now.year - d.year) * 12 + (now.month - d.month)
    if d.day > now.day or (d.day == now.day and d.time() > now.time()):
        total_months -= 1
    years, months = divmod(total_months, 12)
    if years or months:
        pivot_year = d.year + years
        pivot_month = d.month + months
        if pivot_month > 12:
            pivot_month -= 12
            pivot_year += 1
        pivot = datetime.datetime(
            pivot_year,
            pivot_month,
            min(MONTHS_DAYS[pivot_month - 1], d.day),
            d.hour,
            d.minute,
            d.second,
            tzinfo=d.tzinfo,
        )
    else:
        pivot = d
    remaining = (now - pivot).total_seconds()
    parts = [years, months]
    for chunk in TIME_CHUNKS:
        count = int(remaining // chunk)
        parts.append(count)
        remaining -= chunk * count
    return parts


def units(
    d: datetime.datetime, now: datetime.datetime, depth: int = 2
) -> tuple[tuple[int, int], ...]:
    """The (unit, count) pairs timesince(d, now, depth=depth) words: the first
    non-zero part and up to depth - 1 adjacent non-zero ones after it; none
    when d is not a minute before now. A unit is an index into the parts
    (years, months, then django.utils.timesince.TIME_CHUNKS)."""
    counted = parts(d, now)
    if counted is None:
        return ()
    first = next((i for i, value in enumerate(counted) if value), None)
    if first is None:
        return ()
    shown = []
    for i in range(first, min(first + depth, len(counted))):
        if not counted[i]:
            break
        shown.append((i, counted[i]))
    return tuple(shown)
