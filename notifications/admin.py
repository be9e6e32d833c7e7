from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from notifications.models import EmailDelivery, NotificationPreferences
from notifications.tasks import enqueue_delivery


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "recipient",
        "ticket_link",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "kind"]
    list_select_related = ["recipient", "event"]
    search_fields = ["recipient__username", "recipient__email", "=event__ticket__id"]
    readonly_fields = [
        "event",
        "recipient",
        "kind",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    ]
    actions = ["retry"]
    show_full_result_count = False

    @admin.display(description="ticket")
    def ticket_link(self, obj: EmailDelivery) -> str:
        return f"#{obj.event.ticket_id}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        # Re-sending mail is more than looking: superusers, or whoever was given
        # the change permission on deliveries (helpdesk staff only view them).
        return request.user.has_perm("notifications.change_emaildelivery")

    @admin.action(description="Try sending the selected failed emails again", permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[EmailDelivery]) -> None:
        failed = list(
            queryset.filter(status=EmailDelivery.Status.FAILED).values_list("pk", flat=True)
        )
        EmailDelivery.objects.filter(pk__in=failed).update(
            status=EmailDelivery.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
        )
        for pk in failed:
            enqueue_delivery(pk)
        self.message_user(
            request, f"Queued {len(failed)} email(s) to be sent again.", messages.SUCCESS
        )


@admin.register(NotificationPreferences)
class NotificationPreferencesAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "new_ticket",
        "staff_reply",
        "status_changed",
        "reporter_reply",
        "internal_note",
        "assigned",
    ]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[NotificationPreferences]:
        # Staff choose their own emails; only superusers manage everyone's.
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(user=request.user)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return [] if request.user.is_superuser else ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser
