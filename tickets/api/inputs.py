"""What the ticket API takes in: the bodies of report, modify, status change and post message.

They check the shape of input (api.inputs makes the fields strict); which
values a ticket may take, and who may set them, are the services' business.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from accounts.models import User
from api.inputs import (
    InputSerializer,
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictIntegerField,
)
from tickets import selectors, workflow
from tickets.api.serializers import MessageSerializer, TicketSerializer
from tickets.models import MAX_TICKET_ID, SUBJECT_MAX_LENGTH, TEXT_MAX_LENGTH, Ticket

TICKET_FIELDS = frozenset(TicketSerializer.Meta.fields)


def files_field() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.FileField(
            allow_empty_file=True,
            use_url=False,
            error_messages={
                "invalid": gettext_lazy(
                    "Not a file: send files as multipart/form-data parts named files."
                )
            },
        ),
        required=False,
        help_text=(
            "multipart/form-data only: the files to attach, each as a part named `files`. "
            "Limits: see the introduction."
        ),
    )


class TicketCreateSerializer(InputSerializer):
    ignored_fields = TICKET_FIELDS

    files = files_field()

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
            raise serializers.ValidationError(
                _("No active staff user has the id %(id)s.") % {"id": value}
            )
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
    files = files_field()


class MacroApplySerializer(InputSerializer):
    macro = StrictIntegerField(
        min_value=1,
        max_value=MAX_TICKET_ID,
        help_text="The id of a macro the caller may use: a shared one or their own.",
    )
    preview = StrictBooleanField(
        required=False,
        default=False,
        help_text="true: answer what the macro would do, and do nothing.",
    )
