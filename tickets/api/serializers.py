"""Serializers of the JSON API: they check the shape of input and represent output.

They decide nothing: who may do what, and which values a ticket may take, are
the services' business. Input fields are strict about JSON types (a number is
not text, "yes" is not a boolean) so that a client's mistake is a 400 naming
the field, not a silent conversion.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from accounts.models import User
from tickets import selectors, workflow
from tickets.models import (
    MAX_TICKET_ID,
    SUBJECT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    Message,
    Ticket,
    TicketEvent,
)

# --- strict fields ------------------------------------------------------------


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


# --- representations -----------------------------------------------------------

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
_AS_IS, _ISO_DATETIME, _BY_FIELD = range(3)


def _how(field: serializers.Field) -> int:
    if type(field) in _AS_IS_FIELDS:
        return _AS_IS
    if (
        type(field) is serializers.DateTimeField
        and not hasattr(field, "timezone")
        and str(getattr(field, "format", api_settings.DATETIME_FORMAT)).lower() == ISO_8601
    ):
        return _ISO_DATETIME
    return _BY_FIELD


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
        return copy.deepcopy(built)

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
                    field,
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
            value = field.get_attribute(instance) if attr is None else getattr(instance, attr)
            if value is None:
                ret[name] = None
            elif how == _AS_IS and type(value) in _PLAIN_TYPES:
                ret[name] = value
            elif how == _ISO_DATETIME and type(value) is datetime and value.tzinfo and tz:
                text = value.astimezone(tz).isoformat()
                ret[name] = text[:-6] + "Z" if text.endswith("+00:00") else text
            else:
                ret[name] = field.to_representation(value)
        return ret


class TicketUrlField(serializers.HyperlinkedIdentityField):
    """The ticket's absolute URL, worked out once per serializer rather than per ticket.

    Reversing the route and making it absolute for each of a page's tickets was a
    third of the list's serialization time (docs/BENCHMARKS.md). The URL is the
    same but for the id, so the first ticket's URL is split around its id and
    the others' ids are put in its place.
    """

    def get_url(self, obj: Any, view_name: str, request: Any, format: str | None) -> str | None:
        pk = getattr(obj, "pk", None)
        if pk in (None, "") or format is not None or request is None:
            return super().get_url(obj, view_name, request, format)
        parts = getattr(self, "_url_parts", None)
        if parts is None:
            url = super().get_url(obj, view_name, request, format)
            prefix, found, suffix = url.rpartition(f"/{pk}/")
            if not found:
                return url
            parts = self._url_parts = (f"{prefix}/", f"/{suffix}")
        return f"{parts[0]}{pk}{parts[1]}"


class UserRefSerializer(ReadOnlyRepresentation, serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username"]
        read_only_fields = fields


class TicketSerializer(ReadOnlyRepresentation, serializers.ModelSerializer):
    url = TicketUrlField(view_name="api:ticket-detail", help_text="This ticket in the API.")
    reporter = UserRefSerializer(read_only=True)
    assignee = UserRefSerializer(read_only=True, allow_null=True)
    allowed_transitions = serializers.SerializerMethodField(
        help_text="The statuses the caller may move the ticket to now."
    )

    class Meta:
        model = Ticket
        fields = [
            "id",
            "url",
            "subject",
            "description",
            "status",
            "priority",
            "reporter",
            "assignee",
            "created_at",
            "updated_at",
            "resolved_at",
            "closed_at",
            "version",
            "allowed_transitions",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "version": {
                "help_text": "Bumped by every change; the ETag of the ticket is this number."
            },
        }

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(Ticket.Status.choices))
    )
    def get_allowed_transitions(self, ticket: Ticket) -> list[str]:
        return list(workflow.allowed_transitions(self.context["request"].user, ticket))


class MessageSerializer(ReadOnlyRepresentation, serializers.ModelSerializer):
    author = UserRefSerializer(read_only=True)

    class Meta:
        model = Message
        fields = ["id", "author", "body", "is_internal", "created_at"]
        read_only_fields = fields


class EventSerializer(ReadOnlyRepresentation, serializers.ModelSerializer):
    actor = UserRefSerializer(read_only=True, allow_null=True)
    message = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The message posted, for message_posted."
    )

    class Meta:
        model = TicketEvent
        fields = [
            "id",
            "kind",
            "actor",
            "field",
            "old_value",
            "new_value",
            "message",
            "is_internal",
            "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "field": {"help_text": "For edited: which field changed (subject or description)."},
            "old_value": {"help_text": "The value before (a status, priority or username)."},
            "new_value": {"help_text": "The value after."},
        }


# --- input ---------------------------------------------------------------------


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
                    {name: ["Unknown field."] for name in sorted(unknown)}
                )
        return super().to_internal_value(data)


TICKET_FIELDS = frozenset(TicketSerializer.Meta.fields)


class TicketCreateSerializer(InputSerializer):
    ignored_fields = TICKET_FIELDS

    description = StrictCharField(max_length=TEXT_MAX_LENGTH, trim_whitespace=False)
    subject = StrictCharField(
        max_length=SUBJECT_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text="One line; when left out or blank, the first line of the description.",
    )
    priority = StrictChoiceField(
        Ticket.Priority.choices, required=False, help_text="Defaults to normal."
    )


class TicketUpdateSerializer(InputSerializer):
    """PATCH: any of these; read-only fields of the ticket are ignored."""

    ignored_fields = TICKET_FIELDS

    subject = StrictCharField(max_length=SUBJECT_MAX_LENGTH, required=False, allow_blank=True)
    description = StrictCharField(max_length=TEXT_MAX_LENGTH, required=False, trim_whitespace=False)
    status = StrictChoiceField(
        Ticket.Status.choices,
        required=False,
        help_text="Moves the ticket per the workflow, as POST .../status/ does.",
    )
    priority = StrictChoiceField(Ticket.Priority.choices, required=False, help_text="Staff only.")
    assignee = StrictIntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_TICKET_ID,
        help_text="Staff only: the id of an active staff user, or null to unassign.",
    )

    def validate_assignee(self, value: int | None) -> User | int | None:
        if value is None:
            return None
        request = self.context.get("request")
        if request is None or not workflow.is_helpdesk_staff(request.user):
            # Left for the service, which refuses it unless it is the current
            # assignee: looking it up here would tell an end user who is staff.
            return value
        staff = selectors.staff_users().filter(pk=value).first()
        if staff is None:
            raise serializers.ValidationError(f"No active staff user has the id {value}.")
        return staff


class StatusChangeSerializer(InputSerializer):
    ignored_fields = TICKET_FIELDS

    status = StrictChoiceField(Ticket.Status.choices)


class MessageCreateSerializer(InputSerializer):
    ignored_fields = frozenset(MessageSerializer.Meta.fields)

    body = StrictCharField(max_length=TEXT_MAX_LENGTH, trim_whitespace=False)
    is_internal = StrictBooleanField(
        required=False, default=False, help_text="An internal note, for staff only."
    )


# --- problems (for the schema) ------------------------------------------------------


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details: the shape of every error."""

    type = serializers.CharField(help_text="Always about:blank: see status and code.")
    title = serializers.CharField(help_text="The HTTP status phrase.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong, for people.")
    code = serializers.CharField(help_text="What went wrong, for programs.")


class ValidationProblemSerializer(ProblemSerializer):
    """Problem details of invalid input, with the messages by field or parameter name."""

    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=(
            "For code invalid: messages by field or query parameter name "
            "(non_field_errors for the body as a whole)."
        ),
    )


class ConflictProblemSerializer(ProblemSerializer):
    """Problem details of a refusal by the workflow."""

    allowed = serializers.ListField(
        child=serializers.ChoiceField(Ticket.Status.choices),
        required=False,
        help_text="For invalid_transition: the statuses the caller may move the ticket to.",
    )
    current = serializers.ChoiceField(
        Ticket.Status.choices,
        required=False,
        help_text="For invalid_transition: the current status.",
    )


class PreconditionProblemSerializer(ProblemSerializer):
    """Problem details of a failed If-Match."""

    current_version = serializers.IntegerField(
        required=False, help_text="For stale_version: the ticket's version now."
    )
