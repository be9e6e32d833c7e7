"""What the web pages and the console share about forms.

A service refuses bad input with a ValidationError keyed by its own argument
names; a page shows each message beside the field of that name, or above the
form when the form has no such field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from collections.abc import Mapping

    from django.core.exceptions import ValidationError
    from django.forms import Form


def add_service_errors(
    form: Form, exc: ValidationError, *, field_for: Mapping[str, str] | None = None
) -> None:
    """Show a service's ValidationError next to the fields it names.

    `field_for` renames a service's argument to the form field that edits it,
    for forms whose field names differ from the service's.
    """
    for name, errors in exc.message_dict.items():
        field = field_for.get(name, name) if field_for else name
        form.add_error(field if field in form.fields else None, errors)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files from one <input type=file multiple>, as a list.

    The limits (size, count, names) are checked by the ticket services
    (tickets.attachments), the same for every interface; this only collects.
    """

    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attach files"))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        # Checked here too, before any file is looked at: the count is cheap to refuse.
        if len(files) > settings.ATTACHMENTS_MAX_FILES:
            raise forms.ValidationError(
                ngettext(
                    "You sent %(count)s files; a message takes at most %(limit)s file.",
                    "You sent %(count)s files; a message takes at most %(limit)s files.",
                    settings.ATTACHMENTS_MAX_FILES,
                )
                % {"count": len(files), "limit": settings.ATTACHMENTS_MAX_FILES}
            )
        return list(files)

    def has_changed(self, initial: Any, data: Any) -> bool:
        return bool(data)


def files_help_text() -> str:
    """What the file fields say about the limits, from settings."""
    from django.template.defaultfilters import filesizeformat

    return _(
        "Up to %(count)s files, each up to %(size)s. Images show as pictures; "
        "other files as downloads."
    ) % {
        "count": settings.ATTACHMENTS_MAX_FILES,
        "size": filesizeformat(settings.ATTACHMENTS_MAX_FILE_SIZE),
    }
