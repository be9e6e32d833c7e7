"""Field rules of the ticket services: what a subject, a text, a choice or an assignee must be.

Each function returns the cleaned value or raises Django's ValidationError keyed
by the service argument it checks, so every interface shows the message beside
the field that feeds it.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from tickets import workflow
from tickets.models import SUBJECT_MAX_LENGTH
from tickets.text import normalize_newlines

if TYPE_CHECKING:
    from accounts.models import User
    from tickets.models import Ticket


# What is said of each text field, by service argument: whole sentences that
# name the field as the forms feeding it do (Subject, Description, Message).
_TEXT_MESSAGES: dict[str, dict[str, Promise]] = {
    "subject": {
        "not_text": _("Subject must be text."),
        "null": _("Subject must not contain null characters."),
        "required": _("Subject is required."),
        "too_long": ngettext_lazy(
            "Subject must be at most %(limit)s character (it has %(length)s).",
            "Subject must be at most %(limit)s characters (it has %(length)s).",
            "count",
        ),
    },
    "description": {
        "not_text": _("Description must be text."),
        "null": _("Description must not contain null characters."),
        "required": _("Description is required."),
        "too_long": ngettext_lazy(
            "Description must be at most %(limit)s character (it has %(length)s).",
            "Description must be at most %(limit)s characters (it has %(length)s).",
            "count",
        ),
    },
    "body": {
        "not_text": _("Message must be text."),
        "null": _("Message must not contain null characters."),
        "required": _("Message is required."),
        "too_long": ngettext_lazy(
            "Message must be at most %(limit)s character (it has %(length)s).",
            "Message must be at most %(limit)s characters (it has %(length)s).",
            "count",
        ),
    },
}


def clean_text(value: Any, *, field: str, max_length: int, required: bool = True) -> str:
    """`field` is a service argument of _TEXT_MESSAGES: subject, description or body."""
    messages = _TEXT_MESSAGES[field]
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError({field: messages["not_text"]})
    if "\x00" in value:
        raise ValidationError({field: messages["null"]})
    value = normalize_newlines(value)
    if required and not value.strip():
        raise ValidationError({field: messages["required"]})
    if len(value) > max_length:
        counts = {"count": max_length, "limit": _count(max_length), "length": _count(len(value))}
        raise ValidationError({field: messages["too_long"] % counts})
    return value


def _count(number: int) -> str:
    """A count as the reader's locale writes it: 20,000 in English, 20.000 in German."""
    return number_format(number, force_grouping=True)


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
            raise ValidationError({"subject": _("Subject must be a single line of plain text.")})
        return subject
    return subject_from_description(description)


def subject_from_description(description: str) -> str:
    """The first non-blank line of the description, cut to the subject's length."""
    for line in description.splitlines():
        line = "".join(" " if unicodedata.category(c) == "Cc" else c for c in line).strip()
        if line:
            return line[:SUBJECT_MAX_LENGTH]
    return ""


# The values are named as the API takes them, the same in every language.
_NOT_A_CHOICE = {
    # Translators: %(value)s is what was sent; %(allowed)s lists the status values
    # to use instead (new, open, ...): identifiers, leave them untranslated.
    "status": _("'%(value)s' is not a valid status; use one of: %(allowed)s."),
    # Translators: %(value)s is what was sent; %(allowed)s lists the priority values
    # to use instead (low, normal, ...): identifiers, leave them untranslated.
    "priority": _("'%(value)s' is not a valid priority; use one of: %(allowed)s."),
}


def clean_choice(value: Any, *, field: str, choices: type[Ticket.Status | Ticket.Priority]) -> str:
    """`field` is status or priority; the message names the values, as the API takes them."""
    if value not in choices.values:
        raise ValidationError(
            {field: _NOT_A_CHOICE[field] % {"value": value, "allowed": ", ".join(choices.values)}}
        )
    return value


def clean_assignee(value: Any) -> User | None:
    if value is None:
        return None
    if not workflow.is_helpdesk_staff(value):
        raise ValidationError({"assignee": _("Tickets can only be assigned to active staff.")})
    return value
