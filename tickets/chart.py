"""The dashboard's bar chart of tickets created and resolved per day, laid out for SVG.

Pure presentation: it turns the days tickets.dashboard read into geometry for
templates/admin/tickets/activity_chart_svg.html, with no database access.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.formats import date_format, number_format
from django.utils.translation import ngettext, pgettext

if TYPE_CHECKING:
    from datetime import date

    from tickets.dashboard import Day


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: str
    title: str


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    anchor: str = "middle"


@dataclass(frozen=True)
class ActivityChart:
    """Geometry of the created/resolved bar chart, in SVG user units."""

    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    bars: list[Bar]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    total_created: int
    total_resolved: int


def _nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is at least `value` (and at least 1)."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def day_label(day: date) -> str:
    """A day as the chart's axis names it: "Mar 5"."""
    # Translators: a day on the dashboard chart's axis, in Django's date format
    # syntax (https://docs.djangoproject.com/en/stable/ref/templates/builtins/#date):
    # "M j" is "Mar 5"; German might use "j. M" ("5. Mär").
    return date_format(day, pgettext("dashboard chart day (date format)", "M j"))


def bar_title(label: str, series: str, value: int) -> str:
    """What a bar says when pointed at: "Mar 5: 7 created"."""
    if series == "created":
        # Translators: a bar's tooltip on the dashboard chart: the day, then how
        # many tickets were opened that day.
        text = ngettext("%(day)s: %(count)s created", "%(day)s: %(count)s created", value)
    else:
        # Translators: a bar's tooltip on the dashboard chart: the day, then how
        # many tickets were resolved that day.
        text = ngettext("%(day)s: %(count)s resolved", "%(day)s: %(count)s resolved", value)
    return text % {"day": label, "count": number_format(value, force_grouping=True)}


def activity_chart(days: list[Day]) -> ActivityChart:
    """Lay out a grouped bar chart of created and resolved tickets per day."""
    width, height = 720, 220
    left, right, top, bottom = 40, width - 8, 12, height - 28
    top_value = _nice_ceiling(max([d.created for d in days] + [d.resolved for d in days] + [0]))
    slot = (right - left) / max(len(days), 1)
    bar_width = max(slot * 0.38, 1.0)

    def y_of(value: int) -> float:
        return bottom - (bottom - top) * value / top_value

    bars: list[Bar] = []
    x_ticks: list[Tick] = []
    for i, day in enumerate(days):
        x = left + i * slot + slot * 0.1
        label = day_label(day.day)
        for offset, series, value in ((0, "created", day.created), (1, "resolved", day.resolved)):
            bars.append(
                Bar(
                    x=round(x + offset * bar_width, 2),
                    y=round(y_of(value), 2),
                    width=round(bar_width, 2),
                    height=round(bottom - y_of(value), 2),
                    series=series,
                    title=bar_title(label, series, value),
                )
            )
        # A date under every seventh day, counting back from today so it is always labelled.
        if (len(days) - 1 - i) % 7 == 0:
            last = i == len(days) - 1
            x_ticks.append(
                Tick(
                    round(right if last else left + (i + 0.5) * slot, 2),
                    label,
                    "end" if last else "middle",
                )
            )
    y_ticks = [
        Tick(round(y_of(v), 2), number_format(v, force_grouping=True))
        for v in sorted({0, top_value // 2, top_value})
        if v == 0 or v == top_value or top_value % 2 == 0
    ]
    return ActivityChart(
        width=width,
        height=height,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
        bars=bars,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        total_created=sum(d.created for d in days),
        total_resolved=sum(d.resolved for d in days),
    )
