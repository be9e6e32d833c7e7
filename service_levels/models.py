from __future__ import annotations

import zoneinfo
from datetime import date, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from service_levels.clock import WEEKDAYS
from tickets.choices import TicketPriority

# A target longer than a year is no target.
MAX_TARGET_MINUTES = 366 * 24 * 60
MAX_HOLIDAYS = 400


def default_hours() -> dict[str, list[list[str]]]:
    return {day: [["09:00", "17:00"]] for day in WEEKDAYS[:5]}


def default_time_zone() -> str:
    return settings.TIME_ZONE


def validate_hours(value: object) -> None:
    """{"mon": [["09:00", "17:00"], ...], ...}: known days, each opening before it closes."""
    message = _(
        'Write opening hours as {"mon": [["09:00", "17:00"]], ...}; days are mon to sun, '
        "and 00:00 as a closing time means midnight."
    )
    if not isinstance(value, dict) or not set(value) <= set(WEEKDAYS):
        raise ValidationError(message, code="invalid")
    for intervals in value.values():
        if not isinstance(intervals, list) or len(intervals) > 6:
            raise ValidationError(message, code="invalid")
        for interval in intervals:
            if not (isinstance(interval, list) and len(interval) == 2):
                raise ValidationError(message, code="invalid")
            try:
                start, end = (time.fromisoformat(str(part)) for part in interval)
            except ValueError:
                raise ValidationError(message, code="invalid") from None
            if not (start < end or end == time(0)):
                raise ValidationError(message, code="invalid")


def validate_holidays(value: object) -> None:
    message = _('Write holidays as a list of dates: ["2026-12-25", "2027-01-01"].')
    if not isinstance(value, list) or len(value) > MAX_HOLIDAYS:
        raise ValidationError(message, code="invalid")
    for item in value:
        try:
            date.fromisoformat(str(item))
        except ValueError:
            raise ValidationError(message, code="invalid") from None


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("'%(value)s' is not a time zone name such as Europe/Berlin."),
            code="invalid",
            params={"value": value},
        )


class Calendar(models.Model):
    """Business hours: a time zone, weekly opening hours and holidays."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    hours = models.JSONField(
        _("opening hours"),
        default=default_hours,
        validators=[validate_hours],
        help_text=_('Per weekday, e.g. {"mon": [["09:00", "12:00"], ["13:00", "17:00"]]}.'),
    )
    holidays = models.JSONField(
        _("holidays"),
        default=list,
        blank=True,
        validators=[validate_holidays],
        help_text=_('Dates the office is closed, e.g. ["2026-12-25"].'),
    )

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Policy(models.Model):
    """Service level targets; the first policy (by position) whose conditions match applies."""

    Priority = TicketPriority

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Policies are tried in this order, lowest first.")
    )
    # Conditions: blank means any.
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)
    email_domain = models.CharField(
        _("reporter's email domain"),
        max_length=253,
        blank=True,
        help_text=_("e.g. example.com; blank for any."),
    )
    # Targets, in minutes; blank for no target.
    first_reply_minutes = models.PositiveIntegerField(
        _("first reply (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TARGET_MINUTES)],
    )
    next_reply_minutes = models.PositiveIntegerField(
        _("next reply (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TARGET_MINUTES)],
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TARGET_MINUTES)],
    )
    business_hours = models.BooleanField(
        _("count business hours only"),
        default=True,
        help_text=_("Off: every minute counts (calendar time)."),
    )
    calendar = models.ForeignKey(
        Calendar,
        on_delete=models.PROTECT,
        verbose_name=_("business calendar"),
        related_name="policies",
    )

    class Meta:
        verbose_name = _("service level policy")
        verbose_name_plural = _("service level policies")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(priority="") | Q(priority__in=TicketPriority.values),
                name="service_levels_policy_priority_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.email_domain = self.email_domain.strip().lower().lstrip("@")
        if not any((self.first_reply_minutes, self.next_reply_minutes, self.resolution_minutes)):
            raise ValidationError(gettext("Set at least one target."))


class Warning(models.Model):
    """One email about one target of one ticket: before it falls due, or once it breached.

    The unique row is what makes it once: a target's due time is warned about
    (and its breach told) at most once however many rule runs see it.
    """

    class Kind(models.TextChoices):
        # Translators: service level warning emails.
        SOON = "soon", _("Falls due soon")
        BREACHED = "breached", _("Breached")

    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("ticket"),
        db_index=False,
    )
    target = models.CharField(_("target"), max_length=20)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    due_at = models.DateTimeField(_("due at"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("service level warning")
        verbose_name_plural = _("service level warnings")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "target", "kind", "due_at"],
                name="service_levels_warning_once",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["soon", "breached"]),
                name="service_levels_warning_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.target} {self.kind}"
