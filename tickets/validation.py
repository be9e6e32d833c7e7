"""Field rules of the ticket services: what a subject, a text, a choice or an assignee must be.

Each function returns the cleaned value or raises Django's ValidationError keyed
by the service argument it checks, so every interface shows the message beside
the field that feeds it.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from tickets import workflow
from tickets.models import SUBJECT_MAX_LENGTH
from tickets.text import normalize_newlines

if TYPE_CHECKING:
    from accounts.models import User
    from tickets.models import Ticket


def clean_text(
    value: Any, *, field: str, max_length: int, required: bool = True, label: str | None = None
) -> str:
    label = label or field.capitalize()
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError({field: f"{label} must be text."})
    if "\x00" in value:
        raise ValidationError({field: f"{label} must not contain null characters."})
    value = normalize_newlines(value)
    if required and not value.strip():
        raise ValidationError({field: f"{label} is required."})
    if len(value) > max_length:
        raise ValidationError(
            {field: f"{label} must be at most {max_length:,} characters (it has {len(value):,})."}
        )
    return value


def clean_subject(subject: Any, *, description: str) -> str:
    subject = clean_text(
        subject, field="subject", max_length=SUBJECT_MAX_LENGTH, required=False
    ).strip()
    if subject:
        subject = subject.replace("\t", " ")
        # Any line break (U+2028 too) or control character would break the
        # subject line of every email about the ticket.
        if len(subject.splitlines()) > 1 or any(
            unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in subject
        ):
            raise ValidationError({"subject": "Subject must be a single line of plain text."})
        return subject
    return subject_from_description(description)


def subject_from_description(description: str) -> str:
    """The first non-blank line of the description, cut to the subject's length."""
    for line in description.splitlines():
        line = "".join(" " if unicodedata.category(c) == "Cc" else c for c in line).strip()
        if line:
            return line[:SUBJECT_MAX_LENGTH]
    return ""


def clean_choice(value: Any, *, field: str, choices: type[Ticket.Status | Ticket.Priority]) -> str:
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise ValidationError({field: f"'{value}' is not a valid {field}; use one of: {allowed}."})
    return value


def clean_assignee(value: Any) -> User | None:
    if value is None:
        return None
    if not workflow.is_helpdesk_staff(value):
        raise ValidationError({"assignee": "Tickets can only be assigned to active staff."})
    return value
