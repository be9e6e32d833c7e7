"""Output-only serializers made fast: DRF's representation, value for value, at less cost."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

# Fields whose representation of a plain str, int or bool is the value itself.
_AS_IS_FIELDS = frozenset(
    {
        serializers.BooleanField,
        serializers.CharField,
        serializers.ChoiceField,
        serializers.IntegerField,
        serializers.ReadOnlyField,
    }
)
_PLAIN_TYPES = frozenset({str, int, bool})
# How ReadOnlyRepresentation renders a field's value.
_AS_IS, _ISO_DATETIME, _BY_FIELD, _METHOD = range(4)


def _how(field: serializers.Field) -> int:
    if type(field) in _AS_IS_FIELDS:
        return _AS_IS
    if type(field) is serializers.BigIntegerField and not getattr(
        field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING
    ):
        return _AS_IS
    if type(field) is serializers.SerializerMethodField:
        return _METHOD
    if (
        type(field) is serializers.DateTimeField
        and not hasattr(field, "timezone")
        and str(getattr(field, "format", api_settings.DATETIME_FORMAT)).lower() == ISO_8601
    ):
        return _ISO_DATETIME
    return _BY_FIELD


def _iso(value: datetime, tz: Any) -> str:
    """An aware datetime as DRF's DateTimeField writes it (ISO 8601, UTC as Z), in `tz`."""
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def datetime_text() -> Callable[[datetime | None], str | None]:
    """A date as DRF's DateTimeField writes it, in the current time zone; None stays None.

    The time zone is looked up once, when this is called: use it for one answer.
    """
    tz = timezone.get_current_timezone() if settings.USE_TZ else None
    field = serializers.DateTimeField()

    def text(value: datetime | None) -> str | None:
        if value is None:
            return None
        if type(value) is datetime and value.tzinfo and tz:
            return _iso(value, tz)
        return field.to_representation(value)

    return text


class ReadOnlyRepresentation:
    """DRF's `to_representation` for output-only serializers, without its per-field toll.

    For every field of every object DRF walks a generator of fields, resolves
    the value through `get_attribute`, calls the field's `to_representation`
    and, for a date, looks up the current time zone; and each serializer
    instance builds its fields again from the model. On a page of 25 tickets
    that was a third of the API list's time (docs/BENCHMARKS.md).

    Here the fields are built from the model once per class (each instance gets
    copies, as DRF's own declared fields do), and each object's values are read
    by a plan made once per serializer instance: a plain attribute straight off
    the object, a str, int or bool kept as it is where the field would return
    it unchanged, a date put in the time zone found once. Anything else
    (nested serializers, method fields, URLs, related fields, unusual values)
    still goes through the field. The output is DRF's, value for value:
    tests/api/test_representation.py compares the two.
    """

    def get_fields(self) -> dict[str, serializers.Field]:
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built
        # Shallow copies, bound afresh to this instance: DRF's deepcopy makes
        # each field anew from its arguments (its __deepcopy__), the cost of a
        # serializer's fields a hundred times over for fields that output-only
        # serializers never change after binding.
        return {name: copy.copy(field) for name, field in built.items()}

    def _read_plan(self) -> tuple[Any, list[tuple[str, str | None, serializers.Field, int]]]:
        plan = self.__dict__.get("_plan")
        if plan is None:
            steps = [
                (
                    field.field_name,
                    # One attribute of the object (not "*", not a.b, not a relation).
                    field.source_attrs[0]
                    if len(field.source_attrs) == 1
                    and not isinstance(field, serializers.RelatedField)
                    else None,
                    # A method field's method, bound: it takes the object itself.
                    getattr(self, field.method_name) if _how(field) == _METHOD else field,
                    _how(field),
                )
                for field in self._readable_fields
            ]
            tz = timezone.get_current_timezone() if settings.USE_TZ else None
            plan = self.__dict__["_plan"] = (tz, steps)
        return plan

    def to_representation(self, instance: Any) -> dict[str, Any]:
        tz, steps = self._read_plan()
        ret = {}
        for name, attr, field, how in steps:
            if how == _METHOD:
                ret[name] = field(instance)
                continue
            value = field.get_attribute(instance) if attr is None else getattr(instance, attr)
            if value is None:
                ret[name] = None
            elif how == _AS_IS and type(value) in _PLAIN_TYPES:
                ret[name] = value
            elif how == _ISO_DATETIME and type(value) is datetime and value.tzinfo and tz:
                ret[name] = _iso(value, tz)
            else:
                ret[name] = field.to_representation(value)
        return ret
