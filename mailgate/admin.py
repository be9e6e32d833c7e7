"""The console's page of inbound email: every message as received, and what became of it.

Read-only but for one action: process the failed ones again (after a fix),
through mailgate.services and the task queue like any new message.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from helpdesk.console import OfferedFiltersOnly
from mailgate import services
from mailgate.models import InboundMail
from mailgate.tasks import enqueue

# How much of the raw message the page shows; the whole is in the database.
RAW_PREVIEW_CHARS = 20_000


@admin.register(InboundMail)
class InboundMailAdmin(OfferedFiltersOnly):
    list_display = [
        "number",
        "sender",
        "subject",
        "outcome",
        "ticket_link",
        "mailbox",
        "received_at",
    ]
    list_filter = ["outcome"]
    search_fields = ["sender", "=ticket__id"]
    fields = [
        "mailbox",
        "header_message_id",
        "sender",
        "subject",
        "size",
        "outcome",
        "error",
        "attempts",
        "ticket",
        "message",
        "received_at",
        "processed_at",
        "raw_text",
    ]
    readonly_fields = fields
    actions = ["process_again"]
    show_full_result_count = False

    @admin.display(description=pgettext_lazy("an inbound email's number", "ID"), ordering="id")
    def number(self, obj: InboundMail) -> int:
        return obj.pk

    @admin.display(description=gettext_lazy("ticket"))
    def ticket_link(self, obj: InboundMail) -> str:
        return f"#{obj.ticket_id}" if obj.ticket_id else ""

    @admin.display(description=gettext_lazy("raw message"))
    def raw_text(self, obj: InboundMail) -> str:
        # Shown as text (the console escapes it): the mail is data, never markup.
        return bytes(obj.raw[:RAW_PREVIEW_CHARS]).decode("utf-8", errors="replace")

    def get_queryset(self, request: HttpRequest) -> QuerySet[InboundMail]:
        # The list never loads the raw messages: they can be megabytes each.
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("changelist"):
            queryset = queryset.defer("raw")
        return queryset

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_process_again_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("mailgate.change_inboundmail")

    @admin.action(
        description=gettext_lazy("Process the selected failed emails again"),
        permissions=["process_again"],
    )
    def process_again(self, request: HttpRequest, queryset: QuerySet[InboundMail]) -> None:
        ids = services.requeue(mails=queryset)
        for pk in ids:
            enqueue(pk)
        done = ngettext(
            "Queued %(count)s email to be processed again.",
            "Queued %(count)s emails to be processed again.",
            len(ids),
        )
        self.message_user(request, done % {"count": len(ids)}, messages.SUCCESS)
