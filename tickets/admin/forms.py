"""Forms of the staff console. They parse and validate input; tickets.services writes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.admin.widgets import (
    AdminTextareaWidget,
    AdminTextInputWidget,
    AutocompleteSelect,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from helpdesk.forms import MultipleFileField, files_help_text
from tickets import selectors, workflow
from tickets.admin.wording import status_in_sentence
from tickets.models import SUBJECT_MAX_LENGTH, TEXT_MAX_LENGTH, Ticket
from tickets.text import normalize_newlines

if TYPE_CHECKING:
    from django.contrib.admin import AdminSite

# Which form field a service's ValidationError key belongs to.
FORM_FIELD_FOR = {"body": "reply"}


class TextField(forms.CharField):
    """Text whose line endings are normalised, so that an untouched textarea
    (which browsers send with CRLF) does not count as changed."""

    def to_python(self, value: Any) -> str:
        return normalize_newlines(super().to_python(value))


class NamedAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete, named after its field's label.

    Select2 hides the <select> and draws a combobox of its own, which the
    select's <label> does not name: screen readers announced an unnamed box.
    autocomplete_names.js points the combobox at the label. Deferred, because
    merged media may place it anywhere: it must run after the admin's scripts.
    """

    @property
    def media(self) -> forms.Media:
        names = forms.Script("admin_extra/autocomplete_names.js", defer=True)
        return super().media + forms.Media(js=[names])


class AssigneeSelect(NamedAutocompleteSelect):
    """The assignee's autocomplete, saying "Unassigned" when empty."""

    def build_attrs(self, base_attrs: dict, extra_attrs: dict | None = None) -> dict:
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        attrs["data-placeholder"] = _("Unassigned")
        return attrs


class StatusField(forms.ChoiceField):
    """The status to move to, whose refusal names the status as a sentence does."""

    def validate(self, value: Any) -> None:
        try:
            super().validate(value)
        except ValidationError as exc:
            if exc.code != "invalid_choice":
                raise
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": status_in_sentence(value)},
            ) from exc


def _normalised(value: Any) -> str:
    return normalize_newlines("" if value is None else str(value)).strip()


