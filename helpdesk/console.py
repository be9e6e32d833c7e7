"""What every list of the staff console shares: it filters only as it offers to.

Django admin lets anyone who may see a list filter it by any lookup on the
model's own fields (`?subject__regex=^(a+)+$`, `?id__gt=`): heavy queries no
page offers. A list here takes its own filters' parameters, and a field filter's
plain comparisons on the fields it lists; any other lookup is a 400.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest

# The comparisons Django's field filters send (exact value, empty, date range, choices).
FILTER_LOOKUPS = frozenset({"exact", "isnull", "gte", "lt", "in"})


class OfferedFiltersOnly(admin.ModelAdmin):
    def lookup_allowed(self, lookup: str, value: Any, request: HttpRequest | None = None) -> bool:
        list_filter = self.get_list_filter(request) if request is not None else self.list_filter
        fields: set[str] = set()
        for item in list_filter:
            if isinstance(item, type) and issubclass(item, admin.ListFilter):
                if lookup == getattr(item, "parameter_name", None):
                    return True
                continue
            name = item[0] if isinstance(item, (list, tuple)) else item
            if isinstance(name, str):
                fields.add(name)
        field, *rest = lookup.split(LOOKUP_SEP)
        # "status__exact", "created_at__gte", "groups__id__exact"
        offered = (
            field in fields and rest and rest[-1] in FILTER_LOOKUPS and rest[:-1] in ([], ["id"])
        )
        return bool(offered) and super().lookup_allowed(lookup, value, request)
