from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tickets.choices import EventKind, TicketPriority, TicketStatus
from tickets.search import TicketSearchDocument

SUBJECT_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 20_000


# The largest ticket id any interface accepts: within a signed 64-bit integer
# (SQLite fails on larger ones) and the bound the API's schema publishes.
MAX_TICKET_ID = 10**18 - 1


def is_ticket_id(value: object) -> bool:
    """Whether `value` is a ticket id any interface accepts (1 to MAX_TICKET_ID)."""
    return isinstance(value, int) and 0 < value <= MAX_TICKET_ID


class TicketManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        # The search vector is as long as the ticket's text and only the
        # database's searches read it: leave it out of every SELECT (a list page
        # at 1M tickets spent a fifth of its query time carrying it).
        return super().get_queryset().defer("search_vector")


class Ticket(models.Model):
    """An issue reported by a user. Written only by tickets.services."""

    Status = TicketStatus
    Priority = TicketPriority

    # No index of its own: tickets_reporter_updated and tickets_reporter_status_upd
    # lead with reporter_id and serve every look-up by reporter.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        verbose_name=_("reporter"),
        related_name="reported_tickets",
        db_index=False,
    )
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=TEXT_MAX_LENGTH)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    # Priority as a number, so that lists order low < normal < high < urgent
    # from an index rather than alphabetically.
    priority_rank = models.GeneratedField(
        expression=Case(
            When(priority="low", then=Value(0)),
            When(priority="normal", then=Value(1)),
            When(priority="high", then=Value(2)),
            When(priority="urgent", then=Value(3)),
            default=Value(1),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    # No index of its own: tickets_assignee_status leads with assignee_id.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("assignee"),
        related_name="assigned_tickets",
        db_index=False,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    # Full-text search document, kept by PostgreSQL (NULL on SQLite); GIN-indexed
    # by migration 0003 because SQLite cannot create that index.
    search_vector = models.GeneratedField(
        expression=TicketSearchDocument(),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )
    # Bumped by every change; clients send it back (If-Match, hidden form field)
    # so that a write based on a stale copy is refused instead of applied.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # How many files are attached to the ticket and its messages, internal notes
    # included: the pages and the API look attachments up only when it is not 0,
    # so a ticket without any costs no query for them. 0 in the database too,
    # for bulk writers that leave it out (seed_load's COPY).
    attachment_count = models.PositiveIntegerField(
        _("attachment count"), default=0, db_default=0, editable=False
    )
    # Service levels (service_levels): derived from the events by the services in
    # the same write, for lists and filters; never the source of truth (the
    # repair_sla command rebuilds them). sla_state is the fold of the events
    # (service_levels.clock); each *_due is when a running target falls due.
    # Indexed (as every foreign key here) for deleting a policy, which sets it NULL.
    sla_policy = models.ForeignKey(
        "service_levels.Policy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("service level policy"),
        # Indexed in Meta (tickets_sla_policy), built concurrently on a big table.
        db_index=False,
    )
    # NULL or db defaults on the new columns: seed_load's COPY leaves them out
    # (run repair_sla after it to fill them).
    sla_state = models.JSONField(default=dict, null=True, blank=True, editable=False)
    sla_first_reply_due = models.DateTimeField(
        _("first reply due"), null=True, blank=True, editable=False
    )
    sla_next_reply_due = models.DateTimeField(
        _("next reply due"), null=True, blank=True, editable=False
    )
    sla_resolution_due = models.DateTimeField(
        _("resolution due"), null=True, blank=True, editable=False
    )
    sla_next_due = models.DateTimeField(_("next due"), null=True, blank=True, editable=False)
    # Targets missed for good (no longer running), comma-separated.
    sla_missed = models.CharField(
        max_length=40, blank=True, default="", db_default="", editable=False
    )
    sla_paused = models.BooleanField(default=False, db_default=False, editable=False)
    # Time to the first reply as the policy counts it (business time), for the dashboard.
    sla_first_reply_seconds = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # When staff first answered the reporter in public (tickets.services.post_message):
    # the dashboard's median time to first reply is an aggregate over the
    # month's tickets (tickets_created) instead of a look-up of messages per
    # ticket. Set once and kept: later replies do not move it, and it stays if
    # that reply were ever removed, as the reporter was answered then.
    # NULL: not answered yet (or loaded by seed_load without messages).
    first_staff_reply_at = models.DateTimeField(
        _("first staff reply at"), null=True, blank=True, editable=False
    )
    # When the time-based rules last reminded the reporter of this pending ticket.
    pending_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TicketManager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TicketStatus.values), name="tickets_ticket_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(priority__in=TicketPriority.values),
                name="tickets_ticket_priority_valid",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="tickets_ticket_version_gte_1"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(status=TicketStatus.CLOSED),
                name="tickets_ticket_closed_at_only_when_closed",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True)
                | Q(status__in=[TicketStatus.RESOLVED, TicketStatus.CLOSED]),
                name="tickets_ticket_resolved_at_only_when_done",
            ),
        ]
        indexes = [
            # A reporter's tickets, newest activity first: the "my tickets" page
            # and the API list for end users.
            models.Index(
                fields=["reporter", "-updated_at", "-id"], name="tickets_reporter_updated"
            ),
            # A reporter's tickets in one status: the tabs of "my tickets".
            models.Index(
                fields=["reporter", "status", "-updated_at", "-id"],
                name="tickets_reporter_status_upd",
            ),
            # All tickets by last update: the staff queue and the API list for staff.
            # created_at last, so that a created_before/after filter on that list is
            # checked in the index rather than row by row in the table: tickets
            # created a year ago lie deep in the update order (370 ms at 1M without
            # it, 6 ms with it).
            models.Index(fields=["-updated_at", "-id", "created_at"], name="tickets_updated"),
            # All tickets in one status by last update: the queue filtered by status.
            models.Index(fields=["status", "-updated_at", "-id"], name="tickets_status_updated"),
            # An assignee's tickets by status: "assigned to me" in the console.
            models.Index(
                fields=["assignee", "status", "-updated_at"], name="tickets_assignee_status"
            ),
            # Tickets by opening time: the console's "created" filter and age
            # column, the dashboard's created-per-day chart and first-reply median.
            models.Index(fields=["created_at", "id"], name="tickets_created"),
            # Answered tickets by opening time, with the first reply's time: the
            # dashboard's median time to first reply, from the index alone (the
            # rows themselves are wide: reading the month's 40,000 at 1M tickets
            # took 100 ms, the index 15).
            models.Index(
                fields=["created_at", "first_staff_reply_at"],
                name="tickets_created_first_reply",
                condition=Q(first_staff_reply_at__isnull=False),
            ),
            # Resolved tickets by resolution time: the dashboard's resolved-per-day chart.
            models.Index(
                fields=["resolved_at"],
                name="tickets_resolved",
                condition=Q(resolved_at__isnull=False),
            ),
            # Tickets by priority, ties by id: the API's ?ordering=(-)priority and
            # the console's priority column, read forwards or backwards.
            models.Index(fields=["priority_rank", "id"], name="tickets_priority"),
            # The console sorts a column ascending with the newest id first for ties.
            models.Index(fields=["priority_rank", "-id"], name="tickets_priority_newest"),
            # One status by priority: triage, "open tickets, most urgent first".
            models.Index(fields=["status", "priority_rank", "id"], name="tickets_status_priority"),
            # One priority's tickets counted per status: the console's status
            # tabs when the list is filtered by priority.
            models.Index(fields=["priority", "status"], name="tickets_priority_status"),
            # Tickets by when their next service level target falls due: the
            # console's "due" column and its late / due within an hour filters,
            # the API's sla=late|due_soon, the warnings. Only tickets with a
            # running target are in it.
            # Resolved tickets by resolution time: the rule that closes them (run_rules).
            models.Index(
                fields=["resolved_at", "id"],
                name="tickets_resolved_waiting",
                condition=Q(status="resolved"),
            ),
            models.Index(
                fields=["sla_next_due", "id"],
                name="tickets_sla_next_due",
                condition=Q(sla_next_due__isnull=False),
            ),
            # For deleting a policy, which sets its tickets' policy to NULL.
            models.Index(
                fields=["sla_policy"],
                name="tickets_sla_policy",
                condition=Q(sla_policy__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("tickets:detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Message(models.Model):
    """One entry of a ticket's conversation; internal notes are for staff only."""

    # No index of its own: tickets_message_ticket leads with ticket_id.
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.CASCADE,
        verbose_name=_("ticket"),
        related_name="messages",
        db_index=False,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        verbose_name=_("author"),
        related_name="messages",
    )
    body = models.TextField(_("body"), max_length=TEXT_MAX_LENGTH)
    is_internal = models.BooleanField(_("is internal"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [
            # A ticket's conversation in order: the ticket page and the messages endpoint.
            models.Index(fields=["ticket", "created_at", "id"], name="tickets_message_ticket"),
        ]

    def __str__(self) -> str:
        return gettext("Message %(id)s on ticket #%(ticket)s") % {
            "id": self.pk,
            "ticket": self.ticket_id,
        }


class TicketEvent(models.Model):
    """The append-only audit trail of a ticket."""

    Kind = EventKind

    # No index of its own: tickets_event_ticket leads with ticket_id.
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.CASCADE,
        verbose_name=_("ticket"),
        related_name="events",
        db_index=False,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("actor"),
        related_name="ticket_events",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # For "edited": which field changed (its name, an identifier).
    # Translators: the column that names which field of a ticket an edit changed.
    field = models.CharField(_("field"), max_length=20, blank=True)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    message = models.ForeignKey(
        Message,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("message"),
        related_name="events",
    )
    # True for events about internal notes, which end users never see.
    is_internal = models.BooleanField(_("is internal"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="tickets_event_kind_valid"
            ),
        ]
        indexes = [
            # A ticket's audit trail in order: the ticket page, admin and the events endpoint.
            models.Index(fields=["ticket", "created_at", "id"], name="tickets_event_ticket"),
        ]

    def __str__(self) -> str:
        # Translators: e.g. "Status changed on ticket #12".
        return gettext("%(kind)s on ticket #%(ticket)s") % {
            "kind": self.get_kind_display(),
            "ticket": self.ticket_id,
        }


ATTACHMENT_NAME_MAX_LENGTH = 200


class Attachment(models.Model):
    """A file on a ticket: on a message, or (message None) on the report itself.

    Written once by tickets.services and never changed. The file lives in the
    "attachments" storage under a random name (`storage_name`); what the
    uploader called it (`filename`, normalised) is only ever shown, escaped.
    Served only through the views that check who may see the ticket and the
    message, with the type the server decided from the file's bytes.
    """

    # No index of its own: tickets_attachment_ticket leads with ticket_id.
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.CASCADE,
        verbose_name=_("ticket"),
        related_name="attachments",
        db_index=False,
    )
    message = models.ForeignKey(
        Message,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("message"),
        related_name="attachments",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        verbose_name=_("uploaded by"),
        related_name="+",
    )
    filename = models.CharField(_("file name"), max_length=ATTACHMENT_NAME_MAX_LENGTH)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=100)
    storage_name = models.CharField(max_length=200, unique=True, editable=False)
    # A thumbnail re-encoded from the decoded pixels, for images only.
    thumbnail_name = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="tickets_attachment_not_empty"),
        ]
        indexes = [
            # A ticket's files, for the ticket page, the API and the per-ticket size limit.
            models.Index(fields=["ticket", "message"], name="tickets_attachment_ticket"),
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_image(self) -> bool:
        return bool(self.thumbnail_name)
