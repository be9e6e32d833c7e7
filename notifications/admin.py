"""The console's pages of notifications: the email outbox, and everyone's preferences.

Both write through notifications.services: a retry re-queues failed deliveries,
and the preferences form changes only the kinds it was asked to, with the
same check as the web page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from helpdesk.console import OfferedFiltersOnly
from notifications import services
from notifications.models import EmailDelivery, NotificationKind, NotificationPreferences
from notifications.tasks import enqueue_delivery


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(OfferedFiltersOnly):
    list_display = [
        "number",
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

    # Django's header for an id is "ID", in English whatever the language.
    @admin.display(description=pgettext_lazy("an email delivery's number", "ID"), ordering="id")
    def number(self, obj: EmailDelivery) -> int:
        return obj.pk

    @admin.display(description=gettext_lazy("ticket"))
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

    @admin.action(
        description=gettext_lazy("Try sending the selected failed emails again"),
        permissions=["retry"],
    )
    def retry(self, request: HttpRequest, queryset: QuerySet[EmailDelivery]) -> None:
        failed = services.requeue_failed_deliveries(deliveries=queryset)
        for pk in failed:
            enqueue_delivery(pk)
        queued = ngettext(
            "Queued %(count)s email to be sent again.",
            "Queued %(count)s emails to be sent again.",
            len(failed),
        )
        self.message_user(request, queued % {"count": len(failed)}, messages.SUCCESS)


class PreferencesAdminForm(forms.ModelForm):
    """The kinds changed must be ones the user can receive, as on the web page."""

    class Meta:
        model = NotificationPreferences
        fields = ["user", *NotificationKind.values]

    def changed_kinds(self) -> dict[str, bool]:
        return {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name in NotificationKind.values
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        user = cleaned.get("user") or getattr(self.instance, "user", None)
        if user is not None:
            try:
                services.check_kinds(user=user, kinds=self.changed_kinds())
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


@admin.register(NotificationPreferences)
class NotificationPreferencesAdmin(OfferedFiltersOnly):
    form = PreferencesAdminForm
    list_display = ["user", *NotificationKind.values]
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
        # Whose preferences a row holds is chosen when it is added, never moved.
        return [] if request.user.is_superuser and obj is None else ["user"]

    def save_model(
        self,
        request: HttpRequest,
        obj: NotificationPreferences,
        form: PreferencesAdminForm,
        change: bool,
    ) -> None:
        saved = services.update_preferences(user=obj.user, **form.changed_kinds())
        # The console goes on with obj (its log entry, the redirect to its page).
        obj.pk = saved.pk
        obj._state.adding = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser
