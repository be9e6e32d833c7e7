"""What the ticket API answers with: tickets, messages, events and the users in them.

Output only, through api.representation.ReadOnlyRepresentation (DRF's output,
faster). What the API takes in is in tickets/api/inputs.py. Serializers decide
nothing: who may do what is the services' business.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from api.representation import ReadOnlyRepresentation
from tickets import workflow
from tickets.models import Message, Ticket, TicketEvent


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
