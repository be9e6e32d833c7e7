"""What the ticket API answers with: tickets, messages, events and the users in them.

Output only, through api.representation.ReadOnlyRepresentation (DRF's output,
faster). What the API takes in is in tickets/api/inputs.py. Serializers decide
nothing: who may do what is the services' business.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from api.representation import ReadOnlyRepresentation, datetime_text
from service_levels import selectors as service_levels
from service_levels.clock import Target
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

    def to_representation(self, value: Any) -> str | None:
        # Once the URL's parts are known, the URL itself: DRF's wraps each one in
        # a Hyperlink (a str that also keeps the object, for the browsable API,
        # which this API does not serve) after its checks of the context.
        parts = self.__dict__.get("_url_parts")
        pk = getattr(value, "pk", None)
        if parts is None or type(pk) is not int or self.context.get("format") is not None:
            return super().to_representation(value)
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
        files = getattr(instance, self.attribute, None)
        if not files:
            # Most tickets and messages have none: no serializer to build (a
            # serializer per ticket was a seventh of the list's time).
            return []
        serializer = self.__dict__.get("_files")
        if serializer is None:
            serializer = self._files = AttachmentSerializer(context=self.parent.context)
        return [serializer.to_representation(file) for file in files]


class SlaSerializer(serializers.Serializer):
    """Documents the `sla` object; TicketSerializer.get_sla builds it."""

    policy = serializers.CharField(
        allow_null=True, help_text="The service level policy that applies, by name."
    )
    first_reply_due = serializers.DateTimeField(
        allow_null=True, help_text="When the first reply falls due; null unless it runs."
    )
    next_reply_due = serializers.DateTimeField(
        allow_null=True, help_text="When the next reply falls due; null unless it runs."
    )
    resolution_due = serializers.DateTimeField(
        allow_null=True,
        help_text="When resolution falls due; null unless it runs (met, not started, paused).",
    )
    breached = serializers.ListField(
        child=serializers.ChoiceField([t.value for t in Target]),
        help_text="The targets missed: for good, or running past their due time.",
    )
    paused = serializers.BooleanField(
        help_text="The resolution clock stands still: the ticket is pending."
    )


class TicketSerializer(ReadOnlyRepresentation, serializers.ModelSerializer):
    url = TicketUrlField(view_name="api:ticket-detail", help_text="This ticket in the API.")
    reporter = UserRefSerializer(read_only=True)
    assignee = UserRefSerializer(read_only=True, allow_null=True)
    allowed_transitions = serializers.SerializerMethodField(
        help_text="The statuses the caller may move the ticket to now."
    )
    attachments = AttachmentsField("report_files", help_text="The files attached to the report.")
    sla = serializers.SerializerMethodField(
        help_text="Service levels. Staff only: absent from the answers to anyone else."
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
            "attachments",
            "sla",
        ]
        read_only_fields = fields
        # What the fields that are not columns read off a ticket, so that a list
        # can be read as rows (api/rows.py): the workflow's role and status, the
        # count that says whether to look for files, the stored service levels.
        row_reads = {
            "allowed_transitions": ("status", "reporter_id"),
            "attachments": ("attachment_count",),
            "sla": (
                "sla_policy_id",
                "sla_first_reply_due",
                "sla_next_reply_due",
                "sla_resolution_due",
                "sla_missed",
                "sla_paused",
                # The policy's name joined in, rather than the cached policies fetched.
                "sla_policy__name",
            ),
        }
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

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        request = self.context.get("request")
        view = self.context.get("view")
        # The schema documents the field (for staff); every answer to anyone
        # else leaves it out, so that reporters learn nothing of service levels.
        if not getattr(view, "swagger_fake_view", False) and not (
            request is not None and workflow.is_helpdesk_staff(request.user)
        ):
            fields.pop("sla", None)
        return fields

    @extend_schema_field(SlaSerializer)
    def get_sla(self, ticket: Ticket) -> dict[str, Any]:
        # Read the cached policies and the time once per serializer: once per page.
        memo = self.__dict__.get("_sla_memo")
        if memo is None:
            memo = self.__dict__["_sla_memo"] = (timezone.now(), datetime_text())
        now, when = memo
        if "sla_policy__name" in ticket.__dict__:  # read with the row (api/rows.py)
            policy = ticket.sla_policy__name
        else:
            if (names := self.__dict__.get("_policy_names")) is None:
                names = {rule.id: rule.name for rule in service_levels.policies()}
                self._policy_names = names
            policy = names.get(ticket.sla_policy_id)

        return {
            "policy": policy,
            "first_reply_due": when(ticket.sla_first_reply_due),
            "next_reply_due": when(ticket.sla_next_reply_due),
            "resolution_due": when(ticket.sla_resolution_due),
            "breached": service_levels.breached(ticket, now),
            "paused": ticket.sla_paused,
        }


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


class MacroChangesSerializer(serializers.Serializer):
    """The fields a macro changes; a field it leaves alone is absent."""

    status = serializers.ChoiceField(Ticket.Status.choices, required=False)
    priority = serializers.ChoiceField(Ticket.Priority.choices, required=False)
    assignee = UserRefSerializer(required=False, allow_null=True)


class MacroOutcomeSerializer(serializers.Serializer):
    applied = serializers.BooleanField(help_text="false for a preview: nothing was done.")
    body = serializers.CharField(
        help_text="The reply, placeholders filled in; empty: the macro posts nothing."
    )
    is_internal = serializers.BooleanField(help_text="The reply is an internal note.")
    changes = MacroChangesSerializer()
    ticket = TicketSerializer(help_text="The ticket after the macro; for a preview, as it is.")

    def to_representation(self, outcome: Any) -> dict[str, Any]:
        changes = dict(outcome.changes)
        if "assignee" in changes:
            assignee = changes["assignee"]
            changes["assignee"] = UserRefSerializer(assignee).data if assignee else None
        return {
            "applied": outcome.applied,
            "body": outcome.body,
            "is_internal": outcome.is_internal,
            "changes": changes,
            "ticket": TicketSerializer(outcome.ticket, context=self.context).data,
        }
