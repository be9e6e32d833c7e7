from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class InboundMail(models.Model):
    """One email as it reached the helpdesk, raw, with what became of it.

    Stored before it is processed, so nothing is lost: a message that fails
    stays here with its error until staff process it again.
    """

    class Outcome(models.TextChoices):
        # Translators: what became of an email sent to the helpdesk.
        QUEUED = "queued", pgettext_lazy("inbound email", "Queued")
        TICKET = "ticket", pgettext_lazy("inbound email", "Ticket made")
        REPLY = "reply", pgettext_lazy("inbound email", "Reply posted")
        IGNORED = "ignored", pgettext_lazy("inbound email", "Ignored (automatic mail)")
        REFUSED = "refused", pgettext_lazy("inbound email", "Refused")
        FAILED = "failed", pgettext_lazy("inbound email", "Failed")

    # Where it came in: "pipe" (manage.py mailgate) or an IMAP mailbox's name.
    mailbox = models.CharField(_("mailbox"), max_length=200)
    # The Message-ID's SHA-256 (of the raw bytes when it has none): the same
    # message delivered twice to one mailbox is stored and processed once.
    dedupe_key = models.CharField(_("deduplication key"), max_length=64, editable=False)
    header_message_id = models.TextField(_("Message-ID"), blank=True)
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    raw = models.BinaryField(_("raw message"))
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.QUEUED
    )
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("ticket"),
        related_name="+",
    )
    message = models.ForeignKey(
        "tickets.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("message"),
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now, editable=False)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound emails")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "dedupe_key"], name="mailgate_inbound_once_per_mailbox"
            ),
            models.CheckConstraint(
                condition=Q(
                    outcome__in=["queued", "ticket", "reply", "ignored", "refused", "failed"]
                ),
                name="mailgate_inbound_outcome_valid",
            ),
        ]
        indexes = [
            # The per-sender limit on new tickets by email counts these.
            models.Index(
                fields=["sender", "processed_at"],
                name="mailgate_inbound_tickets_by",
                condition=Q(outcome="ticket"),
            ),
            # Failed and waiting messages, for the console's filter.
            models.Index(
                fields=["outcome", "received_at"],
                name="mailgate_inbound_unfinished",
                condition=Q(outcome__in=["queued", "failed"]),
            ),
        ]

    def __str__(self) -> str:
        # Translators: an email received, e.g. "Email from alice@example.com (Ticket made)".
        return gettext("Email from %(sender)s (%(outcome)s)") % {
            "sender": self.sender or "?",
            "outcome": self.get_outcome_display(),
        }
