"""Request bodies, strictly: JSON types as sent, and no field name we do not know.

Input fields here are strict about JSON types (a number is not text, "yes" is
not a boolean) so that a client's mistake is a 400 naming the field, not a
silent conversion. Each app's request bodies derive from InputSerializer.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """Text only: DRF's CharField would turn 42 into "42"."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """true or false only: DRF's BooleanField would take "yes", "on" and 1."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: DRF's IntegerField would take "7" and 7.0."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictChoiceField(serializers.ChoiceField):
    """One of the choices, given as text: DRF's ChoiceField compares str(value)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class InputSerializer(serializers.Serializer):
    """A request body: its own fields, plus read-only fields of what it answers with.

    The read-only ones are ignored (a client may send back a ticket as it got
    it); any other name is a 400, so that a typo ("subjet") is not a silent
    no-op.
    """

    ignored_fields: frozenset[str] = frozenset()

    def to_internal_value(self, data: Any) -> dict:
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields) - self.ignored_fields
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("Unknown field.")] for name in sorted(unknown)}
                )
        return super().to_internal_value(data)
