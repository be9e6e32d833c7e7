"""A paginator that never counts the whole table.

Django's paginator runs COUNT(*) over the filtered queryset on every page view;
at a million tickets that is a full index scan per request. This one counts at
most `cap` rows (SELECT COUNT(*) FROM (... LIMIT cap + 1)), and the cap grows
with the page asked for, so "next page" keeps working past it.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from tickets import dashboard


class BoundedCountPaginator(Paginator):
    def __init__(self, *args, cap: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cap = dashboard.COUNT_CAP if cap is None else cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        # Unordered: any cap + 1 rows will do, so the database may count them
        # from whichever index fits the filters instead of walking the list's order.
        # Ids only: a search's rank is no use to a count and costs a score per row.
        counted = self.object_list.order_by().values("pk")[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)

    @property
    def count_text(self) -> str:
        """The count as the page shows it, grouped the reader's way: "10,000+"."""
        return str(dashboard.BoundedCount(self.count, self.capped))


def cap_for_page(page: str | None, per_page: int) -> int:
    """Count far enough to show the page asked for and ten pages beyond it."""
    try:
        number = int(page or 1)
    except ValueError:
        number = 1
    number = min(max(number, 1), 1_000_000)
    return max(dashboard.COUNT_CAP, (number + 10) * per_page)
