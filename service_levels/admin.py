"""The console's pages of service level policies and business calendars."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext

from helpdesk.console import OfferedFiltersOnly
from service_levels import services
from service_levels.models import Calendar, Policy


class SettingsAdmin(OfferedFiltersOnly):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.save_settings(obj)
        messages.info(
            request,
            gettext(
                "New tickets and every change follow the new settings at once; the due "
                "times of open tickets are being brought up to date in the background."
            ),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.delete_settings(obj)


@admin.register(Policy)
class PolicyAdmin(SettingsAdmin):
    list_display = [
        "name",
        "position",
        "priority",
        "email_domain",
        "first_reply_minutes",
        "next_reply_minutes",
        "resolution_minutes",
        "business_hours",
        "calendar",
    ]
    list_editable: list[str] = []
    list_select_related = ["calendar"]
    ordering = ["position", "id"]


@admin.register(Calendar)
class CalendarAdmin(SettingsAdmin):
    list_display = ["name", "time_zone"]
