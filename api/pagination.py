"""Keyset ("cursor") pagination: `{next, previous, results}`, no COUNT, stable pages.

A cursor holds the sort key and id of the row a page starts after (or ends
before), so each page is one indexed range query whatever its depth, and rows
added while a client walks the list never make it see a row twice or miss
one. DRF's CursorPagination keys on one field and counts an offset among equal
values, which breaks down when many rows share a value (four priorities for a
million tickets); here the id always breaks ties.

Each app's lists subclass KeysetPagination with the orderings they allow
(tickets/api/pagination.py).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from rest_framework.request import Request
    from rest_framework.views import APIView

NEXT, PREVIOUS = "n", "p"


@dataclass(frozen=True)
class Ordering:
    """One allowed ordering: its public name and the model field it sorts on."""

    name: str  # as in ?ordering=, e.g. "-priority"
    field: str  # e.g. "priority_rank"
    descending: bool
    kind: type  # of the sort key: datetime, int or str

    def order_by(self, *, reverse: bool = False) -> tuple[str, str]:
        descending = self.descending != reverse
        sign = "-" if descending else ""
        return f"{sign}{self.field}", f"{sign}id"

    def after(self, value: Any, pk: int, *, reverse: bool = False) -> Q:
        """Rows that come after (value, pk) in this ordering (before it, if reverse)."""
        op = "lt" if self.descending != reverse else "gt"
        # The first condition alone gives the database an index range to scan.
        return Q(**{f"{self.field}__{op}e": value}) & (
            Q(**{f"{self.field}__{op}": value}) | Q(**{f"id__{op}": pk})
        )


class KeysetPagination(BasePagination):
    page_size = 25
    max_page_size = 100
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    ordering_query_param: str | None = None
    # Public ordering name -> (model field, type of its values).
    ordering_fields: dict[str, tuple[str, type]] = {}
    default_ordering = ""
    # For an ordering by an annotation: what to tell a request that lacks it
    # (lazily translated, e.g. gettext_lazy("Ordering by relevance needs a search.")).
    requires: dict[str, str] = {}
    # The largest id (and integer sort key) a cursor may hold: the most a 64-bit
    # key holds, unless the app bounds its ids more tightly.
    max_id = 2**63 - 1
    # The longest text sort key a cursor may hold.
    max_text_key = 200

    def query_params(self) -> set[str]:
        params = {self.cursor_query_param, self.page_size_query_param}
        if self.ordering_query_param:
            params.add(self.ordering_query_param)
        return params

    # --- parsing the request ------------------------------------------------------

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        # The length check first: int() refuses numbers of over 4,300 digits.
        if (
            len(raw) > 6
            or not raw.isascii()
            or not raw.isdigit()
            or not 1 <= int(raw) <= self.max_page_size
        ):
            message = _("Must be a whole number from 1 to %(max)s.") % {"max": self.max_page_size}
            raise ValidationError({self.page_size_query_param: [message]})
        return int(raw)

    def get_ordering(self, request: Request) -> Ordering:
        name = self.default_ordering
        if self.ordering_query_param:
            name = request.query_params.get(self.ordering_query_param, "") or name
        field_name = name.removeprefix("-")
        if field_name not in self.ordering_fields:
            # Translators: %(choices)s lists orderings as the API takes them (identifiers).
            message = _("Use one of: %(choices)s.") % {
                "choices": ", ".join(self.ordering_choices())
            }
            raise ValidationError({self.ordering_query_param or "ordering": [message]})
        field, kind = self.ordering_fields[field_name]
        return Ordering(name=name, field=field, descending=name.startswith("-"), kind=kind)

    def ordering_choices(self) -> list[str]:
        return [f"{sign}{name}" for name in self.ordering_fields for sign in ("", "-")]

    def decode_cursor(self, request: Request, ordering: Ordering) -> tuple[str, Any, int] | None:
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(encoded.encode("ascii")))
            direction, name, raw_value, pk = data["d"], data["o"], data["v"], data["i"]
            if direction not in (NEXT, PREVIOUS) or not isinstance(pk, int):
                raise ValueError
            if not 0 < pk <= self.max_id:
                raise ValueError
            value = self._parse_key(raw_value, ordering.kind)
        except (ValueError, TypeError, KeyError, OverflowError, UnicodeError, binascii.Error):
            message = _("Invalid cursor: use the next or previous link as is.")
            raise ValidationError({self.cursor_query_param: [message]}) from None
        if name != ordering.name:
            message = _(
                "This cursor belongs to another ordering: keep the ordering of the "
                "request that gave it."
            )
            raise ValidationError({self.cursor_query_param: [message]})
        return direction, value, pk

    def _parse_key(self, raw: Any, kind: type) -> Any:
        if kind is datetime:
            if not isinstance(raw, str):
                raise ValueError
            value = datetime.fromisoformat(raw)
            if value.tzinfo is None:
                raise ValueError
            return value.astimezone(UTC)
        if kind is float:
            if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
                raise ValueError
            return float(raw)
        if kind is int:
            if isinstance(raw, bool) or not isinstance(raw, int) or abs(raw) > self.max_id:
                raise ValueError
            return raw
        if not isinstance(raw, str) or "\x00" in raw or len(raw) > self.max_text_key:
            raise ValueError
        # A lone surrogate (JSON allows "\ud800") cannot be sent to the database.
        raw.encode("utf-8")
        return raw

    # --- the page -------------------------------------------------------------------

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: APIView | None = None
    ) -> list:
        self.request = request
        self.page_size_now = self.get_page_size(request)
        self.ordering = self.get_ordering(request)
        cursor = self.decode_cursor(request, self.ordering)

        if self.ordering.field not in queryset.query.annotations and not _is_field(
            queryset, self.ordering.field
        ):
            # An ordering by something only a filter provides (relevance, by `q`).
            message = str(self.requires.get(self.ordering.field, ""))
            raise ValidationError({self.ordering_query_param or "ordering": [message]})
        backwards = cursor is not None and cursor[0] == PREVIOUS
        queryset = queryset.order_by(*self.ordering.order_by(reverse=backwards))
        if cursor is not None:
            _, value, pk = cursor
            queryset = queryset.filter(self.ordering.after(value, pk, reverse=backwards))
        rows = list(queryset[: self.page_size_now + 1])
        more = len(rows) > self.page_size_now
        rows = rows[: self.page_size_now]
        if backwards:
            rows.reverse()

        # Going forwards, there is a previous page if we came from one; going
        # backwards, there is a next page (the one we came from).
        self.has_next = more if not backwards else True
        self.has_previous = cursor is not None if not backwards else more
        self.rows = rows
        return rows

    def _key(self, row: Any) -> Any:
        value = getattr(row, self.ordering.field)
        return value.isoformat() if isinstance(value, datetime) else value

    def _link(self, direction: str, row: Any) -> str:
        payload = {"d": direction, "o": self.ordering.name, "v": self._key(row), "i": row.pk}
        encoded = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode())
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, encoded.decode("ascii"))

    def get_next_link(self) -> str | None:
        if not self.has_next or not self.rows:
            return None
        return self._link(NEXT, self.rows[-1])

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        if not self.rows:
            # Walked past the end: the previous page is the last one.
            return remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)
        return self._link(PREVIOUS, self.rows[0])

    def get_paginated_response(self, data: list) -> Response:
        return Response(
            {
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    # --- the schema -------------------------------------------------------------------

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The next page, or null on the last one.",
                },
                "previous": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The previous page, or null on the first one.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: APIView) -> list[dict]:
        parameters = [
            _query(
                self.cursor_query_param,
                {"type": "string", "minLength": 1},
                "Where the page starts: take it from a `next` or `previous` link, never build one.",
            ),
            _query(
                self.page_size_query_param,
                {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
                f"Results per page, 1 to {self.max_page_size} (default {self.page_size}).",
            ),
        ]
        if self.ordering_query_param:
            parameters.append(
                _query(
                    self.ordering_query_param,
                    {"type": "string", "enum": self.ordering_choices()},
                    f"Sort order, `-` for descending (default `{self.default_ordering}`); "
                    "ties are broken by id.",
                )
            )
        return parameters


def _is_field(queryset: QuerySet, name: str) -> bool:
    try:
        queryset.model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _query(name: str, schema: dict, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }
