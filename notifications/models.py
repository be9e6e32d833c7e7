from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    # Translators: kinds of email a person may turn on or off, as the preferences list them.
    NEW_TICKET = (
        "new_ticket",
        _("A ticket is reported, or its reporter replies while unassigned"),
    )
    STAFF_REPLY = "staff_reply", _("Staff reply to my ticket")
    STATUS_CHANGED = "status_changed", _("My ticket is waiting on me, solved or closed")
    REPORTER_REPLY = "reporter_reply", _("The reporter replies on a ticket assigned to me")
    INTERNAL_NOTE = "internal_note", _("An internal note on a ticket assigned to me")
    ASSIGNED = "assigned", _("A ticket is assigned to me")


# The kinds that only make sense for helpdesk staff.
STAFF_KINDS = frozenset(
    {
        NotificationKind.NEW_TICKET,
        NotificationKind.REPORTER_REPLY,
        NotificationKind.INTERNAL_NOTE,
        NotificationKind.ASSIGNED,
    }
)


class NotificationPreferences(models.Model):
    """Which emails a user wants. No row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        verbose_name=_("user"),
        related_name="notification_preferences",
    )
    # Opt-in: a busy helpdesk would otherwise mail every agent about every ticket.
    new_ticket = models.BooleanField(NotificationKind.NEW_TICKET.label, default=False)
    staff_reply = models.BooleanField(NotificationKind.STAFF_REPLY.label, default=True)
    status_changed = models.BooleanField(NotificationKind.STATUS_CHANGED.label, default=True)
    reporter_reply = models.BooleanField(NotificationKind.REPORTER_REPLY.label, default=True)
    internal_note = models.BooleanField(NotificationKind.INTERNAL_NOTE.label, default=True)
    assigned = models.BooleanField(NotificationKind.ASSIGNED.label, default=True)

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")
        indexes = [
            # Staff who opted in to new tickets: the recipients of every new ticket.
            models.Index(
                fields=["user"], name="notif_prefs_new_ticket", condition=Q(new_ticket=True)
            ),
        ]

    def __str__(self) -> str:
        return gettext("Notification preferences of %(user)s") % {"user": self.user}

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, kind))

    @classmethod
    def defaults(cls) -> dict[str, bool]:
        return {kind: cls._meta.get_field(kind).default for kind in NotificationKind.values}


class EmailDelivery(models.Model):
    """One email to one person about one ticket event: the outbox and its record."""

    class Status(models.TextChoices):
        # Translators: the state of an email in the outbox.
        QUEUED = "queued", pgettext_lazy("email delivery", "Queued")
        SENT = "sent", pgettext_lazy("email delivery", "Sent")
        FAILED = "failed", pgettext_lazy("email delivery", "Failed")

    # No index of its own: the unique constraint on (event, recipient) leads with it.
    event = models.ForeignKey(
        "tickets.TicketEvent",
        on_delete=models.CASCADE,
        verbose_name=_("event"),
        related_name="email_deliveries",
        db_index=False,
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        verbose_name=_("recipient"),
        related_name="email_deliveries",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    # When the next try is due; the sweep command re-queues deliveries long overdue.
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One email per person per event, however often the event is planned.
            models.UniqueConstraint(
                fields=["event", "recipient"], name="notif_delivery_one_per_person_per_event"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sent", "failed"]),
                name="notif_delivery_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values),
                name="notif_delivery_kind_valid",
            ),
        ]
        indexes = [
            # Failed and stuck deliveries, for the admin and the sweep command.
            models.Index(
                fields=["status", "next_attempt_at"],
                name="notif_delivery_unsent",
                condition=~Q(status="sent"),
            ),
        ]

    def __str__(self) -> str:
        # Translators: an email in the outbox, e.g. "Staff reply to my ticket to alice (Sent)".
        return gettext("%(kind)s to %(recipient)s (%(status)s)") % {
            "kind": self.get_kind_display(),
            "recipient": self.recipient,
            "status": self.get_status_display(),
        }