class TicketChangeForm(forms.Form):
    """The change page: edit the ticket, reply, move the status; all in one save.

    The ticket's editable fields carry their loaded values in hidden inputs
    (show_hidden_initial), so that only what the user changed is sent to the
    service, and a save refused as stale can be re-shown on top of the
    current ticket without undoing anyone else's change.
    """

    # The ticket fields modify_ticket may change, in the order the page shows them.
    EDITABLE = ("priority", "assignee", "subject", "description")

    version = forms.IntegerField(
        label=gettext_lazy("Version"), widget=forms.HiddenInput, min_value=1
    )
    reply = TextField(
        label=gettext_lazy("Reply"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=AdminTextareaWidget(
            attrs={"rows": 6, "placeholder": gettext_lazy("Write to the reporter…")}
        ),
    )
    files = MultipleFileField(label=gettext_lazy("Attach files"))
    internal = forms.BooleanField(
        label=gettext_lazy("Internal note (only staff see it)"),
        required=False,
    )
    status = StatusField(
        label=gettext_lazy("Set status"),
        required=False,
        help_text=gettext_lazy("Applied after the reply, in the same save."),
    )
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"), choices=Ticket.Priority.choices, show_hidden_initial=True
    )
    assignee = forms.ModelChoiceField(
        label=gettext_lazy("Assignee"),
        queryset=User.objects.none(),
        required=False,
        show_hidden_initial=True,
    )
    subject = forms.CharField(
        label=gettext_lazy("Subject"),
        max_length=SUBJECT_MAX_LENGTH,
        show_hidden_initial=True,
        widget=AdminTextInputWidget(attrs={"class": "vLargeTextField"}),
    )
    description = TextField(
        label=gettext_lazy("Description"),
        max_length=TEXT_MAX_LENGTH,
        show_hidden_initial=True,
        widget=AdminTextareaWidget(attrs={"rows": 8}),
    )

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        ticket: Ticket,
        user: User,
        admin_site: AdminSite,
    ) -> None:
        super().__init__(data, files, initial=self.initial_for(ticket))
        self.ticket = ticket
        allowed = workflow.allowed_transitions(user, ticket)
        status = self.fields["status"]
        current = status_in_sentence(ticket.status)
        status.choices = [
            # Translators: the status menu's first choice: leave the status as it is.
            ("", _("Keep %(status)s") % {"status": current}),
            *((value, Ticket.Status(value).label) for value in allowed),
        ]
        # %(value)s is left for the field to fill in (StatusField.validate).
        status.error_messages["invalid_choice"] = _(
            "A ticket that is %(status)s cannot be moved to %(value)s now."
        ) % {"status": current, "value": "%(value)s"}
        assignee = self.fields["assignee"]
        assignee.widget = AssigneeSelect(Ticket._meta.get_field("assignee"), admin_site)
        # After the widget, which takes its choices from the queryset.
        assignee.queryset = selectors.staff_users()
        assignee.error_messages["invalid_choice"] = _(
            "Tickets can only be assigned to active staff."
        )
        self.fields["files"].help_text = files_help_text()
        if ticket.is_closed:
            for field in self.fields.values():
                field.disabled = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("internal") and not (cleaned.get("reply") or "").strip():
            self.add_error("reply", _("Write the note, or untick “Internal note”."))
        elif cleaned.get("files") and not (cleaned.get("reply") or "").strip():
            self.add_error("reply", _("Write a few words to go with the files."))
        return cleaned

    @staticmethod
    def initial_for(ticket: Ticket) -> dict[str, Any]:
        return {
            "version": ticket.version,
            "status": "",
            "priority": ticket.priority,
            "assignee": ticket.assignee_id,
            "subject": ticket.subject,
            "description": ticket.description,
        }

    def changes(self) -> dict[str, Any]:
        """The ticket fields the user changed, as modify_ticket takes them."""
        changed = self.changed_data
        changes = {name: self.cleaned_data[name] for name in self.EDITABLE if name in changed}
        if self.cleaned_data.get("status"):
            changes["status"] = self.cleaned_data["status"]
        return changes

    def loaded_value(self, name: str) -> str:
        """The value of `name` when the user loaded the page (from its hidden input)."""
        return _normalised(self.data.get(self[name].html_initial_name))

    def rebased(self, current: Ticket, *, user: User, admin_site: AdminSite) -> TicketChangeForm:
        """This form's input on top of `current`, for a save refused as stale.

        Fields the user left alone show the current values; fields they
        changed keep what they typed, and are flagged when someone else
        changed them too. Saving the result applies only the user's changes.
        """
        data = self.data.copy()
        now = {name: _normalised(value) for name, value in self.initial_for(current).items()}
        conflicts = []
        for name in self.EDITABLE:
            if name in self.changed_data:
                theirs_changed = self.loaded_value(name) != now[name]
                if theirs_changed and _normalised(self.data.get(name)) != now[name]:
                    conflicts.append(name)
            else:
                data[name] = now[name]
            data[self[name].html_initial_name] = now[name]
        data["version"] = str(current.version)
        if data.get("status") == current.status:
            # Someone already moved it where this user wanted it.
            data["status"] = ""
        form = TicketChangeForm(data, ticket=current, user=user, admin_site=admin_site)
        form.is_valid()
        for name in conflicts:
            form.add_error(
                name,
                _(
                    "Someone else changed this to “%(value)s” meanwhile; "
                    "saving again will replace it with yours."
                )
                % {"value": display_value(current, name)},
            )
        return form


def display_value(ticket: Ticket, name: str) -> str:
    if name == "priority":
        return ticket.get_priority_display()
    if name == "assignee":
        return str(ticket.assignee) if ticket.assignee else _("Unassigned")
    value = getattr(ticket, name)
    return value if len(value) <= 60 else value[:59] + "…"


class TicketAddForm(forms.Form):
    """A ticket logged by staff for someone (a phone call, a walk-in): report_issue writes it."""

    reporter = forms.ModelChoiceField(
        label=gettext_lazy("Reporter"),
        queryset=User.objects.none(),
        help_text=gettext_lazy("The person who reported the issue."),
    )
    subject = forms.CharField(
        label=gettext_lazy("Subject"),
        required=False,
        max_length=SUBJECT_MAX_LENGTH,
        widget=AdminTextInputWidget(attrs={"class": "vLargeTextField"}),
        help_text=gettext_lazy("Leave it empty to use the first line of the description."),
    )
    description = TextField(
        label=gettext_lazy("Description"),
        max_length=TEXT_MAX_LENGTH,
        widget=AdminTextareaWidget(attrs={"rows": 8}),
    )
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"),
        choices=Ticket.Priority.choices,
        initial=Ticket.Priority.NORMAL,
    )

    def __init__(self, data: Any = None, *, admin_site: AdminSite) -> None:
        super().__init__(data)
        reporter = self.fields["reporter"]
        reporter.widget = NamedAutocompleteSelect(Ticket._meta.get_field("reporter"), admin_site)
        reporter.queryset = User.objects.filter(is_active=True)
