"""What the web pages and the console share about forms.

A service refuses bad input with a ValidationError keyed by its own argument
names; a page shows each message beside the field of that name, or above the
form when the form has no such field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
