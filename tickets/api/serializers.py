"""What the ticket API answers with: tickets, messages, events and the users in them.

Output only, through api.representation.ReadOnlyRepresentation (DRF's output,
faster). What the API takes in is in tickets/api/inputs.py. Serializers decide
nothing: who may do what is the services' business.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from api.representation import ReadOnlyRepresentation
from tickets import workflow
from tickets.models import Attachment, Message, Ticket, TicketEvent


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


class AttachmentSerializer(ReadOnlyRepresentation, serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text="Download the file (the caller's access is checked)."
    )
    thumbnail_url = serializers.SerializerMethodField(
        help_text="A small PNG of an image; null for other files."
    )

    class Meta:
        model = Attachment
        fields = ["id", "filename", "size", "content_type", "url", "thumbnail_url"]
        read_only_fields = fields
        extra_kwargs = {
            "filename": {"help_text": "The uploader's name for it, normalised. Show it escaped."},
            "size": {"help_text": "In bytes."},
            "content_type": {
                "help_text": "Decided by the server from the file's bytes, not from its name."
            },
        }

    def _url(self, name: str, attachment: Attachment) -> str:
        path = reverse(name, args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, attachment: Attachment) -> str:
        return self._url("api:attachment", attachment)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_thumbnail_url(self, attachment: Attachment) -> str | None:
        if not attachment.is_image:
            return None
        return self._url("api:attachment-thumbnail", attachment)


@extend_schema_field(AttachmentSerializer(many=True))
class AttachmentsField(serializers.Field):
    """The files prepared on the object by the view (one query per page, none without files)."""

    def __init__(self, attribute: str, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)
        self.attribute = attribute

    def to_representation(self, instance: Any) -> list[dict]:
        files = getattr(instance, self.attribute, None) or []
        return AttachmentSerializer(files, many=True, context=self.parent.context).data


class TicketSerializer(ReadOnlyRepresentation, serializers.ModelSerializer):
    url = TicketUrlField(view_name="api:ticket-detail", help_text="This ticket in the API.")
    reporter = UserRefSerializer(read_only=True)
    assignee = UserRefSerializer(read_only=True, allow_null=True)
    allowed_transitions = serializers.SerializerMethodField(
        help_text="The statuses the caller may move the ticket to now."
    )
    attachments = AttachmentsField("report_files", help_text="The files attached to the report.")

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
            "attachments",
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
    attachments = AttachmentsField(
        "attachment_list", help_text="The files attached to the message."
    )

    class Meta:
        model = Message
        fields = ["id", "author", "body", "is_internal", "created_at", "attachments"]
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
            "field": {
                "help_text": "For edited: which field changed (subject or description); "
                "`attachments` for created and message_posted that attached files."
            },
            "old_value": {
                "help_text": "The value before (a status, priority or username); with field "
                "`attachments`, the names of the files attached, one a line."
            },
            "new_value": {"help_text": "The value after."},
        }
