from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.choices import TicketPriority, TicketStatus
from tickets.models import TEXT_MAX_LENGTH


class Macro(models.Model):
    """A canned reply with field changes, applied to a ticket in one save."""

    class Assign(models.TextChoices):
        KEEP = "", _("Leave as it is")
        ME = "me", _("Me (whoever applies it)")
        NOBODY = "none", _("Unassigned")
        PERSON = "person", _("The person below")

    name = models.CharField(_("name"), max_length=100)
    body = models.TextField(
        _("reply"),
        max_length=TEXT_MAX_LENGTH,
        blank=True,
        help_text=_(
            "Placeholders: {{ reporter_name }}, {{ ticket_number }}, {{ subject }}, "
            "{{ staff_name }}. Nothing else is filled in."
        ),
    )
    is_internal = models.BooleanField(_("internal note"), default=False)
    status = models.CharField(
        _("set status"), max_length=10, choices=TicketStatus.choices, blank=True
    )
    priority = models.CharField(
        _("set priority"), max_length=10, choices=TicketPriority.choices, blank=True
    )
    assign = models.CharField(_("set assignee"), max_length=10, choices=Assign.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person to assign"),
        limit_choices_to={"is_staff": True, "is_active": True},
    )
    # Null: shared with all staff; else only its owner sees and uses it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="macros",
        verbose_name=_("owner"),
        db_index=False,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="") | Q(status__in=TicketStatus.values),
                name="macros_macro_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(priority="") | Q(priority__in=TicketPriority.values),
                name="macros_macro_priority_valid",
            ),
            models.CheckConstraint(
                condition=Q(assign__in=["", "me", "none", "person"]),
                name="macros_macro_assign_valid",
            ),
        ]
        indexes = [
            # The macros one staff member may use: the shared ones (owner NULL) and theirs.
            models.Index(fields=["owner", "name"], name="macros_owner_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None
