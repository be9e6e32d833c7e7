"""The ticket list's filters, from an explicit allowlist.

Each query parameter maps to one declared filter; none is unpacked into ORM
keyword arguments. A value we do not understand is a 400 naming the parameter,
never silently dropped; so is a parameter we do not know, or a single-valued
one given twice (api.query_params, with REPEATABLE and MAY_BE_EMPTY below).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import PermissionDenied

from service_levels import selectors as service_levels
from tickets import search, workflow
from tickets.api.ids import ID_PATTERN
from tickets.api.pagination import TicketPagination
from tickets.models import MAX_TICKET_ID, Ticket

if TYPE_CHECKING:
    from django.db.models import QuerySet

_ID = re.compile(ID_PATTERN)


class CommaSeparatedWidget(forms.SelectMultiple):
    """`?status=new&status=open` and `?status=new,open` alike."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return [part.strip() for v in values if v for part in v.split(",") if part.strip()]


class ChoicesField(forms.MultipleChoiceField):
    widget = CommaSeparatedWidget
    default_error_messages = {
        # Translators: %(choices)s lists the values the API takes (identifiers).
        "invalid_choice": gettext_lazy("'%(value)s' is not one of: %(choices)s."),
        "invalid_list": gettext_lazy("Enter one or more values."),
    }

    def validate(self, value: list[str]) -> None:
        # The stock message does not say what would have been valid.
        for item in value:
            if not self.valid_value(item):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item, "choices": ", ".join(k for k, _ in self.choices)},
                )


class ChoicesFilter(django_filters.Filter):
    """Matches any of the given values (comma-separated or repeated)."""

    field_class = ChoicesField

    def filter(self, qs: QuerySet, value: list[str]) -> QuerySet:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": value})


class AssigneeField(forms.CharField):
    """A user id, `me` or `none`."""

    def to_python(self, value: Any) -> str | int | None:
        value = super().to_python(value)
        if value in ("", None):
            return None
        if value in ("me", "none"):
            return value
        if _ID.fullmatch(value):
            return int(value)
        # Translators: 'me' and 'none' are values the API takes as they are.
        raise ValidationError(_("Use a user id, 'me' or 'none'."), code="invalid")


class AssigneeFilter(django_filters.Filter):
    field_class = AssigneeField

    def filter(self, qs: QuerySet, value: str | int | None) -> QuerySet:
        if value is None:
            return qs
        if value == "me":
            return qs.filter(assignee=self.parent.request.user)
        if value == "none":
            return qs.filter(assignee__isnull=True)
        return qs.filter(assignee_id=value)


class IdField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_TICKET_ID, **kwargs)

    def to_python(self, value: Any) -> int | None:
        # IntegerField would take "7.0" and " 7 "; an id is digits.
        if value not in self.empty_values and not (
            isinstance(value, str) and value.isascii() and value.isdigit()
        ):
            raise ValidationError(_("Use a user id (a whole number)."), code="invalid")
        return super().to_python(value)


class IdFilter(django_filters.Filter):
    field_class = IdField


class TimestampField(django_filters.fields.IsoDateTimeField):
    """ISO 8601; without a time zone, the server's. Refuses dates we cannot store."""

    default_error_messages = {
        "invalid": gettext_lazy("Enter an ISO 8601 date and time, e.g. 2026-01-31T09:00:00Z."),
    }

    def to_python(self, value: Any) -> datetime | None:
        result = super().to_python(value)
        if result is None:
            return None
        try:
            # In UTC: PostgreSQL refuses offsets past ±15:59, which ISO 8601 allows.
            return result.astimezone(UTC)
        except (OverflowError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class TimestampFilter(django_filters.Filter):
    field_class = TimestampField


class SearchFilter(django_filters.CharFilter):
    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if not value:
            return qs
        # Ranked only when the caller orders by relevance: ranking costs, and
        # for a common word it covers only the most recent matches.
        param = TicketPagination.ordering_query_param
        ordering = self.parent.request.query_params.get(param, "")
        return search.find(
            qs, value, by_relevance=ordering.lstrip("-") == TicketPagination.RELEVANCE
        )


class SlaFilter(django_filters.ChoiceFilter):
    """`late`: a running target is past due; `due_soon`: one falls due within the hour."""

    CHOICES = (("late", "late"), ("due_soon", "due_soon"))

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=self.CHOICES, **kwargs)

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if not value:
            return qs
        now = timezone.now()
        if value == "late":
            return service_levels.late(qs, now)
        return service_levels.due_soon(qs, now)


class TicketFilter(django_filters.FilterSet):
    status = ChoicesFilter(field_name="status", choices=Ticket.Status.choices)
    priority = ChoicesFilter(field_name="priority", choices=Ticket.Priority.choices)
    assignee = AssigneeFilter()
    reporter = IdFilter(field_name="reporter_id")
    created_after = TimestampFilter(field_name="created_at", lookup_expr="gte")
    created_before = TimestampFilter(field_name="created_at", lookup_expr="lt")
    updated_after = TimestampFilter(field_name="updated_at", lookup_expr="gte")
    q = SearchFilter(max_length=search.MAX_QUERY_LENGTH)
    sla = SlaFilter()

    # Parameters that may be given more than once.
    REPEATABLE = frozenset({"status", "priority"})
    # Free text may be empty; every other parameter is a number, a date, a choice
    # or a cursor, and an empty one is a mistake to point out.
    MAY_BE_EMPTY = frozenset({"q"})

    # Filters that are a plain "any of these values": valid values alone need no form.
    PLAIN_CHOICES = {
        "status": frozenset(Ticket.Status.values),
        "priority": frozenset(Ticket.Priority.values),
    }

    class Meta:
        model = Ticket
        fields: list[str] = []

    @classmethod
    def plain_choices(cls, params: Any) -> dict[str, list[str]] | None:
        """`{name: values}` when the asked filters are only valid plain choices, else None.

        What the FilterSet would do for them (ChoicesFilter, read by
        CommaSeparatedWidget), without building and validating its form: a fifth
        of a filtered list's time. Anything else, errors included, is None: the
        FilterSet answers it, with its own messages.
        """
        asked = cls.base_filters.keys() & params.keys()
        if not asked or not asked <= cls.PLAIN_CHOICES.keys():
            return None
        chosen = {}
        for name in asked:
            values = CommaSeparatedWidget().value_from_datadict(params, {}, name)
            if not values or not cls.PLAIN_CHOICES[name].issuperset(values):
                return None
            chosen[name] = values
        return chosen

    def is_valid(self) -> bool:
        valid = super().is_valid()
        reporter = self.form.cleaned_data.get("reporter") if valid else None
        if reporter is not None and not workflow.is_helpdesk_staff(self.request.user):
            # Well formed, but not theirs to ask: end users see only their own anyway.
            raise PermissionDenied(_("Only helpdesk staff may filter by reporter."))
        sla = self.form.cleaned_data.get("sla") if valid else None
        if sla and not workflow.is_helpdesk_staff(self.request.user):
            # Service levels are the staff's business: a reporter learns nothing of them.
            raise PermissionDenied(_("Only helpdesk staff may filter by service level."))
        return valid
