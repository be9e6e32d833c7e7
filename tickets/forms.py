"""Forms of the ticket pages. They parse and bound input; tickets.services decides."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from helpdesk.forms import MultipleFileField, files_help_text
from tickets.models import MAX_TICKET_ID, SUBJECT_MAX_LENGTH, TEXT_MAX_LENGTH, Ticket


class VersionFields(forms.Form):
    """What the page knew when it was loaded, sent back with every change.

    `version` is the ticket's version, for refusing stale status changes and
    edits; `seen` is the ticket's last update in microseconds since the epoch,
    for showing what happened since.
    """

    version = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    seen = forms.IntegerField(
        min_value=0, max_value=MAX_TICKET_ID, required=False, widget=forms.HiddenInput
    )


class ReportIssueForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=SUBJECT_MAX_LENGTH,
        required=False,
        help_text=_(
            "A short summary. If you leave it empty, we use the first line of the description."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=TEXT_MAX_LENGTH,
        strip=False,
        help_text=_("What happened, what you expected, and anything you already tried."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=Ticket.Priority.choices,
        initial=Ticket.Priority.NORMAL,
        help_text=_("How much it gets in the way of your work."),
    )
    files = MultipleFileField(
        label=_("Screenshots or files"), help_text=lazy(files_help_text, str)()
    )


class ReplyForm(VersionFields):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=TEXT_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    files = MultipleFileField(
        label=_("Attach screenshots or files"), help_text=lazy(files_help_text, str)()
    )


class StatusForm(VersionFields):
    status = forms.ChoiceField(choices=Ticket.Status.choices)


class EditTicketForm(VersionFields):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=SUBJECT_MAX_LENGTH,
        required=False,
        help_text=_("Leave empty to use the first line of the description."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=TEXT_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
