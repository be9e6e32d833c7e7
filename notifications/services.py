"""Writes to notification preferences."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from notifications.models import STAFF_KINDS, Kind, NotificationPreferences
from tickets import workflow

if TYPE_CHECKING:
    from accounts.models import User


def kinds_for(user: User) -> list[str]:
    """The kinds of email that `user` can receive, in the order they are shown."""
    if workflow.is_helpdesk_staff(user):
        return list(Kind.values)
    return [kind for kind in Kind.values if kind not in STAFF_KINDS]


def preferences_of(user: User) -> NotificationPreferences:
    """The user's preferences; unsaved defaults when they never chose."""
    try:
        return user.notification_preferences
    except NotificationPreferences.DoesNotExist:
        return NotificationPreferences(user=user)


@transaction.atomic
def update_preferences(*, user: User, **choices: bool) -> NotificationPreferences:
    unknown = set(choices) - set(kinds_for(user))
    if unknown:
        raise ValidationError({name: "No such kind of email." for name in sorted(unknown)})
    prefs, _ = NotificationPreferences.objects.select_for_update().get_or_create(user=user)
    for kind, wanted in choices.items():
        setattr(prefs, kind, bool(wanted))
    prefs.save()
    return prefs
